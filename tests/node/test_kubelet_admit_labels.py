"""The kubelet admits a pod by its nodeSelector against its Node's labels as the API has them."""

from __future__ import annotations

from kubetui.sim.cluster import Cluster


def _pod(name: str, selector: dict[str, str]) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"nodeSelector": selector, "containers": [{"name": "c", "image": "nginx:1.27"}]}}


def _phase(cluster: Cluster, name: str) -> tuple[str, str]:
    status = (cluster.get("pods", "default", name) or {}).get("status") or {}
    return str(status.get("phase")), str(status.get("reason", ""))


def test_well_known_and_user_added_labels_admit_the_pod() -> None:
    """metrics-server's components.yaml selects kubernetes.io/os=linux; "Assign Pods to Nodes" labels a node
    disktype=ssd first. Both pods used to fail NodeAffinity at the kubelet after the scheduler had placed them."""
    cluster = Cluster(seed=1)
    api = cluster.client("kubectl")
    api.create("pods", _pod("os", {"kubernetes.io/os": "linux"}))
    api.patch("nodes", "", "node-2", {"metadata": {"labels": {"disktype": "ssd"}}})
    api.create("pods", _pod("ssd", {"disktype": "ssd"}))
    assert cluster.run_until(lambda: _phase(cluster, "os")[0] == "Running" and _phase(cluster, "ssd")[0] == "Running",
                             timeout=60), (_phase(cluster, "os"), _phase(cluster, "ssd"))
    assert (cluster.get("pods", "default", "ssd") or {})["spec"]["nodeName"] == "node-2"


def test_a_pod_bound_to_a_node_its_selector_does_not_match_is_rejected() -> None:
    cluster = Cluster(seed=1)
    pod = _pod("wrong", {"disktype": "ssd"})
    pod["spec"]["nodeName"] = "node-1"  # type: ignore[index]
    cluster.client("kubectl").create("pods", pod)
    assert cluster.run_until(lambda: _phase(cluster, "wrong") == ("Failed", "NodeAffinity"), timeout=30)
