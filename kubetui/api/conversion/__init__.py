"""Versions served besides the storage version: a converter pair per (group, version, kind).

The API server stores one version of each resource (``ResourceInfo.version``). A resource listed
with ``also_served`` versions is reachable at those too: the HTTP front door converts each request
body to the storage version before the API server sees it, and each object it answers with back to
the version the client asked for (``kubectl autoscale`` posts ``autoscaling/v1``; the store and every
in-process client keep ``autoscaling/v2``).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kubetui.api.conversion import autoscaling
from kubetui.api.models import autoscaling_v1
from kubetui.api.models.base import K8sModel
from kubetui.api.resources import ResourceInfo

Obj = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Converter:
    """Both directions between one served version and the storage version; neither mutates its input."""

    to_storage: Callable[[Obj], Obj]
    from_storage: Callable[[Obj], Obj]
    model: type[K8sModel]  # the served version's type, for the decoder's type errors and OpenAPI


CONVERTERS: dict[tuple[str, str, str], Converter] = {
    ("autoscaling", "v1", "HorizontalPodAutoscaler"): Converter(
        autoscaling.v1_to_v2, autoscaling.v2_to_v1, autoscaling_v1.HorizontalPodAutoscaler
    ),
}


def converter(info: ResourceInfo, version: str) -> Converter | None:
    """The converter for ``info`` served at ``version``; None at the storage version."""
    if version == info.version:
        return None
    return CONVERTERS[(info.group, version, info.kind)]


def to_storage(info: ResourceInfo, version: str, obj: Any) -> Any:
    """A request body at ``version`` as the storage version; anything but an object of this kind and
    version is passed on as is, for the API server to refuse in its own words."""
    conv = converter(info, version)
    if conv is None or not isinstance(obj, dict) or obj.get("kind") != info.kind:
        return obj
    if obj.get("apiVersion") != info.api_version_of(version):
        return obj
    return conv.to_storage(copy.deepcopy(obj))


def from_storage(info: ResourceInfo, version: str, obj: Any) -> Any:
    """A stored object as ``version`` shows it (a Status or anything else passes through)."""
    conv = converter(info, version)
    if conv is None or not isinstance(obj, dict) or obj.get("kind") != info.kind:
        return obj
    return conv.from_storage(obj)
