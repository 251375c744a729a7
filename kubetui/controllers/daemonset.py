"""The DaemonSet controller: one pod on every node that should run it, following nodes as they change.

Follows ``pkg/controller/daemon/daemon_controller.go`` (syncDaemonSet, manage,
podsShouldBeOnNode, NodeShouldRunDaemonPod, updateDaemonSetStatus), ``update.go``
(rollingUpdate without surge) and ``util/daemonset_util.go`` (the tolerations every daemon pod
gets, the ``matchFields metadata.name`` node affinity that lets the scheduler place it).

History (``update.go``: constructHistory, snapshot, dedupCurHistories, cleanupHistory): every template the
DaemonSet has had is a ControllerRevision named ``<ds>-<template hash>``, numbered in order; its
``controller-revision-hash`` label is what the pods carry, and ``kubectl rollout undo`` patches the template
back from a revision's data. Old revisions beyond ``revisionHistoryLimit`` go, unless a pod still runs them.
"""

from __future__ import annotations

from typing import Any

from kubetui.api.intstr import scaled_value
from kubetui.api.meta import controller_of, owner_reference, split_key
from kubetui.api.selectors import SelectorError, selector_from_dict
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers.base import Controller
from kubetui.controllers.controller_ref_manager import adopters_of, claim_pods_and_revisions
from kubetui.controllers.history import History, revision_number, template_patch
from kubetui.controllers.podutil import (
    TAINT_DISK_PRESSURE,
    TAINT_MEMORY_PRESSURE,
    TAINT_NETWORK_UNAVAILABLE,
    TAINT_NOT_READY,
    TAINT_PID_PRESSURE,
    TAINT_UNREACHABLE,
    TAINT_UNSCHEDULABLE,
    Expectations,
    create_pod,
    creation_time,
    delete_pod,
    find_untolerated_taint,
    index_pods,
    is_pod_available,
    is_pod_ready,
    is_pod_terminal,
    is_terminating,
    object_namespace,
    phase_of,
    pod_from_template,
    required_node_affinity_matches,
    slow_start_batch,
    taints_of,
    template_hash,
    tolerations_of,
)

Obj = dict[str, Any]

LABEL_REVISION_HASH = "controller-revision-hash"
LABEL_TEMPLATE_GENERATION = "pod-template-generation"
ANNOTATION_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"
BURST_REPLICAS = 250  # creates/deletes per sync
FAILED_POD_BACKOFF = (1.0, 900.0)  # flowcontrol.NewBackOff(1s, 15min) for failed daemon pods

# AddOrUpdateDaemonPodTolerations: daemon pods survive node problems and cordons.
DAEMON_TOLERATIONS = (
    {"key": TAINT_NOT_READY, "operator": "Exists", "effect": "NoExecute"},
    {"key": TAINT_UNREACHABLE, "operator": "Exists", "effect": "NoExecute"},
    {"key": TAINT_DISK_PRESSURE, "operator": "Exists", "effect": "NoSchedule"},
    {"key": TAINT_MEMORY_PRESSURE, "operator": "Exists", "effect": "NoSchedule"},
    {"key": TAINT_PID_PRESSURE, "operator": "Exists", "effect": "NoSchedule"},
    {"key": TAINT_UNSCHEDULABLE, "operator": "Exists", "effect": "NoSchedule"},
)
HOST_NETWORK_TOLERATION = {"key": TAINT_NETWORK_UNAVAILABLE, "operator": "Exists", "effect": "NoSchedule"}


def _same_toleration(a: Obj, b: Obj) -> bool:
    """Toleration.MatchToleration: same key, operator, value and effect."""
    return all((a.get(k) or "") == (b.get(k) or "") for k in ("key", "operator", "value", "effect"))


def add_daemon_tolerations(spec: Obj) -> None:
    """AddOrUpdateDaemonPodTolerations, in place."""
    wanted = [*DAEMON_TOLERATIONS, *([HOST_NETWORK_TOLERATION] if spec.get("hostNetwork") else [])]
    tolerations = tolerations_of(spec)
    for toleration in wanted:
        if any(t == toleration for t in tolerations):
            continue
        if any(_same_toleration(t, toleration) for t in tolerations):
            tolerations = [dict(toleration) if _same_toleration(t, toleration) else t for t in tolerations]
        else:
            tolerations.append(dict(toleration))
    spec["tolerations"] = tolerations


def daemon_pod_spec(ds: Obj) -> Obj:
    """NewPod's spec: the template's, with the daemon tolerations."""
    spec = deep_copy(((ds.get("spec") or {}).get("template") or {}).get("spec") or {})
    add_daemon_tolerations(spec)
    return spec


def node_should_run(node: Obj, pod_spec: Obj) -> tuple[bool, bool]:
    """NodeShouldRunDaemonPod: (should a pod start here, may an existing one keep running)."""
    node_name = node["metadata"]["name"]
    if pod_spec.get("nodeName") and pod_spec["nodeName"] != node_name:
        return False, False
    if not required_node_affinity_matches(pod_spec, node):
        return False, False
    taints = taints_of(node)
    tolerations = tolerations_of(pod_spec)
    if find_untolerated_taint(taints, tolerations, lambda t: t.get("effect") in ("NoSchedule", "NoExecute")):
        # Scheduled daemon pods keep running unless a NoExecute taint is not tolerated.
        no_execute = find_untolerated_taint(taints, tolerations, lambda t: t.get("effect") == "NoExecute")
        return False, no_execute is None
    return True, True


def replace_node_affinity(spec: Obj, node_name: str) -> None:
    """ReplaceDaemonSetPodNodeNameNodeAffinity: require exactly this node, by ``metadata.name``."""
    term = {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node_name]}]}
    affinity = spec.setdefault("affinity", {}) if isinstance(spec.get("affinity"), dict) else {}
    spec["affinity"] = affinity
    node_affinity = affinity.setdefault("nodeAffinity", {})
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution")
    if not isinstance(required, dict):
        node_affinity["requiredDuringSchedulingIgnoredDuringExecution"] = {"nodeSelectorTerms": [term]}
    else:
        required["nodeSelectorTerms"] = [term]


def target_node(pod: Obj) -> str:
    """GetTargetNodeName: the pod's node, or the node its affinity pins it to before scheduling."""
    spec = pod.get("spec") or {}
    if spec.get("nodeName"):
        return str(spec["nodeName"])
    required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution") or {})
    for term in required.get("nodeSelectorTerms") or ():
        for req in term.get("matchFields") or ():
            values = list(req.get("values") or [])
            if req.get("key") == "metadata.name" and req.get("operator") == "In" and len(values) == 1:
                return str(values[0])
    return ""


def _rolling_value(ds: Obj, field: str, total: int) -> int:
    """UnavailableCount / SurgeCount: the strategy's int-or-percent scaled to the nodes (rounded up); 0 for
    OnDelete or no rollingUpdate."""
    strategy = (ds.get("spec") or {}).get("updateStrategy") or {}
    rolling = strategy.get("rollingUpdate")
    if strategy.get("type", "RollingUpdate") != "RollingUpdate" or not isinstance(rolling, dict):
        return 0
    return scaled_value(rolling.get(field, 0), total, True)


def unavailable_count(ds: Obj, total: int) -> int:
    return _rolling_value(ds, "maxUnavailable", total)


def surge_count(ds: Obj, total: int) -> int:
    return _rolling_value(ds, "maxSurge", total)


def allows_surge(ds: Obj) -> bool:
    """AllowsSurge: maxSurge is not 0 (as a count of one node)."""
    return surge_count(ds, 1) != 0


def is_updated(pod: Obj, revision: str, generation: str) -> bool:
    """IsPodUpdated: the pod carries the current template hash or template generation."""
    labels = pod["metadata"].get("labels") or {}
    return labels.get(LABEL_REVISION_HASH) == revision or labels.get(LABEL_TEMPLATE_GENERATION) == generation


class _Backoff:
    """flowcontrol.Backoff: per-key exponential delay (1 s doubling to 15 min)."""

    def __init__(self, initial: float, cap: float) -> None:
        self.initial, self.cap = initial, cap
        self.entries: dict[str, tuple[float, float]] = {}  # key -> (delay, last update)

    def in_backoff(self, key: str, now: float) -> float:
        """The remaining delay, or 0 when the key may act now."""
        entry = self.entries.get(key)
        if entry is None or now - entry[1] > 2 * self.cap:
            return 0.0
        return max(0.0, entry[0] - (now - entry[1]))

    def next(self, key: str, now: float) -> None:
        entry = self.entries.get(key)
        expired = entry is None or now - entry[1] > 2 * self.cap
        delay = self.initial if entry is None or expired else min(entry[0] * 2, self.cap)
        self.entries[key] = (delay, now)


def _by_age(pod: Obj) -> tuple[Any, ...]:
    """podByCreationTimestampAndPhase: oldest first, running before pending on a tie."""
    return (creation_time(pod), 0 if phase_of(pod) == "Running" else 1, pod["metadata"]["name"])


class DaemonSetController(Controller):
    name = "daemonset-controller"

    def setup(self) -> None:
        self.daemonsets = self.informers.informer("daemonsets")
        self.pods = self.informers.informer("pods")
        self.nodes = self.informers.informer("nodes")
        index_pods(self)
        self.expectations = Expectations(self.clock)
        self.failed_backoff = _Backoff(*FAILED_POD_BACKOFF)
        self.history = History(self)
        self.history.informer.add_handlers(
            self._history_changed, lambda old, new: self._history_updated(old, new), self._history_changed)
        self.daemonsets.add_index("namespace", object_namespace)
        self.daemonsets.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), self._ds_deleted)
        self.pods.add_handlers(self._pod_added, self._pod_updated, self._pod_deleted)
        self.nodes.add_handlers(self._node_added, self._node_updated, lambda _node: self._enqueue_all())

    # -- event handlers ---------------------------------------------------------------------------
    def _owner_key(self, pod: Obj) -> str | None:
        """resolveControllerRef: the key of the DaemonSet controlling a pod (or revision), if it exists."""
        ref = next((r for r in pod["metadata"].get("ownerReferences") or () if r.get("controller")), None)
        if ref is None or ref.get("kind") != "DaemonSet":
            return None
        namespace = pod["metadata"].get("namespace", "")
        ds = self.daemonsets.get(namespace, ref.get("name", ""))
        if ds is None or ds["metadata"].get("uid") != ref.get("uid"):
            return None
        return f"{namespace}/{ref['name']}"

    def _history_changed(self, revision: Obj) -> None:
        """addHistory / deleteHistory: the owning DaemonSet syncs again."""
        key = self._owner_key(revision)
        if key is not None:
            self.queue.add(key)

    def _history_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") != new["metadata"].get("resourceVersion"):
            self._history_changed(new)

    def _ds_deleted(self, ds: Obj) -> None:
        self.expectations.forget(f"{ds['metadata'].get('namespace', '')}/{ds['metadata']['name']}")

    def _enqueue_adopters(self, pod: Obj) -> None:
        for ds in adopters_of(self.daemonsets, pod):
            self.enqueue(ds)

    def _pod_added(self, pod: Obj) -> None:
        key = self._owner_key(pod)
        if key is None:
            if controller_of(pod) is None and not is_terminating(pod):
                self._enqueue_adopters(pod)
            return
        if is_terminating(pod):
            self._pod_deleted(pod)
            return
        self.expectations.creation_observed(key)
        self.queue.add(key)

    def _pod_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        old_ref, new_ref = controller_of(old), controller_of(new)
        if old_ref != new_ref and old_ref is not None:
            old_key = self._owner_key(old)
            if old_key is not None:
                self.queue.add(old_key)  # released: its DaemonSet counts again
        key = self._owner_key(new)
        if key is None:
            relabelled = old["metadata"].get("labels") != new["metadata"].get("labels")
            if new_ref is None and (old_ref != new_ref or relabelled):
                self._enqueue_adopters(new)
            return
        if is_terminating(new) and not is_terminating(old):
            self.expectations.deletion_observed(key)  # a graceful delete counts as seen
        self.queue.add(key)

    def _pod_deleted(self, pod: Obj) -> None:
        key = self._owner_key(pod)
        if key is None:
            return
        self.expectations.deletion_observed(key)
        self.queue.add(key)

    def _node_added(self, node: Obj) -> None:
        for ds in self.daemonsets.list():
            if node_should_run(node, daemon_pod_spec(ds))[0]:
                self.enqueue(ds)

    def _node_updated(self, old: Obj, new: Obj) -> None:
        same_labels = (old["metadata"].get("labels") or {}) == (new["metadata"].get("labels") or {})
        if same_labels and taints_of(old) == taints_of(new):
            return  # shouldIgnoreNodeUpdate
        for ds in self.daemonsets.list():
            spec = daemon_pod_spec(ds)
            if node_should_run(old, spec) != node_should_run(new, spec):
                self.enqueue(ds)

    def _enqueue_all(self) -> None:
        for ds in self.daemonsets.list():
            self.enqueue(ds)

    # -- reconcile --------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        ds = self.daemonsets.get(namespace, name)
        if ds is None:
            self.expectations.forget(key)
            return
        selector = (ds.get("spec") or {}).get("selector")
        if not selector or not (selector.get("matchLabels") or selector.get("matchExpressions")):
            self.event(ds, "Warning", "SelectingAll",
                       "This daemon set is selecting all pods. A non-empty selector is required.")
            return
        if ds["metadata"].get("deletionTimestamp"):
            return
        if self._claim(ds):
            self.queue.add(key)  # the informers bring the new owner references; sync again then
            return
        nodes = sorted(self.nodes.list(), key=lambda n: n["metadata"]["name"])
        actions: list[str] = []
        cur, old = self._construct_history(ds, actions)
        if cur is None:
            self.queue.add_rate_limited(key)  # a hash collision was recorded: sync again with the new count
            return
        revision = str((cur["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH, ""))
        if self.expectations.satisfied(key):
            self._manage(ds, key, nodes, revision, actions)
            strategy = ((ds.get("spec") or {}).get("updateStrategy") or {})
            if self.expectations.satisfied(key) and strategy.get("type", "RollingUpdate") == "RollingUpdate":
                self._rolling_update(ds, key, nodes, revision, actions)
            self._cleanup_history(ds, old, actions)
            status, changed = self._update_status(ds, nodes, revision, True)
        else:
            # Only status; observedGeneration waits until this generation has really been processed.
            status, changed = self._update_status(ds, nodes, revision, False)
        if changed:
            actions.append(f"status: {status['numberReady']} ready, {status['updatedNumberScheduled']} "
                           f"up-to-date, {status['numberAvailable']} available")
        if actions:
            desired, current = status["desiredNumberScheduled"], status["currentNumberScheduled"]
            self.record(f"DaemonSet {key}", f"{current}/{desired} eligible nodes have a pod",
                        f"1 pod on each of {desired} nodes", "; ".join(actions))

    def _claim(self, ds: Obj) -> bool:
        """controlledHistories and getDaemonPods: adopt and release (claim_pods_and_revisions). True if anything
        changed.

        Simplification: a sync that adopts or releases ends there; the next, once the informers have seen the
        new owner references, manages the pods (Go goes on with the claimed pods in the same sync).
        """
        return bool(claim_pods_and_revisions(self, self.history, ds, "daemonsets"))

    # -- history (update.go) ----------------------------------------------------------------------
    def _construct_history(self, ds: Obj, actions: list[str]) -> tuple[Obj | None, list[Obj]]:
        """constructHistory: the revision of the current template (made if missing) and the older ones."""
        patch = template_patch(ds)
        current: list[Obj] = []
        old: list[Obj] = []
        for history in self.history.list(ds):
            if LABEL_REVISION_HASH not in (history["metadata"].get("labels") or {}):
                labels = {**(history["metadata"].get("labels") or {}), LABEL_REVISION_HASH: history["metadata"]["name"]}
                history = self.client.update("controllerrevisions",
                                             {**history, "metadata": {**history["metadata"], "labels": labels}})
            (current if history.get("data") == patch else old).append(history)
        number = max((revision_number(h) for h in old), default=0) + 1
        if not current:
            cur = self._snapshot(ds, patch, number)
            if cur is not None:
                actions.append(f"record revision {number} ({cur['metadata']['name']})")
            return cur, old
        cur = self._dedup_cur_histories(ds, current)
        if revision_number(cur) < number:
            cur = self.history.update_revision(cur, number)
            actions.append(f"renumber {cur['metadata']['name']} as revision {number}")
        return cur, old

    def _snapshot(self, ds: Obj, patch: Obj, number: int) -> Obj | None:
        """snapshot: create the revision ``<ds>-<template hash>``; on a name taken by other data, bump
        status.collisionCount and return None (the sync is retried)."""
        meta = ds["metadata"]
        namespace = meta.get("namespace", "")
        collision_count = (ds.get("status") or {}).get("collisionCount")
        template = (ds.get("spec") or {}).get("template") or {}
        hash_ = template_hash(template, int(collision_count or 0))
        history: Obj = {
            "apiVersion": "apps/v1", "kind": "ControllerRevision",
            "metadata": {
                "name": f"{meta['name']}-{hash_}", "namespace": namespace,
                "labels": {**((template.get("metadata") or {}).get("labels") or {}), LABEL_REVISION_HASH: hash_},
                "ownerReferences": [owner_reference(ds)],
            },
            "data": patch, "revision": number,
        }
        if meta.get("annotations"):
            history["metadata"]["annotations"] = dict(meta["annotations"])
        try:
            return self.client.create("controllerrevisions", history)
        except ApiError as err:
            if not (err.code == 409 and err.reason == "AlreadyExists"):
                raise
        existing = self.client.get("controllerrevisions", namespace, history["metadata"]["name"])
        if existing.get("data") == patch:
            return existing
        current = self.client.get("daemonsets", namespace, meta["name"])
        if (current.get("status") or {}).get("collisionCount") != collision_count:
            return None  # the count we hashed with was stale: retry with the new one
        status = {**(current.get("status") or {}), "collisionCount": int(collision_count or 0) + 1}
        self.client.update_status("daemonsets", {**current, "status": status})
        return None

    def _dedup_cur_histories(self, ds: Obj, current: list[Obj]) -> Obj:
        """dedupCurHistories: keep the highest-numbered revision of the current template; relabel the
        pods of the others onto it and delete them."""
        if len(current) == 1:
            return current[0]
        keep = current[0]
        for history in current:
            if revision_number(history) >= revision_number(keep):
                keep = history
        keep_hash = (keep["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH)
        namespace = ds["metadata"].get("namespace", "")
        for history in current:
            if history["metadata"]["name"] == keep["metadata"]["name"]:
                continue
            for pod in self.pods.by_index("owner-uid", ds["metadata"].get("uid", "")):
                if (pod["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH) != keep_hash:
                    self.client.patch("pods", namespace, pod["metadata"]["name"],
                                      {"metadata": {"labels": {LABEL_REVISION_HASH: keep_hash}}})
            self.history.delete(history)
        return keep

    def _cleanup_history(self, ds: Obj, old: list[Obj], actions: list[str]) -> None:
        """cleanupHistory: delete the oldest revisions beyond revisionHistoryLimit that no pod runs."""
        limit = (ds.get("spec") or {}).get("revisionHistoryLimit")
        to_kill = len(old) - (limit if isinstance(limit, int) else 10)
        if to_kill <= 0:
            return
        live = {str((p["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH) or "")
                for p in self.pods.by_index("owner-uid", ds["metadata"].get("uid", ""))}
        deleted: list[str] = []
        for history in sorted(old, key=revision_number):
            if to_kill <= 0:
                break
            if (history["metadata"].get("labels") or {}).get(LABEL_REVISION_HASH) in live - {""}:
                continue
            self.history.delete(history)
            deleted.append(history["metadata"]["name"])
            to_kill -= 1
        if deleted:
            actions.append(f"delete old revisions ({', '.join(deleted)})")

    def _daemon_pods(self, ds: Obj) -> dict[str, list[Obj]]:
        """getNodesToDaemonPods: this DaemonSet's pods by the node they run on (or are meant for)."""
        by_node: dict[str, list[Obj]] = {}
        try:
            selector = selector_from_dict((ds.get("spec") or {}).get("selector"))
        except SelectorError:
            return by_node
        for pod in self.pods.by_index("owner-uid", ds["metadata"].get("uid", "")):
            if not selector.matches(pod["metadata"].get("labels") or {}):
                continue  # released by the next claim
            if is_pod_terminal(pod) and is_terminating(pod):
                continue
            node = target_node(pod)
            if node:
                by_node.setdefault(node, []).append(pod)
        return by_node

    def _manage(self, ds: Obj, key: str, nodes: list[Obj], revision: str, actions: list[str]) -> None:
        by_node = self._daemon_pods(ds)
        spec = daemon_pod_spec(ds)
        create_on: list[str] = []
        delete: list[str] = []
        for node in nodes:
            node_name = node["metadata"]["name"]
            should_run, keep_running = node_should_run(node, spec)
            pods = by_node.get(node_name, [])
            if should_run and not pods:
                create_on.append(node_name)
            elif keep_running:
                delete += self._prune(ds, key, node_name, pods, revision)
            elif pods:
                delete += [p["metadata"]["name"] for p in pods if not is_terminating(p)]
        # Unscheduled pods meant for nodes that no longer exist never get scheduled: delete them.
        names = {n["metadata"]["name"] for n in nodes}
        for node_name in sorted(set(by_node) - names):
            delete += [p["metadata"]["name"] for p in by_node[node_name]
                       if not (p.get("spec") or {}).get("nodeName") and not is_terminating(p)]
        self._sync_nodes(ds, key, delete, create_on, revision, actions)

    def _prune(self, ds: Obj, key: str, node_name: str, pods: list[Obj], revision: str) -> list[str]:
        """The shouldContinueRunning branch of podsShouldBeOnNode: failed, finished and extra pods go."""
        delete: list[str] = []
        running: list[Obj] = []
        namespace = ds["metadata"].get("namespace", "")
        for pod in pods:
            if is_terminating(pod):
                continue
            pod_name = pod["metadata"]["name"]
            if phase_of(pod) == "Failed":
                backoff_key = f"{namespace}/{ds['metadata']['name']}/{node_name}"
                wait = self.failed_backoff.in_backoff(backoff_key, self.clock.now)
                if wait > 0:
                    self.queue.add_after(key, wait)
                    continue
                self.failed_backoff.next(backoff_key, self.clock.now)
                self.event(ds, "Warning", "FailedDaemonPod",
                           f"Found failed daemon pod {namespace}/{pod_name} on node {node_name}, "
                           "will try to kill it")
                delete.append(pod_name)
            elif phase_of(pod) == "Succeeded":
                self.event(ds, "Normal", "SucceededDaemonPod",
                           f"Found succeeded daemon pod {namespace}/{pod_name} on node {node_name}, "
                           "will try to delete it")
                delete.append(pod_name)
            else:
                running.append(pod)
        if len(running) <= 1:
            return delete
        running.sort(key=_by_age)
        if not allows_surge(ds):
            return delete + [p["metadata"]["name"] for p in running[1:]]  # the oldest stays
        # With maxSurge, an old and a new pod may share the node while the new one becomes available: the oldest
        # of each revision are kept, the old one only while it is ready and the new one not yet available.
        generation = str(ds["metadata"].get("annotations", {}).get(ANNOTATION_TEMPLATE_GENERATION)
                         or ds["metadata"].get("generation", 1))
        oldest_new = oldest_old = None
        for pod in running:
            if is_updated(pod, revision, generation):
                if oldest_new is None:
                    oldest_new = pod
                    continue
            elif oldest_old is None:
                oldest_old = pod
                continue
            delete.append(pod["metadata"]["name"])
        if oldest_new is not None and oldest_old is not None and (
            not is_pod_ready(oldest_old)
            or is_pod_available(oldest_new, int((ds.get("spec") or {}).get("minReadySeconds") or 0), self.clock.now)
        ):
            delete.append(oldest_old["metadata"]["name"])
        return delete

    def _sync_nodes(
        self, ds: Obj, key: str, delete: list[str], create_on: list[str], revision: str, actions: list[str]
    ) -> None:
        """syncNodes: create and delete, in bursts of at most 250, with expectations set first."""
        create_on, delete = create_on[:BURST_REPLICAS], delete[:BURST_REPLICAS]
        self.expectations.expect(key, len(create_on), len(delete))
        template = deep_copy((ds.get("spec") or {}).get("template") or {})
        add_daemon_tolerations(template.setdefault("spec", {}))
        labels = template.setdefault("metadata", {}).setdefault("labels", {})
        generation = ds["metadata"].get("annotations", {}).get(ANNOTATION_TEMPLATE_GENERATION)
        # Simplification: without the strategy's template-generation annotation, the generation stands in.
        labels[LABEL_TEMPLATE_GENERATION] = str(generation or ds["metadata"].get("generation", 1))
        labels[LABEL_REVISION_HASH] = revision
        created: list[str] = []

        def create(i: int) -> bool:
            pod = pod_from_template(template, ds)
            replace_node_affinity(pod["spec"], create_on[i])
            if create_pod(self, ds, pod) is None:
                self.expectations.creation_observed(key)
                return False
            created.append(create_on[i])
            return True

        tried = slow_start_batch(len(create_on), create)
        if tried < len(create_on):
            self.expectations.lower(key, len(create_on) - tried, 0)
        namespace = ds["metadata"].get("namespace", "")
        deleted = 0
        for pod_name in delete:
            if delete_pod(self, ds, namespace, pod_name):
                deleted += 1
            else:
                self.expectations.deletion_observed(key)
        if created:
            actions.append(f"create {len(created)} pods ({', '.join(created)})")
        if deleted:
            actions.append(f"delete {deleted} pods ({', '.join(delete)})")

    def _rolling_update(self, ds: Obj, key: str, nodes: list[Obj], revision: str, actions: list[str]) -> None:
        """rollingUpdate (update.go). Without maxSurge: delete old pods while at most maxUnavailable are
        unavailable, and the manage loop creates their replacements. With maxSurge: start a new pod next to an
        old one on at most maxSurge nodes at a time, and delete the old pod once the new one is available."""
        by_node = self._daemon_pods(ds)
        spec = daemon_pod_spec(ds)
        should_run: dict[str, bool] = {}
        for node in nodes:
            should_run[node["metadata"]["name"]] = node_should_run(node, spec)[0]
            if should_run[node["metadata"]["name"]]:
                by_node.setdefault(node["metadata"]["name"], [])
        desired = sum(should_run.values())
        max_surge, max_unavailable = surge_count(ds, desired), unavailable_count(ds, desired)
        if desired > 0 and max_unavailable == 0 and max_surge == 0:
            max_unavailable = 1  # an impossible configuration falls back to accepting unavailability
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        now = self.clock.now
        generation = str(ds["metadata"].get("annotations", {}).get(ANNOTATION_TEMPLATE_GENERATION)
                         or ds["metadata"].get("generation", 1))
        if max_surge == 0:
            unavailable = 0
            replace_now: list[str] = []
            candidates: list[str] = []
            for node_name in sorted(by_node):
                new, old, ok = self._updated_pods_on_node(by_node[node_name], revision, generation)
                if not ok or (new is None) == (old is None):
                    unavailable += 1  # the manage loop is still creating or pruning here
                elif new is not None:
                    if not is_pod_available(new, min_ready, now):
                        unavailable += 1
                elif old is not None:
                    if not is_pod_available(old, min_ready, now):
                        replace_now.append(old["metadata"]["name"])
                        unavailable += 1
                    elif unavailable < max_unavailable:
                        candidates.append(old["metadata"]["name"])
            budget = max(0, min(max_unavailable - unavailable, len(candidates)))
            to_delete = replace_now + candidates[:budget]
            if to_delete:
                self._sync_nodes(ds, key, to_delete, [], revision, actions)
                actions.append(f"rolling update to {revision} (maxUnavailable {max_unavailable})")
            return
        to_delete, off_node, candidate_nodes, allowed_nodes = [], [], [], []
        surging = available = 0
        for node_name in sorted(by_node):
            new, old, ok = self._updated_pods_on_node(by_node[node_name], revision, generation)
            if not ok:
                surging += 1  # the manage loop prunes the extra pods here first
                continue
            counted = old if old is not None else new
            if counted is not None and is_pod_available(counted, min_ready, now):
                available += 1
            if old is None:
                continue  # the manage loop handles this node
            if new is None:
                if not is_pod_available(old, min_ready, now):
                    if not should_run.get(node_name, False):
                        to_delete.append(old["metadata"]["name"])
                    else:
                        allowed_nodes.append(node_name)  # replace an unavailable old pod at once
                elif not should_run.get(node_name, False):
                    off_node.append(old["metadata"]["name"])
                elif surging < max_surge:
                    candidate_nodes.append(node_name)
            elif not is_pod_available(new, min_ready, now):
                surging += 1  # surged here: waiting for the new pod to be available
            else:
                to_delete.append(old["metadata"]["name"])  # the new pod is available: the old one goes
        deletable = min(available - desired, len(off_node))
        to_delete += off_node[:max(deletable, 0)]
        remaining = max(0, min(max_surge - surging, len(candidate_nodes)))
        create_on = allowed_nodes + candidate_nodes[:remaining]
        if to_delete or create_on:
            self._sync_nodes(ds, key, to_delete, create_on, revision, actions)
            actions.append(f"rolling update to {revision} (maxSurge {max_surge})")

    @staticmethod
    def _updated_pods_on_node(
        pods: list[Obj], revision: str, generation: str
    ) -> tuple[Obj | None, Obj | None, bool]:
        """findUpdatedPodsOnNode: the node's current-revision pod and old pod; not ok if more of either."""
        new = old = None
        for pod in pods:
            if is_terminating(pod):
                continue
            if is_updated(pod, revision, generation):
                if new is not None:
                    return None, None, False
                new = pod
            else:
                if old is not None:
                    return None, None, False
                old = pod
        return new, old, True

    def _update_status(self, ds: Obj, nodes: list[Obj], revision: str, observed: bool) -> tuple[Obj, bool]:
        """updateDaemonSetStatus: the counters, and whether they had to be written."""
        by_node = self._daemon_pods(ds)
        spec = daemon_pod_spec(ds)
        min_ready = int((ds.get("spec") or {}).get("minReadySeconds") or 0)
        generation = str(ds["metadata"].get("annotations", {}).get(ANNOTATION_TEMPLATE_GENERATION)
                         or ds["metadata"].get("generation", 1))
        desired = current = misscheduled = ready = updated = available = 0
        for node in nodes:
            should_run = node_should_run(node, spec)[0]
            pods = by_node.get(node["metadata"]["name"], [])
            if not should_run:
                misscheduled += 1 if pods else 0
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = sorted(pods, key=_by_age)[0]
            if is_pod_ready(pod):
                ready += 1
                if is_pod_available(pod, min_ready, self.clock.now):
                    available += 1
            if is_updated(pod, revision, generation):
                updated += 1
        new_status = {
            "currentNumberScheduled": current, "numberMisscheduled": misscheduled,
            "desiredNumberScheduled": desired, "numberReady": ready, "updatedNumberScheduled": updated,
            "numberAvailable": available, "numberUnavailable": desired - available,
        }
        old_status = ds.get("status") or {}
        generation_now = int(ds["metadata"].get("generation") or 0)
        unchanged = all(int(old_status.get(k) or 0) == v for k, v in new_status.items())
        if unchanged and int(old_status.get("observedGeneration") or 0) >= generation_now:
            return new_status, False
        status = {**old_status, **new_status}
        if observed:
            status["observedGeneration"] = generation_now
        for key in ("numberAvailable", "numberUnavailable", "updatedNumberScheduled"):
            if not status[key]:
                status.pop(key)  # omitempty in the Go type
        try:
            self.client.update_status("daemonsets", {**ds, "status": status})
        except ApiError as err:
            if err.code == 404:
                return new_status, False
            raise
        if min_ready > 0 and ready != available:
            self.queue.add_after(f"{ds['metadata'].get('namespace', '')}/{ds['metadata']['name']}", min_ready)
        return new_status, True

