"""The ControllerRevision helpers (pkg/controller/history): hashing, naming, equality, ordering."""

from __future__ import annotations

from kubetui.controllers.history import (
    _fnv32,
    apply_revision,
    equal_revision,
    find_equal_revisions,
    go_json,
    hash_revision,
    new_revision,
    next_revision,
    revision_name,
    sort_revisions,
    template_patch,
)
from kubetui.controllers.podutil import safe_encode_string

Obj = dict


def _sts(image: str = "nginx:1.27") -> Obj:
    return {
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
        "spec": {"selector": {"matchLabels": {"app": "web"}},
                 "template": {"metadata": {"labels": {"app": "web"}},
                              "spec": {"containers": [{"name": "nginx", "image": image}]}}},
    }


def _rev(name: str, number: int, created: str = "2026-01-01T00:00:00Z", data: object = None) -> Obj:
    return {"metadata": {"name": name, "creationTimestamp": created, "labels": {}}, "revision": number, "data": data}


def test_fnv1_32_and_safe_encoding_as_go() -> None:
    # hash/fnv New32 (FNV-1, not FNV-1a) test vectors, and rand.SafeEncodeString's alphabet.
    assert _fnv32(b"") == 0x811C9DC5
    assert _fnv32(b"a") == 0x050C5D7E
    assert _fnv32(b"foobar") == 0x31F0B262
    assert safe_encode_string("0123456789") == "456789bcdf"  # digits land on 4-9, b, c, d, f


def test_go_json_sorts_keys_and_escapes_html() -> None:
    assert go_json({"b": 1, "a": {"d": "<&>", "c": None}}) == b'{"a":{"c":null,"d":"\\u003c\\u0026\\u003e"},"b":1}'


def test_template_patch_replaces_the_template_with_typed_metadata() -> None:
    patch = template_patch(_sts())
    assert patch == {"spec": {"template": {
        "$patch": "replace", "metadata": {"creationTimestamp": None, "labels": {"app": "web"}},
        "spec": {"containers": [{"image": "nginx:1.27", "name": "nginx", "resources": {}}]}}}}
    assert list(patch["spec"]["template"]) == ["$patch", "metadata", "spec"]  # sorted, as Go marshals a map


def test_new_revision_is_named_by_the_hash_of_its_data_and_the_collision_count() -> None:
    sts = _sts()
    data = template_patch(sts)
    revision = new_revision(sts, {"app": "web"}, data, 1, 0)
    hash_ = hash_revision(data, 0)
    assert revision["metadata"]["name"] == f"web-{hash_}" == revision_name("web", hash_)
    assert revision["metadata"]["labels"] == {"app": "web", "controller.kubernetes.io/hash": hash_}
    assert revision["metadata"]["ownerReferences"][0]["uid"] == "u-1"
    assert hash_revision(data, 1) != hash_ and hash_revision(data, None) != hash_
    assert set(hash_) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert revision_name("x" * 300, "abc") == "x" * 223 + "-abc"


def test_equality_ordering_and_numbering() -> None:
    a, b = _rev("a", 2, data={"x": 1}), _rev("b", 1, data={"x": 2})
    c = _rev("c", 2, created="2025-12-31T00:00:00Z", data={"x": 1})
    assert [r["metadata"]["name"] for r in sort_revisions([a, b, c])] == ["b", "c", "a"]
    assert find_equal_revisions([a, b, c], _rev("n", 9, data={"x": 1})) == [a, c]
    assert equal_revision(None, None) and not equal_revision(a, None)
    numeric = _rev("d", 1, data={"x": 1})
    numeric["metadata"]["labels"]["controller.kubernetes.io/hash"] = "42"
    other = _rev("e", 1, data={"x": 1})
    other["metadata"]["labels"]["controller.kubernetes.io/hash"] = "43"
    assert not equal_revision(numeric, other)  # two numeric hash labels that differ
    assert next_revision([]) == 1 and next_revision([a, b]) == 3


def test_apply_revision_puts_the_revision_template_back() -> None:
    old = new_revision(_sts(), {"app": "web"}, template_patch(_sts()), 1, 0)
    restored = apply_revision(_sts("nginx:1.28"), old)
    expected = _sts()["spec"]["template"]
    expected["spec"]["containers"][0]["resources"] = {}  # as Go's typed template has it
    assert restored["spec"]["template"] == expected
    assert restored["spec"]["selector"] == _sts()["spec"]["selector"]
