"""Property: whatever JSON arrives, the API server answers with a 4xx Status or an object, never a crash."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.server import PATCH_JSON, PATCH_MERGE, PATCH_STRATEGIC
from kubetui.sim.cluster import Cluster

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=25,
)

field_names = st.sampled_from(["spec", "metadata", "status", "containers", "replicas", "selector", "template",
                               "name", "labels", "image", "ports", "apiVersion", "kind", "data"])
k8s_like = st.recursive(
    json_values,
    lambda children: st.dictionaries(field_names, children, max_size=5) | st.lists(children, max_size=3),
    max_leaves=30,
)

bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({"apiVersion": st.just("v1"), "kind": st.just("Pod"),
                           "metadata": st.one_of(k8s_like, st.just({"name": "fuzz"})), "spec": k8s_like}),
    st.fixed_dictionaries({"apiVersion": st.just("apps/v1"), "kind": st.just("Deployment"),
                           "metadata": st.just({"name": "fuzz"}), "spec": k8s_like}),
)

CLUSTER = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
BASE = {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "base"},
        "spec": {"selector": {"matchLabels": {"app": "a"}},
                 "template": {"metadata": {"labels": {"app": "a"}},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}}
CLUSTER.api.create("t", "deployments", "default", BASE)


def _call(fn: Any, *args: Any, **kwargs: Any) -> None:
    try:
        result = fn(*args, **kwargs)
    except ApiError as err:
        assert 400 <= err.code < 500, err.message
        assert err.status["kind"] == "Status"
        return
    assert isinstance(result, dict)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, resource=st.sampled_from(["pods", "deployments", "services", "configmaps", "nodes"]))
def test_create_never_crashes(body: Any, resource: str) -> None:
    _call(CLUSTER.api.create, "fuzz", resource, "default", body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patch=k8s_like, patch_type=st.sampled_from([PATCH_MERGE, PATCH_STRATEGIC, PATCH_JSON]))
def test_patch_never_crashes(patch: Any, patch_type: str) -> None:
    _call(CLUSTER.api.patch, "fuzz", "deployments", "default", "base", patch, patch_type)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies)
def test_update_never_crashes(body: Any) -> None:
    _call(CLUSTER.api.update, "fuzz", "deployments", "default", "base", body)
