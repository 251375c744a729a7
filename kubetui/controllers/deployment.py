"""The Deployment controller: one ReplicaSet per pod template, scaled up and down to roll out changes.

Follows ``pkg/controller/deployment``: ``deployment_controller.go`` (syncDeployment, the event
handlers), ``sync.go`` (getNewReplicaSet, scale, cleanupDeployment, calculateStatus),
``rolling.go`` (rolloutRolling and the two halves of a rolling step), ``recreate.go``
(rolloutRecreate) and ``progress.go`` (the Progressing condition and progressDeadlineSeconds).
The arithmetic lives in :mod:`kubetui.controllers.deployment_util`.

A rolling step: scale the new ReplicaSet up as far as ``replicas + maxSurge`` allows; if that
changed nothing, scale old ReplicaSets down as far as ``replicas - maxUnavailable`` available
pods allows. The ReplicaSet controller does the pods; this controller only moves numbers.

Simplification: there is no ``spec.rollbackTo`` (extensions/v1beta1); ``kubectl rollout undo``
patches the template client-side, as it does against apps/v1, and the old ReplicaSet is reused.
"""

from __future__ import annotations

import contextlib
from typing import Any

from kubetui.api.meta import controller_of, owner_reference, split_key
from kubetui.api.selectors import LabelSelector
from kubetui.apiserver.codec import deep_copy
from kubetui.apiserver.errors import ApiError
from kubetui.controllers import deployment_util as du
from kubetui.controllers.base import Controller
from kubetui.controllers.controller_ref_manager import RefManager
from kubetui.controllers.podutil import controller_uid, index_pods, object_namespace, template_hash
from kubetui.controllers.replicaset import selector_or_none

Obj = dict[str, Any]


class DeploymentController(Controller):
    name = "deployment-controller"

    def setup(self) -> None:
        self.deployments = self.informers.informer("deployments")
        self.deployments.add_index("namespace", object_namespace)
        self.deployments.add_handlers(self.enqueue, lambda _old, new: self.enqueue(new), self.enqueue)
        self.replicasets = self.informers.informer("replicasets")
        self.replicasets.add_index("namespace", object_namespace)
        self.replicasets.add_index("owner-uid", controller_uid)
        self.replicasets.add_handlers(self._rs_added, self._rs_updated, self._rs_deleted)
        self.pods = self.informers.informer("pods")
        index_pods(self)
        self.pods.add_handlers(on_delete=self._pod_deleted)
        self._actions: list[str] = []

    # -- event handlers ------------------------------------------------------------------------------
    def _resolve(self, namespace: str, ref: Obj | None) -> Obj | None:
        if ref is None or ref.get("kind") != "Deployment":
            return None
        d = self.deployments.get(namespace, str(ref.get("name", "")))
        return d if d is not None and d["metadata"].get("uid") == ref.get("uid") else None

    def _deployments_selecting(self, rs: Obj) -> list[Obj]:
        """getDeploymentsForReplicaSet: Deployments whose selector matches an orphan ReplicaSet."""
        labels = rs["metadata"].get("labels") or {}
        found = []
        for d in self.deployments.by_index("namespace", rs["metadata"].get("namespace", "")):
            selector = selector_or_none(d)
            if selector is not None and not selector.is_empty() and selector.matches(labels):
                found.append(d)
        return found

    def _rs_added(self, rs: Obj) -> None:
        if rs["metadata"].get("deletionTimestamp"):
            self._rs_deleted(rs)
            return
        d = self._resolve(rs["metadata"].get("namespace", ""), controller_of(rs))
        if d is not None:
            self.enqueue(d)
            return
        if controller_of(rs) is None:
            for candidate in self._deployments_selecting(rs):
                self.enqueue(candidate)

    def _rs_updated(self, old: Obj, new: Obj) -> None:
        if old["metadata"].get("resourceVersion") == new["metadata"].get("resourceVersion"):
            return
        namespace = new["metadata"].get("namespace", "")
        ref, old_ref = controller_of(new), controller_of(old)
        if ref != old_ref and old_ref is not None:
            previous = self._resolve(namespace, old_ref)
            if previous is not None:
                self.enqueue(previous)
        if ref is not None:
            d = self._resolve(namespace, ref)
            if d is not None:
                self.enqueue(d)
            return
        if ref != old_ref or old["metadata"].get("labels") != new["metadata"].get("labels"):
            for candidate in self._deployments_selecting(new):
                self.enqueue(candidate)

    def _rs_deleted(self, rs: Obj) -> None:
        d = self._resolve(rs["metadata"].get("namespace", ""), controller_of(rs))
        if d is not None:
            self.enqueue(d)

    def _pod_deleted(self, pod: Obj) -> None:
        """A Recreate rollout waits for the last old pod to go: look again when one does."""
        namespace = pod["metadata"].get("namespace", "")
        ref = controller_of(pod)
        if ref is None or ref.get("kind") != "ReplicaSet":
            return
        rs = self.replicasets.get(namespace, str(ref.get("name", "")))
        if rs is None or rs["metadata"].get("uid") != ref.get("uid"):
            return
        d = self._resolve(namespace, controller_of(rs))
        if d is not None and not du.is_rolling_update(d):
            self.enqueue(d)

    # -- syncDeployment ---------------------------------------------------------------------------------
    def reconcile(self, key: str) -> None:
        namespace, name = split_key(key)
        cached = self.deployments.get(namespace, name)
        if cached is None:
            return
        d = deep_copy(cached)
        self._actions = []
        observed = "no ReplicaSets"
        try:
            selector = selector_or_none(d)
            if selector is None:
                return
            rs_list = self._replicasets_for(d, selector)
            observed = _describe_replicasets(rs_list)
            self._sync(d, rs_list, selector)
        except ApiError as err:
            self._actions.append(f"error: {err.message}")
            raise
        finally:
            if self._actions:
                self.record(f"Deployment {key}", observed, _describe_goal(d), "; ".join(self._actions))

    def _sync(self, d: Obj, rs_list: list[Obj], selector: LabelSelector) -> None:
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self._all_replicasets(d, rs_list, create=False)
            self._sync_status(d, [*old_rss, new_rs], new_rs)
            return
        self._check_paused_conditions(d)
        if (d.get("spec") or {}).get("paused"):
            self._sync_scaling(d, rs_list, paused=True)
            return
        if self._is_scaling_event(d, rs_list):
            self._sync_scaling(d, rs_list, paused=False)
            return
        if du.is_rolling_update(d):
            self._rollout_rolling(d, rs_list)
        else:
            self._rollout_recreate(d, rs_list, selector)

    def _replicasets_for(self, d: Obj, selector: LabelSelector) -> list[Obj]:
        """getReplicaSetsForDeployment: claim ReplicaSets (adopt matching orphans, release the others)."""
        refs = RefManager(self, d, "deployments", selector, "replicasets")
        try:
            return refs.claim(self.replicasets.by_index("namespace", d["metadata"].get("namespace", "")))
        finally:
            self._actions += [f"adopt ReplicaSet {n}" for n in refs.adopted]
            self._actions += [f"release ReplicaSet {n}" for n in refs.released]

    # -- writes (each keeps the in-memory copies current, so one sync never conflicts with itself) -------
    def _update_status(self, d: Obj) -> None:
        """UpdateStatus: also carries the revision annotation, as the status strategy allows.

        Simplification: the copy being synced keeps the resourceVersion of our own writes, so a
        sync does not conflict with itself as the Go controller sometimes does.
        """
        stored = self.client.update_status("deployments", d)
        d["metadata"]["resourceVersion"] = stored["metadata"]["resourceVersion"]

    def _update_replicaset(self, rs: Obj, rs_list: list[Obj] | None = None) -> Obj:
        stored = self.client.update("replicasets", rs)
        if rs_list is not None:
            uid = stored["metadata"].get("uid")
            rs_list[:] = [stored if r["metadata"].get("uid") == uid else r for r in rs_list]
        return stored

    # -- getAllReplicaSetsAndSyncRevision / getNewReplicaSet -------------------------------------------
    def _all_replicasets(self, d: Obj, rs_list: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        _, all_old = du.find_old_replica_sets(d, rs_list)
        new_rs = self._new_replicaset(d, rs_list, all_old, create)
        return new_rs, all_old

    def _new_replicaset(self, d: Obj, rs_list: list[Obj], old_rss: list[Obj], create: bool) -> Obj | None:
        existing = du.find_new_replica_set(d, rs_list)
        new_revision = str(du.max_revision(old_rss) + 1)
        if existing is not None:
            return self._sync_existing_new_replicaset(d, existing, new_revision, rs_list)
        if not create:
            return None
        return self._create_new_replicaset(d, old_rss, new_revision, rs_list)

    def _sync_existing_new_replicaset(self, d: Obj, existing: Obj, new_revision: str,
                                      rs_list: list[Obj]) -> Obj:
        """Bring the new ReplicaSet's annotations up to date (a rollback bumps an old one's revision)."""
        rs = deep_copy(existing)
        before = du.revision_or_none(rs)
        annotations_updated = du.set_new_replica_set_annotations(d, rs, new_revision, exists=True)
        min_ready = int((d.get("spec") or {}).get("minReadySeconds") or 0)
        if annotations_updated or int(rs["spec"].get("minReadySeconds") or 0) != min_ready:
            _set_min_ready(rs, min_ready)
            stored = self._update_replicaset(rs, rs_list)
            after = du.revision_or_none(stored)
            self._actions.append(f"ReplicaSet {stored['metadata']['name']} is revision {after} (was {before})"
                                 if after != before else f"update ReplicaSet {stored['metadata']['name']}")
            return stored
        rs_revision = ((rs["metadata"].get("annotations") or {}).get(du.REVISION_ANNOTATION)) or ""
        needs_update = du.set_deployment_revision(d, rs_revision)
        status = d.setdefault("status", {})
        if du.has_progress_deadline(d) and du.get_condition(status, "Progressing") is None:
            du.set_condition(status, du.new_condition("Progressing", "True", du.FOUND_NEW_RS,
                                                      f'Found new replica set "{rs["metadata"]["name"]}"',
                                                      self.client.now_iso()))
            needs_update = True
        if needs_update:
            self._update_status(d)
        return rs

    def _create_new_replicaset(self, d: Obj, old_rss: list[Obj], new_revision: str,
                               rs_list: list[Obj]) -> Obj:
        spec, status = d.get("spec") or {}, d.setdefault("status", {})
        template = deep_copy(spec.get("template") or {})
        pod_hash = template_hash(spec.get("template") or {}, int(status.get("collisionCount") or 0))
        template.setdefault("metadata", {}).setdefault("labels", {})[du.POD_TEMPLATE_HASH_LABEL] = pod_hash
        selector = deep_copy(spec.get("selector") or {})
        selector.setdefault("matchLabels", {})[du.POD_TEMPLATE_HASH_LABEL] = pod_hash
        name = f"{d['metadata']['name']}-{pod_hash}"
        new_rs: Obj = {
            "apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": d["metadata"].get("namespace", ""),
                         "labels": dict(template["metadata"]["labels"]),
                         "ownerReferences": [owner_reference(d)]},
            "spec": {"replicas": 0, "selector": selector, "template": template},
        }
        _set_min_ready(new_rs, int(spec.get("minReadySeconds") or 0))
        new_replicas = du.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
        new_rs["spec"]["replicas"] = new_replicas
        du.set_new_replica_set_annotations(d, new_rs, new_revision, exists=False)
        already_exists = False
        try:
            created = self.client.create("replicasets", new_rs)
        except ApiError as err:
            if err.code == 409 and err.reason == "AlreadyExists":
                created = self._existing_or_collision(d, name, err)
                already_exists = True
            elif err.code == 403 and "because it is being terminated" in err.message:
                raise
            else:
                message = f'Failed to create new replica set "{name}": {err.message}'
                if du.has_progress_deadline(d):
                    du.set_condition(status, du.new_condition("Progressing", "False", du.FAILED_RS_CREATE,
                                                              message, self.client.now_iso()))
                    with contextlib.suppress(ApiError):  # the bigger problem is reported below
                        self._update_status(d)
                self.event(d, "Warning", du.FAILED_RS_CREATE, message)
                raise
        if not already_exists:
            rs_list.append(created)
            self._actions.append(f"create ReplicaSet {name} (revision {new_revision}, "
                                 f"{new_replicas} replicas)")
            if new_replicas > 0:
                self.event(d, "Normal", "ScalingReplicaSet",
                           f"Scaled up replica set {name} from 0 to {new_replicas}")
        needs_update = du.set_deployment_revision(d, new_revision)
        if not already_exists and du.has_progress_deadline(d):
            du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_REPLICA_SET,
                                                      f'Created new replica set "{name}"',
                                                      self.client.now_iso()))
            needs_update = True
        if needs_update:
            self._update_status(d)
        return created

    def _existing_or_collision(self, d: Obj, name: str, err: ApiError) -> Obj:
        """The name is taken: ours with our template (a stale cache), or a hash collision.

        On a collision, bump ``status.collisionCount`` so the next sync hashes to another name.
        """
        rs = self.replicasets.get(d["metadata"].get("namespace", ""), name)
        if rs is None:
            raise err
        ref = controller_of(rs)
        if ref is not None and ref.get("uid") == d["metadata"].get("uid") and du.equal_ignore_hash(
            du.template_of(d), du.template_of(rs)
        ):
            return rs
        status = d.setdefault("status", {})
        status["collisionCount"] = int(status.get("collisionCount") or 0) + 1
        self._update_status(d)
        self._actions.append(f"hash collision on {name}: collisionCount {status['collisionCount']}")
        raise err

    # -- scaling ------------------------------------------------------------------------------------------
    def _scale_replicaset(self, rs: Obj, new_scale: int, d: Obj, operation: str) -> tuple[bool, Obj]:
        """scaleReplicaSet: set replicas and the desired/max-replicas annotations; emit ScalingReplicaSet."""
        desired = du.spec_replicas(d)
        max_replicas = desired + du.max_surge(d)
        old_scale = du.spec_replicas(rs)
        size_changed = old_scale != new_scale
        if not size_changed and not du.replicas_annotations_need_update(rs, desired, max_replicas):
            return False, rs
        copy = deep_copy(rs)
        copy["spec"]["replicas"] = new_scale
        du.set_replicas_annotations(copy, desired, max_replicas)
        stored = self._update_replicaset(copy)
        rs_name = stored["metadata"]["name"]
        if not size_changed:
            self._actions.append(f"annotate ReplicaSet {rs_name} desired={desired} max={max_replicas}")
            return False, stored
        self.event(d, "Normal", "ScalingReplicaSet",
                   f"Scaled {operation} replica set {rs_name} from {old_scale} to {new_scale}")
        self._actions.append(f"scale {operation} {rs_name} {old_scale} -> {new_scale}")
        return True, stored

    def _scale_and_record(self, rs: Obj, new_scale: int, d: Obj) -> tuple[bool, Obj]:
        """scaleReplicaSetAndRecordEvent."""
        if du.spec_replicas(rs) == new_scale:
            return False, rs
        return self._scale_replicaset(rs, new_scale, d, "up" if du.spec_replicas(rs) < new_scale else "down")

    def _is_scaling_event(self, d: Obj, rs_list: list[Obj]) -> bool:
        """isScalingEvent: an active ReplicaSet was sized for another ``replicas`` (its desired-replicas)."""
        new_rs, old_rss = self._all_replicasets(d, rs_list, create=False)
        for rs in du.filter_active([*old_rss, new_rs]):
            desired = du.non_negative_int_annotation(rs, du.DESIRED_REPLICAS_ANNOTATION)
            if desired is not None and desired != du.spec_replicas(d):
                return True
        return False

    def _sync_scaling(self, d: Obj, rs_list: list[Obj], paused: bool) -> None:
        """sync: scale (proportionally during a rollout) without moving the rollout forward."""
        new_rs, old_rss = self._all_replicasets(d, rs_list, create=False)
        self._scale(d, new_rs, old_rss)
        if paused:
            self._cleanup(d, old_rss)
        self._sync_status(d, [*old_rss, new_rs], new_rs)

    def _scale(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        """scale: the whole change to the only active ReplicaSet, or spread in proportion to their sizes."""
        replicas = du.spec_replicas(d)
        active_or_latest = du.find_active_or_latest(new_rs, old_rss)
        if active_or_latest is not None:
            if du.spec_replicas(active_or_latest) != replicas:
                self._scale_and_record(active_or_latest, replicas, d)
            return
        if du.is_saturated(d, new_rs):
            for old in du.filter_active(reversed(du.by_creation(old_rss))):
                self._scale_and_record(old, 0, d)
            return
        if not du.is_rolling_update(d):
            return
        active = du.filter_active([*old_rss, new_rs])
        allowed = replicas + du.max_surge(d) if replicas > 0 else 0
        to_add = allowed - du.replica_count(active)
        operation = ""
        if to_add > 0:
            active, operation = du.by_size_newer(active), "up"
        elif to_add < 0:
            active, operation = du.by_size_older(active), "down"
        added = 0
        sizes: list[int] = []
        for rs in active:
            proportion = du.get_proportion(rs, d, to_add, added) if to_add else 0
            sizes.append(du.spec_replicas(rs) + proportion)
            added += proportion
        for i, rs in enumerate(active):
            size = sizes[i]
            if i == 0 and to_add:
                size = max(size + to_add - added, 0)  # leftovers go to the largest
            self._scale_replicaset(rs, size, d, operation)

    def _cleanup(self, d: Obj, old_rss: list[Obj]) -> None:
        """cleanupDeployment: keep revisionHistoryLimit old ReplicaSets, deleting the oldest empty ones."""
        if not du.has_revision_history_limit(d):
            return
        cleanable = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        diff = len(cleanable) - int(d["spec"]["revisionHistoryLimit"])
        for rs in du.by_revision(cleanable)[:max(diff, 0)]:
            meta = rs["metadata"]
            if (du.status_int(rs, "replicas") != 0 or du.spec_replicas(rs) != 0
                    or int(meta.get("generation") or 0) > du.status_int(rs, "observedGeneration")):
                continue
            try:
                self.client.delete("replicasets", meta.get("namespace", ""), meta["name"])
            except ApiError as err:
                if err.code != 404:
                    raise
            self._actions.append(f"delete old ReplicaSet {meta['name']} (revision {du.revision_or_none(rs)})")

    # -- rolling update (rolling.go) ----------------------------------------------------------------------
    def _rollout_rolling(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old_rss = self._all_replicasets(d, rs_list, create=True)
        assert new_rs is not None
        all_rss: list[Obj | None] = [*old_rss, new_rs]
        if self._reconcile_new_replicaset(all_rss, new_rs, d):
            self._sync_rollout_status(d, all_rss, new_rs)
            return
        if self._reconcile_old_replicasets(all_rss, du.filter_active(old_rss), new_rs, d):
            self._sync_rollout_status(d, all_rss, new_rs)
            return
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old_rss)
        self._sync_rollout_status(d, all_rss, new_rs)

    def _reconcile_new_replicaset(self, all_rss: list[Obj | None], new_rs: Obj, d: Obj) -> bool:
        """Scale the new ReplicaSet up, within replicas + maxSurge (or down, if replicas shrank)."""
        replicas = du.spec_replicas(d)
        if du.spec_replicas(new_rs) == replicas:
            return False
        if du.spec_replicas(new_rs) > replicas:
            return self._scale_and_record(new_rs, replicas, d)[0]
        return self._scale_and_record(new_rs, du.new_rs_new_replicas(d, all_rss, new_rs), d)[0]

    def _reconcile_old_replicasets(self, all_rss: list[Obj | None], old_rss: list[Obj], new_rs: Obj,
                                   d: Obj) -> bool:
        """Scale old ReplicaSets down, keeping replicas - maxUnavailable pods available.

        Unhealthy old replicas go first: removing them costs no availability, and leaving them
        would block a rollout forever (kubernetes#16737).
        """
        if du.replica_count(old_rss) == 0:
            return False
        all_pods = du.replica_count(all_rss)
        min_available = du.spec_replicas(d) - du.max_unavailable(d)
        new_unavailable = du.spec_replicas(new_rs) - du.status_int(new_rs, "availableReplicas")
        max_scaled_down = all_pods - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        try:
            old_rss, cleaned = self._cleanup_unhealthy_replicas(old_rss, d, max_scaled_down)
            scaled_down = self._scale_down_old_for_rolling_update([*old_rss, new_rs], old_rss, d)
        except ApiError:
            return False  # the Go controller swallows these and waits for the next event
        return cleaned + scaled_down > 0

    def _cleanup_unhealthy_replicas(self, old_rss: list[Obj], d: Obj,
                                    max_cleanup: int) -> tuple[list[Obj], int]:
        """cleanupUnhealthyReplicas: remove old replicas that are not available anyway."""
        old_rss = du.by_creation(old_rss)
        total = 0
        for i, rs in enumerate(old_rss):
            if total >= max_cleanup:
                break
            replicas, available = du.spec_replicas(rs), du.status_int(rs, "availableReplicas")
            if replicas == 0 or replicas == available:
                continue
            count = min(max_cleanup - total, replicas - available)
            _, old_rss[i] = self._scale_and_record(rs, replicas - count, d)
            total += count
        return old_rss, total

    def _scale_down_old_for_rolling_update(self, all_rss: list[Obj | None], old_rss: list[Obj],
                                           d: Obj) -> int:
        """scaleDownOldReplicaSetsForRollingUpdate: remove pods beyond minAvailable, oldest first."""
        min_available = du.spec_replicas(d) - du.max_unavailable(d)
        available = du.available_replica_count(all_rss)
        if available <= min_available:
            return 0
        total, target = 0, available - min_available
        for rs in du.by_creation(old_rss):
            if total >= target:
                break
            replicas = du.spec_replicas(rs)
            if replicas == 0:
                continue
            count = min(replicas, target - total)
            self._scale_and_record(rs, replicas - count, d)
            total += count
        return total

    # -- Recreate (recreate.go) ---------------------------------------------------------------------------
    def _rollout_recreate(self, d: Obj, rs_list: list[Obj], selector: LabelSelector) -> None:
        new_rs, old_rss = self._all_replicasets(d, rs_list, create=False)
        all_rss: list[Obj | None] = [*old_rss, new_rs]
        scaled_down = False
        for rs in du.filter_active(old_rss):
            scaled_down = self._scale_and_record(rs, 0, d)[0] or scaled_down
        if scaled_down or self._old_pods_running(new_rs, old_rss, rs_list, selector):
            self._sync_rollout_status(d, all_rss, new_rs)
            return
        if new_rs is None:
            new_rs, old_rss = self._all_replicasets(d, rs_list, create=True)
            assert new_rs is not None
            all_rss = [*old_rss, new_rs]
        self._scale_and_record(new_rs, du.spec_replicas(d), d)
        if du.deployment_complete(d, d.get("status") or {}):
            self._cleanup(d, old_rss)
        self._sync_rollout_status(d, all_rss, new_rs)

    def _old_pods_running(self, new_rs: Obj | None, old_rss: list[Obj], rs_list: list[Obj],
                          selector: LabelSelector) -> bool:
        """oldPodsRunning: an old ReplicaSet still reports pods, or one of its pods has not finished."""
        if du.actual_replica_count(old_rss) > 0:
            return True
        new_uid = (new_rs or {}).get("metadata", {}).get("uid")
        for rs in rs_list:
            uid = rs["metadata"].get("uid")
            if uid == new_uid:
                continue
            for pod in self.pods.by_index("owner-uid", str(uid)):
                if selector.matches(pod["metadata"].get("labels") or {}) and (
                    (pod.get("status") or {}).get("phase") not in ("Succeeded", "Failed")
                ):
                    return True
        return False

    # -- status (sync.go, progress.go) ---------------------------------------------------------------------
    def _sync_status(self, d: Obj, all_rss: list[Obj | None], new_rs: Obj | None) -> None:
        """syncDeploymentStatus: counts and the Available condition, written only when they changed."""
        new_status = du.calculate_status(all_rss, new_rs, d, self.client.now_iso())
        if new_status == (d.get("status") or {}):
            return
        d["status"] = new_status
        self._update_status(d)
        self._actions.append(f"update status ({_describe_status(new_status)})")

    def _check_paused_conditions(self, d: Obj) -> None:
        """A Progressing=Unknown condition on pause and resume, so paused time never counts as no progress."""
        if not du.has_progress_deadline(d):
            return
        status = d.setdefault("status", {})
        condition = du.get_condition(status, "Progressing")
        if condition is not None and condition.get("reason") == du.TIMED_OUT:
            return
        paused = bool(d["spec"].get("paused"))
        paused_exists = condition is not None and condition.get("reason") == du.PAUSED
        if paused and not paused_exists:
            reason, message = du.PAUSED, "Deployment is paused"
        elif not paused and paused_exists:
            reason, message = du.RESUMED, "Deployment is resumed"
        else:
            return
        du.set_condition(status, du.new_condition("Progressing", "Unknown", reason, message,
                                                  self.client.now_iso()))
        self._update_status(d)
        self._actions.append(message.lower())

    def _sync_rollout_status(self, d: Obj, all_rss: list[Obj | None], new_rs: Obj | None) -> None:
        """syncRolloutStatus: status plus the Progressing condition (progressing, complete, or timed out)."""
        now = self.client.now_iso()
        new_status = du.calculate_status(all_rss, new_rs, d, now)
        if not du.has_progress_deadline(d):
            du.remove_condition(new_status, "Progressing")
        current = du.get_condition(d.get("status") or {}, "Progressing")
        complete_before = (new_status.get("replicas", 0) == new_status.get("updatedReplicas", 0)
                           and current is not None and current.get("reason") == du.NEW_RS_AVAILABLE)
        if du.has_progress_deadline(d) and not complete_before:
            self._progress_condition(d, new_status, new_rs, current, now)
        failure = self._replica_failure(all_rss, new_rs)
        if failure is not None:
            du.set_condition(new_status, failure)
        else:
            du.remove_condition(new_status, "ReplicaFailure")
        if new_status == (d.get("status") or {}):
            self._requeue_stuck(d, new_status)
            return
        d["status"] = new_status
        self._update_status(d)
        self._actions.append(f"update status ({_describe_status(new_status)})")

    def _progress_condition(self, d: Obj, new_status: Obj, new_rs: Obj | None, current: Obj | None,
                            now: str) -> None:
        what = (f'ReplicaSet "{new_rs["metadata"]["name"]}"' if new_rs is not None
                else f'Deployment "{d["metadata"]["name"]}"')
        if du.deployment_complete(d, new_status):
            du.set_condition(new_status, du.new_condition("Progressing", "True", du.NEW_RS_AVAILABLE,
                                                          f"{what} has successfully progressed.", now))
        elif du.deployment_progressing(d, new_status):
            condition = du.new_condition("Progressing", "True", du.REPLICA_SET_UPDATED,
                                         f"{what} is progressing.", now)
            if current is not None:
                if current.get("status") == "True":
                    condition["lastTransitionTime"] = current.get("lastTransitionTime")
                du.remove_condition(new_status, "Progressing")
            du.set_condition(new_status, condition)
        elif du.deployment_timed_out(d, new_status, self.clock.now):
            du.set_condition(new_status, du.new_condition("Progressing", "False", du.TIMED_OUT,
                                                          f"{what} has timed out progressing.", now))

    @staticmethod
    def _replica_failure(all_rss: list[Obj | None], new_rs: Obj | None) -> Obj | None:
        """getReplicaFailures: a ReplicaFailure condition of the new ReplicaSet, else of any other."""
        for rs in [new_rs, *all_rss]:
            for cond in ((rs or {}).get("status") or {}).get("conditions") or ():
                if cond.get("type") == "ReplicaFailure":
                    return {"type": "ReplicaFailure", "status": cond.get("status"),
                            "lastUpdateTime": cond.get("lastTransitionTime"),
                            "lastTransitionTime": cond.get("lastTransitionTime"),
                            "reason": cond.get("reason", ""), "message": cond.get("message", "")}
        return None

    def _requeue_stuck(self, d: Obj, new_status: Obj) -> None:
        """requeueStuckDeployment: come back when the progress deadline would pass.

        Simplification: always one second after the deadline (Go rate-limits requeues in its last
        second to absorb clock skew, which a virtual clock does not have).
        """
        current = du.get_condition(d.get("status") or {}, "Progressing")
        if current is None or du.deployment_complete(d, new_status) or current.get("reason") == du.TIMED_OUT:
            return
        deadline = du.progress_deadline_at(d, d.get("status") or {})
        if deadline is not None:
            self.queue.add_after(f"{d['metadata'].get('namespace')}/{d['metadata']['name']}",
                                 max(deadline - self.clock.now, 0) + 1)


def _set_min_ready(rs: Obj, min_ready: int) -> None:
    if min_ready:
        rs["spec"]["minReadySeconds"] = min_ready
    else:
        rs["spec"].pop("minReadySeconds", None)


def _describe_replicasets(rs_list: list[Obj]) -> str:
    active = [rs for rs in du.by_creation(rs_list) if du.spec_replicas(rs) or du.status_int(rs, "replicas")]
    if not active:
        return "no active ReplicaSets" if rs_list else "no ReplicaSets"
    return ", ".join(f"{rs['metadata']['name']} {du.spec_replicas(rs)} "
                     f"({du.status_int(rs, 'availableReplicas')} available)" for rs in active)


def _describe_goal(d: Obj) -> str:
    replicas = du.spec_replicas(d)
    spec = d.get("spec") or {}
    if spec.get("paused"):
        return f"{replicas} replicas (paused)"
    if not du.is_rolling_update(d):
        return f"{replicas} replicas (Recreate)"
    try:
        return f"{replicas} replicas (maxSurge {du.max_surge(d)}, maxUnavailable {du.max_unavailable(d)})"
    except ValueError:
        return f"{replicas} replicas"


def _describe_status(status: Obj) -> str:
    return (f"{status.get('updatedReplicas', 0)} updated, {status.get('availableReplicas', 0)}/"
            f"{status.get('replicas', 0)} available")
