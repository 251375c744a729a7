"""Server-side apply and managed fields (structured-merge-diff semantics, Kubernetes wording)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetui.apiserver.apply import (
    ApplyConflict,
    fields_of,
    path_string,
    record_update,
    server_side_apply,
)
from kubetui.apiserver.patch import PatchError

T0, T1, T2, T3 = (f"2024-05-01T10:00:0{i}Z" for i in range(4))


def deployment(
    replicas: int | None = 3,
    image: str = "nginx:1.27",
    labels: dict[str, str] | None = None,
    containers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": "web"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": containers
                or [{"name": "web", "image": image, "ports": [{"containerPort": 80}]}]
            },
        },
    }
    if replicas is not None:
        spec = {"replicas": replicas, **spec}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": labels or {"app": "web"}},
        "spec": spec,
    }


def apply(
    live: dict[str, Any] | None,
    applied: dict[str, Any],
    manager: str = "manifests",
    force: bool = False,
    now: str = T0,
) -> dict[str, Any]:
    return server_side_apply(live, applied, manager, "Deployment", "apps/v1", force, now)


def update(
    old: dict[str, Any],
    change: Any,
    manager: str,
    now: str = T1,
    kind: str = "Deployment",
    api_version: str = "apps/v1",
) -> dict[str, Any]:
    new = copy.deepcopy(old)
    change(new)
    record_update(old, new, manager, api_version, now, kind)
    return new


def entries(obj: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["manager"]: e for e in obj["metadata"].get("managedFields", [])}


def set_replicas(n: int) -> Any:
    def change(obj: dict[str, Any]) -> None:
        obj["spec"]["replicas"] = n

    return change


# ---------------------------------------------------------------------------------- field sets
def test_fields_of_uses_the_fieldsv1_format() -> None:
    assert fields_of(deployment(), "Deployment") == {
        "f:metadata": {"f:labels": {"f:app": {}}},  # name and namespace are never owned
        "f:spec": {
            "f:replicas": {},
            "f:selector": {},  # a LabelSelector is atomic
            "f:template": {
                "f:metadata": {"f:labels": {"f:app": {}}},
                "f:spec": {
                    "f:containers": {
                        'k:{"name":"web"}': {
                            ".": {},
                            "f:image": {},
                            "f:name": {},
                            # protocol is a key with a default, so it is part of the item's key
                            "f:ports": {
                                'k:{"containerPort":80,"protocol":"TCP"}': {".": {}, "f:containerPort": {}}
                            },
                        },
                    }
                },
            },
        },
    }


def test_fields_of_sets_atomic_lists_and_status() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "finalizers": ["a", "b"], "uid": "1"},
        "spec": {
            "containers": [{"name": "c", "args": ["x"], "resources": {}}],
            "tolerations": [{"key": "k", "operator": "Exists"}],
        },
        "status": {"phase": "Running"},
    }
    assert fields_of(pod, "Pod") == {
        "f:metadata": {"f:finalizers": {'v:"a"': {}, 'v:"b"': {}}},  # a set: one entry per value
        "f:spec": {
            "f:containers": {'k:{"name":"c"}': {".": {}, "f:args": {}, "f:name": {}, "f:resources": {}}},
            "f:tolerations": {},
        },
    }  # status belongs to the /status subresource: an applier of the main resource never owns it


def test_path_string_matches_structured_merge_diff() -> None:
    path = (
        "f:spec",
        "f:template",
        "f:spec",
        "f:containers",
        'k:{"name":"web"}',
        "f:ports",
        'k:{"containerPort":80,"protocol":"TCP"}',
        "f:containerPort",
    )
    assert (
        path_string(path)
        == '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]'
        ".containerPort"
    )
    assert path_string(("f:metadata", "f:finalizers", 'v:"x"')) == '.metadata.finalizers[="x"]'


# ------------------------------------------------------------------------------ server-side apply
def test_apply_creates_with_an_apply_entry() -> None:
    obj = apply(None, deployment())
    assert obj["spec"]["replicas"] == 3
    (entry,) = obj["metadata"]["managedFields"]
    assert entry == {
        "manager": "manifests",
        "operation": "Apply",
        "apiVersion": "apps/v1",
        "time": T0,
        "fieldsType": "FieldsV1",
        "fieldsV1": fields_of(deployment(), "Deployment"),
    }


def test_apply_conflicts_with_a_field_another_manager_changed() -> None:
    live = update(apply(None, deployment()), set_replicas(5), "kubectl-scale")
    assert entries(live)["kubectl-scale"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" not in entries(live)["manifests"]["fieldsV1"]["f:spec"]
    with pytest.raises(ApplyConflict) as err:
        apply(live, deployment(replicas=3), now=T2)
    assert (
        str(err.value)
        == 'Apply failed with 1 conflict: conflict with "kubectl-scale" using apps/v1: .spec.replicas'
    )
    assert err.value.conflicts == [("kubectl-scale", ".spec.replicas")]
    assert err.value.causes == [
        {
            "type": "FieldManagerConflict",
            "message": 'conflict with "kubectl-scale" using apps/v1',
            "field": ".spec.replicas",
        }
    ]


def test_force_takes_ownership() -> None:
    live = update(apply(None, deployment()), set_replicas(5), "kubectl-scale")
    forced = apply(live, deployment(replicas=3), force=True, now=T2)
    assert forced["spec"]["replicas"] == 3
    assert set(entries(forced)) == {"manifests"}  # kubectl-scale owned nothing else: its entry is gone
    assert entries(forced)["manifests"]["fieldsV1"]["f:spec"]["f:replicas"] == {}


def test_applying_the_same_value_shares_ownership_without_conflict() -> None:
    live = update(apply(None, deployment()), set_replicas(5), "kubectl-scale")
    shared = apply(live, deployment(replicas=5), now=T2)
    assert entries(shared)["kubectl-scale"]["fieldsV1"] == {"f:spec": {"f:replicas": {}}}
    assert "f:replicas" in entries(shared)["manifests"]["fieldsV1"]["f:spec"]


def test_apply_conflict_between_two_appliers_and_the_multi_conflict_message() -> None:
    live = apply(None, deployment())
    with pytest.raises(ApplyConflict) as err:
        apply(live, deployment(replicas=4, image="nginx:1.28"), manager="ci")
    assert str(err.value) == (
        'Apply failed with 2 conflicts: conflicts with "manifests":\n'
        "- .spec.replicas\n"
        '- .spec.template.spec.containers[name="web"].image'
    )


def test_apply_removes_fields_it_no_longer_applies() -> None:
    live = apply(None, deployment(labels={"app": "web", "tier": "fe"}))
    applied = apply(live, deployment(labels={"app": "web"}), now=T1)
    assert applied["metadata"]["labels"] == {"app": "web"}
    without_replicas = apply(applied, deployment(replicas=None), now=T2)
    assert "replicas" not in without_replicas["spec"]
    one = apply(live, deployment(containers=[{"name": "web", "image": "nginx"}]), now=T1)
    assert one["spec"]["template"]["spec"]["containers"] == [
        {"name": "web", "image": "nginx"}
    ]  # ports dropped too


def test_apply_keeps_removed_fields_another_manager_owns() -> None:
    live = update(apply(None, deployment()), set_replicas(5), "kubectl-scale")
    kept = apply(live, deployment(replicas=None), now=T2)
    assert kept["spec"]["replicas"] == 5
    # Two appliers own the label; when one drops it, it stays for the other.
    both = apply(
        apply(None, deployment(labels={"app": "web", "team": "a"})),
        deployment(labels={"app": "web", "team": "a"}),
        manager="ci",
    )
    dropped = apply(both, deployment(labels={"app": "web"}), now=T3)
    assert dropped["metadata"]["labels"] == {"app": "web", "team": "a"}


def test_apply_merges_keyed_lists_and_keeps_items_of_other_managers() -> None:
    live = apply(None, deployment())
    sidecar = {"name": "istio-proxy", "image": "proxy"}

    def inject(obj: dict[str, Any]) -> None:
        obj["spec"]["template"]["spec"]["containers"].append(sidecar)

    injected = update(live, inject, "injector")
    reapplied = apply(injected, deployment(image="nginx:1.28"), now=T2)
    assert [c["name"] for c in reapplied["spec"]["template"]["spec"]["containers"]] == ["web", "istio-proxy"]
    assert reapplied["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    # The applier reorders and adds containers: applied order wins, server-only items keep their place.
    two = deployment(containers=[{"name": "b", "image": "b"}, {"name": "web", "image": "w"}])
    ordered = apply(reapplied, two, now=T3)
    assert [c["name"] for c in ordered["spec"]["template"]["spec"]["containers"]] == [
        "b",
        "web",
        "istio-proxy",
    ]


def test_apply_that_changes_nothing_keeps_its_timestamp() -> None:
    live = apply(None, deployment())
    again = apply(live, deployment(), now=T3)
    assert again == live


def test_apply_rejects_invalid_configurations() -> None:
    bad = deployment()
    bad["metadata"]["managedFields"] = []
    with pytest.raises(PatchError, match=r"metadata\.managedFields must be nil"):
        apply(None, bad)
    twice = deployment(containers=[{"name": "a", "image": "x"}, {"name": "a", "image": "y"}])
    with pytest.raises(PatchError, match=r'duplicate entries for key \[name="a"\]'):
        apply(None, twice)
    nameless = deployment(containers=[{"image": "x"}])
    with pytest.raises(PatchError, match="element 0"):
        apply(None, nameless)
    with pytest.raises(PatchError):
        server_side_apply(None, [], "m", "Pod", "v1", False, T0)  # type: ignore[arg-type]


def test_apply_ignores_status_of_kinds_with_a_status_subresource() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {"containers": [{"name": "c", "image": "x"}]},
        "status": {"phase": "Running"},
    }
    created = server_side_apply(None, pod, "m", "Pod", "v1", False, T0)
    assert "f:status" not in created["metadata"]["managedFields"][0]["fieldsV1"]


# -------------------------------------------------------------------------------- update tracking
def test_create_records_an_update_entry_for_every_field() -> None:
    obj = deployment()
    obj["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "IfNotPresent"  # a default
    obj["status"] = {"replicas": 0}
    record_update(None, obj, "kubectl-create", "apps/v1", T0, "Deployment")
    (entry,) = obj["metadata"]["managedFields"]
    assert (
        entry["operation"] == "Update" and entry["manager"] == "kubectl-create" and "subresource" not in entry
    )
    container = entry["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]['k:{"name":"web"}']
    assert "f:imagePullPolicy" in container and "f:status" not in entry["fieldsV1"]


def test_update_moves_ownership_to_the_writer() -> None:
    live = apply(None, deployment())

    def edit(obj: dict[str, Any]) -> None:
        obj["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
        obj["metadata"]["labels"]["edited"] = "yes"

    edited = update(live, edit, "kubectl-edit")
    web = 'k:{"name":"web"}'
    assert entries(edited)["kubectl-edit"]["fieldsV1"] == {
        "f:metadata": {"f:labels": {"f:edited": {}}},
        "f:spec": {"f:template": {"f:spec": {"f:containers": {web: {"f:image": {}}}}}},
    }
    containers = entries(edited)["manifests"]["fieldsV1"]["f:spec"]["f:template"]["f:spec"]["f:containers"]
    assert "f:image" not in containers[web] and "f:name" in containers[web]
    # The applier now conflicts on the image it used to own.
    with pytest.raises(
        ApplyConflict,
        match=r'conflict with "kubectl-edit" using apps/v1: .spec.template.spec.'
        r'containers\[name="web"\].image',
    ):
        apply(edited, deployment(image="nginx:1.27"), now=T2)


def test_status_update_is_recorded_with_the_status_subresource() -> None:
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p", "uid": "u"},
        "spec": {"containers": [{"name": "c", "image": "x"}]},
    }
    record_update(None, pod, "kube-controller-manager", "v1", T0, "Pod")

    def run(obj: dict[str, Any]) -> None:
        obj["status"] = {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}

    running = update(pod, run, "kubelet", kind="Pod", api_version="v1")
    kubelet = entries(running)["kubelet"]
    assert kubelet["subresource"] == "status"
    assert kubelet["fieldsV1"] == {
        "f:status": {
            "f:conditions": {'k:{"type":"Ready"}': {".": {}, "f:status": {}, "f:type": {}}},
            "f:phase": {},
        }
    }
    assert entries(running)["kube-controller-manager"] == entries(pod)["kube-controller-manager"]

    def not_ready(obj: dict[str, Any]) -> None:
        obj["status"]["conditions"][0]["status"] = "False"

    later = update(running, not_ready, "kubelet", now=T2, kind="Pod", api_version="v1")
    assert entries(later)["kubelet"]["time"] == T2 and len(later["metadata"]["managedFields"]) == 2


def test_objects_without_managed_fields_are_not_tracked() -> None:
    old = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}}
    new = {"kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "2"}}
    record_update(old, new, "m", "v1", T0, "ConfigMap")
    assert "managedFields" not in new["metadata"]


def test_clients_can_clear_but_not_accidentally_drop_managed_fields() -> None:
    live = apply(None, deployment())
    dropped = update(live, lambda o: o["metadata"].update(managedFields=[]), "kubectl")
    assert dropped["metadata"]["managedFields"] == live["metadata"]["managedFields"]
    omitted = update(live, lambda o: o["metadata"].pop("managedFields"), "kubectl")
    assert omitted["metadata"]["managedFields"] == live["metadata"]["managedFields"]
    omitted["metadata"]["managedFields"][0]["manager"] = "changed"  # a copy, not the old object's entries
    assert live["metadata"]["managedFields"][0]["manager"] == "manifests"
    cleared = update(live, lambda o: o["metadata"].update(managedFields=[{}]), "kubectl")
    assert "managedFields" not in cleared["metadata"]


def test_an_unchanged_write_keeps_managed_fields_as_they_were() -> None:
    live = apply(None, deployment())
    same = update(live, lambda o: None, "controller")
    assert same["metadata"]["managedFields"] == live["metadata"]["managedFields"]


def test_more_than_ten_update_managers_are_merged_into_ancient_changes() -> None:
    obj = apply(None, deployment())
    for i in range(12):

        def label(o: dict[str, Any], i: int = i) -> None:
            o["metadata"]["labels"][f"l{i}"] = "x"

        obj = update(obj, label, f"writer-{i:02d}", now=f"2024-05-01T10:00:{i:02d}Z")
    managers = [e["manager"] for e in obj["metadata"]["managedFields"] if e["operation"] == "Update"]
    assert len(managers) == 10 and managers[0] == "ancient-changes"
    assert set(entries(obj)["ancient-changes"]["fieldsV1"]["f:metadata"]["f:labels"]) == {
        "f:l0",
        "f:l1",
        "f:l2",
    }


# ---------------------------------------------------------------------------------- properties
names = st.sampled_from(["a", "b", "web"])
values = st.none() | st.booleans() | st.integers(min_value=-3, max_value=3) | st.text(max_size=3) | names
keys = st.sampled_from(
    [
        "replicas",
        "labels",
        "app",
        "template",
        "spec",
        "containers",
        "name",
        "image",
        "args",
        "ports",
        "containerPort",
        "protocol",
        "finalizers",
        "metadata",
        "selector",
        "x",
    ]
)
tree = st.recursive(
    values, lambda c: st.lists(c, max_size=3) | st.dictionaries(keys, c, max_size=4), max_leaves=25
)
containers = st.lists(
    st.fixed_dictionaries({"name": names}, optional={"image": values, "args": tree, "ports": tree}),
    max_size=3,
)
configs = st.fixed_dictionaries(
    {"apiVersion": st.just("apps/v1"), "kind": st.just("Deployment")},
    optional={
        "metadata": st.fixed_dictionaries(
            {"name": st.just("web")}, optional={"labels": tree, "finalizers": tree, "x": tree}
        ),
        "spec": st.fixed_dictionaries(
            {},
            optional={
                "replicas": values,
                "selector": tree,
                "x": tree,
                "template": st.fixed_dictionaries(
                    {"spec": st.fixed_dictionaries({"containers": containers | tree})}
                ),
            },
        ),
    },
)


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=configs, second=configs, force=st.booleans(), manager=st.sampled_from(["manifests", "ci"]))
def test_property_apply_raises_only_its_errors_and_never_mutates(
    first: dict[str, Any], second: dict[str, Any], force: bool, manager: str
) -> None:
    before = copy.deepcopy((first, second))
    try:
        live = apply(None, first)
    except PatchError:
        return
    snapshot = copy.deepcopy(live)
    try:
        result = apply(live, second, manager=manager, force=force, now=T1)
    except (PatchError, ApplyConflict) as err:
        assert str(err)
        return
    finally:
        assert _same((first, second), before) and _same(live, snapshot)
    for entry in result.get("metadata", {}).get("managedFields", []):
        assert entry["fieldsType"] == "FieldsV1" and isinstance(entry["fieldsV1"], dict) and entry["fieldsV1"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(config=configs)
def test_property_reapplying_the_same_configuration_is_a_no_op(config: dict[str, Any]) -> None:
    try:
        live = apply(None, config)
    except PatchError:
        return
    assert _same(apply(live, config, now=T3), live)
    if live.get("metadata", {}).get("managedFields"):
        assert live["metadata"]["managedFields"][0]["fieldsV1"] == fields_of(config, "Deployment")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    old=tree, new=tree, managed=st.booleans() | tree, kind=st.sampled_from(["Deployment", "Pod", "ConfigMap"])
)
def test_property_record_update_never_raises(old: Any, new: Any, managed: Any, kind: str) -> None:
    old_obj = {"metadata": {"name": "x"}, "spec": old, "status": new}
    new_obj = {"metadata": {"name": "x"}, "spec": new, "status": old}
    record_update(None, old_obj, "creator", "v1", T0, kind)
    if managed is not True:
        new_obj["metadata"]["managedFields"] = managed
    record_update(old_obj, new_obj, "writer", "v1", T1, kind)
    for entry in new_obj["metadata"].get("managedFields", []):
        assert isinstance(entry["fieldsV1"], dict)


# --- the FieldsV1 tree helpers' fast paths agree with the plain definitions --------------------------
_elements = st.sampled_from(
    ["f:a", "f:b", "f:status", "f:ab", 'k:{"name":"web"}', 'k:{"type":"Ready"}', "v:1", 'v:"x"', "i:0", "fx", "f:"]
)
_path_sets = st.sets(st.lists(_elements, min_size=1, max_size=4).map(tuple), max_size=12)


@given(paths=_path_sets)
def test_the_one_pass_tree_equals_the_sorted_provisional_tree(paths: set[tuple[str, ...]]) -> None:
    from kubetui.apiserver import apply

    expected = apply._finish_tree(apply._provisional_tree(paths))
    fast = apply._build_sorted_tree(paths)
    if fast is not None:
        assert json.dumps(fast) == json.dumps(expected)  # the same keys in the same order
    assert json.dumps(apply._build_tree(paths)) == json.dumps(expected)


_trees = st.recursive(
    st.just({}) | st.none() | st.integers(0, 1),
    lambda inner: st.dictionaries(st.sampled_from(["f:a", "f:b", ".", 'k:{"x":1}']), inner, max_size=3),
    max_leaves=10,
)


def _tree_and_its_paths(tree: Any) -> tuple[dict[str, Any], set[tuple[str, ...]]]:
    """A drawn tree (a bare leaf goes under "f:a") and the paths :func:`_collect_tree` lists of it."""
    from kubetui.apiserver import apply

    if not isinstance(tree, dict):
        tree = {"f:a": tree}
    listed: set[tuple[str, ...]] = set()
    apply._collect_tree(tree, (), listed)
    return tree, listed


@given(tree=_trees, changed=_path_sets, removed=_path_sets)
def test_same_fields_and_tree_membership_agree_with_the_listed_paths(
    tree: Any, changed: set[tuple[str, ...]], removed: set[tuple[str, ...]]
) -> None:
    from kubetui.apiserver import apply

    tree, listed = _tree_and_its_paths(tree)
    for path in changed | removed | listed:
        assert apply._tree_member(tree, path) == (path in listed), path
    entry = apply._Entry("m", "Update", "v1", None, "", tree=tree)
    assert apply._same_fields(entry, changed, removed) == ((listed - removed) | changed == listed)
    with_paths = apply._Entry("m", "Update", "v1", None, "", paths=set(listed))
    assert apply._same_fields(with_paths, changed, removed) == ((listed - removed) | changed == listed)


_canonical_elements = st.sampled_from(
    ["f:a", "f:b", "f:status", "f:ab", 'k:{"name":"web"}', 'k:{"type":"Ready"}', "v:1", 'v:"x"']
)
_canonical_path_sets = st.sets(st.lists(_canonical_elements, min_size=1, max_size=4).map(tuple), max_size=12)


@given(paths=_canonical_path_sets, removed=_canonical_path_sets, added=_canonical_path_sets)
def test_editing_a_tree_equals_building_it_from_the_edited_paths(
    paths: set[tuple[str, ...]], removed: set[tuple[str, ...]], added: set[tuple[str, ...]]
) -> None:
    """A kubelet's next status write edits its stored tree along the changed paths; the result is the tree
    built from scratch, key order included, and the stored tree is left as it was."""
    from kubetui.apiserver import apply

    tree = apply._build_tree(paths)
    before = json.dumps(tree)
    edited = apply._tree_with(tree, removed, added)
    assert json.dumps(edited) == json.dumps(apply._build_tree((paths - removed) | added))
    assert json.dumps(tree) == before


@given(tree=_trees, removed=_path_sets, added=_path_sets)
def test_editing_any_tree_gives_the_edited_set_of_paths(
    tree: Any, removed: set[tuple[str, ...]], added: set[tuple[str, ...]]
) -> None:
    """Even a tree a client wrote by hand (leaves that are not objects, marks in odd places)."""
    from kubetui.apiserver import apply

    tree, listed = _tree_and_its_paths(tree)
    before = json.dumps(tree)
    _, result = _tree_and_its_paths(apply._tree_with(tree, removed, added))
    assert result == (listed - removed) | added
    assert json.dumps(tree) == before
