"""Reading manifest files: multi-document YAML, JSON and ``kind: List``, with file and line for every object.

Parsing never raises: a file that does not parse yields one :class:`ManifestError` naming the file,
line and column, as a user needs to find a half-typed edit. Each :class:`Document` can map a field
path back to its line (:func:`Document.position`), for the API server's validation errors.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kubetui.http.jsonerrors import go_json_error
from kubetui.manifests.files import MAX_FILE_BYTES, UNREADABLE, is_manifest, read_text
from kubetui.manifests.locate import FAST_FROM, Source, Where, line_column, locate, object_node

__all__ = ["MAX_FILE_BYTES", "Document", "ManifestError", "ParsedFile", "is_manifest", "parse_file", "parse_text"]

_READ_ERROR_LINE = re.compile(r"(?:\(line |on line )(\d+)\)?$")
MAX_NODES = 200_000  # values in one document, after YAML aliases are expanded
MAX_DEPTH = 100


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, as Kubernetes' YAML-to-JSON decoding does."""


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same on libyaml, for files over FAST_FROM characters."""


_Loader.yaml_implicit_resolvers = _FastLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


_FIRST = Where(0)


@dataclass(frozen=True)
class Document:
    obj: dict[str, Any]
    path: str
    line: int  # 1-based line where the object starts
    where: Where = _FIRST
    source: Source | None = field(default=None, compare=False, repr=False)

    def position(self, field_path: str, at_key: bool = False) -> tuple[int, int]:
        """Line and column of a field (``spec.containers[0].image``), of its key with ``at_key``; the object's
        first line if unknown."""
        node = object_node(self.source, self.where) if self.source is not None else None
        if node is None or self.source is None:
            return (self.line, 1)
        return locate(node, field_path, self.source.text, at_key)


@dataclass(frozen=True)
class ManifestError:
    """What is wrong with a manifest file: where (file, line, column) and the message."""

    path: str
    message: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class ParsedFile:
    path: str
    documents: list[Document] = field(default_factory=list)
    error: ManifestError | None = None


def parse_text(text: str, path: str) -> ParsedFile:
    result = ParsedFile(path)
    if text.startswith(UNREADABLE):
        at = _READ_ERROR_LINE.search(text)  # "... (line 6)", "... on line 6": the banner points there
        result.error = ManifestError(path, text[1:], int(at.group(1)) if at else 0, 1 if at else 0)
        return result
    is_json = path.lower().endswith(".json")
    try:
        raw_docs = _json_documents(text) if is_json else _yaml_documents(text)
    except yaml.MarkedYAMLError as exc:
        result.error = _yaml_error(path, text, exc)
        return result
    except yaml.reader.ReaderError as exc:
        line, column = line_column(text, exc.position)
        message = f"YAML parse error: unacceptable character #x{exc.character:04x}: {exc.reason}"
        result.error = ManifestError(path, message, line, column)
        return result
    except yaml.YAMLError as exc:
        result.error = ManifestError(path, f"YAML parse error: {exc}")
        return result
    except json.JSONDecodeError as exc:
        line, column = line_column(text, _before_trailing_space(text, exc.pos))
        result.error = ManifestError(path, f"JSON parse error: {go_json_error(text.encode())}", line, column)
        return result
    except RecursionError:
        result.error = ManifestError(path, f"document nested deeper than {MAX_DEPTH} levels")
        return result
    source = Source(text, is_json)
    for number, (line, item_lines, doc) in enumerate(raw_docs):
        if doc is None:
            continue  # an empty document (a stray ---) is fine
        where = Where(number)
        problem = _shape_problem(doc)
        if problem:
            result.error = ManifestError(path, problem, line, 1)
            return result
        assert isinstance(doc, dict)
        if doc.get("kind") == "List" or (str(doc.get("kind", "")).endswith("List") and "items" in doc):
            items = doc.get("items")
            if not isinstance(items, list):
                line, column = Document(doc, path, line, where, source).position("items")
                result.error = ManifestError(path, "items: a List needs an array of objects", line, column)
                return result
            for index, item in enumerate(items):
                item_line = item_lines[index] if index < len(item_lines) else line
                if not isinstance(item, dict):
                    result.error = ManifestError(path, f"items[{index}]: expected an object", item_line, 1)
                    return result
                result.documents.append(Document(item, path, item_line, Where(number, index), source))
            continue
        result.documents.append(Document(doc, path, line, where, source))
    return result


def parse_file(path: Path) -> ParsedFile:
    return parse_text(read_text(path), str(path))


def _yaml_documents(text: str) -> list[tuple[int, list[int], Any]]:
    """Each non-empty document with the line it starts on and its ``items``' lines (composed first)."""
    if len(text) > FAST_FROM:
        try:
            return _documents_with(_FastLoader, text)
        except (yaml.YAMLError, RecursionError):
            raise  # libyaml's message: parsing again in Python would take seconds
        except Exception:  # a libyaml binding failure: the pure-Python parser decides
            pass
    return _documents_with(_Loader, text)


def _documents_with(loader_class: type[yaml.SafeLoader], text: str) -> list[tuple[int, list[int], Any]]:
    docs: list[tuple[int, list[int], Any]] = []
    loader = loader_class(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                line = line_column(text, node.start_mark.index)[0]
                docs.append((line, _item_lines(node, text), loader.construct_document(node)))
    finally:
        loader.dispose()
    return docs


def _json_documents(text: str) -> list[tuple[int, list[int], Any]]:
    """The JSON value with its first line; items' lines are found when an error needs them."""
    value = json.loads(text)
    first = len(text) - len(text.lstrip())
    return [(text.count("\n", 0, first) + 1, [], value)]


def _item_lines(node: yaml.Node, text: str) -> list[int]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "items" and isinstance(value, yaml.SequenceNode):
                return [line_column(text, item.start_mark.index)[0] for item in value.value]
    return []


def _yaml_error(path: str, text: str, exc: yaml.MarkedYAMLError) -> ManifestError:
    """PyYAML's message; a mark at the end of the stream is moved back onto the last line with text."""
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or str(exc)
    opened = exc.context_mark
    if opened is not None and exc.context and mark is not None and (
        problem == "found unexpected end of stream" or "<document start>" in problem or "<stream end>" in problem
    ):
        # Something opened and never closed (a quote, a [ or {): the mistake is where it opened, not where the
        # file or document ran out, so the error points there.
        what = exc.context.removeprefix("while scanning ").removeprefix("while parsing ")
        ended = "at line {}, column {}".format(*line_column(text, _before_trailing_space(text, mark.index)))
        line, column = line_column(text, opened.index)
        return ManifestError(path, f"YAML parse error: {what} starts here and is never closed ({problem} {ended})",
                             line, column)
    context = ""
    if exc.context:
        where = exc.context_mark
        at = ""
        if where is not None and where is not mark:
            at = " at line {}, column {}".format(*line_column(text, _before_trailing_space(text, where.index)))
        context = f" ({exc.context}{at})"
    line, column = line_column(text, _before_trailing_space(text, mark.index)) if mark else (0, 0)
    hint = next((advice for start, advice in _HINTS if problem.startswith(start)), "")
    return ManifestError(path, f"YAML parse error: {problem}{context}{hint}", line, column)


# PyYAML's words for the usual indentation slips, and what a learner should look at.
_HINTS = (
    ("mapping values are not allowed here",
     " (is this line indented deeper than the key above it, or does a value contain ': '? then quote it)"),
    ("expected <block end>", " (is this line indented less than its block, but not as far as the block above?)"),
    ("found character '\\t'", " (YAML indents with spaces, never tabs)"),
)


def _before_trailing_space(text: str, index: int) -> int:
    """``index``, or just after the last non-blank character when ``index`` is past it (the end of the file)."""
    end = len(text.rstrip())
    return min(index, end) if end else 0


def _shape_problem(doc: Any) -> str:
    """Why a parsed document cannot be an object, or '' when it can."""
    if not isinstance(doc, dict):
        return f"expected a Kubernetes object (a mapping with apiVersion and kind), got {type(doc).__name__}"
    count = size = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            return f"document too large: more than {MAX_NODES} values (YAML aliases expanded)"
        if depth > MAX_DEPTH:
            return f"document nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, str):
            # A YAML alias repeats its value without costing file bytes: 20,000 aliases of a 50 KB string are a
            # 110 KB file and a 1 GB object. Count what the object would weigh, and stop before building it.
            size += len(value)
            if size > MAX_FILE_BYTES:
                return f"document too large: more than {MAX_FILE_BYTES} bytes of text (YAML aliases expanded)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    return f"keys must be strings, found {key!r}"
                size += len(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif not isinstance(value, str | int | float | bool | type(None)):
            # e.g. YAML timestamps or binary: Kubernetes' YAML decoder would make them strings
            return f"unsupported value {value!r}: quote it to make it a string"
    return ""
