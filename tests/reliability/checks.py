"""What a converged cluster looks like, and the invariants that must hold at every moment on the way.

The checks read the store directly (decoding its bytes) instead of calling the API server, so
watching a run adds no requests to its trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from kubetui.api.quantity import cpu_millis, memory_bytes
from kubetui.api.selectors import selector_from_dict
from kubetui.client import mutation_detector
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ApiRequest, EtcdWrite, Record

Obj = dict[str, Any]
WATCHED = ("pods", "deployments", "replicasets", "nodes", "services", "endpoints", "jobs", "daemonsets", "cronjobs")
TERMINAL = ("Succeeded", "Failed")


def new_example() -> None:
    """Check the cache mutation detector now, then forget what it holds: one example's objects at a time.

    The detector (tests/conftest.py) keeps every cached object until the test ends; a property that
    builds a cluster per example kept them all, ~3 MB an example (a 30x soak grew past 7 GiB). A
    mutation now fails the example that made it, so Hypothesis can shrink it.
    """
    detector = mutation_detector.current()
    if detector is not None:
        detector.check()
        detector.clear()


def objects(cluster: Cluster, resource: str) -> list[Obj]:
    """Every stored object of ``resource`` (all namespaces), read from the store's bytes."""
    kvs, _ = cluster.store.range(f"/registry/{resource}/")
    return [orjson.loads(kv.value) for kv in kvs]


def condition(obj: Obj, kind: str) -> str:
    for c in (obj.get("status") or {}).get("conditions") or ():
        if c.get("type") == kind:
            return str(c.get("status"))
    return ""


def live(pod: Obj) -> bool:
    return (
        not pod["metadata"].get("deletionTimestamp")
        and (pod.get("status") or {}).get("phase") not in TERMINAL
    )


def owner_uid(obj: Obj) -> str:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return str(ref.get("uid"))
    return ""


def requests(pod: Obj) -> tuple[int, int]:
    cpu = mem = 0
    for c in pod["spec"].get("containers") or ():
        req = (c.get("resources") or {}).get("requests") or {}
        cpu += cpu_millis(req.get("cpu", "0"))
        mem += memory_bytes(req.get("memory", "0"))
    return cpu, mem


@dataclass
class Invariants:
    """Checks run while the cluster runs; ``violations`` collects what broke, with the virtual time."""

    cluster: Cluster
    violations: list[str] = field(default_factory=list)
    writes: dict[str, list[int]] = field(default_factory=dict)  # resource -> store revisions written
    seen: dict[str, list[int]] = field(default_factory=dict)  # resource -> revisions its watch delivered
    dead_nodes: int = 0

    def start(self) -> None:
        """Open one watch per resource from the current revision and subscribe to the trace."""
        revision = str(self.cluster.store.revision)
        for resource in WATCHED:
            self.writes[resource] = []
            self.seen[resource] = []
            self.cluster.api.watch(
                "reliability-check", resource, self._watcher(resource), resource_version=revision
            )
        self.cluster.trace.subscribe(self._on_record)

    def _watcher(self, resource: str) -> Any:
        seen = self.seen[resource]

        def on_events(events: list[tuple[str, Obj]]) -> None:
            for etype, obj in events:
                rv = int(obj["metadata"]["resourceVersion"])
                if seen and rv <= seen[-1]:
                    self.fail(f"{resource} watch: resourceVersion {rv} after {seen[-1]} ({etype})")
                seen.append(rv)

        return on_events

    def fail(self, message: str) -> None:
        self.violations.append(f"t={self.cluster.clock.now:.3f} {message}")

    def _on_record(self, record: Record) -> None:
        if isinstance(record, EtcdWrite):
            resource = record.key.split("/")[2]
            if resource in self.writes:
                self.writes[resource].append(record.revision)
        elif isinstance(record, ApiRequest) and record.code < 300:
            if record.resource == "pods" and record.subresource == "binding":
                self.check_node_capacity()
            elif record.resource == "deployments" and record.subresource == "status":
                self.check_surge(record.namespace, record.name)

    def check_node_capacity(self) -> None:
        """No node holds more requests than its allocatable (non-terminal pods bound to it)."""
        used: dict[str, list[int]] = {}
        for pod in objects(self.cluster, "pods"):
            node = pod["spec"].get("nodeName")
            if node and (pod.get("status") or {}).get("phase") not in TERMINAL:
                cpu, mem = requests(pod)
                total = used.setdefault(node, [0, 0])
                total[0] += cpu
                total[1] += mem
        for node in objects(self.cluster, "nodes"):
            name = node["metadata"]["name"]
            alloc = (node.get("status") or {}).get("allocatable") or {}
            cpu, mem = used.get(name, [0, 0])
            if cpu > cpu_millis(alloc.get("cpu", "0")) or mem > memory_bytes(alloc.get("memory", "0")):
                self.fail(f"node {name} over allocatable: {cpu}m cpu, {mem} bytes of {alloc}")

    def check_surge(self, namespace: str, name: str) -> None:
        """After a Deployment sync, its ReplicaSets' replicas add up to at most replicas + maxSurge."""
        key = f"/registry/deployments/{namespace}/{name}"
        kv = self.cluster.store.get(key)
        if kv is None:
            return
        d = orjson.loads(kv.value)
        if (
            d["metadata"].get("deletionTimestamp")
            or (d["spec"].get("strategy") or {}).get("type") == "Recreate"
        ):
            return
        surge = int(((d["spec"].get("strategy") or {}).get("rollingUpdate") or {}).get("maxSurge", 1))
        uid = d["metadata"]["uid"]
        total = sum(
            int(rs["spec"].get("replicas", 1))
            for rs in objects(self.cluster, "replicasets")
            if owner_uid(rs) == uid
        )
        if total > int(d["spec"].get("replicas", 1)) + surge:
            self.fail(
                f"deployment {name}: ReplicaSets hold {total} replicas > {d['spec'].get('replicas')} + "
                f"maxSurge {surge}"
            )

    def check_watches(self) -> None:
        """Each watch delivered exactly the store's writes to its resource, in order."""
        for resource in WATCHED:
            writes, seen = self.writes[resource], self.seen[resource]
            if writes != seen:
                missing = sorted(set(writes) - set(seen))[:5]
                extra = sorted(set(seen) - set(writes))[:5]
                self.fail(
                    f"{resource} watch: {len(seen)} events for {len(writes)} writes; "
                    f"missing {missing}, unexpected {extra}"
                )


def unconverged(cluster: Cluster, deleted_deployments: set[str]) -> list[str]:
    """What still differs from the converged state (empty when converged)."""
    problems: list[str] = []
    nodes = {n["metadata"]["name"]: n for n in objects(cluster, "nodes")}
    ready_nodes = {name for name, n in nodes.items() if condition(n, "Ready") == "True"}
    for name, machine in cluster.machines.items():
        if machine.state != "Running":
            problems.append(f"machine {name} is {machine.state}")
        if name not in ready_nodes:
            problems.append(f"node {name} not Ready")
    pods = objects(cluster, "pods")
    uids = {
        kind: {o["metadata"]["uid"] for o in objects(cluster, kind)}
        for kind in ("deployments", "replicasets", "daemonsets", "jobs", "cronjobs")
    }
    kind_of = {
        "Deployment": "deployments",
        "ReplicaSet": "replicasets",
        "DaemonSet": "daemonsets",
        "Job": "jobs",
        "CronJob": "cronjobs",
    }
    for pod in pods:
        name, node = pod["metadata"]["name"], pod["spec"].get("nodeName")
        if node and (node not in cluster.machines or cluster.machines[node].state != "Running"):
            problems.append(f"pod {name} bound to dead or missing node {node}")
        if pod["metadata"].get("deletionTimestamp"):
            problems.append(f"pod {name} still terminating")
    jobs = objects(cluster, "jobs")
    for obj in pods + objects(cluster, "replicasets") + jobs:
        for ref in obj["metadata"].get("ownerReferences") or ():
            kind = kind_of.get(str(ref.get("kind")))
            if kind and ref.get("uid") not in uids[kind]:
                problems.append(f"orphan {obj['kind']} {obj['metadata']['name']}: {ref.get('kind')} gone")
    replicasets = objects(cluster, "replicasets")
    for d in objects(cluster, "deployments"):
        problems += _deployment_problems(d, replicasets, pods, ready_nodes)
    for name in sorted(deleted_deployments):
        if any(p["metadata"].get("labels", {}).get("app") == name for p in pods):
            problems.append(f"pods of deleted deployment {name} remain")
    for ds in objects(cluster, "daemonsets"):
        status = ds.get("status") or {}
        want = len(ready_nodes)
        got = (
            status.get("desiredNumberScheduled"),
            status.get("numberReady"),
            status.get("updatedNumberScheduled"),
        )
        if got != (want, want, want):
            problems.append(f"daemonset {ds['metadata']['name']}: desired/ready/updated {got}, want {want}")
    for cronjob in objects(cluster, "cronjobs"):
        problems += _cronjob_problems(cronjob, jobs)
    for job in jobs:
        if condition(job, "Complete") != "True" and condition(job, "Failed") != "True":
            problems.append(f"job {job['metadata']['name']} not finished")
        elif (job.get("status") or {}).get("active"):
            problems.append(f"job {job['metadata']['name']} finished with active pods")
    problems += _endpoint_problems(cluster, pods)
    return problems


def _cronjob_problems(cronjob: Obj, jobs: list[Obj]) -> list[str]:
    """Its history within the limits, and status.active exactly its unfinished Jobs."""
    name, spec = cronjob["metadata"]["name"], cronjob["spec"]
    owned = [j for j in jobs if owner_uid(j) == cronjob["metadata"]["uid"]]
    problems = []
    for ctype, limit in (("Complete", spec["successfulJobsHistoryLimit"]), ("Failed", spec["failedJobsHistoryLimit"])):
        kept = sum(1 for j in owned if condition(j, ctype) == "True")
        if kept > limit:
            problems.append(f"cronjob {name}: {kept} {ctype} jobs kept, limit {limit}")
    running = {j["metadata"]["uid"] for j in owned
               if condition(j, "Complete") != "True" and condition(j, "Failed") != "True"}
    active = {ref.get("uid") for ref in (cronjob.get("status") or {}).get("active") or ()}
    if running != active:
        problems.append(f"cronjob {name}: status.active {sorted(active)} but unfinished jobs {sorted(running)}")
    return problems


def _deployment_problems(d: Obj, replicasets: list[Obj], pods: list[Obj], ready_nodes: set[str]) -> list[str]:
    name, want = d["metadata"]["name"], int(d["spec"].get("replicas", 1))
    status = d.get("status") or {}
    problems = []
    if status.get("observedGeneration") != d["metadata"].get("generation"):
        problems.append(f"deployment {name}: generation not observed")
    for field_name in ("replicas", "updatedReplicas", "readyReplicas", "availableReplicas"):
        if int(status.get(field_name, 0)) != want:
            problems.append(f"deployment {name}: {field_name} {status.get(field_name, 0)}, want {want}")
    owned = {rs["metadata"]["uid"] for rs in replicasets if owner_uid(rs) == d["metadata"]["uid"]}
    mine = [p for p in pods if owner_uid(p) in owned and live(p)]
    if len(mine) != want:
        problems.append(f"deployment {name}: {len(mine)} live pods, want {want}")
    for pod in mine:
        if condition(pod, "Ready") != "True" or pod["spec"].get("nodeName") not in ready_nodes:
            problems.append(f"deployment {name}: pod {pod['metadata']['name']} not Ready on a Ready node")
    return problems


def _endpoint_problems(cluster: Cluster, pods: list[Obj]) -> list[str]:
    problems = []
    endpoints = {
        (e["metadata"]["namespace"], e["metadata"]["name"]): e for e in objects(cluster, "endpoints")
    }
    for svc in objects(cluster, "services"):
        selector = (svc.get("spec") or {}).get("selector")
        if not selector:
            continue
        ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
        match = selector_from_dict({"matchLabels": selector})
        want = sorted(
            p["status"]["podIP"]
            for p in pods
            if p["metadata"]["namespace"] == ns
            and match.matches(p["metadata"].get("labels") or {})
            and live(p)
            and condition(p, "Ready") == "True"
            and (p.get("status") or {}).get("podIP")
        )
        ep = endpoints.get((ns, name))
        got = sorted(a["ip"] for s in (ep or {}).get("subsets") or () for a in s.get("addresses") or ())
        if got != want:
            problems.append(f"endpoints {name}: ready addresses {got}, ready pods {want}")
    return problems
