"""NodeResourcesFit: cases from pkg/scheduler/framework/plugins/noderesources/fit_test.go (TestEnoughRequests)
and least_allocated_test.go (TestLeastAllocatedScoringStrategy), with the same inputs and expected results."""

from __future__ import annotations

from typing import Any

import pytest

from kubetui.api.podrequests import pod_requests
from kubetui.scheduler.framework import Code
from kubetui.scheduler.plugins.node_resources_fit import NodeResourcesFit
from kubetui.scheduler.podinfo import PodInfo
from tests.scheduler.builders import Harness, node, pod

EXT_A = "example.com/aaa"
EXT_B = "example.com/bbb"


def _r(cpu: int = 0, mem: int = 0, **scalars: int) -> dict[str, Any]:
    out: dict[str, Any] = {"cpu": f"{cpu}m", "memory": str(mem)}
    out.update({EXT_A if k == "a" else EXT_B: v for k, v in scalars.items()})
    return out


# TestEnoughRequests: the node has cpu 10m, memory 20, pods 32, example.com/aaa 5, ephemeral-storage 20.
ENOUGH_REQUESTS = [
    ("no resources requested always fits", pod(), [_r(10, 20)], None, ()),
    (
        "too many resources fails",
        pod(requests=[_r(1, 1)]),
        [_r(10, 20)],
        Code.UNSCHEDULABLE,
        ("Insufficient cpu", "Insufficient memory"),
    ),
    (
        "too many resources fails due to init container cpu",
        pod(requests=[_r(1, 1)], init_requests=[_r(3, 1)]),
        [_r(8, 19)],
        Code.UNSCHEDULABLE,
        ("Insufficient cpu",),
    ),
    (
        "too many resources fails due to highest init container cpu",
        pod(requests=[_r(1, 1)], init_requests=[_r(3, 1), _r(2, 1)]),
        [_r(8, 19)],
        Code.UNSCHEDULABLE,
        ("Insufficient cpu",),
    ),
    (
        "too many resources fails due to init container memory",
        pod(requests=[_r(1, 1)], init_requests=[_r(1, 3)]),
        [_r(9, 19)],
        Code.UNSCHEDULABLE,
        ("Insufficient memory",),
    ),
    (
        "init container fits because it's the max, not sum, of containers and init containers",
        pod(requests=[_r(1, 1)], init_requests=[_r(1, 1)]),
        [_r(9, 19)],
        None,
        (),
    ),
    ("both resources fit", pod(requests=[_r(1, 1)]), [_r(5, 5)], None, ()),
    (
        "one resource memory fits",
        pod(requests=[_r(2, 1)]),
        [_r(9, 5)],
        Code.UNSCHEDULABLE,
        ("Insufficient cpu",),
    ),
    (
        "one resource cpu fits",
        pod(requests=[_r(1, 2)]),
        [_r(5, 19)],
        Code.UNSCHEDULABLE,
        ("Insufficient memory",),
    ),
    ("equal edge case", pod(requests=[_r(5, 1)]), [_r(5, 19)], None, ()),
    (
        "equal edge case for init container",
        pod(requests=[_r(4, 1)], init_requests=[_r(5, 1)]),
        [_r(5, 19)],
        None,
        (),
    ),
    ("extended resource fits", pod(requests=[{EXT_A: 1}]), [{}], None, ()),
    # v1.31+: asking for more than the node's whole allocatable is UnschedulableAndUnresolvable.
    (
        "extended resource capacity enforced",
        pod(requests=[_r(1, 1, a=10)]),
        [_r(0, 0, a=0)],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        (f"Insufficient {EXT_A}",),
    ),
    (
        "extended resource allocatable enforced",
        pod(requests=[_r(1, 1, a=1)]),
        [_r(0, 0, a=5)],
        Code.UNSCHEDULABLE,
        (f"Insufficient {EXT_A}",),
    ),
    (
        "extended resource allocatable enforced for multiple containers",
        pod(requests=[_r(1, 1, a=3), _r(1, 1, a=3)]),
        [_r(0, 0, a=2)],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        (f"Insufficient {EXT_A}",),
    ),
    (
        "extended resource allocatable admits multiple init containers",
        pod(init_requests=[_r(1, 1, a=3), _r(1, 1, a=3)]),
        [_r(0, 0, a=2)],
        None,
        (),
    ),
    (
        "extended resource allocatable enforced for unknown resource",
        pod(requests=[_r(1, 1, b=1)]),
        [_r(0, 0)],
        Code.UNSCHEDULABLE_AND_UNRESOLVABLE,
        (f"Insufficient {EXT_B}",),
    ),
]


@pytest.mark.parametrize(
    ("name", "incoming", "existing", "code", "reasons"), ENOUGH_REQUESTS, ids=[c[0] for c in ENOUGH_REQUESTS]
)
def test_enough_requests(
    name: str,
    incoming: dict[str, Any],
    existing: list[dict[str, Any]],
    code: Code | None,
    reasons: tuple[str, ...],
) -> None:
    machine = node("machine", cpu_m=10, memory=20, pods=32, scalars={EXT_A: 5, "ephemeral-storage": 20})
    running = pod("running", node_name="machine", requests=existing)
    [status] = Harness(NodeResourcesFit, [machine], [running]).filter(incoming)
    if code is None:
        assert status is None
    else:
        assert status is not None
        assert (status.code, status.reasons, status.plugin) == (code, reasons, "NodeResourcesFit")


def test_too_many_pods() -> None:
    machine = node("machine", cpu_m=10, memory=20, pods=1)
    [status] = Harness(NodeResourcesFit, [machine], [pod("running", node_name="machine")]).filter(pod())
    assert status is not None and status.reasons == ("Too many pods",)


def test_sidecar_requests_add_up() -> None:
    """A restartable init container (sidecar) runs beside the app, so its requests add (PodRequests)."""
    spec = pod(requests=[_r(100, 0)], init_requests=[_r(50, 0), _r(200, 0)])["spec"]
    spec["initContainers"][0]["restartPolicy"] = "Always"
    # containers 100 + sidecar 50 = 150; the plain init container needs 200 + the sidecar's 50 = 250.
    assert pod_requests(spec)["cpu"] == 250


def _lr(cpu: int, mem: int) -> dict[str, Any]:
    return {"cpu": f"{cpu}m", "memory": str(mem)}


# TestLeastAllocatedScoringStrategy (default resources cpu and memory, weight 1 each). Capacities are
# written as Kubernetes' test writes them: "4000" cpu means 4000 cores.
LEAST_ALLOCATED = [
    ("nothing scheduled, nothing requested", pod(), [(4000, 10000), (4000, 10000)], [], [100, 100]),
    (
        "nothing scheduled, resources requested, differently sized nodes",
        pod(requests=[_lr(1000, 2000), _lr(2000, 3000)]),
        [(4000, 10000), (6000, 10000)],
        [],
        [37, 50],
    ),
    (
        "no resources requested, pods scheduled",
        pod(),
        [(4000, 10000), (4000, 10000)],
        [("node1", None), ("node1", None), ("node2", None), ("node2", None)],
        [100, 100],
    ),
    (
        "no resources requested, pods scheduled with resources",
        pod(),
        [(10000, 20000), (10000, 20000)],
        [
            ("node1", _lr(3000, 0)),
            ("node1", _lr(3000, 0)),
            ("node2", _lr(3000, 0)),
            ("node2", _lr(3000, 5000)),
        ],
        [70, 57],
    ),
    (
        "resources requested, pods scheduled with resources",
        pod(requests=[_lr(1000, 2000), _lr(2000, 3000)]),
        [(10000, 20000), (10000, 20000)],
        [("node1", _lr(3000, 0)), ("node2", _lr(3000, 5000))],
        [57, 45],
    ),
    (
        "resources requested, pods scheduled with resources, differently sized nodes",
        pod(requests=[_lr(1000, 2000), _lr(2000, 3000)]),
        [(10000, 20000), (10000, 50000)],
        [("node1", _lr(3000, 0)), ("node2", _lr(3000, 5000))],
        [57, 60],
    ),
    (
        "requested resources exceed node capacity",
        pod(requests=[_lr(3000, 0)]),
        [(4000, 10000), (4000, 10000)],
        [("node1", _lr(3000, 0)), ("node2", _lr(3000, 5000))],
        [50, 25],
    ),
    (
        "zero node resources, pods scheduled with resources",
        pod(),
        [(None, None), (None, None)],
        [("node1", _lr(3000, 0)), ("node2", _lr(3000, 5000))],
        [0, 0],
    ),
]


@pytest.mark.parametrize(
    ("name", "incoming", "sizes", "existing", "expected"),
    LEAST_ALLOCATED,
    ids=[c[0] for c in LEAST_ALLOCATED],
)
def test_least_allocated(
    name: str,
    incoming: dict[str, Any],
    sizes: list[tuple[int | None, int | None]],
    existing: list[tuple[str, dict[str, Any] | None]],
    expected: list[int],
) -> None:
    # Kubernetes' "4000" cpu is cores; our builder takes millicores.
    nodes = [node(f"node{i + 1}", cpu_m=None if c is None else c * 1000, memory=m) for i, (c, m) in enumerate(sizes)]
    running = [
        pod(f"e{i}", node_name=n, requests=[] if r is None else [{**r, "cpu": f"{int(r['cpu'][:-1])}"}])
        for i, (n, r) in enumerate(existing)
    ]
    assert Harness(NodeResourcesFit, nodes, running).scores(_as_cores(incoming)) == expected


def _as_cores(p: dict[str, Any]) -> dict[str, Any]:
    """Kubernetes' test quantities "1000" are cores; turn our "1000m" strings back into cores."""
    for c in p["spec"]["containers"]:
        req = c["resources"]["requests"]
        req["cpu"] = req["cpu"][:-1]
    return p


def test_non_zero_defaults_count_for_scoring_only() -> None:
    """A container without requests counts as 100m / 200Mi for scoring (scheduler/util/pod_resources.go)."""
    info = PodInfo(pod(requests=[{}]))
    assert (info.cpu, info.memory) == (0, 0)
    assert (info.non_zero_cpu, info.non_zero_memory) == (100, 200 * 1024 * 1024)
