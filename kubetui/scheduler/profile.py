"""The default scheduling profile: which plugins run, in which order, with which score weights.

As kube-scheduler's default profile (pkg/scheduler/apis/config/v1/default_plugins.go, v1.30+).
Filters run in this order and the first one that rejects a node names the reason.
"""

from __future__ import annotations

from kubetui.scheduler.framework import Framework, Handle, Plugin
from kubetui.scheduler.plugins.balanced_allocation import BalancedAllocation
from kubetui.scheduler.plugins.default_binder import DefaultBinder
from kubetui.scheduler.plugins.default_preemption import DefaultPreemption
from kubetui.scheduler.plugins.image_locality import ImageLocality
from kubetui.scheduler.plugins.inter_pod_affinity import InterPodAffinity
from kubetui.scheduler.plugins.node_affinity import NodeAffinity
from kubetui.scheduler.plugins.node_name import NodeName
from kubetui.scheduler.plugins.node_ports import NodePorts
from kubetui.scheduler.plugins.node_resources_fit import NodeResourcesFit
from kubetui.scheduler.plugins.node_unschedulable import NodeUnschedulable
from kubetui.scheduler.plugins.pod_topology_spread import PodTopologySpread
from kubetui.scheduler.plugins.taint_toleration import TaintToleration
from kubetui.scheduler.plugins.volume_binding import VolumeBinding

DEFAULT_PLUGINS: tuple[type[Plugin], ...] = (
    NodeUnschedulable,
    NodeName,
    TaintToleration,
    NodeAffinity,
    NodePorts,
    NodeResourcesFit,
    VolumeBinding,
    PodTopologySpread,
    InterPodAffinity,
    DefaultPreemption,
    BalancedAllocation,
    ImageLocality,
    DefaultBinder,
)

DEFAULT_WEIGHTS: dict[str, int] = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "PodTopologySpread": 2,
    "InterPodAffinity": 2,
    "NodeResourcesBalancedAllocation": 1,
    "ImageLocality": 1,
}


def default_framework(
    handle: Handle, percentage_of_nodes_to_score: int = 0, extra: tuple[type[Plugin], ...] = ()
) -> Framework:
    """The default profile; ``extra`` plugins (e.g. a test's Reserve plugin) run after the defaults."""
    plugins = [cls(handle) for cls in (*DEFAULT_PLUGINS, *extra)]
    return Framework(handle, plugins, DEFAULT_WEIGHTS, percentage_of_nodes_to_score)
