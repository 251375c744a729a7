"""DefaultBinder: writes the decision as a Binding (POST pods/<name>/binding) through the API server."""

from __future__ import annotations

from kubetui.apiserver.errors import ApiError
from kubetui.scheduler.framework import BindPlugin, Code, CycleState, Status
from kubetui.scheduler.podinfo import PodInfo


class DefaultBinder(BindPlugin):
    name = "DefaultBinder"

    def bind(self, state: CycleState, pod: PodInfo, node: str) -> Status | None:
        client = self.handle.client
        if client is None:
            return Status(Code.ERROR, "no API client to bind with")
        try:
            client.bind(pod.namespace, pod.name, node)
        except ApiError as err:
            return Status(Code.ERROR, err.message)
        return None
