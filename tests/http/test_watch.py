"""Watches over HTTP: JSON lines, chunked; bookmarks, timeouts, tables, and clean-up on hang-up."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import orjson

from tests.http.conftest import KUBECTL_AGENT, TABLE, Api

CONFIGMAPS = "/api/v1/namespaces/default/configmaps"


def configmap(name: str, **data: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


async def _event(response: aiohttp.ClientResponse) -> dict[str, Any]:
    line = await asyncio.wait_for(response.content.readline(), 5)
    assert line, "the watch ended"
    event: dict[str, Any] = orjson.loads(line)
    return event


async def test_watch_from_a_list_streams_changes(api: Api) -> None:
    _, listed = await api.call("GET", CONFIGMAPS)
    url = f"{api.url}{CONFIGMAPS}?watch=true&resourceVersion={listed['metadata']['resourceVersion']}"
    async with api.session.get(url, headers={"User-Agent": KUBECTL_AGENT}) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
        await api.call("POST", CONFIGMAPS, configmap("a", k="1"))
        await api.call("PATCH", CONFIGMAPS + "/a", {"data": {"k": "2"}}, content_type="application/merge-patch+json")
        await api.call("DELETE", CONFIGMAPS + "/a")
        api.settle()
        events = [await _event(response) for _ in range(3)]
    assert [e["type"] for e in events] == ["ADDED", "MODIFIED", "DELETED"]
    assert events[1]["object"]["data"] == {"k": "2"}
    revisions = [int(e["object"]["metadata"]["resourceVersion"]) for e in events]
    assert revisions == sorted(revisions)


async def test_watch_without_resource_version_starts_with_what_exists(api: Api) -> None:
    await api.call("POST", CONFIGMAPS, configmap("old"))
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=1&labelSelector=") as response:
        api.settle()
        event = await _event(response)
    assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "old")


async def test_bookmarks_carry_the_latest_revision(api: Api) -> None:
    _, listed = await api.call("GET", CONFIGMAPS)
    await api.call(
        "POST",
        "/api/v1/namespaces/default/secrets",
        {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}},
    )
    rv = listed["metadata"]["resourceVersion"]
    url = f"{api.url}{CONFIGMAPS}?watch=true&allowWatchBookmarks=true&resourceVersion={rv}"
    async with api.session.get(url) as response:
        event = await _event(response)
    assert event["type"] == "BOOKMARK"
    assert event["object"]["kind"] == "ConfigMap"
    # Nothing matched the watch, but the bookmark moves its resourceVersion past the Secret's write.
    assert event["object"]["metadata"]["resourceVersion"] == str(api.cluster.store.revision)


async def test_timeout_seconds_ends_the_stream(api: Api) -> None:
    async with api.session.get(f"{api.url}{CONFIGMAPS}?watch=true&timeoutSeconds=1") as response:
        body = await asyncio.wait_for(response.read(), 5)
    assert body == b""
    assert not api.cluster.api.watches


async def test_a_client_that_hangs_up_stops_the_api_watch(api: Api) -> None:
    response = await api.session.get(f"{api.url}{CONFIGMAPS}?watch=true")
    assert len(api.cluster.api.watches) == 1
    response.close()
    for _ in range(100):
        if not api.cluster.api.watches:
            break
        await asyncio.sleep(0.02)
    assert not api.cluster.api.watches


async def test_a_compacted_resource_version_is_410_gone(api: Api) -> None:
    for i in range(3):
        await api.call("POST", CONFIGMAPS, configmap(f"c{i}"))
    api.cluster.store.compact(api.cluster.store.revision)
    code, status = await api.call("GET", f"{CONFIGMAPS}?watch=true&resourceVersion=2")
    assert code == 410 and status["reason"] == "Expired"


async def test_table_watches_send_column_definitions_once(api: Api) -> None:
    _, listed = await api.call("GET", CONFIGMAPS)
    url = f"{api.url}{CONFIGMAPS}?watch=true&resourceVersion={listed['metadata']['resourceVersion']}"
    async with api.session.get(url, headers={"Accept": TABLE}) as response:
        await api.call("POST", CONFIGMAPS, configmap("a", k="1"))
        await api.call("POST", CONFIGMAPS, configmap("b"))
        api.settle()
        api.cluster.clock.run_for(100)  # rows are printed when the event happens, not when it is written
        first, second = await _event(response), await _event(response)
    assert first["object"]["kind"] == "Table"
    assert [c["name"] for c in first["object"]["columnDefinitions"]] == ["Name", "Data", "Age"]
    assert first["object"]["rows"][0]["cells"] == ["a", 1, "0s"]
    assert second["object"]["columnDefinitions"] == []
    assert second["object"]["rows"][0]["cells"][0] == "b"


async def test_the_legacy_watch_path_watches_one_object(api: Api) -> None:
    await api.call("POST", CONFIGMAPS, configmap("a"))
    await api.call("POST", CONFIGMAPS, configmap("b"))
    async with api.session.get(f"{api.url}/api/v1/watch/namespaces/default/configmaps/b") as response:
        api.settle()
        event = await _event(response)
    assert event["object"]["metadata"]["name"] == "b"
