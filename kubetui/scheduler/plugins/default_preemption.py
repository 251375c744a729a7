"""DefaultPreemption: when a pod fits nowhere, evict lower-priority pods from one node to make room
(plugins/defaultpreemption/default_preemption.go, framework/preemption/preemption.go).

1. The pod must be allowed to preempt (preemptionPolicy is not Never, no victim of an earlier
   preemption still terminating on its nominated node).
2. Nodes rejected only for reasons preemption can fix (status Unschedulable) are tried, up to
   max(10 % of them, 100), starting at a random offset: on a copy of each node, every pod of lower
   priority is removed; if the pod then fits, victims are put back one by one, most important
   first (PDB-protected ones first), keeping each one whose return still lets the pod fit.
3. The node is chosen by: fewest PodDisruptionBudget violations, lowest highest-victim priority,
   lowest sum of victim priorities, fewest victims, latest start of the top-priority victims.
4. The victims get a DisruptionTarget condition, are deleted gracefully and get a ``Preempted``
   event; the pod is nominated to the node (status.nominatedNodeName) and tried again once the
   victims are gone.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from kubetui.api.meta import set_condition
from kubetui.apiserver.errors import ApiError
from kubetui.scheduler.framework import (
    Code,
    CycleState,
    NodeToStatus,
    PostFilterPlugin,
    PostFilterResult,
    Status,
    fit_error_message,
    unresolvable,
    unschedulable,
)
from kubetui.scheduler.helpers import label_selector, selector_is_empty
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo

MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100
MAX_INT32 = 2**31 - 1


@dataclass(slots=True)
class Candidate:
    node: str
    victims: list[PodInfo] = field(default_factory=list)
    pdb_violations: int = 0


class _Budget:
    """A PodDisruptionBudget reduced to what victim selection needs."""

    __slots__ = ("allowed", "disrupted", "namespace", "selector")

    def __init__(self, pdb: dict[str, Any], allowed: int) -> None:
        spec_selector = (pdb.get("spec") or {}).get("selector")
        self.namespace = pdb["metadata"].get("namespace", "")
        self.selector = None if selector_is_empty(spec_selector) else label_selector(spec_selector)
        self.disrupted: set[str] = set(((pdb.get("status") or {}).get("disruptedPods") or {}).keys())
        self.allowed = allowed


class DefaultPreemption(PostFilterPlugin):
    name = "DefaultPreemption"

    def post_filter(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        result, status = self._preempt(state, pod, statuses)
        if status.message:
            status = Status(status.code, f"preemption: {status.message}", plugin=self.name)
        return result, status

    def _preempt(
        self, state: CycleState, pod: PodInfo, statuses: NodeToStatus
    ) -> tuple[PostFilterResult | None, Status]:
        nominated = (pod.pod.get("status") or {}).get("nominatedNodeName") or ""
        eligible, why = self._eligible(pod, nominated, statuses.get(nominated) if nominated else None)
        if not eligible:
            return None, unschedulable(why)
        all_nodes = self.handle.cache.node_list()
        if not all_nodes:
            return None, Status(Code.ERROR, "no nodes available")
        candidates, node_statuses = self._find_candidates(state, pod, all_nodes, statuses)
        if not candidates:
            node_statuses.absent = unresolvable("Preemption is not helpful for scheduling")
            return PostFilterResult(nominated_node=""), unschedulable(fit_error_message(len(all_nodes), node_statuses))
        best = self._select(candidates)
        self._evict(best, pod)
        return (
            PostFilterResult(nominated_node=best.node, victims=tuple(v.key for v in best.victims)),
            Status(Code.SUCCESS),
        )

    # -- 1. eligibility --------------------------------------------------------------------------
    def _eligible(self, pod: PodInfo, nominated: str, nominated_status: Status | None) -> tuple[bool, str]:
        if (pod.pod.get("spec") or {}).get("preemptionPolicy") == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        if nominated:
            if nominated_status is not None and nominated_status.code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE:
                return True, ""
            node = self.handle.cache.node(nominated)
            if node is not None:
                for other in node.pods.values():
                    if other.priority < pod.priority and _terminating_by_preemption(other):
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    # -- 2. candidates ---------------------------------------------------------------------------
    def _find_candidates(
        self, state: CycleState, pod: PodInfo, all_nodes: Sequence[NodeInfo], statuses: NodeToStatus
    ) -> tuple[list[Candidate], NodeToStatus]:
        potential = statuses.nodes_with(Code.UNSCHEDULABLE, all_nodes)
        if not potential:
            return [], NodeToStatus()
        budgets = self._budgets()
        offset = self.handle.rng.randrange(len(potential))
        wanted = min(
            max(len(potential) * MIN_CANDIDATE_NODES_PERCENTAGE // 100, MIN_CANDIDATE_NODES_ABSOLUTE),
            len(potential),
        )
        clean: list[Candidate] = []
        violating: list[Candidate] = []
        node_statuses = NodeToStatus()
        for i in range(len(potential)):
            node = potential[(offset + i) % len(potential)]
            victims, violations, status = self._select_victims(state.clone(), pod, node.clone(), budgets)
            if status is None and victims:
                (violating if violations else clean).append(Candidate(node.name, victims, violations))
                if clean and len(clean) + len(violating) >= wanted:
                    break
                continue
            if status is None:
                status = Status(Code.ERROR, f'expected at least one victim pod on node "{node.name}"')
            node_statuses.explicit[node.name] = status
        return clean + violating, node_statuses

    def _select_victims(
        self, state: CycleState, pod: PodInfo, node: NodeInfo, budgets: list[_Budget]
    ) -> tuple[list[PodInfo], int, Status | None]:
        """SelectVictimsOnNode, on a copy of the node and of the cycle state."""
        framework = self.handle.framework
        assert framework is not None
        lower = [p for p in node.pods.values() if p.priority < pod.priority]
        if not lower:
            return [], 0, unresolvable("No preemption victims found for incoming pod")
        for victim in lower:
            node.remove_pod(victim.uid)
            framework.run_pre_filter_remove_pod(state, pod, victim, node)
        status = framework.run_filter_with_nominated(state, pod, node)
        if status is not None:
            return [], 0, status
        lower.sort(key=_importance)
        violating, non_violating = _split_by_budget(lower, budgets)
        victims: list[PodInfo] = []
        violations = 0

        def reprieve(candidate: PodInfo) -> bool:
            node.add_pod(candidate)
            framework.run_pre_filter_add_pod(state, pod, candidate, node)
            if framework.run_filter_with_nominated(state, pod, node) is None:
                return True
            node.remove_pod(candidate.uid)
            framework.run_pre_filter_remove_pod(state, pod, candidate, node)
            victims.append(candidate)
            return False

        for candidate in violating:
            if not reprieve(candidate):
                violations += 1
        for candidate in non_violating:
            reprieve(candidate)
        return victims, violations, None

    def _budgets(self) -> list[_Budget]:
        """PodDisruptionBudgets with how many more disruptions each allows: the disruption controller's
        status.disruptionsAllowed (0 before it has written one, as Go's zero value)."""
        return [
            _Budget(pdb, int((pdb.get("status") or {}).get("disruptionsAllowed") or 0))
            for pdb in sorted(
                self.handle.lister("poddisruptionbudgets"),
                key=lambda p: (p["metadata"].get("namespace", ""), p["metadata"]["name"]),
            )
        ]

    # -- 3. the node -----------------------------------------------------------------------------
    @staticmethod
    def _select(candidates: list[Candidate]) -> Candidate:
        """pickOneNodeForPreemption: each rule keeps the best nodes; the next rule breaks ties."""

        def highest_priority(c: Candidate) -> int:
            return c.victims[0].priority

        def earliest_top_start(c: Candidate) -> float:
            top = max(v.priority for v in c.victims)
            return min(v.start_time for v in c.victims if v.priority == top)

        rules = (
            lambda c: -c.pdb_violations,
            lambda c: -highest_priority(c),
            lambda c: -sum(v.priority + MAX_INT32 + 1 for v in c.victims),
            lambda c: -len(c.victims),
            earliest_top_start,
        )
        remaining = candidates
        for rule in rules:
            best = max(rule(c) for c in remaining)
            remaining = [c for c in remaining if rule(c) == best]
            if len(remaining) == 1:
                break
        return remaining[0]

    # -- 4. eviction -----------------------------------------------------------------------------
    def _evict(self, candidate: Candidate, pod: PodInfo) -> None:
        """prepareCandidate: mark, delete and announce each victim; clear weaker pods' nominations there."""
        client, recorder = self.handle.client, self.handle.recorder
        if client is None:
            return
        scheduler = self.handle.scheduler_name
        for victim in candidate.victims:
            try:
                status = {"conditions": [dict(c) for c in (victim.pod.get("status") or {}).get("conditions") or ()]}
                if set_condition(
                    status,
                    "DisruptionTarget",
                    "True",
                    client.now_iso(),
                    "PreemptionByScheduler",
                    f"{scheduler}: preempting to accommodate a higher priority pod",
                ):
                    condition = next(c for c in status["conditions"] if c["type"] == "DisruptionTarget")
                    client.patch(
                        "pods",
                        victim.namespace,
                        victim.name,
                        {"status": {"conditions": [condition]}},
                        subresource="status",
                    )  # a strategic merge patch: conditions merge by type
                client.delete("pods", victim.namespace, victim.name)
            except ApiError:
                continue  # already gone, or it changed under us: the next attempt looks again
            if recorder is not None:
                recorder.event(
                    victim.pod, "Normal", "Preempted", f"Preempted by pod {pod.uid} on node {candidate.node}"
                )
        nominator = self.handle.nominator
        if nominator is None:
            return
        for other in list(nominator.nominated_pods_for_node(candidate.node)):
            if other.priority < pod.priority and other.uid != pod.uid:
                with contextlib.suppress(ApiError):
                    client.merge_patch(
                        "pods",
                        other.namespace,
                        other.name,
                        {"status": {"nominatedNodeName": None}},
                        subresource="status",
                    )


def _importance(pod: PodInfo) -> tuple[int, float, str]:
    """Sort key for util.MoreImportantPod (most important first), with the name as a stable last resort."""
    return (-pod.priority, pod.start_time, pod.key)


def _split_by_budget(pods: list[PodInfo], budgets: list[_Budget]) -> tuple[list[PodInfo], list[PodInfo]]:
    """filterPodsWithPDBViolation: pods whose eviction would take a budget below zero, and the rest."""
    allowed = [b.allowed for b in budgets]
    violating: list[PodInfo] = []
    others: list[PodInfo] = []
    for pod in pods:
        violated = False
        if pod.labels:
            for i, budget in enumerate(budgets):
                if budget.namespace != pod.namespace or budget.selector is None:
                    continue
                if not budget.selector.matches(pod.labels) or pod.name in budget.disrupted:
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    violated = True
        (violating if violated else others).append(pod)
    return violating, others


def _terminating_by_preemption(pod: PodInfo) -> bool:
    """podTerminatingByPreemption: deleting, with the DisruptionTarget condition the scheduler sets."""
    if not pod.terminating:
        return False
    for cond in (pod.pod.get("status") or {}).get("conditions") or ():
        if cond.get("type") == "DisruptionTarget" and cond.get("reason") == "PreemptionByScheduler":
            return cond.get("status") == "True"
    return False

