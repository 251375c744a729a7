"""What every controller shares: an identity, shared informers, a work queue, events and trace records.

A controller is level-triggered: informer handlers only enqueue keys; ``reconcile(key)`` reads
the current state from the informer caches and writes through the API server. It never trusts a
remembered event, so it converges after any fault, restart or missed update.
"""

from __future__ import annotations

import random
from typing import Any

from kubetui.client.client import Client
from kubetui.client.events import EventRecorder
from kubetui.client.informer import InformerFactory
from kubetui.client.workqueue import WorkQueue
from kubetui.sim.trace import Reconcile, TraceBus


class Controller:
    """Base class. Subclasses set ``name`` and implement ``setup()`` (informers, handlers) and ``reconcile``."""

    name = "controller"
    event_source = ""  # the Events' source.component, when it is not the controller's name

    def __init__(self, client: Client, informers: InformerFactory, trace: TraceBus, rng: random.Random) -> None:
        self.client = client
        self.informers = informers
        self.trace = trace
        self.rng = rng
        self.clock = client.clock
        self.recorder = EventRecorder(client, self.event_source or self.name)
        self.queue = WorkQueue(self.clock, self.reconcile, self.name)

    def setup(self) -> None:
        """Create informers and register handlers. Called before the informers start."""

    def reconcile(self, key: str) -> None:
        raise NotImplementedError

    def enqueue(self, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata", {})
        ns = meta.get("namespace")
        self.queue.add(f"{ns}/{meta.get('name', '')}" if ns else str(meta.get("name", "")))

    def record(self, obj: str, observed: str, desired: str, action: str) -> None:
        """One reconcile trace record, e.g. ``ReplicaSet default/web-7d9f: 1/3 -> 3: create 2 pods``."""
        self.trace.emit(Reconcile(controller=self.name, object=obj, observed=observed, desired=desired,
                                  action=action))

    def event(self, obj: dict[str, Any], etype: str, reason: str, message: str) -> None:
        self.recorder.event(obj, etype, reason, message)
