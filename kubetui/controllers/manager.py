"""kube-controller-manager: runs every controller, each with its own client identity, on shared informers."""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable

from kubetui.client.client import Client
from kubetui.client.informer import InformerFactory
from kubetui.controllers.base import Controller
from kubetui.sim.trace import TraceBus

# module:Class for each controller, in the order kube-controller-manager starts them.
CONTROLLERS: tuple[str, ...] = (
    "kubetui.controllers.deployment:DeploymentController",
    "kubetui.controllers.replicaset:ReplicaSetController",
    "kubetui.controllers.replicationcontroller:ReplicationManager",
    "kubetui.controllers.daemonset:DaemonSetController",
    "kubetui.controllers.statefulset:StatefulSetController",
    "kubetui.controllers.job:JobController",
    "kubetui.controllers.cronjob:CronJobController",
    "kubetui.controllers.podautoscaler.horizontal:HorizontalController",
    "kubetui.controllers.disruption:DisruptionController",
    "kubetui.controllers.endpoints:EndpointsController",
    "kubetui.controllers.endpointslice:EndpointSliceController",
    "kubetui.controllers.nodelifecycle:NodeLifecycleController",
    "kubetui.controllers.garbagecollector:GarbageCollector",
    "kubetui.controllers.namespace:NamespaceController",
    "kubetui.controllers.serviceaccount:ServiceAccountController",
    "kubetui.controllers.resourcequota:ResourceQuotaController",
    "kubetui.controllers.rootcacertpublisher:RootCACertPublisher",
    "kubetui.controllers.podgc:PodGCController",
    "kubetui.controllers.volume.persistentvolume:PersistentVolumeController",
    "kubetui.controllers.volume.pvcprotection:PVCProtectionController",
    "kubetui.controllers.volume.pvprotection:PVProtectionController",
    "kubetui.controllers.volume.localpath:LocalPathProvisioner",
)


def _load(path: str) -> type[Controller] | None:
    module_name, _, class_name = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:
            return None  # not written yet
        raise
    cls = getattr(module, class_name)
    assert issubclass(cls, Controller)
    return cls


class ControllerManager:
    def __init__(self, client_for: Callable[[str], Client], trace: TraceBus, rng: random.Random) -> None:
        # Shared informers list/watch as the controller manager itself.
        self.informers = InformerFactory(client_for("kube-controller-manager"))
        self.controllers: list[Controller] = []
        for path in CONTROLLERS:
            cls = _load(path)
            if cls is None:
                continue
            self.controllers.append(cls(client_for(cls.name), self.informers, trace, rng))

    def start(self) -> None:
        for controller in self.controllers:
            controller.setup()
        self.informers.start()

    def get(self, name: str) -> Controller | None:
        return next((c for c in self.controllers if c.name == name), None)
