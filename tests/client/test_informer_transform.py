"""The controller manager's and scheduler's informers drop managedFields, as Kubernetes' do."""

from kubetui.client.informer import Informer, InformerFactory
from kubetui.sim.cluster import Cluster


def test_factory_informers_strip_managed_fields_and_plain_ones_keep_them() -> None:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    cluster.client("kubectl").create(
        "configmaps",
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"x": "y"}},
        "default",
    )
    shared = InformerFactory(cluster.client("kube-controller-manager")).informer("configmaps")
    plain = Informer(cluster.client("kubelet/node-1"), "configmaps")
    updated: list[dict] = []
    shared.add_handlers(on_update=lambda old, new: updated.append(new))
    shared.start()
    plain.start()
    cluster.client("kubectl").merge_patch("configmaps", "default", "c", {"data": {"a": "1"}})
    cluster.clock.settle()
    assert "managedFields" not in (shared.get("default", "c") or {})["metadata"]
    assert updated and "managedFields" not in updated[-1]["metadata"]
    assert "managedFields" in (plain.get("default", "c") or {})["metadata"]
    assert "managedFields" in (cluster.get("configmaps", "default", "c") or {})["metadata"]
