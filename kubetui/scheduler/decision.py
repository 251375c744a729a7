"""One scheduling attempt as the learner sees it: every node's verdict, every plugin's score, and why.

The scheduler fills an :class:`Attempt` while it decides; :func:`to_record` turns it into the
``SchedulingDecision`` trace record that the scheduler pane shows and the tests read.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import compress, repeat
from operator import attrgetter, eq, gt
from typing import Any

from kubetui.scheduler.framework import NodeToStatus, PluginScores, Status
from kubetui.scheduler.nodeinfo import NodeInfo
from kubetui.scheduler.podinfo import PodInfo
from kubetui.sim.trace import NodeVerdict, SchedulingDecision


@dataclass(slots=True)
class Attempt:
    pod: PodInfo
    total_nodes: int = 0
    # The nodes the filters ran on, in order, and each one's verdict (None: passed every filter);
    # ``evaluated_statuses`` None: every one passed. Two columns, not 500 pairs per decision.
    evaluated_nodes: list[NodeInfo] = field(default_factory=list)
    evaluated_statuses: list[Status | None] | None = None
    feasible: list[NodeInfo] = field(default_factory=list)
    scores: list[PluginScores] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    statuses: NodeToStatus = field(default_factory=NodeToStatus)
    pre_filter: Status | None = None  # a PreFilter rejection, which applies to every node
    skipped: dict[str, list[str]] = field(default_factory=dict)  # plugin -> extension points it skipped
    percentage: int = 100
    sampled: bool = False  # filtering stopped once enough nodes fit
    narrowed_to: int | None = None  # nodes left after a PreFilterResult
    excluded: list[str] = field(default_factory=list)  # the nodes a PreFilterResult left out, never filtered
    excluded_by: str = ""  # the PreFilter plugins that narrowed
    chosen: str = ""
    how: str = ""
    message: str = ""
    nominated: str = ""
    victims: tuple[str, ...] = ()

    @property
    def evaluated(self) -> Iterable[tuple[NodeInfo, Status | None]]:
        """(node, verdict) for every node the filters ran on."""
        statuses = self.evaluated_statuses
        if statuses is None:
            return zip(self.evaluated_nodes, repeat(None))
        return zip(self.evaluated_nodes, statuses, strict=True)

    def evaluate(self, node: NodeInfo, status: Status | None) -> None:
        """Record one node's verdict."""
        if self.evaluated_statuses is None:
            self.evaluated_statuses = [None] * len(self.evaluated_nodes)
        self.evaluated_nodes.append(node)
        self.evaluated_statuses.append(status)

    def explain_choice(self, index: int, ties: int) -> str:
        """Why the chosen node won, in one line a learner can check against the scores."""
        totals = self.totals
        best = totals[index]
        # The runner-up is the greatest (total, name) below the best total: the greatest name among the
        # nodes with the second-highest total.
        second = max(filter(partial(gt, best), totals), default=None)  # C-level passes over ~400 totals
        runner_up = ""
        if second is not None:
            names = compress(map(attrgetter("name"), self.feasible), map(partial(eq, second), totals))
            runner_up = f"; next best {max(names)} with {second}"
        if ties > 1:
            return (
                f"tie-break: {ties} nodes share the highest total score {best}, "
                f"{self.feasible[index].name} picked at random (seeded){runner_up}"
            )
        return f"highest total score {best} of {len(self.feasible)} feasible nodes{runner_up}"

    def sampling_note(self) -> str:
        """How many nodes were looked at, when it was not all of them."""
        if self.narrowed_to is not None:
            return f" (PreFilter narrowed the {self.total_nodes} nodes down to {self.narrowed_to})"
        if not self.sampled:
            return ""
        return (
            f" (evaluated {len(self.evaluated_nodes)} of {self.total_nodes} nodes: "
            f"percentageOfNodesToScore {self.percentage}%)"
        )


def _score_rows(attempt: Attempt) -> tuple[list[str], list[tuple[tuple[int, int, int], ...]]]:
    """The plugins' names, and per feasible node its (raw, normalized, weight) under each plugin."""
    names = [s.plugin for s in attempt.scores]
    columns = [zip(s.raw, s.normalized, itertools.repeat(s.weight)) for s in attempt.scores]
    return names, list(zip(*columns, strict=True))


def _verdicts(attempt: Attempt) -> list[NodeVerdict]:
    if attempt.pre_filter is not None:
        rejection = attempt.pre_filter
        return [
            NodeVerdict(node=n.name, feasible=False, plugin=rejection.plugin, reason=rejection.message)
            for n, _ in attempt.evaluated
        ]
    verdicts: list[NodeVerdict] = []
    position = {id(n): i for i, n in enumerate(attempt.feasible)} if attempt.scores else {}
    names, rows = _score_rows(attempt) if attempt.scores else ([], [])
    for node, status in attempt.evaluated:
        if status is not None:
            verdicts.append(NodeVerdict(node=node.name, feasible=False, plugin=status.plugin, reason=status.message))
            continue
        i = position.get(id(node))
        if i is None:
            verdicts.append(NodeVerdict(node=node.name, feasible=True))
            continue
        scores = dict(zip(names, rows[i], strict=True))
        verdicts.append(NodeVerdict(node=node.name, feasible=True, scores=scores, total=attempt.totals[i]))
    reason = _excluded_reason(attempt)
    verdicts += [NodeVerdict(node=name, feasible=False, plugin=attempt.excluded_by, reason=reason)
                 for name in attempt.excluded]
    return verdicts


def _excluded_reason(attempt: Attempt) -> str:
    """What the nodes a PreFilterResult left out are told (SetAbsentNodesStatus)."""
    return f"node(s) didn't satisfy plugin(s) [{attempt.excluded_by.replace(',', ' ')}]" if attempt.excluded else ""


def _verdict_columns(attempt: Attempt) -> list[Any]:
    """Every node's verdict and every plugin's scores as a few flat lists (the trace hash reads every decision:
    at 1,000 nodes, 400 dicts of scores per decision cost more than the decision)."""
    if attempt.pre_filter is not None:
        rejection = attempt.pre_filter
        return ["prefilter", rejection.plugin, rejection.message, [n.name for n, _ in attempt.evaluated]]
    statuses = attempt.evaluated_statuses
    columns: list[Any] = [
        [n.name for n in attempt.evaluated_nodes],
        None if statuses is None else [None if st is None else (st.plugin, st.message) for st in statuses],
        [n.name for n in attempt.feasible],
        [(sc.plugin, sc.weight, sc.raw, sc.normalized) for sc in attempt.scores],
        attempt.totals,
    ]
    if attempt.excluded:
        columns.append([attempt.excluded, attempt.excluded_by])
    return columns


def _verdict_dicts(attempt: Attempt) -> list[dict[str, Any]]:
    """What ``SchedulingDecision.to_dict`` makes of the verdicts, built without the NodeVerdicts
    (the trace hash reads every decision, so this is the common way they are read)."""
    if attempt.pre_filter is not None:
        rejection = attempt.pre_filter
        return [
            {"node": n.name, "feasible": False, "plugin": rejection.plugin, "reason": rejection.message,
             "scores": {}, "total": 0}
            for n, _ in attempt.evaluated
        ]
    out: list[dict[str, Any]] = []
    names, rows = _score_rows(attempt) if attempt.scores else ([], [])
    totals = attempt.totals
    if (attempt.scores and attempt.evaluated_statuses is None and attempt.evaluated_nodes == attempt.feasible
            and not attempt.excluded):
        # every node looked at fits and was scored, in the same order
        return [
            {"node": node.name, "feasible": True, "plugin": "", "reason": "",
             "scores": dict(zip(names, row, strict=True)), "total": total}
            for node, row, total in zip(attempt.feasible, rows, totals, strict=True)
        ]  # fmt: skip
    position = {id(n): i for i, n in enumerate(attempt.feasible)} if attempt.scores else {}
    for node, status in attempt.evaluated:
        if status is not None:
            out.append({"node": node.name, "feasible": False, "plugin": status.plugin, "reason": status.message,
                        "scores": {}, "total": 0})
            continue
        i = position.get(id(node))
        if i is None:
            out.append({"node": node.name, "feasible": True, "plugin": "", "reason": "", "scores": {}, "total": 0})
            continue
        out.append({"node": node.name, "feasible": True, "plugin": "", "reason": "",
                    "scores": dict(zip(names, rows[i], strict=True)), "total": totals[i]})
    reason = _excluded_reason(attempt)
    out += [{"node": name, "feasible": False, "plugin": attempt.excluded_by, "reason": reason, "scores": {},
             "total": 0} for name in attempt.excluded]
    return out


class LazyVerdicts(list[NodeVerdict]):
    """The per-node verdicts of a decision, built the first time anyone reads them.

    A decision over 500 nodes has 500 verdicts with a score table each; building them costs more
    than deciding. Most records are never looked at in detail (the trace keeps thousands), so they
    are built on demand. Reading, iterating, hashing or changing the list builds it first.
    """

    __slots__ = ("_attempt",)

    def __init__(self, items: Iterable[NodeVerdict] = (), attempt: Attempt | None = None) -> None:
        super().__init__(items)
        self._attempt = attempt

    def as_columns(self) -> list[Any]:
        """The verdicts' facts in columns, for the trace hash: what :meth:`as_dicts` says, far cheaper to encode.

        The hash is taken in ``TraceBus.emit``, before anyone can read (and so build) the verdicts: the scheduler
        emits the record it has just made. A record built by other means is hashed as dicts.
        """
        attempt = getattr(self, "_attempt", None)
        if attempt is None:
            return self.as_dicts()
        return _verdict_columns(attempt)

    def as_dicts(self) -> list[dict[str, Any]]:
        """The verdicts as ``SchedulingDecision.to_dict`` gives them, without building them if not built yet."""
        attempt = getattr(self, "_attempt", None)
        if attempt is not None:
            return _verdict_dicts(attempt)
        return [
            {"node": v.node, "feasible": v.feasible, "plugin": v.plugin, "reason": v.reason,
             "scores": dict(v.scores), "total": v.total}
            for v in list.__iter__(self)
        ]

    def _fill(self) -> None:
        attempt = getattr(self, "_attempt", None)  # a copy made by pickle/deepcopy skipped __init__
        self._attempt = None
        if attempt is not None:
            list.extend(self, _verdicts(attempt))


def _building_first(name: str) -> Any:
    method = getattr(list, name)

    def wrapper(self: LazyVerdicts, *args: Any, **kwargs: Any) -> Any:
        self._fill()
        return method(self, *args, **kwargs)

    wrapper.__name__ = name
    return wrapper


for _name in (
    "__iter__",
    "__len__",
    "__getitem__",
    "__repr__",
    "__eq__",
    "__ne__",
    "__contains__",
    "__reversed__",
    "__add__",
    "__mul__",
    "__iadd__",
    "__setitem__",
    "__delitem__",
    "__reduce_ex__",
    "index",
    "count",
    "copy",
    "append",
    "extend",
    "insert",
    "pop",
    "remove",
    "clear",
    "sort",
    "reverse",
):
    setattr(LazyVerdicts, _name, _building_first(_name))


def to_record(attempt: Attempt, duration_ms: float) -> SchedulingDecision:
    return SchedulingDecision(
        pod=attempt.pod.key,
        node=attempt.chosen,
        message=attempt.message,
        reason=attempt.how,
        verdicts=LazyVerdicts(attempt=attempt),
        nominated=attempt.nominated,
        duration_ms=duration_ms,
        total_nodes=attempt.total_nodes,
        evaluated=len(attempt.evaluated_nodes),
        victims=list(attempt.victims),
        skipped=[f"{plugin}: {', '.join(points)}" for plugin, points in attempt.skipped.items()],
    )
