"""Random clusters under random faults converge once the faults stop, and stay sane on the way.

Each example draws a cluster (2-5 nodes, Deployments, maybe a DaemonSet, a Job, a CronJob, Services) and a
fault schedule (kill, revive, partition and heal nodes, kill containers, cordon, scale, change
images, delete objects) played on the fast clock. Then every node is revived, healed and
uncordoned, and within CONVERGE_SECONDS of virtual time the cluster must be converged (see
``checks.unconverged``). Invariants are checked throughout (``checks.Invariants``). A failure
shows the drawn scenario (seed and schedule) and Hypothesis shrinks it to a minimal one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from hypothesis import given, note
from hypothesis import strategies as st

from kubetui.apiserver.errors import ApiError
from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest, Record
from tests.reliability.checks import Invariants, condition, live, new_example, objects, unconverged
from tests.reliability.soak import examples

CONVERGE_SECONDS = 900.0
IMAGES = ("nginx:1.27", "nginx:1.28", "httpd:2.4")
ACTIONS = (
    "kill-node",
    "revive-node",
    "partition-node",
    "heal-node",
    "kill-container",
    "cordon",
    "uncordon",
    "scale",
    "image",
    "delete-pod",
    "delete-deployment",
    "delete-service",
)


@dataclass(frozen=True)
class Fault:
    delay: float  # virtual seconds after the previous fault
    action: str
    target: int  # picks the node, pod or Deployment (modulo how many there are)
    value: int  # replicas for "scale", image index for "image"


@dataclass(frozen=True)
class Scenario:
    seed: int
    nodes: int
    deployments: tuple[tuple[int, int, int], ...]  # (replicas, maxSurge, maxUnavailable)
    daemonset: bool
    job: bool
    services: bool
    faults: tuple[Fault, ...]
    cronjob: bool = False


faults = st.builds(
    Fault, st.integers(0, 150).map(float), st.sampled_from(ACTIONS), st.integers(0, 20), st.integers(0, 5)
)
rollouts = st.tuples(st.integers(1, 4), st.integers(0, 2), st.integers(0, 2)).filter(lambda t: t[1] or t[2])
scenarios = st.builds(
    Scenario,
    st.integers(0, 2**16),
    st.integers(2, 5),
    st.lists(rollouts, min_size=1, max_size=3).map(tuple),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.lists(faults, max_size=10).map(tuple),
    cronjob=st.booleans(),
)


def deployment(name: str, replicas: int, surge: int, unavailable: int) -> dict[str, Any]:
    labels = {"app": name}
    container = {
        "name": "app",
        "image": IMAGES[0],
        "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}},
    }
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": "default"},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable},
            },
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def build(s: Scenario) -> Cluster:
    new_example()
    cluster = Cluster(seed=s.seed, nodes=default_nodes(s.nodes), trace_history=2_000)
    kubectl = cluster.client("kubectl")
    for i, (replicas, surge, unavailable) in enumerate(s.deployments):
        kubectl.create("deployments", deployment(f"web-{i}", replicas, surge, unavailable))
        if s.services:
            kubectl.create(
                "services",
                {
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": f"web-{i}", "namespace": "default"},
                    "spec": {"selector": {"app": f"web-{i}"}, "ports": [{"port": 80}]},
                },
            )
    if s.daemonset:
        kubectl.create(
            "daemonsets",
            {
                "apiVersion": "apps/v1",
                "kind": "DaemonSet",
                "metadata": {"name": "agent", "namespace": "default"},
                "spec": {
                    "selector": {"matchLabels": {"app": "agent"}},
                    "template": {
                        "metadata": {"labels": {"app": "agent"}},
                        "spec": {
                            "containers": [
                                {
                                    "name": "agent",
                                    "image": "redis:7",
                                    "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}},
                                }
                            ]
                        },
                    },
                },
            },
        )
    if s.job:
        kubectl.create(
            "jobs",
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "metadata": {"name": "batch", "namespace": "default"},
                "spec": {
                    "completions": 3,
                    "parallelism": 2,
                    "template": {
                        "spec": {
                            "restartPolicy": "Never",
                            "containers": [
                                {"name": "work", "image": "busybox:1.36", "command": ["sleep", "20"]}
                            ],
                        }
                    },
                },
            },
        )
    if s.cronjob:
        kubectl.create(
            "cronjobs",
            {
                "apiVersion": "batch/v1",
                "kind": "CronJob",
                "metadata": {"name": "tick", "namespace": "default"},
                "spec": {
                    "schedule": "*/2 * * * *",
                    "jobTemplate": {
                        "spec": {
                            "template": {
                                "spec": {
                                    "restartPolicy": "OnFailure",
                                    "containers": [
                                        {"name": "tick", "image": "busybox:1.36", "command": ["sh", "-c", "date"]}
                                    ],
                                }
                            }
                        }
                    },
                },
            },
        )
    return cluster


def apply_fault(cluster: Cluster, fault: Fault, deleted: set[str]) -> str:
    """Play one fault; a fault with nothing to act on is a no-op. Returns what happened, for the log."""
    kubectl = cluster.client("kubectl")
    nodes = sorted(cluster.machines)
    node = nodes[fault.target % len(nodes)]
    deployments = sorted(d["metadata"]["name"] for d in objects(cluster, "deployments"))
    pods = sorted(p["metadata"]["name"] for p in objects(cluster, "pods") if p["spec"].get("nodeName"))
    try:
        if fault.action in ("kill-node", "revive-node", "partition-node", "heal-node"):
            return cluster.chaos(fault.action, node=node)
        if fault.action == "kill-container":
            if not pods:
                return "no pod"
            return cluster.chaos("kill-container", namespace="default", pod=pods[fault.target % len(pods)])
        if fault.action in ("cordon", "uncordon"):
            kubectl.merge_patch(
                "nodes", "", node, {"spec": {"unschedulable": fault.action == "cordon" or None}}
            )
            return f"{fault.action} {node}"
        if fault.action == "delete-pod":
            if not pods:
                return "no pod"
            kubectl.delete("pods", "default", pods[fault.target % len(pods)])
            return f"delete pod {pods[fault.target % len(pods)]}"
        if not deployments:
            return "no deployment"
        name = deployments[fault.target % len(deployments)]
        if fault.action == "scale":
            kubectl.scale("deployments", "default", name, fault.value)
        elif fault.action == "image":
            patch = {
                "spec": {
                    "template": {
                        "spec": {"containers": [{"name": "app", "image": IMAGES[fault.value % len(IMAGES)]}]}
                    }
                }
            }
            kubectl.patch("deployments", "default", name, patch)
        elif fault.action == "delete-deployment":
            kubectl.delete("deployments", "default", name)
            deleted.add(name)
        elif fault.action == "delete-service":
            kubectl.delete("services", "default", name)
        return f"{fault.action} {name}"
    except (ApiError, ValueError) as err:  # e.g. killing a container on a partitioned node's pod
        return f"{fault.action}: {err}"


def recover(cluster: Cluster) -> None:
    """Faults stop: every machine back on and reachable, every node schedulable."""
    kubectl = cluster.client("kubectl")
    for name, machine in sorted(cluster.machines.items()):
        if machine.state == "Dead":
            cluster.chaos("revive-node", node=name)
        elif machine.state == "Partitioned":
            cluster.chaos("heal-node", node=name)
        with contextlib.suppress(ApiError):
            kubectl.merge_patch("nodes", "", name, {"spec": {"unschedulable": None}})


def play(s: Scenario) -> tuple[Cluster, Invariants, list[str]]:
    cluster = build(s)
    invariants = Invariants(cluster)
    invariants.start()
    cluster.run_for(60)
    deleted: set[str] = set()
    log = []
    for fault in s.faults:
        cluster.run_for(fault.delay)
        log.append(f"t={cluster.clock.now:.0f} {apply_fault(cluster, fault, deleted)}")
    recover(cluster)
    log.append(f"t={cluster.clock.now:.0f} recovered")
    problems = unconverged(cluster, deleted)
    waited = 0.0
    while problems and waited < CONVERGE_SECONDS:
        cluster.run_for(10)
        waited += 10
        problems = unconverged(cluster, deleted)
    cluster.run_for(1)  # deliver the last watch events before comparing streams
    invariants.check_watches()
    return cluster, invariants, problems


@examples(60)
@given(scenarios)
def test_random_faults_converge_and_invariants_hold(s: Scenario) -> None:
    _, invariants, problems = play(s)
    note(f"scenario: {s}")
    assert not invariants.violations, "\n".join(invariants.violations[:20])
    assert not problems, f"not converged {CONVERGE_SECONDS:.0f} s after the faults stopped:\n" + "\n".join(
        problems[:20]
    )


def test_a_chaotic_run_is_deterministic() -> None:
    """The same seed and fault schedule give the same trace, byte for byte, chaos included."""
    s = Scenario(
        seed=11,
        nodes=3,
        deployments=((3, 1, 1), (2, 0, 1)),
        daemonset=True,
        job=True,
        services=True,
        cronjob=True,
        faults=(
            Fault(5, "kill-node", 1, 0),
            Fault(10, "image", 0, 1),
            Fault(5, "partition-node", 2, 0),
            Fault(20, "kill-container", 3, 0),
            Fault(30, "scale", 1, 4),
            Fault(15, "delete-deployment", 0, 0),
        ),
    )
    first, _, problems = play(s)
    second, _, _ = play(s)
    assert not problems
    assert first.trace.last_seq == second.trace.last_seq
    assert first.trace.digest() == second.trace.digest()


@examples(20)
@given(
    st.integers(0, 2**16),
    st.integers(2, 4),
    rollouts.filter(lambda r: r[0] >= 2),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 2)), min_size=1, max_size=4),
)
def test_rolling_updates_keep_within_surge_and_availability(
    seed: int, nodes: int, rollout: tuple[int, int, int], changes: list[tuple[int, int]]
) -> None:
    """No faults, only image changes (some mid-rollout): ReplicaSets never hold more than replicas +
    maxSurge, and Ready pods never drop below replicas - maxUnavailable once the Deployment is up."""
    replicas, surge, unavailable = rollout
    new_example()
    cluster = Cluster(seed=seed, nodes=default_nodes(nodes), trace_history=2_000)
    cluster.client("kubectl").create("deployments", deployment("web-0", replicas, surge, unavailable))
    cluster.run_for(60)
    invariants = Invariants(cluster)
    invariants.start()
    fewest = [replicas]

    def count_ready(record: Record) -> None:
        if isinstance(record, ApiRequest) and record.resource == "pods" and record.code < 300:
            ready = sum(1 for p in objects(cluster, "pods") if live(p) and condition(p, "Ready") == "True")
            fewest[0] = min(fewest[0], ready)

    cluster.trace.subscribe(count_ready)
    for delay, image in changes:
        cluster.run_for(delay)
        patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": IMAGES[image]}]}}}}
        cluster.client("kubectl").patch("deployments", "default", "web-0", patch)
    problems = unconverged(cluster, set())
    for _ in range(60):
        if not problems:
            break
        cluster.run_for(10)
        problems = unconverged(cluster, set())
    assert not problems, problems
    assert not invariants.violations, invariants.violations[:10]
    assert fewest[0] >= replicas - unavailable, f"only {fewest[0]} Ready pods of {replicas}"
