"""Reading manifest files: multi-document YAML, JSON and ``kind: List``, with file and line for every object.

Parsing never raises: a file that does not parse yields one :class:`ManifestError` naming the file,
line and column, as a user needs to find a half-typed edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 3 * 1024 * 1024  # the API server's request limit
MAX_NODES = 200_000  # values in one document, after YAML aliases are expanded
MAX_DEPTH = 100

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings, as Kubernetes' YAML-to-JSON decoding does."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Document:
    obj: dict[str, Any]
    path: str
    line: int  # 1-based line where the document starts


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


def is_manifest(path: Path, root: Path) -> bool:
    """YAML/JSON files, skipping hidden files and folders and editor swap/backup files."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    if any(part.startswith(".") for part in parts):
        return False
    name = path.name
    if name.endswith("~") or (name.startswith("#") and name.endswith("#")):
        return False
    return name.lower().endswith(MANIFEST_SUFFIXES)


def parse_text(text: str, path: str) -> ParsedFile:
    result = ParsedFile(path)
    if text.startswith(UNREADABLE):
        result.error = ManifestError(path, text[1:])
        return result
    try:
        if path.lower().endswith(".json"):
            raw_docs = _json_documents(text)
        else:
            raw_docs = _yaml_documents(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or str(exc)
        context = f" ({exc.context})" if exc.context else ""
        result.error = ManifestError(
            path,
            f"YAML parse error: {problem}{context}",
            (mark.line + 1) if mark else 0,
            (mark.column + 1) if mark else 0,
        )
        return result
    except yaml.YAMLError as exc:
        result.error = ManifestError(path, f"YAML parse error: {exc}")
        return result
    except json.JSONDecodeError as exc:
        result.error = ManifestError(path, f"JSON parse error: {exc.msg}", exc.lineno, exc.colno)
        return result
    except RecursionError:
        result.error = ManifestError(path, f"document nested deeper than {MAX_DEPTH} levels")
        return result
    for line, doc in raw_docs:
        if doc is None:
            continue  # an empty document (a stray ---) is fine
        problem = _shape_problem(doc)
        if problem:
            result.error = ManifestError(path, problem, line, 1)
            return result
        assert isinstance(doc, dict)
        if doc.get("kind") == "List" or (str(doc.get("kind", "")).endswith("List") and "items" in doc):
            items = doc.get("items")
            if not isinstance(items, list):
                result.error = ManifestError(path, "items: a List needs an array of objects", line, 1)
                return result
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    result.error = ManifestError(path, f"items[{index}]: expected an object", line, 1)
                    return result
                result.documents.append(Document(item, path, line))
            continue
        result.documents.append(Document(doc, path, line))
    return result


UNREADABLE = "\x00"  # a snapshot entry starting with this holds why the file could not be read


def read_text(path: Path) -> str:
    """The file's text, or UNREADABLE followed by the reason."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return f"{UNREADABLE}file is {size} bytes; the limit is {MAX_FILE_BYTES}"
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return f"{UNREADABLE}not UTF-8 text: {exc.reason} at byte {exc.start}"
    except OSError as exc:
        return f"{UNREADABLE}cannot read: {exc.strerror or exc}"


def parse_file(path: Path) -> ParsedFile:
    return parse_text(read_text(path), str(path))


def _yaml_documents(text: str) -> list[tuple[int, Any]]:
    """Each document with the line it starts on (composed first, so positions are known)."""
    docs: list[tuple[int, Any]] = []
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            line = node.start_mark.line + 1
            docs.append((line, loader.construct_document(node)))
    finally:
        loader.dispose()
    return docs


def _json_documents(text: str) -> list[tuple[int, Any]]:
    return [(1, json.loads(text))]


def _shape_problem(doc: Any) -> str:
    """Why a parsed document cannot be an object, or '' when it can."""
    if not isinstance(doc, dict):
        return f"expected a Kubernetes object (a mapping with apiVersion and kind), got {type(doc).__name__}"
    count = 0
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            return f"document too large: more than {MAX_NODES} values (YAML aliases expanded)"
        if depth > MAX_DEPTH:
            return f"document nested deeper than {MAX_DEPTH} levels"
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    return f"keys must be strings, found {key!r}"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif not isinstance(value, str | int | float | bool | type(None)):
            # e.g. YAML timestamps or binary: Kubernetes' YAML decoder would make them strings
            return f"unsupported value {value!r}: quote it to make it a string"
    return ""
