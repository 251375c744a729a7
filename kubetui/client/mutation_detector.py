"""The cache mutation detector (client-go's tools/cache/mutation_detector.go), for tests.

Informer caches and the objects watches hand out are shared and read-only: the scheduler's and the
controller manager's informers hold the very same dicts. Nothing stops a component from changing
one in place, which would corrupt every other reader. With ``KUBE_CACHE_MUTATION_DETECTOR=true`` in
the environment (or :func:`enable`), every object that enters an informer cache is remembered with
a serialized copy of how it was then; :func:`check` (the test suite runs it after every test) reports
every remembered object that no longer matches its copy. Off, it costs one global lookup per cache
write; on, it keeps every cached object alive, so it is for tests, as in client-go.
"""

from __future__ import annotations

import os
from typing import Any

import orjson

ENV = "KUBE_CACHE_MUTATION_DETECTOR"


class CacheMutationError(AssertionError):
    """A shared cached object was changed in place."""


class MutationDetector:
    def __init__(self) -> None:
        # id -> (the object, its bytes when it was cached, who cached it); holding the object keeps its id unique
        self._objects: dict[int, tuple[Any, bytes, str]] = {}

    def add(self, obj: Any, who: str) -> None:
        if id(obj) not in self._objects:
            self._objects[id(obj)] = (obj, orjson.dumps(obj), who)

    def clear(self) -> None:
        """Forget every remembered object (a test that mutates on purpose, after checking the report)."""
        self._objects.clear()

    def __len__(self) -> int:
        return len(self._objects)

    def mutations(self) -> list[str]:
        """One line per remembered object that changed: what it is, who cached it, the first difference."""
        found = []
        for obj, was, who in self._objects.values():
            if orjson.dumps(obj) != was:
                meta = obj.get("metadata", {}) if isinstance(obj, dict) else {}
                name = f"{obj.get('kind', '?')} {meta.get('namespace', '')}/{meta.get('name', '?')}"
                found.append(f"{name} (cached by {who}): {_first_difference(orjson.loads(was), obj)}")
        return found

    def check(self) -> None:
        found = self.mutations()
        if found:
            raise CacheMutationError(
                f"{len(found)} cached object(s) were changed in place (copy before changing):\n" + "\n".join(found)
            )


def _first_difference(was: Any, now: Any, path: str = "") -> str:
    if isinstance(was, dict) and isinstance(now, dict):
        for key in list(was) + [k for k in now if k not in was]:
            if key not in now:
                return f"{path}.{key} removed"
            if key not in was:
                return f"{path}.{key} added"
            if was[key] != now[key]:
                return _first_difference(was[key], now[key], f"{path}.{key}")
        return f"{path} keys reordered"
    if isinstance(was, list) and isinstance(now, list) and len(was) == len(now):
        for i, (a, b) in enumerate(zip(was, now, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path or '.'}: {orjson.dumps(was)[:80].decode()} -> {orjson.dumps(now)[:80].decode()}"


_detector: MutationDetector | None = (
    MutationDetector() if os.environ.get(ENV, "").lower() in ("1", "true") else None
)


def enable() -> MutationDetector:
    """Start remembering cached objects (a fresh detector); returns it."""
    global _detector
    _detector = MutationDetector()
    return _detector


def disable() -> None:
    global _detector
    _detector = None


def current() -> MutationDetector | None:
    return _detector
