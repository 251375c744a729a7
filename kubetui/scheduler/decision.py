"""One scheduling attempt as the learner sees it: every node's verdict, every plugin's score, and why.

The scheduler fills an :class:`Attempt` while it decides; :func:`to_record` turns it into the
``SchedulingDecision`` trace record that the scheduler pane shows and the tests read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubetui.scheduler.framework import NodeToStatus, PluginScores, Status
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo
from kubetui.sim.trace import NodeVerdict, SchedulingDecision


@dataclass(slots=True)
class Attempt:
    pod: PodInfo
    total_nodes: int = 0
    evaluated: list[tuple[NodeInfo, Status | None]] = field(default_factory=list)  # None: passed every filter
    feasible: list[NodeInfo] = field(default_factory=list)
    scores: list[PluginScores] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    statuses: NodeToStatus = field(default_factory=NodeToStatus)
    pre_filter: Status | None = None  # a PreFilter rejection, which applies to every node
    skipped: list[str] = field(default_factory=list)  # plugins that had nothing to do for this pod
    percentage: int = 100
    chosen: str = ""
    how: str = ""
    message: str = ""
    nominated: str = ""
    victims: tuple[str, ...] = ()

    def explain_choice(self, index: int, ties: int) -> str:
        """Why the chosen node won, in one line a learner can check against the scores."""
        best = self.totals[index]
        others = sorted(
            ((t, n.name) for t, n in zip(self.totals, self.feasible, strict=True) if t < best), reverse=True
        )
        runner_up = f"; next best {others[0][1]} with {others[0][0]}" if others else ""
        if ties > 1:
            return (
                f"tie-break: {ties} nodes share the highest total score {best}, "
                f"{self.feasible[index].name} picked at random (seeded){runner_up}"
            )
        return f"highest total score {best} of {len(self.feasible)} feasible nodes{runner_up}"

    def sampling_note(self) -> str:
        if len(self.evaluated) >= self.total_nodes:
            return ""
        return (
            f" (evaluated {len(self.evaluated)} of {self.total_nodes} nodes: "
            f"percentageOfNodesToScore {self.percentage}%)"
        )


def to_record(attempt: Attempt, duration_ms: float) -> SchedulingDecision:
    verdicts: list[NodeVerdict] = []
    if attempt.pre_filter is not None:
        rejection = attempt.pre_filter
        verdicts = [
            NodeVerdict(node=n.name, feasible=False, plugin=rejection.plugin, reason=rejection.message)
            for n, _ in attempt.evaluated
        ]
    else:
        position = {id(n): i for i, n in enumerate(attempt.feasible)}
        for node, status in attempt.evaluated:
            if status is not None:
                verdicts.append(
                    NodeVerdict(node=node.name, feasible=False, plugin=status.plugin, reason=status.message)
                )
                continue
            i = position.get(id(node))
            if i is None or not attempt.scores:
                verdicts.append(NodeVerdict(node=node.name, feasible=True))
                continue
            verdicts.append(
                NodeVerdict(
                    node=node.name,
                    feasible=True,
                    scores={s.plugin: (s.raw[i], s.normalized[i], s.weight) for s in attempt.scores},
                    total=attempt.totals[i],
                )
            )
    return SchedulingDecision(
        pod=attempt.pod.key,
        node=attempt.chosen,
        message=attempt.message,
        reason=attempt.how,
        verdicts=verdicts,
        nominated=attempt.nominated,
        duration_ms=duration_ms,
        total_nodes=attempt.total_nodes,
        evaluated=len(attempt.evaluated),
        victims=list(attempt.victims),
    )
