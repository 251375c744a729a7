"""Errors point at the line and column of the offending field, in kubectl's words.

Positions are checked against the text itself: each expected spot is found by searching the file,
so a test cannot agree with a wrong count.
"""

from __future__ import annotations

import json
import string
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubetui.manifests.loader import ManifestFolder
from kubetui.manifests.parse import ManifestError, parse_text
from kubetui.sim.cluster import Cluster

ROOT = Path("/nonexistent-kubetui-positions")

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx
"""
CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  k: v\n"


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1, nodes=[], scheduler=False, controllers=False)


def error_for(cluster: Cluster, text: str, name: str = "f.yaml") -> ManifestError:
    folder = ManifestFolder(cluster, ROOT)
    folder.apply_snapshot({name: text})
    return folder.errors[str(ROOT / name)]


def spot(text: str, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """1-based line and column where ``needle`` starts (its ``occurrence``-th match)."""
    index = -1
    for _ in range(occurrence + 1):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "replicas: 2",
            "replicas: -1",
            "-1",
            'The Deployment "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
        ),
        (
            "replicas: 2",
            'replicas: "three"',
            '"three"',
            "Error from server: failed to create typed patch object (default/web; apps/v1, Kind=Deployment): "
            ".spec.replicas: expected numeric (int or float), got string",
        ),
        (
            "        image: nginx\n",
            "",
            ("name: web", 1),  # the container that lacks it: the list item (not metadata.name)
            'The Deployment "web" is invalid: spec.template.spec.containers[0].image: Required value',
        ),
        (
            "  selector:\n    matchLabels:\n      app: web\n",
            "",
            "spec:",  # a missing field: its parent's key
            'The Deployment "web" is invalid: [spec.selector: Required value, ',
        ),
        (
            "        app: web\n    spec:",
            "        app: other\n    spec:",
            "labels:",  # a block mapping: its key
            'The Deployment "web" is invalid: spec.template.metadata.labels: Invalid value: ',
        ),
    ],
)
def test_validation_error_points_at_the_field(
    cluster: Cluster, old: str, new: str, at: str | tuple[str, int], message: str
) -> None:
    text = DEPLOYMENT.replace(old, new)
    error = error_for(cluster, text)
    assert error.message.startswith(message)
    assert (error.line, error.column) == (spot(text, *at) if isinstance(at, tuple) else spot(text, at))


def test_second_document_of_a_multi_document_file(cluster: Cluster) -> None:
    text = CONFIGMAP.format(name="a") + "---\n# the web app\n" + DEPLOYMENT.replace("replicas: 2", "replicas: -1")
    error = error_for(cluster, text)
    assert (error.line, error.column) == spot(text, "-1")
    assert cluster.get("configmaps", "default", "a") is None  # nothing in that file is applied



@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85"])
def test_lines_are_counted_as_an_editor_counts_them(cluster: Cluster, odd: str) -> None:
    """Regression (found by the hostile-input soak): YAML breaks lines at U+0085, U+2028 and U+2029 too, so
    PyYAML's line numbers ran past the end of a file that holds one in a quoted string; an editor shows it
    inside the line. Positions are counted from the character index now."""
    head = CONFIGMAP.format(name="a").replace("k: v", f'k: "x{odd}{odd}y"\n  j: "{odd}"')
    text = head + "---\n" + DEPLOYMENT.replace("replicas: 2", "replicas: -1")
    error = error_for(cluster, text)
    assert (error.line, error.column) == spot(text, "-1")
    text = head + "---\njust a string\n"
    error = error_for(cluster, text)
    assert error.line == text.count("\n", 0, text.index("just")) + 1 <= text.count("\n")

def test_list_item_in_yaml(cluster: Cluster) -> None:
    text = (
        "apiVersion: v1\nkind: List\nitems:\n"
        "- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: ok}\n"
        "- apiVersion: v1\n  kind: Pod\n  metadata: {name: p}\n  spec:\n    containers:\n    - name: c\n"
        "      imagePullPolicy: Sometimes\n      image: x\n"
    )
    error = error_for(cluster, text)
    assert error.message.startswith('The Pod "p" is invalid: spec.containers[0].imagePullPolicy: Unsupported value')
    assert (error.line, error.column) == spot(text, "Sometimes")


def test_json_file_with_tabs_and_a_list(cluster: Cluster) -> None:
    doc = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "ok"}},
            json.loads(json.dumps(_deployment_json(replicas=-1))),
        ],
    }
    text = json.dumps(doc, indent="\t") + "\n"
    error = error_for(cluster, text, "f.json")
    assert "spec.replicas: Invalid value: -1" in error.message
    assert (error.line, error.column) == spot(text, "-1")


def test_json_error_without_a_field_points_at_the_item(cluster: Cluster) -> None:
    text = '{"apiVersion": "v1", "kind": "List", "items": [\n  {"apiVersion": "v1", "kind": "ConfigMap",\n' \
        '   "metadata": {"name": "a"}},\n  {"apiVersion": "v1", "kind": "Gizmo", "metadata": {"name": "b"}}\n]}\n'
    error = error_for(cluster, text, "f.json")
    assert 'no matches for kind "Gizmo"' in error.message
    assert (error.line, error.column) == spot(text, '"Gizmo"')


def test_missing_namespace_points_at_it(cluster: Cluster) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: nowhere\n"
    error = error_for(cluster, text)
    assert error.message == 'Error from server (NotFound): namespaces "nowhere" not found'
    assert (error.line, error.column) == spot(text, "nowhere")


def test_missing_name_points_at_metadata(cluster: Cluster) -> None:
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n"
    error = error_for(cluster, text)
    assert (error.line, error.column) == spot(text, "metadata")


def _deployment_json(replicas: int) -> dict[str, object]:
    labels = {"app": "j"}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "j"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "c", "image": "x"}]}},
        },
    }


# -- parse errors at the end of the file ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "text", "line", "column"),
    [
        # YAML: what never closes is pointed at where it opens (the [ or the quote)
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n", 4, 9),
        ("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [x\n\n\n  \n", 4, 9),
        ("a.yaml", "data:\n  k: 'unfinished", 2, 6),
        ("a.yaml", "data:\n  k: 'unfinished\n  j: 1\n\n", 2, 6),
        ("a.json", '{"apiVersion": "v1",\n "kind": \n', 2, 9),
        ("a.json", '{"apiVersion": "v1",\n', 1, 21),
    ],
)
def test_parse_error_at_end_of_file_points_at_the_last_line(name: str, text: str, line: int, column: int) -> None:
    error = parse_text(text, name).error
    assert error is not None
    assert (error.line, error.column) == (line, column)
    assert error.line <= len(text.rstrip().splitlines())


def test_parse_error_keeps_pyyamls_message() -> None:
    error = parse_text("metadata:\n  name: [x\n", "a.yaml").error
    assert error is not None
    assert error.message == (
        "YAML parse error: a flow sequence starts here and is never closed "
        "(expected ',' or ']', but got '<stream end>' at line 2, column 11)"
    )


def test_special_character_points_at_it() -> None:
    error = parse_text("data:\n  k: a\x07b\n", "a.yaml").error
    assert error is not None
    assert (error.line, error.column) == (2, 7)
    assert "unacceptable character #x0007" in error.message


# -- a broken file keeps what it applied ----------------------------------------------------------------
def test_invalid_edit_keeps_objects_and_fix_applies(cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, ROOT)
    good = CONFIGMAP.format(name="settings") + "---\n" + DEPLOYMENT
    folder.apply_snapshot({"app.yaml": good, "other.yaml": CONFIGMAP.format(name="other")})
    before = {
        (r, n): cluster.get(r, "default", n) for r, n in (("configmaps", "settings"), ("deployments", "web"))
    }
    bad = good.replace("k: v", "k: changed").replace("replicas: 2", "replicas: -1")
    folder.apply_snapshot({"app.yaml": bad, "other.yaml": CONFIGMAP.format(name="other")})
    assert str(ROOT / "app.yaml") in folder.errors
    after = {(r, n): cluster.get(r, "default", n) for r, n in before}
    assert after == before  # nothing applied from the file (not even its valid ConfigMap) and nothing pruned
    folder.apply_snapshot({"app.yaml": bad.replace("replicas: -1", "replicas: 3")})
    assert folder.errors == {}
    assert cluster.get("deployments", "default", "web")["spec"]["replicas"] == 3  # type: ignore[index]
    assert cluster.get("configmaps", "default", "settings")["data"] == {"k": "changed"}  # type: ignore[index]


# -- any field of any document ---------------------------------------------------------------------------
KEYS = st.text(string.ascii_letters, min_size=1, max_size=6)
LEAVES = st.one_of(st.integers(-1000, 1000), st.booleans(), st.text(string.ascii_letters + " -", max_size=8))
TREES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3), st.dictionaries(KEYS, inner, min_size=1, max_size=3)
    ),
    max_leaves=12,
)


def leaves(value: Any, path: str = "") -> list[tuple[str, Any]]:
    """Every scalar with its field path, written as the API server writes paths."""
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in leaves(item, f"{path}.{key}" if path else key)]
    if isinstance(value, list):
        return [leaf for index, item in enumerate(value) for leaf in leaves(item, f"{path}[{index}]")]
    return [(path, value)]


@settings(max_examples=60, deadline=None)
@given(st.dictionaries(KEYS, TREES, min_size=1, max_size=4), st.sampled_from(["yaml", "json", "json-tabs"]))
def test_every_field_is_found_where_it_is_written(tree: dict[str, Any], style: str) -> None:
    if style == "yaml":
        text = yaml.safe_dump(tree, sort_keys=False)
    else:
        text = json.dumps(tree, indent="\t" if style == "json-tabs" else 2)
    parsed = parse_text(text, f"f.{style[:4]}")
    assert parsed.error is None
    document = parsed.documents[0]
    lines = text.split("\n")
    for path, value in leaves(tree):
        line, column = document.position(path)
        at = lines[line - 1][column - 1 :]
        if style == "yaml":
            assert yaml.safe_load(at.split(" #")[0]) == value or at.startswith(("'", '"')), (path, line, column)
        else:
            assert at.startswith(json.dumps(value)), (path, line, column, at)
        # A field that is not there points at the deepest part of its path that is (here, on the same line).
        assert document.position(path + ".notThere")[0] == line


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   labels: {a: b}\n", (5, 10),
         "(is this line indented deeper than the key above it, or does a value contain ': '? then quote it)"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: b\n c: d\n", (7, 2),
         "(is this line indented less than its block, but not as far as the block above?)"),
        ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n", (4, 1), "(YAML indents with spaces, never tabs)"),
    ],
)
def test_an_indentation_slip_gets_a_hint_at_its_line(text: str, where: tuple[int, int], hint: str) -> None:
    error = parse_text(text, "cm.yaml").error
    assert error is not None and (error.line, error.column) == where
    assert error.message.startswith("YAML parse error: ") and error.message.endswith(hint)
