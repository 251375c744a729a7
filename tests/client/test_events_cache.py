"""The event recorder as client-go's EventCorrelator shapes it: combined, counted, rate-limited, uniquely named."""

from typing import Any

import pytest

from kubetui.client.events import EventRecorder
from kubetui.client.events_cache import (
    AGGREGATE_MAX_EVENTS,
    COMBINED_PREFIX,
    SPAM_BURST,
    TokenBucket,
)
from kubetui.client.lru import LRU
from kubetui.sim.cluster import Cluster

OWNER: dict[str, Any] = {
    "apiVersion": "apps/v1",
    "kind": "ReplicaSet",
    "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
}


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1, nodes=[], scheduler=False, controllers=False)


def _recorder(cluster: Cluster, component: str = "replicaset-controller", host: str = "") -> EventRecorder:
    return EventRecorder(cluster.client(component), component, host)


def _events(cluster: Cluster) -> list[dict[str, Any]]:
    return sorted(cluster.objects("events", "default"), key=lambda e: e["metadata"]["name"])


def test_a_thousand_creates_make_nine_events_and_one_combined_event(cluster: Cluster) -> None:
    recorder = _recorder(cluster)
    for i in range(1000):
        recorder.event(OWNER, "Normal", "SuccessfulCreate", f"Created pod: web-{i}")
    events = _events(cluster)
    names = [e["metadata"]["name"] for e in events]
    assert len(names) == len(set(names)) == AGGREGATE_MAX_EVENTS
    assert all(name.startswith("web.") for name in names)
    single = [e for e in events if not e["message"].startswith(COMBINED_PREFIX)]
    assert sorted(e["message"] for e in single) == sorted(f"Created pod: web-{i}" for i in range(9))
    assert all(e["count"] == 1 for e in single)
    [combined] = [e for e in events if e["message"].startswith(COMBINED_PREFIX)]
    # The burst of 25 covers 9 creates, the combined Event's create and 15 patches of it; the rest are dropped.
    assert combined["count"] == SPAM_BURST - 9
    assert combined["message"] == COMBINED_PREFIX + f"Created pod: web-{SPAM_BURST - 1}"


def test_dropped_events_still_count_once_the_budget_refills(cluster: Cluster) -> None:
    recorder = _recorder(cluster, "kubelet", "node-1")
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default", "uid": "u2"}}
    for _ in range(100):
        recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container")
    [event] = _events(cluster)
    assert event["count"] == SPAM_BURST
    cluster.run_for(299)
    recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container")
    assert _events(cluster)[0]["count"] == SPAM_BURST  # no token yet: one refills every 300 s
    cluster.run_for(2)
    recorder.event(pod, "Warning", "BackOff", "Back-off restarting failed container")
    [event] = _events(cluster)
    assert event["count"] == 102  # every occurrence was counted, as in "(x102 over 5m)"
    assert event["firstTimestamp"] != event["lastTimestamp"]


def test_each_source_and_object_has_its_own_budget(cluster: Cluster) -> None:
    controller, kubelet = _recorder(cluster), _recorder(cluster, "kubelet", "node-1")
    other = {**OWNER, "metadata": {**OWNER["metadata"], "name": "api", "uid": "u3"}}
    for _ in range(SPAM_BURST + 5):
        controller.event(OWNER, "Normal", "Repeated", "same")
        controller.event(other, "Normal", "Repeated", "same")
        kubelet.event(OWNER, "Normal", "Repeated", "same")
    counts = sorted(e["count"] for e in _events(cluster))
    assert counts == [SPAM_BURST] * 3


def test_similar_events_far_apart_are_not_combined(cluster: Cluster) -> None:
    recorder = _recorder(cluster)
    for i in range(AGGREGATE_MAX_EVENTS + 2):
        recorder.event(OWNER, "Normal", "SuccessfulCreate", f"Created pod: web-{i}")
        cluster.run_for(601)  # the aggregation window is 10 minutes since the last similar event
    messages = [e["message"] for e in _events(cluster)]
    assert len(messages) == AGGREGATE_MAX_EVENTS + 2
    assert not any(m.startswith(COMBINED_PREFIX) for m in messages)


def test_a_repeat_of_a_deleted_event_creates_it_again(cluster: Cluster) -> None:
    recorder = _recorder(cluster)
    recorder.event(OWNER, "Warning", "FailedCreate", "quota exceeded")
    [event] = _events(cluster)
    cluster.client("kubectl").delete("events", "default", event["metadata"]["name"])
    recorder.event(OWNER, "Warning", "FailedCreate", "quota exceeded")
    [again] = _events(cluster)
    assert again["metadata"]["name"] == event["metadata"]["name"]
    assert again["count"] == 2


def test_the_token_bucket_starts_full_and_refills_continuously() -> None:
    bucket = TokenBucket(qps=0.5, burst=2, tokens=2.0, last=0.0)
    assert [bucket.try_accept(0.0) for _ in range(3)] == [True, True, False]
    assert not bucket.try_accept(1.0)  # half a token
    assert bucket.try_accept(2.0)
    assert bucket.try_accept(100.0) and bucket.try_accept(100.0) and not bucket.try_accept(100.0)


def test_the_lru_forgets_the_entry_used_least_recently() -> None:
    cache: LRU[str, int] = LRU(size=2)
    cache.add("a", 1)
    cache.add("b", 2)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.add("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert len(cache) == 2


def test_components_naming_events_about_one_object_at_one_instant_never_collide(cluster: Cluster) -> None:
    """Event names hold nanoseconds; on the virtual clock every component reads the same instant, and a name
    taken by another component's event would cost a 409 (an orange line in the API pane) and a retry."""
    from kubetui.sim.trace import ApiRequest

    recorders = [_recorder(cluster, name) for name in ("kube-scheduler", "local-path-provisioner", "kubelet")]
    for recorder in recorders:
        recorder.event(OWNER, "Normal", "Something", f"from {recorder.component}")
        recorder.event(OWNER, "Normal", "Else", f"again from {recorder.component}")
    creates = [r for r in cluster.trace.history if isinstance(r, ApiRequest) and r.resource == "events"]
    assert [r.code for r in creates] == [201] * 6
    names = [e["metadata"]["name"] for e in cluster.objects("events", "default")]
    assert len(set(names)) == 6 and all(n.startswith("web.") for n in names)
