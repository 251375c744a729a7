"""A status write copies only what it reads of its body; what it rejects and stores is unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.sim.cluster import Cluster


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=7, nodes=[], scheduler=False, controllers=False)


def _created(cluster: Cluster) -> dict[str, Any]:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]},
    }
    return cluster.api.create("kubelet/node-1", "pods", "default", pod)


def test_a_status_write_whose_spec_cannot_be_encoded_is_still_a_400(cluster: Cluster) -> None:
    body = _created(cluster)
    body["spec"]["priority"] = 1 << 70  # beyond 64 bits, in a part the status write does not copy
    with pytest.raises(ApiError) as err:
        cluster.api.update("kubelet/node-1", "pods", "default", "web", body, subresource="status")
    assert err.value.code == 400
    assert err.value.message.startswith("unable to decode object:")


def test_a_status_write_changes_status_only_and_leaves_the_callers_body_alone(cluster: Cluster) -> None:
    body = _created(cluster)
    body["metadata"]["labels"] = {"changed": "ignored"}
    body["spec"]["containers"][0]["image"] = "ignored"
    body["status"] = {"phase": "Running", "qosClass": "BestEffort"}
    sent = deep_copy(body)
    out = cluster.api.update("kubelet/node-1", "pods", "default", "web", body, subresource="status")
    assert body == sent
    stored = cluster.api.get("kubectl", "pods", "default", "web")
    assert stored["status"]["phase"] == "Running"
    assert "labels" not in stored["metadata"]
    assert stored["spec"]["containers"][0]["image"] == "nginx:1.27"
    assert out == stored
    managers = [(e["manager"], e.get("subresource")) for e in stored["metadata"]["managedFields"]]
    assert ("kubelet", "status") in managers
    out["spec"]["containers"][0]["image"] = "changed by the caller"  # the returned object is the caller's
    assert cluster.api.get("kubectl", "pods", "default", "web")["spec"]["containers"][0]["image"] == "nginx:1.27"
