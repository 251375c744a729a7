"""scheduling.k8s.io's built-in objects: the two system PriorityClasses every cluster has (pkg/apis/scheduling)."""

from __future__ import annotations

# name -> (value, description); the API server creates them at start (AddSystemPriorityClasses), validation
# reserves their names and values, and the Priority admission plugin resolves them.
SYSTEM_PRIORITY_CLASSES: dict[str, tuple[int, str]] = {
    "system-node-critical": (
        2_000_001_000, "Used for system critical pods that must not be moved from their current node."),
    "system-cluster-critical": (
        2_000_000_000,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary."),
}
