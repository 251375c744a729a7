"""Where a field is in a manifest file: a Kubernetes field path mapped back to a line and column.

The API server names what is wrong by field path (``spec.template.spec.containers[0].image``); a
person editing a file needs a line. The file is composed again with PyYAML (nodes keep the mark of
every key and value; JSON is read as YAML for this) and the path is walked down the nodes. Only
done when there is an error to show, so a valid folder costs nothing extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# A field path segment: ``.name``, ``[0]`` (a list index) or ``[key]`` (a map key), as
# k8s.io/apimachinery/pkg/util/validation/field/path.go prints them.
_SEGMENT = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")

# Pure-Python PyYAML took 14 s for a 3 MB manifest (the API server's limit), freezing the UI; above
# this size libyaml parses (3 s, Python still building the values). Below it, PyYAML's own parser
# and messages.
FAST_FROM = 128 * 1024
_C_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def loader_for(text: str, python: type[yaml.SafeLoader], fast: type[yaml.SafeLoader]) -> type[yaml.SafeLoader]:
    return fast if len(text) > FAST_FROM else python


class PositionLoader(yaml.SafeLoader):
    """Composes nodes only; the resolver is never asked to build Python values."""


class FastPositionLoader(_C_LOADER):  # type: ignore[valid-type,misc]
    """PositionLoader on libyaml, for big files."""


@dataclass(frozen=True)
class Source:
    """A file's text, kept so positions can be computed on demand."""

    text: str
    is_json: bool


@dataclass(frozen=True)
class Where:
    """Which object in a file: the document's index, and its index in a ``kind: List``."""

    document: int
    item: int | None = None


def compose_documents(text: str) -> list[yaml.Node]:
    """Every non-empty document of a YAML stream as a node tree (raises PyYAML's errors)."""
    nodes: list[yaml.Node] = []
    loader = loader_for(text, PositionLoader, FastPositionLoader)(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                nodes.append(node)
    finally:
        loader.dispose()
    return nodes


def json_as_yaml(text: str) -> str:
    """JSON text PyYAML can compose: raw tabs can only be whitespace in valid JSON, and YAML forbids them."""
    return text.replace("\t", " ")


def object_node(source: Source, where: Where) -> yaml.Node | None:
    """The node of one object in the file, or None when the text cannot be composed."""
    text = json_as_yaml(source.text) if source.is_json else source.text
    try:
        documents = compose_documents(text)
    except Exception:  # positions are a nicety: any failure falls back to the object's line
        return None
    if where.document >= len(documents):
        return None
    node = documents[where.document]
    if where.item is None:
        return node
    items = _child(node, "items")
    if isinstance(items, yaml.SequenceNode) and where.item < len(items.value):
        return items.value[where.item]
    return None


def line_column(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of a character index, counting lines as an editor does.

    Not PyYAML's ``mark.line``: YAML also breaks lines at U+0085, U+2028 and U+2029, which editors
    show inside a line, so its line numbers run ahead of the file's.
    """
    index = max(0, min(index, len(text)))
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def locate(node: yaml.Node, field_path: str, text: str, at_key: bool = False) -> tuple[int, int]:
    """The 1-based line and column of ``field_path`` under ``node`` in the file ``text``.

    A value written on its key's line (a scalar or ``{...}``/``[...]``) is pointed at, unless ``at_key``
    (a field that should not be there: its key is the mistake); a block mapping or list at its key. A path
    that is not in the file (a missing required field) points at the deepest part of it that is: the
    parent's key.
    """
    mark = node.start_mark
    current: yaml.Node | None = node
    segments = _SEGMENT.findall(field_path.strip())
    for number, (name, bracketed) in enumerate(segments):
        key = name or bracketed
        if isinstance(current, yaml.SequenceNode) and not name and key.isdigit():
            index = int(key)
            if index >= len(current.value):
                break
            current = current.value[index]
            mark = current.start_mark
            continue
        entry = _entry(current, key)
        if entry is None:
            break
        key_node, current = entry
        last = number == len(segments) - 1
        inline = isinstance(current, yaml.ScalarNode) or bool(getattr(current, "flow_style", False))
        mark = current.start_mark if last and inline and not at_key else key_node.start_mark
    return line_column(text, mark.index)


def _entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of ``key`` in a mapping node; the last one wins, as when constructing."""
    if not isinstance(node, yaml.MappingNode):
        return None
    found = None
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            found = (key_node, value_node)
    return found


def _child(node: yaml.Node, key: str) -> yaml.Node | None:
    entry = _entry(node, key)
    return entry[1] if entry else None
