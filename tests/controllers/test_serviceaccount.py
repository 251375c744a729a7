"""Every namespace gets a ``default`` ServiceAccount and the ``kube-root-ca.crt`` ConfigMap, and keeps them."""

from __future__ import annotations

from kubetui.controllers.rootcacertpublisher import DATA_KEY, DESCRIPTION_ANNOTATION, ROOT_CA, ROOT_CA_CONFIGMAP
from kubetui.sim.cluster import Cluster


def names(cluster: Cluster, resource: str, namespace: str) -> list[str]:
    return sorted(o["metadata"]["name"] for o in cluster.objects(resource, namespace))


def test_each_namespace_gets_its_default_account_and_ca_bundle() -> None:
    cluster = Cluster(seed=1, nodes=[])
    cluster.run_for(1)
    for ns in ("default", "kube-system", "kube-public", "kube-node-lease"):
        assert "default" in names(cluster, "serviceaccounts", ns), ns
        assert ROOT_CA_CONFIGMAP in names(cluster, "configmaps", ns), ns
    kubectl = cluster.client("kubectl")
    kubectl.create("namespaces", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}})
    cluster.run_for(1)
    assert names(cluster, "serviceaccounts", "team") == ["default"]
    bundle = kubectl.get("configmaps", "team", ROOT_CA_CONFIGMAP)
    assert bundle["data"] == {DATA_KEY: ROOT_CA} and ROOT_CA.startswith("-----BEGIN CERTIFICATE-----\n")
    assert DESCRIPTION_ANNOTATION in bundle["metadata"]["annotations"]


def test_a_deleted_default_account_or_edited_bundle_is_put_back() -> None:
    cluster = Cluster(seed=1, nodes=[])
    cluster.run_for(1)
    kubectl = cluster.client("kubectl")
    kubectl.delete("serviceaccounts", "default", "default")
    edited = kubectl.get("configmaps", "default", ROOT_CA_CONFIGMAP)
    edited["data"] = {DATA_KEY: "tampered"}
    kubectl.update("configmaps", edited)
    cluster.run_for(1)
    assert names(cluster, "serviceaccounts", "default") == ["default"]
    assert kubectl.get("configmaps", "default", ROOT_CA_CONFIGMAP)["data"] == {DATA_KEY: ROOT_CA}
    kubectl.delete("configmaps", "default", ROOT_CA_CONFIGMAP)
    cluster.run_for(1)
    assert ROOT_CA_CONFIGMAP in names(cluster, "configmaps", "default")


def test_a_pod_runs_as_default_unless_it_names_an_account() -> None:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    kubectl = cluster.client("kubectl")
    container = {"name": "c", "image": "nginx"}
    plain = kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"},
                                    "spec": {"containers": [container]}}, "default")
    assert (plain["spec"]["serviceAccountName"], plain["spec"]["serviceAccount"]) == ("default", "default")
    named = kubectl.create("pods", {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"},
                                    "spec": {"serviceAccount": "robot", "containers": [container]}}, "default")
    assert (named["spec"]["serviceAccountName"], named["spec"]["serviceAccount"]) == ("robot", "robot")
