"""Controller expectations: what a controller wrote but has not seen come back through its informer yet.

A ReplicaSet controller that just created 3 pods must not count pods again before its informer
has delivered them, or it would create 3 more. So it *expects* 3 creations and skips
``manageReplicas`` until the pod informer has observed them (or five minutes passed). Deletions
are tracked by pod key, so a pod that is seen twice (deletionTimestamp set, then gone) is counted
once. Follows ``ControllerExpectations`` and ``UIDTrackingControllerExpectations`` in
``pkg/controller/controller_utils.go``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kubetui.sim.clock import Clock

EXPECTATIONS_TIMEOUT = 300.0  # controller.ExpectationsTimeout: 5 minutes


@dataclass(slots=True)
class Expected:
    """ControlleeExpectations: creations and deletions still to be observed, and when they were set."""

    adds: int
    deletes: int
    since: float
    delete_keys: set[str] = field(default_factory=set)

    def fulfilled(self) -> bool:
        return self.adds <= 0 and self.deletes <= 0


class UIDTrackingExpectations:
    """Expectations per controller key (``namespace/name``), with the keys of the pods it deletes."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._by_key: dict[str, Expected] = {}

    def satisfied(self, key: str) -> bool:
        """SatisfiedExpectations: nothing pending, fulfilled, or expired (a lost event must not wedge it)."""
        exp = self._by_key.get(key)
        if exp is None:
            return True
        return exp.fulfilled() or self.clock.now - exp.since > EXPECTATIONS_TIMEOUT

    def expect_creations(self, key: str, adds: int) -> None:
        self._by_key[key] = Expected(adds, 0, self.clock.now)

    def expect_deletions(self, key: str, pod_keys: list[str]) -> None:
        self._by_key[key] = Expected(0, len(set(pod_keys)), self.clock.now, set(pod_keys))

    def creation_observed(self, key: str) -> None:
        exp = self._by_key.get(key)
        if exp is not None:
            exp.adds -= 1

    def deletion_observed(self, key: str, pod_key: str) -> None:
        """Counts a deletion only for a pod this controller asked to delete, and only once."""
        exp = self._by_key.get(key)
        if exp is not None and pod_key in exp.delete_keys:
            exp.delete_keys.discard(pod_key)
            exp.deletes -= 1

    def pending(self, key: str) -> tuple[int, int]:
        """(creations, deletions) still expected, for trace messages and tests."""
        exp = self._by_key.get(key)
        return (max(exp.adds, 0), max(exp.deletes, 0)) if exp is not None else (0, 0)

    def delete(self, key: str) -> None:
        self._by_key.pop(key, None)
