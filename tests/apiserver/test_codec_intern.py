"""Hash-consing of shared read-only objects: equal sub-trees become one object, content unchanged."""

from __future__ import annotations

import copy
from typing import Any

from kubetui.apiserver.codec import deep_copy, intern_tree


def pod(name: str, node: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
        "spec": {"nodeName": node, "containers": [{"name": "web", "image": "nginx:1.27"}], "tolerations": []},
        "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]},
    }


def test_equal_sub_trees_and_strings_are_shared_and_sections_are_not() -> None:
    a, b = pod("a", "node-1"), pod("b", "node-2")
    expected_a, expected_b = copy.deepcopy(a), copy.deepcopy(b)
    a, b = intern_tree(deep_copy(a)), intern_tree(deep_copy(b))
    assert a == expected_a and b == expected_b
    assert a["metadata"]["labels"] is b["metadata"]["labels"]
    assert a["spec"]["containers"] is b["spec"]["containers"]
    assert a["status"]["conditions"] is b["status"]["conditions"]
    assert a["status"]["phase"] is b["status"]["phase"]
    assert a["metadata"] is not b["metadata"] and a["spec"] is not b["spec"]
    assert a["spec"]["tolerations"] is b["spec"]["tolerations"]  # empty ones too


def test_different_sub_trees_stay_apart() -> None:
    a, b = pod("a", "node-1"), pod("b", "node-1")
    b["spec"]["containers"][0]["image"] = "nginx:1.28"
    a, b = intern_tree(a), intern_tree(b)
    assert a["spec"]["containers"] is not b["spec"]["containers"]
    assert b["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert a["spec"]["containers"][0]["name"] is b["spec"]["containers"][0]["name"]
