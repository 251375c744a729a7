"""``kubectl logs`` through the API server to the (here: fake) kubelet, with --tail, --previous and -f."""

from __future__ import annotations

import asyncio

from tests.http.conftest import Api, pod

PODS = "/api/v1/namespaces/default/pods"


class FakeKubelet:
    """A kubelet log source: one line per virtual second since the container started."""

    def __init__(self, api: Api) -> None:
        self.clock = api.cluster.clock
        self.calls: list[tuple[str, str, str, bool, int | None]] = []

    def __call__(self, namespace: str, pod: str, container: str, previous: bool, tail: int | None) -> str:
        self.calls.append((namespace, pod, container, previous, tail))
        if previous:
            return "the previous container said goodbye\n"
        lines = [f"line {i}\n" for i in range(int(self.clock.now) + 1)]
        return "".join(lines[-tail:] if tail else lines)

    def read(self, namespace: str, pod: str, container: str, cursor: object) -> tuple[str, object]:
        """The kubelet's log reader (``-f``): the lines after ``cursor``, a count of lines read."""
        lines = [f"line {i}\n" for i in range(int(self.clock.now) + 1)]
        done = cursor if isinstance(cursor, int) else 0
        return "".join(lines[done:]), len(lines)


async def _running_pod(api: Api, kubelet: FakeKubelet) -> None:
    api.cluster.api.kubelets["n1"] = kubelet
    api.cluster.api.log_readers["n1"] = kubelet.read
    _, created = await api.call("POST", PODS, pod("p", node="n1"))
    created["status"]["containerStatuses"] = [
        {
            "name": "main",
            "ready": True,
            "restartCount": 0,
            "image": "busybox",
            "imageID": "",
            "state": {"running": {"startedAt": "2026-01-01T00:00:00Z"}},
        }
    ]
    code, _ = await api.call("PUT", PODS + "/p/status", created)
    assert code == 200


async def test_logs_tail_and_previous(api: Api) -> None:
    kubelet = FakeKubelet(api)
    await _running_pod(api, kubelet)
    api.cluster.clock.run_for(3)
    async with api.session.get(f"{api.url}{PODS}/p/log?tailLines=2") as response:
        assert response.status == 200 and response.content_type == "text/plain"
        assert await response.text() == "line 2\nline 3\n"
    async with api.session.get(f"{api.url}{PODS}/p/log?previous=true&container=main") as response:
        assert await response.text() == "the previous container said goodbye\n"
    assert kubelet.calls[-1] == ("default", "p", "main", True, None)


async def test_logs_of_a_pod_not_yet_scheduled(api: Api) -> None:
    """LogLocation: a pod with no node has no log location, and its log is empty (no kubelet to ask)."""
    await api.call("POST", PODS, pod("waiting"))
    async with api.session.get(f"{api.url}{PODS}/waiting/log") as response:
        assert response.status == 200 and await response.text() == ""
    code, _ = await api.call("GET", PODS + "/nope/log")
    assert code == 404


async def test_follow_streams_new_lines_as_virtual_time_passes(api: Api) -> None:
    kubelet = FakeKubelet(api)
    await _running_pod(api, kubelet)
    async with api.session.get(f"{api.url}{PODS}/p/log?follow=true") as response:
        assert await asyncio.wait_for(response.content.readline(), 5) == b"line 0\n"
        api.cluster.clock.run_for(2)
        assert await asyncio.wait_for(response.content.readline(), 5) == b"line 1\n"
        assert await asyncio.wait_for(response.content.readline(), 5) == b"line 2\n"
        _, current = await api.call("GET", PODS + "/p")
        current["status"]["containerStatuses"][0]["state"] = {"terminated": {"exitCode": 0, "reason": "Completed"}}
        await api.call("PUT", PODS + "/p/status", current)
        api.cluster.clock.run_for(1)
        rest = await asyncio.wait_for(response.content.read(), 5)  # the stream ends with the container
    assert rest == b"line 3\n"
