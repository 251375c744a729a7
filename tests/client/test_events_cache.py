"""Many events about one object at one instant get distinct names, each in constant time."""

from kubetui.client.events import EventRecorder
from kubetui.sim.cluster import Cluster


def test_a_thousand_events_at_one_instant_all_stored_with_distinct_names() -> None:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    recorder = EventRecorder(cluster.client("replicaset-controller"), "replicaset-controller")
    owner = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "u1"},
    }
    for i in range(1000):
        recorder.event(owner, "Normal", "SuccessfulCreate", f"Created pod: web-{i}")
    names = [e["metadata"]["name"] for e in cluster.objects("events", "default")]
    assert len(names) == len(set(names)) == 1000
    assert all(name.startswith("web.") for name in names)
