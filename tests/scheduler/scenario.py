"""A cluster without kubelets for scheduler scenarios: Nodes are created straight through the API."""

from __future__ import annotations

import contextlib
from typing import Any

from kubetui.apiserver.errors import ApiError
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import SchedulingDecision


class Scenario:
    def __init__(self, seed: int = 7) -> None:
        self.cluster = Cluster(seed, nodes=[], controllers=False)
        self.client = self.cluster.client("test")

    def node(
        self,
        name: str,
        cpu: str = "4",
        memory: str = "8Gi",
        labels: dict[str, str] | None = None,
        taints: list[dict[str, Any]] | None = None,
        pods: int = 110,
    ) -> None:
        allocatable = {"cpu": cpu, "memory": memory, "pods": str(pods)}
        self.client.create(
            "nodes",
            {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {"name": name, "labels": {"kubernetes.io/hostname": name, **(labels or {})}},
                "spec": {"taints": taints} if taints else {},
                "status": {
                    "allocatable": allocatable,
                    "capacity": dict(allocatable),
                    "conditions": [{"type": "Ready", "status": "True"}],
                },
            },
        )

    def pod(
        self,
        name: str,
        cpu: str = "100m",
        memory: str = "128Mi",
        labels: dict[str, str] | None = None,
        **spec: Any,
    ) -> None:
        container = {
            "name": "app",
            "image": "nginx:1.27",
            "resources": {"requests": {"cpu": cpu, "memory": memory}},
        }
        self.client.create(
            "pods",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": name, "namespace": "default", "labels": labels or {}},
                "spec": {"containers": [container], **spec},
            },
        )

    def run(self, seconds: float = 5.0) -> None:
        self.cluster.run_for(seconds)

    def node_of(self, name: str) -> str:
        pod = self.cluster.get("pods", "default", name)
        assert pod is not None
        return str(pod["spec"].get("nodeName") or "")

    def decisions(self, name: str) -> list[SchedulingDecision]:
        return [
            r for r in self.cluster.trace.history if isinstance(r, SchedulingDecision) and r.pod == f"default/{name}"
        ]

    def events(self, name: str, reason: str) -> list[dict[str, Any]]:
        return [
            e
            for e in self.cluster.objects("events", "default")
            if e["involvedObject"]["name"] == name and e["reason"] == reason
        ]

    def act_as_kubelet(self) -> None:
        """Finish graceful deletions at once, as a kubelet would after stopping the containers."""

        def on_events(events: list[tuple[str, dict[str, Any]]]) -> None:
            for kind, pod in events:
                meta = pod["metadata"]
                if kind == "MODIFIED" and meta.get("deletionTimestamp") and pod["spec"].get("nodeName"):
                    with contextlib.suppress(ApiError):
                        self.client.delete("pods", meta["namespace"], meta["name"], grace_period_seconds=0)

        self.client.watch("pods", on_events)
