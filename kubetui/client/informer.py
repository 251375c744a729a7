"""Informers: list + watch into a local cache, with add/update/delete handlers (client-go's SharedInformer).

Objects in the cache are shared by every handler, and objects from watches with every other
in-process watcher of the same event (the scheduler's and the controller manager's caches hold the
same dicts): treat them as read-only and copy (:func:`kubetui.apiserver.codec.deep_copy`) before
changing anything, as client-go requires. The test suite runs with the cache mutation detector
(:mod:`kubetui.client.mutation_detector`) on, which fails a test that changes a cached object.
"""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from typing import Any

from kubetui.api.meta import key_of
from kubetui.apiserver.codec import intern_tree
from kubetui.apiserver.errors import ApiError
from kubetui.apiserver.watch import ApiEvent, ApiWatch
from kubetui.client import mutation_detector
from kubetui.client.client import Client

Obj = dict[str, Any]
AddHandler = Callable[[Obj], None]
UpdateHandler = Callable[[Obj, Obj], None]
DeleteHandler = Callable[[Obj], None]
IndexFunc = Callable[[Obj], list[str]]
Transform = Callable[[Obj], Obj]


def strip_managed_fields(obj: Obj) -> Obj:
    """The controller manager's and scheduler's informer transform: drop ``metadata.managedFields``.

    They never read them, and they are half of a decoded pod's memory (kubernetes#118455, #119556).
    """
    metadata = obj.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    return obj


def compact_for_cache(obj: Obj) -> Obj:
    """The transform of the scheduler's and controller manager's informers (:class:`InformerFactory`).

    managedFields dropped (:func:`strip_managed_fields`), then repeated sub-trees and strings shared
    with the objects already cached (:func:`kubetui.apiserver.codec.intern_tree`): the pods of one
    ReplicaSet hold one copy of their labels, containers, tolerations and conditions.
    """
    return intern_tree(strip_managed_fields(obj))


class Informer:
    def __init__(
        self,
        client: Client,
        resource: str,
        namespace: str | None = None,
        label_selector: str | None = None,
        field_selector: str | None = None,
        resync_period: float | None = None,
        transform: Transform | None = None,
    ) -> None:
        self.client = client
        self.transform = transform  # applied to each object before it enters the cache (SetTransform)
        self.resource = resource
        self.namespace = namespace
        self.label_selector = label_selector
        self.field_selector = field_selector
        self.resync_period = resync_period
        self.cache: dict[str, Obj] = {}
        self.synced = False
        self.resource_version = ""
        self._handlers: list[tuple[AddHandler | None, UpdateHandler | None, DeleteHandler | None]] = []
        self._indexers: dict[str, IndexFunc] = {}
        self._indices: dict[str, dict[str, set[str]]] = {}
        self._watch: ApiWatch | None = None
        self._started = False

    # -- wiring ---------------------------------------------------------------------------------
    def add_handlers(
        self,
        on_add: AddHandler | None = None,
        on_update: UpdateHandler | None = None,
        on_delete: DeleteHandler | None = None,
    ) -> None:
        self._handlers.append((on_add, on_update, on_delete))
        if self.synced:  # a late handler still sees everything, like AddEventHandler on a running informer
            for obj in list(self.cache.values()):
                if on_add:
                    on_add(obj)

    def add_index(self, name: str, func: IndexFunc) -> None:
        self._indexers[name] = func
        index: dict[str, set[str]] = {}
        for key, obj in self.cache.items():
            for value in func(obj):
                index.setdefault(value, set()).add(key)
        self._indices[name] = index

    # -- reading ---------------------------------------------------------------------------------
    def get(self, namespace: str, name: str) -> Obj | None:
        return self.cache.get(f"{namespace}/{name}" if namespace else name)

    def get_by_key(self, key: str) -> Obj | None:
        return self.cache.get(key)

    def list(self) -> list[Obj]:
        return list(self.cache.values())

    def by_index(self, name: str, value: str) -> builtins.list[Obj]:
        keys = self._indices.get(name, {}).get(value, ())
        return [self.cache[k] for k in sorted(keys) if k in self.cache]

    # -- running ---------------------------------------------------------------------------------
    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self._list_and_watch()
        if self.resync_period:
            self.client.clock.call_later(self.resync_period, self._resync, label=f"{self.resource} resync")

    def stop(self) -> None:
        self._started = False
        if self._watch is not None:
            self._watch.stop()
            self._watch = None

    def _list_and_watch(self) -> None:
        listing = self.client.list(self.resource, self.namespace, self.label_selector, self.field_selector)
        self.resource_version = listing["metadata"]["resourceVersion"]
        transform = self.transform
        fresh = {sys.intern(key_of(obj)): transform(obj) if transform else obj for obj in listing["items"]}
        old = self.cache
        self.cache = {}
        for name in self._indices:
            self._indices[name] = {}
        events: list[tuple[str, Obj, Obj | None]] = []
        for key, obj in fresh.items():
            self._store(key, obj)
            previous = old.pop(key, None)
            events.append(("MODIFIED", obj, previous) if previous is not None else ("ADDED", obj, None))
        for obj in old.values():
            events.append(("DELETED", obj, None))
        try:
            self._watch = self.client.watch(
                self.resource,
                self._on_events,
                self.namespace,
                self.label_selector,
                self.field_selector,
                self.resource_version,
                self.transform,  # applied by the watch, once per event for every watcher with this transform
            )
        except ApiError as err:
            if err.code == 410:  # compacted between list and watch: list again
                self.client.clock.call_soon(self._list_and_watch, label=f"{self.resource} relist")
                return
            raise
        self.synced = True
        for etype, obj, previous in events:
            self._dispatch(etype, obj, previous)

    def _on_events(self, events: builtins.list[ApiEvent]) -> None:
        for etype, obj in events:
            if etype in ("BOOKMARK", "ERROR"):
                continue
            key = sys.intern(key_of(obj))  # one string for every informer's key of the object
            self.resource_version = obj["metadata"].get("resourceVersion", self.resource_version)
            if etype == "DELETED":
                previous = self._remove(key)
                self._dispatch("DELETED", previous or obj, None)
            else:
                previous = self.cache.get(key)
                self._store(key, obj)
                self._dispatch("MODIFIED" if previous is not None else "ADDED", obj, previous)

    def _store(self, key: str, obj: Obj) -> None:
        previous = self.cache.get(key)
        if previous is not None and self._indexers:
            self._unindex(key, previous)
        self.cache[key] = obj
        detector = mutation_detector.current()
        if detector is not None:
            detector.add(obj, f"{self.client.identity} {self.resource} informer")
        for name, func in self._indexers.items():
            for value in func(obj):
                self._indices[name].setdefault(value, set()).add(key)

    def _remove(self, key: str) -> Obj | None:
        previous = self.cache.pop(key, None)
        if previous is not None:
            self._unindex(key, previous)
        return previous

    def _unindex(self, key: str, obj: Obj) -> None:
        for name, func in self._indexers.items():
            index = self._indices[name]
            for value in func(obj):
                keys = index.get(value)
                if keys is not None:
                    keys.discard(key)
                    if not keys:
                        del index[value]

    def _dispatch(self, etype: str, obj: Obj, previous: Obj | None) -> None:
        for on_add, on_update, on_delete in self._handlers:
            if etype == "ADDED":
                if on_add:
                    on_add(obj)
            elif etype == "MODIFIED":
                if on_update:
                    on_update(previous if previous is not None else obj, obj)
            elif on_delete:
                on_delete(obj)

    def _resync(self) -> None:
        if not self._started:
            return
        for obj in list(self.cache.values()):
            self._dispatch("MODIFIED", obj, obj)
        assert self.resync_period
        self.client.clock.call_later(self.resync_period, self._resync, label=f"{self.resource} resync")


class InformerFactory:
    """One informer per resource per process, shared by that process's controllers."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self._informers: dict[tuple[str, str | None, str | None], Informer] = {}

    def informer(self, resource: str, namespace: str | None = None, field_selector: str | None = None) -> Informer:
        key = (resource, namespace, field_selector)
        if key not in self._informers:
            self._informers[key] = Informer(
                self.client, resource, namespace, field_selector=field_selector, transform=compact_for_cache
            )
        return self._informers[key]

    def start(self) -> None:
        for informer in list(self._informers.values()):
            informer.start()

    def stop(self) -> None:
        for informer in self._informers.values():
            informer.stop()
