"""DefaultBinder: plugins/defaultbinder/default_binder_test.go (TestDefaultBinder): a successful binding,
and a binding the API server refuses."""

from __future__ import annotations

from kubetui.apiserver.errors import ApiError
from kubetui.scheduler.cache import Cache
from kubetui.scheduler.framework import Code, CycleState, Handle
from kubetui.scheduler.plugins.default_binder import DefaultBinder
from kubetui.scheduler.podinfo import PodInfo
from tests.scheduler.builders import pod


class FakeClient:
    def __init__(self, error: ApiError | None = None) -> None:
        self.error = error
        self.bound: list[tuple[str, str, str]] = []

    def bind(self, namespace: str, name: str, node: str) -> None:
        if self.error is not None:
            raise self.error
        self.bound.append((namespace, name, node))


def test_successful() -> None:
    client = FakeClient()
    binder = DefaultBinder(Handle(Cache(), client=client))  # type: ignore[arg-type]
    assert binder.bind(CycleState(), PodInfo(pod("foo", namespace="ns")), "foohost.kubernetes.mydomain.com") is None
    assert client.bound == [("ns", "foo", "foohost.kubernetes.mydomain.com")]


def test_binding_error() -> None:
    client = FakeClient(ApiError(409, "Conflict", 'Operation cannot be fulfilled on pods/binding "foo"'))
    binder = DefaultBinder(Handle(Cache(), client=client))  # type: ignore[arg-type]
    status = binder.bind(CycleState(), PodInfo(pod("foo", namespace="ns")), "foohost.kubernetes.mydomain.com")
    assert status is not None and status.code == Code.ERROR
    assert status.message == 'Operation cannot be fulfilled on pods/binding "foo"'
