"""PATCH semantics: RFC 7386 merge patch, RFC 6902 JSON patch, Kubernetes strategic merge patch.

The strategic merge patch cases marked ``patch_test.go`` are reproduced from
k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, which runs them against its
``MergeItem`` test struct; :data:`MERGE_ITEM` below gives kubetui the same struct tags.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kubetui.apiserver import patch as patch_module
from kubetui.apiserver.patch import (
    MERGE_KEYS,
    REPLACE,
    SET,
    PatchError,
    PatchMeta,
    json_merge_patch,
    json_patch,
    strategic_merge_patch,
)

# ------------------------------------------------------------------------------ JSON merge patch


@pytest.mark.parametrize(
    ("target", "patch", "result"),
    [  # RFC 7386, Appendix A
        ({"a": "b"}, {"a": "c"}, {"a": "c"}),
        ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
        ({"a": "b"}, {"a": None}, {}),
        ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
        ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
        ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
        ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
        ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
        ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
        ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
    ],
)
def test_json_merge_patch_rfc7386_examples(
    target: dict[str, Any], patch: Any, result: dict[str, Any]
) -> None:
    assert json_merge_patch(target, patch) == result


def test_json_merge_patch_replaces_lists_and_rejects_non_objects() -> None:
    pod = {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}
    assert json_merge_patch(pod, {"spec": {"containers": [{"name": "c"}]}}) == {
        "spec": {"containers": [{"name": "c"}]}
    }
    for bad in ([1], "x", 3, None):
        with pytest.raises(PatchError, match="merge patch must be a JSON object"):
            json_merge_patch(pod, bad)


# ------------------------------------------------------------------------------------ JSON patch
def test_json_patch_operations() -> None:
    obj: dict[str, Any] = {"metadata": {"labels": {"a": "1"}}, "spec": {"replicas": 1, "args": ["x"]}}
    ops = [
        {"op": "replace", "path": "/spec/replicas", "value": 3},
        {"op": "add", "path": "/metadata/labels/b", "value": "2"},
        {"op": "add", "path": "/spec/args/-", "value": "y"},
        {"op": "remove", "path": "/metadata/labels/a"},
        {"op": "copy", "from": "/spec/replicas", "path": "/spec/minReadySeconds"},
        {"op": "test", "path": "/spec/replicas", "value": 3},
    ]
    assert json_patch(obj, ops) == {
        "metadata": {"labels": {"b": "2"}},
        "spec": {"replicas": 3, "args": ["x", "y"], "minReadySeconds": 3},
    }
    assert obj["spec"]["replicas"] == 1  # input untouched


def test_json_patch_errors_carry_the_kubernetes_status_code() -> None:
    obj = {"spec": {"replicas": 1}}
    with pytest.raises(PatchError) as bad:
        json_patch(obj, {"op": "add"})
    assert bad.value.code == 400 and "cannot unmarshal object" in str(bad.value)
    with pytest.raises(PatchError) as malformed:
        json_patch(obj, [{"op": "bogus", "path": "/a"}])
    assert malformed.value.code == 400
    # RFC 6902: replace needs an existing target; Kubernetes answers 422 (evanphx/json-patch).
    with pytest.raises(PatchError) as missing:
        json_patch(obj, [{"op": "replace", "path": "/spec/minReadySeconds", "value": 5}])
    assert missing.value.code == 422
    assert missing.value.message == (
        "jsonpatch replace operation does not apply: doc is missing key: /spec/minReadySeconds: missing value"
    )
    with pytest.raises(PatchError) as gone:
        json_patch(obj, [{"op": "test", "path": "/spec/replicas", "value": 1},
                         {"op": "remove", "path": "/spec/template/spec/nodeSelector"}])
    assert gone.value.message == (  # as a real cluster prints it
        'jsonpatch remove operation does not apply: doc is missing path: "/spec/template/spec/nodeSelector": '
        "missing value"
    )
    with pytest.raises(PatchError) as failed_test:
        json_patch(obj, [{"op": "test", "path": "/spec/replicas", "value": 2}])
    assert failed_test.value.code == 422
    assert failed_test.value.message == "testing value /spec/replicas failed: test failed"
    with pytest.raises(PatchError) as too_many:
        json_patch(obj, [{"op": "test", "path": "/spec/replicas", "value": 1}] * 10001)
    assert too_many.value.code == 413
    with pytest.raises(PatchError, match="must be a JSON object"):
        json_patch(obj, [{"op": "replace", "path": "", "value": [1]}])


# ------------------------------------------------------------------- strategic merge patch: Go tests
# The MergeItem test struct of patch_test.go, as a tag table (nested a few levels deep).
MERGE_ITEM: dict[str, PatchMeta] = {
    "mergingList": PatchMeta("merge", "name"),
    "mergingList.mergingList": PatchMeta("merge", "name"),
    "mergingList.mergingList.mergingList": PatchMeta("merge", "name"),
    "mergingList.mergingIntList": SET,
    "mergingIntList": SET,
    "mergeItemPtr": PatchMeta("merge", "name"),
    "mergeItemPtr.mergingIntList": SET,
    "replacingItem": REPLACE,
    "retainKeysMap": PatchMeta("retainKeys"),
    "retainKeysMap.mergingList": PatchMeta("merge", "name"),
    "retainKeysMap.mergingIntList": SET,
    "retainKeysMergingList": PatchMeta("merge,retainKeys", "name"),
}


@pytest.fixture
def merge_item() -> Iterator[str]:
    MERGE_KEYS["MergeItem"] = MERGE_ITEM
    yield "MergeItem"
    del MERGE_KEYS["MergeItem"]


# (description, original, patch, expected result or "error: <substring>")
GO_CASES = yaml.safe_load("""
- [unique scalars when merging lists, {mergingIntList: [1, 2]}, {mergingIntList: [2, 3]},
    {mergingIntList: [1, 2, 3]}]
- [delete map from nested map, {simpleMap: {key1: 1, key2: 1}}, {simpleMap: {$patch: delete}},
    {simpleMap: {}}]
- [delete all items from merging list, {mergingList: [{name: 1}, {name: 2}]},
    {mergingList: [{$patch: replace}]},
   {mergingList: []}]
- [merge empty merging lists, {mergingList: []}, {mergingList: []}, {mergingList: []}]
- [delete all keys from map, {name: 1, value: 1}, {$patch: replace}, {}]
- [add key and delete all keys from map, {name: 1, value: 1}, {other: a, $patch: replace}, {other: a}]
- [delete all duplicate entries in a merging list,
   {mergingList: [{name: 1}, {name: 1}, {name: 2, value: a}, {name: 3}, {name: 3}]},
   {mergingList: [{name: 1, $patch: delete}, {name: 3, $patch: delete}]},
   {mergingList: [{name: 2, value: a}]}]
- [retainKeys map can add a field when no retainKeys directive present,
   {retainKeysMap: {name: foo}}, {retainKeysMap: {value: bar}}, {retainKeysMap: {name: foo, value: bar}}]
- [retainKeys map can delete a field when no retainKeys directive present,
   {retainKeysMap: {name: foo, value: a}}, {retainKeysMap: {value: null}}, {retainKeysMap: {name: foo}}]
- [retainKeys map merge an empty map, {retainKeysMap: {name: foo, value: a}}, {retainKeysMap: {}},
   {retainKeysMap: {name: foo, value: a}}]
- [retainKeys list can change a field when no retainKeys directive present,
   {retainKeysMergingList: [{name: bar}, {name: foo, value: a}]},
   {retainKeysMergingList: [{name: foo, value: b}]},
   {retainKeysMergingList: [{name: bar}, {name: foo, value: b}]}]
- [preserve the order from the patch in a merging list,
   {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]},
   {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, other: x}]},
   {mergingList: [{name: 3, value: c}, {name: 1, value: a}, {name: 2, value: b, other: x}]}]
- [preserve the order from the patch in a merging list 2,
   {mergingList: [{name: 1}, {name: 2, value: b}, {name: 3}]},
   {mergingList: [{name: 3, value: c}, {name: 1, value: a}]},
   {mergingList: [{name: 2, value: b}, {name: 3, value: c}, {name: 1, value: a}]}]
- [preserve the order from the patch in a merging int list, {mergingIntList: [1, 2, 3]},
   {mergingIntList: [3, 1, 2]}, {mergingIntList: [3, 1, 2]}]
- [preserve the order from the patch in a merging int list 2, {mergingIntList: [1, 2, 3]},
   {mergingIntList: [3, 1]}, {mergingIntList: [2, 3, 1]}]
- [$setElementOrder contains item that is not present in the list to be merged,
   {mergingList: [{name: 1}, {name: 3}]},
   {$setElementOrder/mergingList: [{name: 3}, {name: 2}, {name: 1}],
    mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]},
   {mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]}]
- [$setElementOrder contains item that is not present in the int list to be merged,
   {mergingIntList: [1, 3]}, {$setElementOrder/mergingIntList: [3, 2, 1]}, {mergingIntList: [3, 1]}]
- [should check if order in $setElementOrder and patch list match,
   {mergingList: [{name: 1}, {name: 3}, {name: 2}]},
   {$setElementOrder/mergingList: [{name: 1}, {name: 2}, {name: 3}],
    mergingList: [{name: 3, value: 3}, {name: 1, value: 1}]},
   "error: doesn't match"]
- [should check if order in $setElementOrder and int patch list match, {mergingIntList: [1, 3, 2]},
   {$setElementOrder/mergingIntList: [1, 2, 3], mergingIntList: [3, 1]}, "error: doesn't match"]
- [missing merge key should error out, {mergingList: [{name: 1, value: a}]}, {mergingList: [{value: b}]},
   "error: does not contain declared merge key"]
- [$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list,
   {mergingIntList: [1, 2]}, {$deleteFromPrimitiveList/mergingIntList: [3]}, {mergingIntList: [1, 2]}]
- [$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list,
   {foo: [bar]}, {$deleteFromPrimitiveList/mergingIntList: [3]}, {foo: [bar]}]
- [$deleteFromPrimitiveList should delete item from a list with merge patch strategy,
   {mergingIntList: [1, 2, 3]}, {$deleteFromPrimitiveList/mergingIntList: [2]}, {mergingIntList: [1, 3]}]
- [$deleteFromPrimitiveList should delete item from a list without merge patch strategy,
   {nonMergingIntList: [1, 2, 3]}, {$deleteFromPrimitiveList/nonMergingIntList: [2]},
    {nonMergingIntList: [1, 3]}]
- [nested patch merge with empty list (two-way), {name: hi},
   {mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]}, {name: hi,
    mergingList: [{name: hello}]}]
- [nested patch merge with empty list (three-way), {name: hi, mergingList: [{name: hello2}]},
   {$setElementOrder/mergingList: [{name: hello}, {name: doesntexist}],
    mergingList: [{name: hello}, {$patch: delete, name: doesntexist}]},
   {name: hi, mergingList: [{name: hello}, {name: hello2}]}]
- [delete items in lists of scalars, {mergingIntList: [1, 2, 3, 4]},
   {$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]},
   {mergingIntList: [1, 2, 4]}]
- [delete all duplicate items in lists of scalars, {mergingIntList: [1, 2, 3, 3, 4]},
   {$setElementOrder/mergingIntList: [1, 2], $deleteFromPrimitiveList/mergingIntList: [3]},
   {mergingIntList: [1, 2, 4]}]
- [add and delete items in lists of scalars, {mergingIntList: [1, 2, 3]},
   {$setElementOrder/mergingIntList: [1, 2, 4], $deleteFromPrimitiveList/mergingIntList: [3],
    mergingIntList: [4]},
   {mergingIntList: [1, 2, 4]}]
- [merge lists of maps, {mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]},
   {$setElementOrder/mergingList: [{name: 4}, {name: 1}, {name: 2}, {name: 3}],
    mergingList: [{name: 4, value: 4}, {name: 3, value: 3}]},
   {mergingList: [{name: 4, value: 4}, {name: 1, other: a}, {name: 2, value: 2, other: b}, {name: 3,
    value: 3}]}]
- [add map and delete map from merging list, {mergingList: [{name: 1}, {name: 2, other: b}, {name: 4,
    other: c}]},
   {$setElementOrder/mergingList: [{name: 2}, {name: 3}], mergingList: [{name: 3}, {name: 1,
    $patch: delete}]},
   {mergingList: [{name: 2, other: b}, {name: 4, other: c}, {name: 3}]}]
- [add map and delete map from merging list with conflict, {mergingList: [{name: 1, other: a}, {name: 4,
    other: c}]},
   {$setElementOrder/mergingList: [{name: 2}, {name: 3}],
    mergingList: [{name: 2}, {name: 3}, {name: 1, $patch: delete}]},
   {mergingList: [{name: 4, other: c}, {name: 2}, {name: 3}]}]
- [delete field from map in merging list,
   {mergingList: [{name: 1, value: 1, other: a}, {name: 2, value: 2, other: b}]},
   {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1, value: null}]},
   {mergingList: [{name: 1, other: a}, {name: 2, value: 2, other: b}]}]
- [replace non merging list nested in merging list,
   {mergingList: [{name: 1, other: a, nonMergingList: [{name: 1}, {name: 2, value: 2}]}, {name: 2,
    other: b}]},
   {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 1,
    nonMergingList: [{name: 1, value: 1}]}]},
   {mergingList: [{name: 1, other: a, nonMergingList: [{name: 1, value: 1}]}, {name: 2, other: b}]}]
- ["delete and reorder in one list, reorder in another",
   {mergingList: [{name: a, value: a}, {name: b, value: b}], mergeItemPtr: [{name: c, value: c},
    {name: d, value: d}]},
   {$setElementOrder/mergingList: [{name: b}], $setElementOrder/mergeItemPtr: [{name: d}, {name: c}],
    mergingList: [{$patch: delete, name: a}]},
   {mergingList: [{name: b, value: b}], mergeItemPtr: [{name: d, value: d}, {name: c, value: c}]}]
- [retainKeys list with setElementOrder, {retainKeysMergingList: [{name: bar}, {name: foo, value: a,
    other: x}]},
   {$setElementOrder/retainKeysMergingList: [{name: bar}, {name: foo}],
    retainKeysMergingList: [{$retainKeys: [name], name: foo, value: null}]},
   {retainKeysMergingList: [{name: bar}, {name: foo}]}]
- [replace RawExtension field and merge list,
   {name: my-object, mergingList: [{name: 1}, {name: 3}], replacingItem: {Some: Generic, Yaml: Inside}},
   {$setElementOrder/mergingList: [{name: 1}, {name: 2}], mergingList: [{name: 2}],
    replacingItem: {Newly: Modified, Yaml: Inside}},
   {name: my-object, mergingList: [{name: 1}, {name: 2}, {name: 3}], replacingItem: {Newly: Modified,
    Yaml: Inside}}]
- [discard nulls in nested and adds not nulls, {name: foo},
   {complex_nullable: {key: {keynotnull: value, keynull: null}}},
   {name: foo, complex_nullable: {key: {keynotnull: value}}}]
- [filter nulls from nested slices, {}, {complex_nullable: [{inner_one: {key_one: foo, key_two: null}}]},
   {complex_nullable: [{inner_one: {key_one: foo}}]}]
- [not filter nulls from non-associative slice, {}, {complex_nullable: [key1, null, key2]},
   {complex_nullable: [key1, null, key2]}]
- [null values in original are preserved, {thing: null}, {nested: {value: 5}}, {thing: null,
    nested: {value: 5}}]
""")


@pytest.mark.parametrize(
    ("original", "patch", "expected"), [c[1:] for c in GO_CASES], ids=[c[0] for c in GO_CASES]
)
def test_strategic_merge_patch_cases_from_patch_test_go(
    merge_item: str, original: dict[str, Any], patch: dict[str, Any], expected: Any
) -> None:
    if isinstance(expected, str) and expected.startswith("error: "):
        with pytest.raises(PatchError, match=expected.removeprefix("error: ")):
            strategic_merge_patch(original, patch, merge_item)
        return
    before = copy.deepcopy((original, patch))
    assert strategic_merge_patch(original, patch, merge_item) == expected
    assert (original, patch) == before  # inputs untouched


@pytest.mark.parametrize(
    ("patch", "message", "code"),
    [
        ({"mergingList": [{"name": 1, "$patch": "bogus"}]}, "unknown patch type: bogus", 400),
        ({"simpleMap": {"$patch": "bogus"}}, "unknown patch type: bogus", 400),
        ({"mergingList": [{"name": 1, "$patch": "merge"}]}, "merging lists cannot yet be specified", 400),
        ({"mergingIntList": [[1]]}, "lists of lists are not supported", 422),
        ({"mergingIntList": [1, "a"]}, "list element types are not identical", 400),
        ({"retainKeysMap": {"$retainKeys": "name"}}, "invalid patch format of retainKeys", 400),
        (
            {"retainKeysMap": {"$retainKeys": ["name"], "value": "x"}},
            "invalid patch format of retainKeys",
            400,
        ),
        ({"$deleteFromPrimitiveList": [1]}, "invalid patch format of primitive list", 400),
        ({"$setElementOrder/mergingList": "x"}, "invalid patch format of setElementOrder list", 400),
    ],
)
def test_strategic_merge_patch_errors(
    merge_item: str, patch: dict[str, Any], message: str, code: int
) -> None:
    original = {
        "mergingList": [{"name": 1}],
        "mergingIntList": [1],
        "simpleMap": {"a": "b"},
        "retainKeysMap": {"name": "n"},
    }
    with pytest.raises(PatchError, match=message) as err:
        strategic_merge_patch(original, patch, merge_item)
    assert err.value.code == code


def test_strategic_merge_patch_rejects_a_non_object_patch() -> None:
    with pytest.raises(PatchError, match="cannot unmarshal array"):
        strategic_merge_patch({"a": 1}, [{"op": "add"}], "Pod")
    assert strategic_merge_patch({"a": 1}, None, "Pod") == {"a": 1}


# --------------------------------------------------------------- strategic merge patch: kubectl
def deployment() -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
            "name": "web",
            "namespace": "default",
            "labels": {"app": "web"},
            "annotations": {"a": "1"},
        },
        "spec": {
            "replicas": 2,
            "selector": {"matchLabels": {"app": "web"}},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
            },
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "containers": [
                        {
                            "name": "web",
                            "image": "nginx:1.25",
                            "args": ["-g", "daemon off;"],
                            "ports": [{"containerPort": 80, "protocol": "TCP"}],
                            "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                            "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                        },
                        {"name": "sidecar", "image": "busybox", "command": ["sleep", "3600"]},
                    ],
                    "volumes": [{"name": "data", "emptyDir": {}}],
                    "tolerations": [{"key": "a", "operator": "Exists"}],
                },
            },
        },
    }


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = obj["spec"]["template"]["spec"]["containers"]
    return result


def test_kubectl_set_image_merges_the_container_by_name() -> None:
    obj = deployment()
    patched = strategic_merge_patch(
        obj,
        {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:1.26"}]}}}},
        "Deployment",
    )
    assert [c["name"] for c in containers(patched)] == ["web", "sidecar"]
    web = containers(patched)[0]
    assert web["image"] == "nginx:1.26" and web["args"] == ["-g", "daemon off;"] and len(web["env"]) == 2
    assert containers(obj)[0]["image"] == "nginx:1.25"


def test_kubectl_scale_label_annotate_restart_and_cordon() -> None:
    obj = deployment()
    assert strategic_merge_patch(obj, {"spec": {"replicas": 5}}, "Deployment")["spec"]["replicas"] == 5
    labelled = strategic_merge_patch(obj, {"metadata": {"labels": {"tier": "fe", "app": None}}}, "Deployment")
    assert labelled["metadata"]["labels"] == {"tier": "fe"}
    restart = {
        "spec": {
            "template": {
                "metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}}
            }
        }
    }
    restarted = strategic_merge_patch(obj, restart, "Deployment")
    assert restarted["spec"]["template"]["metadata"] == {
        "labels": {"app": "web"},
        "annotations": {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"},
    }
    node = {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": "n1"},
        "spec": {"podCIDR": "10.0.1.0/24"},
    }
    cordoned = strategic_merge_patch(node, {"spec": {"unschedulable": True}}, "Node")
    assert cordoned["spec"] == {"podCIDR": "10.0.1.0/24", "unschedulable": True}


def test_client_side_apply_patch_with_set_element_order() -> None:
    """What ``kubectl apply`` sends after the manifest drops env B, adds C and a port."""
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/containers": [{"name": "web"}, {"name": "sidecar"}],
                    "containers": [
                        {
                            "name": "web",
                            "$setElementOrder/env": [{"name": "C"}, {"name": "A"}],
                            "env": [{"name": "C", "value": "3"}, {"$patch": "delete", "name": "B"}],
                            "$setElementOrder/ports": [{"containerPort": 80}, {"containerPort": 443}],
                            "ports": [{"containerPort": 443, "protocol": "TCP"}],
                        }
                    ],
                }
            }
        }
    }
    patched = strategic_merge_patch(deployment(), patch, "Deployment")
    web = containers(patched)[0]
    assert web["env"] == [{"name": "C", "value": "3"}, {"name": "A", "value": "1"}]
    assert web["ports"] == [
        {"containerPort": 80, "protocol": "TCP"},
        {"containerPort": 443, "protocol": "TCP"},
    ]
    assert [c["name"] for c in containers(patched)] == ["web", "sidecar"]


def test_set_element_order_reorders_containers() -> None:
    patch = {
        "spec": {
            "template": {"spec": {"$setElementOrder/containers": [{"name": "sidecar"}, {"name": "web"}]}}
        }
    }
    assert [c["name"] for c in containers(strategic_merge_patch(deployment(), patch, "Deployment"))] == [
        "sidecar",
        "web",
    ]


def test_retain_keys_switch_deployment_strategy_to_recreate() -> None:
    # kubectl apply after the manifest changed strategy to Recreate (spec.strategy is retainKeys).
    for patch in (
        {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}},
        {"spec": {"strategy": {"$retainKeys": ["type"], "rollingUpdate": None, "type": "Recreate"}}},
    ):
        assert strategic_merge_patch(deployment(), patch, "Deployment")["spec"]["strategy"] == {
            "type": "Recreate"
        }
    # Without the directive the old rollingUpdate stays (which validation would then refuse).
    plain = strategic_merge_patch(deployment(), {"spec": {"strategy": {"type": "Recreate"}}}, "Deployment")
    assert "rollingUpdate" in plain["spec"]["strategy"]


def test_retain_keys_switch_volume_source() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "$setElementOrder/volumes": [{"name": "data"}],
                    "volumes": [
                        {"$retainKeys": ["configMap", "name"], "configMap": {"name": "cfg"}, "name": "data"}
                    ],
                }
            }
        }
    }
    assert strategic_merge_patch(deployment(), patch, "Deployment")["spec"]["template"]["spec"][
        "volumes"
    ] == [{"name": "data", "configMap": {"name": "cfg"}}]


def test_delete_and_replace_directives_in_lists() -> None:
    delete = {"spec": {"template": {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}}}
    assert [c["name"] for c in containers(strategic_merge_patch(deployment(), delete, "Deployment"))] == [
        "web"
    ]
    replace = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "only", "image": "x"}, {"$patch": "replace"}]}}
        }
    }
    assert containers(strategic_merge_patch(deployment(), replace, "Deployment")) == [
        {"name": "only", "image": "x"}
    ]
    new_container = {"spec": {"template": {"spec": {"containers": [{"name": "init", "image": "alpine"}]}}}}
    # Without $setElementOrder a new item goes in front (mergeSortedSlice cannot place it).
    assert [
        c["name"] for c in containers(strategic_merge_patch(deployment(), new_container, "Deployment"))
    ] == ["init", "web", "sidecar"]


def test_lists_without_merge_key_are_replaced() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "tolerations": [{"key": "b", "operator": "Exists"}],
                    "containers": [{"name": "web", "args": ["-v"]}],
                }
            }
        }
    }
    spec = strategic_merge_patch(deployment(), patch, "Deployment")["spec"]["template"]["spec"]
    assert spec["tolerations"] == [{"key": "b", "operator": "Exists"}]
    assert spec["containers"][0]["args"] == ["-v"]
    node = {
        "kind": "Node",
        "metadata": {"name": "n"},
        "spec": {"taints": [{"key": "a", "effect": "NoSchedule"}]},
    }
    tainted = strategic_merge_patch(node, {"spec": {"taints": [{"key": "b", "effect": "NoExecute"}]}}, "Node")
    assert tainted["spec"]["taints"] == [{"key": "b", "effect": "NoExecute"}]


def test_metadata_finalizers_and_owner_references_merge() -> None:
    obj = {
        "kind": "Pod",
        "metadata": {
            "name": "p",
            "finalizers": ["a", "b"],
            "ownerReferences": [{"uid": "1", "name": "rs1", "kind": "ReplicaSet"}],
        },
    }
    added = strategic_merge_patch(obj, {"metadata": {"finalizers": ["c", "a"]}}, "Pod")
    # Patch order first; server-only "b" stays after "a" as in the live list (mergeSortedSlice).
    assert added["metadata"]["finalizers"] == ["c", "a", "b"]
    removed = strategic_merge_patch(obj, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}}, "Pod")
    assert removed["metadata"]["finalizers"] == ["b"]
    owners = strategic_merge_patch(
        obj,
        {"metadata": {"ownerReferences": [{"uid": "1", "controller": True}, {"uid": "2", "name": "rs2"}]}},
        "Pod",
    )
    assert owners["metadata"]["ownerReferences"] == [
        {"uid": "1", "name": "rs1", "kind": "ReplicaSet", "controller": True},
        {"uid": "2", "name": "rs2"},
    ]


def test_node_status_patch_merges_conditions_by_type() -> None:
    """The kubelet heartbeat: a status patch touching one condition leaves the others alone."""
    node = {
        "kind": "Node",
        "metadata": {"name": "n"},
        "status": {
            "conditions": [
                {"type": "MemoryPressure", "status": "False"},
                {"type": "Ready", "status": "True", "lastHeartbeatTime": "t0"},
            ],
            "addresses": [
                {"type": "InternalIP", "address": "10.0.0.1"},
                {"type": "Hostname", "address": "n"},
            ],
        },
    }
    patch = {
        "status": {
            "$setElementOrder/conditions": [{"type": "MemoryPressure"}, {"type": "Ready"}],
            "conditions": [{"type": "Ready", "lastHeartbeatTime": "t1"}],
            "addresses": [{"type": "InternalIP", "address": "10.0.0.2"}],
        }
    }
    status = strategic_merge_patch(node, patch, "Node")["status"]
    assert status["conditions"] == [
        {"type": "MemoryPressure", "status": "False"},
        {"type": "Ready", "status": "True", "lastHeartbeatTime": "t1"},
    ]
    assert status["addresses"] == [
        {"type": "InternalIP", "address": "10.0.0.2"},
        {"type": "Hostname", "address": "n"},
    ]


def test_service_ports_merge_by_port_and_pdb_selector_is_replaced() -> None:
    svc = {
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]},
    }
    patched = strategic_merge_patch(
        svc,
        {"spec": {"ports": [{"port": 80, "name": "http"}, {"port": 443}], "selector": {"tier": "fe"}}},
        "Service",
    )
    assert patched["spec"]["ports"] == [{"port": 80, "targetPort": 8080, "name": "http"}, {"port": 443}]
    assert patched["spec"]["selector"] == {"app": "web", "tier": "fe"}  # a plain map: merged
    pdb = {
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p"},
        "spec": {"selector": {"matchLabels": {"app": "web"}}, "minAvailable": 1},
    }
    replaced = strategic_merge_patch(
        pdb, {"spec": {"selector": {"matchLabels": {"app": "db"}}}}, "PodDisruptionBudget"
    )
    assert replaced["spec"]["selector"] == {"matchLabels": {"app": "db"}}
    deploy = strategic_merge_patch(
        deployment(), {"spec": {"selector": {"matchLabels": {"x": "y"}}}}, "Deployment"
    )
    assert deploy["spec"]["selector"] == {"matchLabels": {"app": "web", "x": "y"}}  # no tag: merged


def test_merge_keys_table_follows_the_go_struct_tags() -> None:
    deploy, pod = MERGE_KEYS["Deployment"], MERGE_KEYS["Pod"]
    assert deploy["spec.template.spec.containers"] == PatchMeta("merge", "name")
    assert deploy["spec.template.spec.containers.ports"].merge_key == "containerPort"
    assert deploy["spec.template.spec.volumes"].strategy == "merge,retainKeys"
    assert deploy["spec.strategy"].strategy == "retainKeys"
    assert pod["spec.initContainers.env"] == PatchMeta("merge", "name")
    assert pod["spec.containers.volumeMounts"].merge_key == "mountPath"
    assert pod["metadata.finalizers"] == SET and pod["metadata.ownerReferences"].merge_key == "uid"
    for atomic in (
        "spec.tolerations",
        "spec.containers.envFrom",
        "spec.readinessGates",
        "spec.containers.args",
    ):
        assert atomic not in pod
    assert "spec.taints" not in MERGE_KEYS["Node"]
    assert MERGE_KEYS["Service"]["spec.ports"].merge_key == "port"
    assert MERGE_KEYS["PodDisruptionBudget"]["spec.selector"].replaces


# ---------------------------------------------------------------------------------- properties
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
keys = st.sampled_from(
    [
        "spec",
        "metadata",
        "status",
        "containers",
        "name",
        "image",
        "labels",
        "finalizers",
        "ports",
        "containerPort",
        "$patch",
        "$retainKeys",
        "$setElementOrder/containers",
        "$deleteFromPrimitiveList/finalizers",
        "env",
        "template",
        "value",
        "x",
    ]
)
directive_values = st.sampled_from(["delete", "replace", "merge", "bogus"])
k8s_like = st.recursive(
    scalars | directive_values,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(keys, children, max_size=5),
    max_leaves=30,
)
objects = st.dictionaries(keys, k8s_like, max_size=5)
KINDS = sorted(MERGE_KEYS)


def _same(a: Any, b: Any) -> bool:
    """JSON equality that tells 1, 1.0 and true apart."""
    return json.dumps(a, sort_keys=True, default=str) == json.dumps(b, sort_keys=True, default=str)


def _merge_diff(source: dict[str, Any], target: dict[str, Any]) -> dict[str, Any]:
    """The RFC 7386 patch turning ``source`` into ``target`` (what kubectl edit would send)."""
    diff: dict[str, Any] = {key: None for key in source if key not in target}
    for key, value in target.items():
        if key in source and _same(source[key], value):
            continue
        if isinstance(value, dict) and isinstance(source.get(key), dict):
            diff[key] = _merge_diff(source[key], value)
        else:
            diff[key] = value
    return diff


no_null_values = st.recursive(
    st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=4)
    ),
    max_leaves=15,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    source=st.dictionaries(st.text(max_size=5), json_values, max_size=5),
    target=st.dictionaries(st.text(max_size=5), no_null_values, max_size=5),
)
def test_property_merge_patch_from_a_diff_yields_the_target(
    source: dict[str, Any], target: dict[str, Any]
) -> None:
    assert _same(json_merge_patch(source, _merge_diff(source, target)), target)


plain_keys = st.text(alphabet="abcxyz", min_size=1, max_size=3)


def _plain_containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # Lists hold scalars only: inside replaced lists of maps a strategic patch also drops nulls.
    scalar_lists = st.lists(st.integers() | st.text(max_size=3), max_size=3)
    return scalar_lists | st.dictionaries(plain_keys, st.one_of(children, st.none()), max_size=3)


plain_values = st.recursive(
    st.booleans() | st.integers() | st.text(max_size=4), _plain_containers, max_leaves=12
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    obj=st.dictionaries(plain_keys, plain_values, max_size=4),
    patch=st.dictionaries(plain_keys, plain_values | st.none(), max_size=4),
)
def test_property_strategic_merge_equals_merge_patch_without_tags(
    obj: dict[str, Any], patch: dict[str, Any]
) -> None:
    """Where no field carries a tag, a strategic merge patch is just a JSON merge patch."""
    assert _same(
        strategic_merge_patch({"data": obj}, {"data": patch}, "ConfigMap"),
        json_merge_patch({"data": obj}, {"data": patch}),
    )


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(obj=objects, patch=k8s_like | objects, kind=st.sampled_from(KINDS))
def test_property_strategic_merge_patch_only_raises_patch_error_and_never_mutates(
    obj: dict[str, Any], patch: Any, kind: str
) -> None:
    before = copy.deepcopy((obj, patch))
    for nested in ({"spec": {"template": {"spec": patch}}}, patch, {"metadata": patch}):
        try:
            result = strategic_merge_patch(obj, nested, kind)
        except PatchError as err:
            assert err.code in (400, 422) and str(err)
        else:
            assert isinstance(result, dict)
    assert _same((obj, patch), before)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(obj=objects, patch=json_values)
def test_property_merge_patch_only_raises_patch_error_and_never_mutates(
    obj: dict[str, Any], patch: Any
) -> None:
    before = copy.deepcopy((obj, patch))
    try:
        assert isinstance(json_merge_patch(obj, patch), dict)
    except PatchError:
        assert not isinstance(patch, dict)
    assert _same((obj, patch), before)


operations = st.fixed_dictionaries(
    {"op": st.sampled_from(["add", "remove", "replace", "move", "copy", "test", "bogus"])},
    optional={
        "path": st.sampled_from(
            ["", "/spec", "/spec/containers/0", "/spec/containers/-", "/x/y", "/~1", "spec", "/metadata/name"]
        )
        | json_values,
        "from": st.sampled_from(["/spec", "/metadata", "/nope"]) | json_values,
        "value": json_values,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(obj=objects, ops=st.lists(operations | json_values, max_size=4) | json_values)
def test_property_json_patch_only_raises_patch_error_and_never_mutates(obj: dict[str, Any], ops: Any) -> None:
    before = copy.deepcopy((obj, ops))
    try:
        assert isinstance(json_patch(obj, ops), dict)
    except PatchError as err:
        assert err.code in (400, 413, 422)
    assert _same((obj, ops), before)


def test_module_exports() -> None:
    assert set(patch_module.__all__) >= {
        "PatchError",
        "json_merge_patch",
        "json_patch",
        "strategic_merge_patch",
        "MERGE_KEYS",
    }


def test_too_deep_documents_are_a_bad_request_not_a_crash() -> None:
    deep: dict[str, Any] = {}
    node = deep
    for _ in range(3000):
        node["a"] = {}
        node = node["a"]
    for call in (
        lambda: strategic_merge_patch({}, deep, "Pod"),
        lambda: json_merge_patch({}, {"x": deep}),
        lambda: json_patch({}, [{"op": "add", "path": "/x", "value": deep}]),
    ):
        with pytest.raises(PatchError, match="nested too deeply"):
            call()
