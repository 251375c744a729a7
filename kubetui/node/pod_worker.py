"""The kubelet's pod worker: one per pod bound to the node (pkg/kubelet/pod_workers.go, kuberuntime_manager.go).

``sync`` compares what the pod spec wants with what the runtime has, and acts, as the kubelet's
SyncPod does: create the sandbox, run the init containers one by one, start the app containers,
restart exited ones per ``restartPolicy`` with CrashLoopBackOff, kill what failed its liveness
probe, and report the outcome in the pod's status. It runs again when the pod changes, when a
container exits (the PLEG notices within its 1 s relist), when a probe result changes and when a
back-off ends. ``terminate`` is the other half: preStop hooks, SIGTERM, SIGKILL at the end of the
grace period.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kubetui.api.meta import parse_timestamp, timestamp
from kubetui.api.qos import qos_class
from kubetui.api.storage import pod_claim_names
from kubetui.node import dns
from kubetui.node.config_volumes import (
    RESYNC_JITTER,
    RESYNC_SECONDS,
    ConfigVolumes,
    config_volumes,
    container_files,
    mount_failed_message,
    service_account_files,
)
from kubetui.node.container_env import (
    ConfigError,
    expand_command_and_args,
    make_environment,
    process_environment,
)
from kubetui.node.filesystem import data_volumes, read_only_dirs, volume_files
from kubetui.node.image_manager import Outcome
from kubetui.node.images import image_env
from kubetui.node.probes import ProbeSpec, ProbeWorker
from kubetui.node.process import FOREVER, command_seconds, program_for
from kubetui.node.runtime import Container, Sandbox
from kubetui.node.status import (
    get_phase,
    is_restartable_init,
    kubelet_conditions,
    terminated_state,
    waiting_state,
)
from kubetui.node.volumes import (
    ATTACH_AND_MOUNT_TIMEOUT,
    MOUNT_POLL_SECONDS,
    mount_timeout_message,
    unmounted_claim_volumes,
)
from kubetui.sim.clock import Timer, Timers
from kubetui.sim.trace import NodeActivity

if TYPE_CHECKING:
    from kubetui.node.kubelet import Kubelet

SANDBOX_SECONDS = 0.5  # RunPodSandbox: the pause container and its network
PLEG_RELIST_SECONDS = 1.0  # the kubelet's PLEG notices container changes within a relist period
ERROR_REQUEUE_SECONDS = 10.0  # a sync that hit an error is retried after backOffPeriod (pod_workers.go)
ERROR_REQUEUE_JITTER = 0.5  # workerBackOffPeriodJitterFactor: the retry comes 10 to 15 s later
MIN_GRACE_SECONDS = 2.0  # minimumGracePeriodInSeconds: what is left for SIGTERM after a long preStop hook
DEFAULT_GRACE_SECONDS = 30.0


@dataclass
class Slot:
    """The kubelet's view of one container of the pod, across its restarts."""

    spec: dict[str, Any]
    init: bool = False
    current: Container | None = None
    previous: Container | None = None  # the one before current: lastState and ``logs --previous``
    waiting: tuple[str, str] | None = None  # the reason cache: why the last start failed (reason, message)
    started: bool = False  # the startup probe passed (or there is none)
    pulling: bool = False
    restart_approved: bool = False  # the back-off let this restart through; the image may still be pulling
    probes: dict[str, ProbeWorker] = field(default_factory=dict)
    _hashed: tuple[dict[str, Any], str] | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return str(self.spec.get("name", ""))

    @property
    def spec_hash(self) -> str:
        """:func:`spec_hash` of the container's definition, once per definition: a changed pod brings a new
        object (informer objects are never changed in place)."""
        hashed = self._hashed
        if hashed is None or hashed[0] is not self.spec:
            hashed = self._hashed = (self.spec, spec_hash(self.spec))
        return hashed[1]

    @property
    def sidecar(self) -> bool:
        return self.init and is_restartable_init(self.spec)

    @property
    def running(self) -> bool:
        return self.current is not None and self.current.running

    @property
    def ready(self) -> bool:
        if self.init and not self.sidecar:  # the prober's rule: a plain init container is ready once it exited 0
            current = self.current
            return current is not None and not current.running and current.exit_code == 0
        readiness = self.probes.get("readiness")
        return self.running and self.started and (readiness is None or readiness.result)

    def stop_probes(self) -> None:
        for worker in self.probes.values():
            worker.stop()
        self.probes = {}


def spec_hash(spec: dict[str, Any]) -> str:
    """A container's definition hash: when it changes, the kubelet replaces the container."""
    return hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]


def pre_stop_seconds(spec: dict[str, Any], container: Container) -> float:
    """How long the preStop hook runs: the sleep action, or an exec command such as ``sleep 8``."""
    hook = (spec.get("lifecycle") or {}).get("preStop") or {}
    if isinstance(hook.get("sleep"), dict):
        return float(hook["sleep"].get("seconds") or 0)
    command = [str(w) for w in (hook.get("exec") or {}).get("command") or []]
    return command_seconds(container.program, command, container.hostname, container.env) if command else 0.0


class PodWorker:
    def __init__(self, kubelet: Kubelet, pod: dict[str, Any]) -> None:
        self.kubelet = kubelet
        self.clock = kubelet.clock
        self.runtime = kubelet.runtime
        meta = pod["metadata"]
        self.uid: str = str(meta.get("uid", ""))
        self.namespace: str = str(meta.get("namespace", ""))
        self.name: str = str(meta.get("name", ""))
        self.key = f"{self.namespace}/{self.name}"
        self.pod = pod
        self.spec: dict[str, Any] = pod.get("spec") or {}
        self.slots = [Slot(c, init=True) for c in self.spec.get("initContainers") or []] + [
            Slot(c) for c in self.spec.get("containers") or []
        ]
        self.sandbox: Sandbox | None = None
        self.sandbox_ready = False
        self._sandbox_pending = False
        self._sandboxes_made = 0
        self.admitted = False
        self.terminating = False  # its containers are being stopped for good
        self.terminal = False  # they all stopped and will not run again
        self.deleting = False  # the pod object is being deleted: delete it for good once terminal
        self.gone = False  # the pod object no longer exists
        self.reason = ""
        self.message = ""
        self.final_phase = ""  # Failed for a rejected, evicted or timed-out pod
        self.disruption: dict[str, Any] | None = None  # the DisruptionTarget condition of an evicted pod
        self.start_time: float | None = parse_timestamp((pod.get("status") or {}).get("startTime"))
        self.phase = str((pod.get("status") or {}).get("phase") or "Pending")  # as last reported
        self._backoff_told: dict[str, float] = {}  # container -> the exit whose back-off the activity pane was told
        self._sync_timer: Timer | None = None
        self._sync_at = 0.0
        self._retry: float | None = None
        self._sync_failed = False  # this sync hit a back-off: requeue it as a failed sync
        self._timers = Timers(self.clock)
        self._claims = pod_claim_names(pod)  # persistentVolumeClaim volumes: wait until their claims are Bound
        self._claimed: dict[str, str] = {}  # claim volume -> its PersistentVolume, once Bound
        self._mount_wait_since: float | None = None
        self._config = ConfigVolumes(config_volumes(self.spec))  # configMap, secret, downwardAPI, projected
        self._resyncing = False
        self._adopt()

    # -- wiring ------------------------------------------------------------------------------------------------
    @property
    def hostname(self) -> str:
        """The pod's hostname (GeneratePodHostNameAndDomain): the node's for a hostNetwork pod, else ``spec.hostname``,
        else its name cut to 63 characters."""
        if self.spec.get("hostNetwork"):
            return self.kubelet.node
        return str(self.spec.get("hostname") or self.name[:63])

    @property
    def pod_ip(self) -> str:
        return self.sandbox.ip if self.sandbox is not None else ""

    @property
    def node_ip(self) -> str:
        return self.kubelet.node_ip

    @property
    def annotations(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in (self.pod["metadata"].get("annotations") or {}).items()}

    def slot(self, name: str) -> Slot | None:
        return next((s for s in self.slots if s.name == name), None)

    def _slot_of(self, container: Container) -> Slot | None:
        slot = self.slot(container.name)
        return slot if slot is not None and slot.current is container else None

    def _adopt(self) -> None:
        """After a kubelet restart: pick up this pod's containers and sandbox from the runtime's records."""
        for container in self.runtime.containers_of(self.uid):
            slot = self.slot(container.name)
            if slot is not None:
                slot.previous, slot.current = slot.current, container
                slot.started = container.running and "startupProbe" not in slot.spec
        self.sandbox = self.runtime.sandboxes.get(self.uid)
        self.sandbox_ready = self.sandbox is not None and self.sandbox.ready
        self.admitted = self.sandbox is not None

    def event(self, etype: str, reason: str, message: str) -> None:
        self.kubelet.event(self, etype, reason, message)

    def activity(self, container: str, what: str, detail: str) -> None:
        self.kubelet.trace.emit(
            NodeActivity(node=self.kubelet.node, pod=self.key, container=container, what=what, detail=detail)
        )

    def request_sync(self, delay: float = 0.0) -> None:
        """Sync at ``now + delay``, or sooner if a sync is already due sooner (one pending sync per pod)."""
        when = self.clock.now + max(delay, 0.0)
        if self._sync_timer is not None and not self._sync_timer.cancelled and self._sync_at <= when:
            return
        if self._sync_timer is not None:
            self._sync_timer.cancel()
        self._sync_at = when
        self._sync_timer = self.clock.call_at(when, self.sync, label=f"kubelet sync {self.key}")

    def _fail_sync(self) -> None:
        """SyncPod returns an error (a back-off): the pod worker tries again ERROR_REQUEUE_SECONDS later."""
        self._sync_failed = True

    def _retry_at(self, when: float) -> None:
        self._retry = when if self._retry is None else min(self._retry, when)

    def _later(self, delay: float, callback: Any, *args: Any) -> None:
        self._timers.add(self.clock.call_later(delay, callback, *args, label=f"kubelet {self.key}"))

    def cancel(self) -> None:
        """The kubelet stops (power cut) or forgets this pod: no more timers, no more probes."""
        if self._sync_timer is not None:
            self._sync_timer.cancel()
        self._timers.cancel_all()
        for slot in self.slots:
            slot.stop_probes()

    # -- events from the API and the runtime -------------------------------------------------------------------------
    def update(self, pod: dict[str, Any]) -> None:
        previous, self.pod = self.pod, pod
        meta = pod["metadata"]
        if meta.get("deletionTimestamp") and not self.deleting:
            self.deleting = True
            grace = meta.get("deletionGracePeriodSeconds")
            self.terminate(float(grace) if grace is not None else self._grace(), "deleted")
            return
        new_spec = pod.get("spec") or {}
        if (
            self.admitted
            and previous is not pod
            and new_spec == self.spec
            and (meta.get("annotations") or {}) == (previous["metadata"].get("annotations") or {})
        ):
            return  # a status-only change, most often our own write: HandlePodReconcile does not sync for it
        if new_spec is not self.spec:
            for slot in self.slots:
                changed = next(
                    (
                        c
                        for c in new_spec.get("initContainers" if slot.init else "containers") or []
                        if c.get("name") == slot.name
                    ),
                    None,
                )
                if changed is not None:
                    slot.spec = changed
            self.spec = new_spec
        self.request_sync()

    def removed(self) -> None:
        """The pod object is gone (deleted for good, or force-deleted): kill what still runs, then forget it."""
        self.gone = True
        self.cancel()
        for slot in self.slots:
            if slot.current is not None:
                self.runtime.kill_container(slot.current)

    def container_exited(self, container: Container) -> None:
        slot = self._slot_of(container)
        if slot is not None:
            slot.stop_probes()
        self.report()  # the relist's status update: the pod is not ready from now until the container is back
        self.request_sync(PLEG_RELIST_SECONDS)

    # -- the sync loop ----------------------------------------------------------------------------------------------
    def sync(self) -> None:
        self._sync_timer = None
        if self.gone or self.terminal:
            return
        if self.terminating:
            self._sync_terminating()
            return
        if not self.admitted:
            rejection = self.kubelet.admit(self)
            if rejection is not None:
                self._reject(*rejection)
                return
            self.admitted = True
            self.start_time = self.start_time if self.start_time is not None else self.clock.now
            deadline = self.spec.get("activeDeadlineSeconds")
            if isinstance(deadline, int):
                self._later(self.start_time + deadline - self.clock.now, self._deadline_exceeded)
        self._retry = None
        self._sync_failed = False
        if self._claims and not self._volumes_mounted():
            self.report()
            return
        if self._config.pending and not self._config_mounted():
            self.report()
            return
        if self._sandbox_ok():
            self._replace_changed()
            if self._run_init_containers():
                for slot in self.slots:
                    if not slot.init:
                        self._ensure_running(slot)
        self._check_completion()
        if not any(slot.pulling for slot in self.slots):
            # A pull in progress means the real kubelet is still inside SyncPod, waiting on it: it writes the
            # status it generates at the start of its next sync, so PodReadyToStartContainers and the pod IP
            # appear together with the started containers, not while an image downloads.
            self.report()
        if self._sync_failed:  # completeWork: a sync that returned an error is requeued with jitter
            self._retry_at(self.clock.now + self.kubelet.jittered(ERROR_REQUEUE_SECONDS, ERROR_REQUEUE_JITTER))
        if self._retry is not None and not self.terminating:
            self.request_sync(self._retry - self.clock.now)

    def _volumes_mounted(self) -> bool:
        """WaitForAttachAndMount for claim volumes (node/volumes.py): poll until every claim is Bound and not being
        deleted."""
        waiting = unmounted_claim_volumes(self.kubelet.client, self.namespace, self._claims, self._claimed)
        now = self.clock.now
        if not waiting:
            if self._mount_wait_since is not None:
                self.activity("", "volumes mounted", ", ".join(v for v, _ in self._claims))
            self._claims = []
            self._mount_wait_since = None
            return True
        if self._mount_wait_since is None:
            self._mount_wait_since = now
            claims = dict(self._claims)
            self.activity("", "waiting for volumes", "; ".join(
                f"{volume}: error processing PVC {self.namespace}/{claims[volume]}: {why}"
                for volume, why in sorted(waiting.items())))
        elif now - self._mount_wait_since >= ATTACH_AND_MOUNT_TIMEOUT:
            self._mount_wait_since = now  # SyncPod returned the error; the next sync waits again (no Event)
            self.activity("", "volume mount timed out", mount_timeout_message(waiting))
        self.request_sync(MOUNT_POLL_SECONDS)
        return False

    def _config_mounted(self) -> bool:
        """The volume manager's reconciler for configMap, secret, downwardAPI and projected volumes (config_volumes.py):
        a failed SetUp is a FailedMount Event and a retry after its back-off; the pod waits, ContainerCreating."""
        failed = self._config.mount(self.pod, self.kubelet.config_objects, self.kubelet.allocatable(), self.clock.now)
        for volume, error in failed:
            self.event("Warning", "FailedMount", mount_failed_message(volume, error))
            self.activity("", "mount failed", f"{volume}: {error}")
        if not self._config.pending:
            self._start_resync()
            return True
        retry = self._config.next_try()
        if retry is not None:
            self.request_sync(retry - self.clock.now)
        return False

    def _start_resync(self) -> None:
        if not self._resyncing:
            self._resyncing = True
            self._later(self.kubelet.jittered(RESYNC_SECONDS, RESYNC_JITTER), self._resync_volumes)

    def _resync_volumes(self) -> None:
        """The periodic sync writes the volumes again: running containers see the new files, except through a subPath
        mount (bound to the file it started with). Their environment never changes."""
        if self.terminating or self.terminal or self.gone:
            return
        self._later(self.kubelet.jittered(RESYNC_SECONDS, RESYNC_JITTER), self._resync_volumes)
        for volume, error in self._config.remount(self.pod, self.kubelet.config_objects, self.kubelet.allocatable()):
            self.event("Warning", "FailedMount", mount_failed_message(volume, error))
        for slot in self.slots:
            container = slot.current
            if container is None or not container.running:
                continue
            fresh = {**service_account_files(self.pod, slot.spec),
                     **container_files(slot.spec, self._config.files, sub_path=False),
                     **{p: container.mounts[p] for p in container_files(slot.spec, self._config.files, sub_path=True)
                        if p in container.mounts}}
            if fresh != container.mounts:
                container.remount(fresh, self.clock.now)
                self.activity(slot.name, "volumes updated", ", ".join(sorted(self._config.files)))

    def _sandbox_ok(self) -> bool:
        """Is there a ready sandbox? If not, create one (its network is ready SANDBOX_SECONDS later)."""
        if self.sandbox is not None and self.sandbox.ready:
            return self.sandbox_ready
        if self._sandbox_pending:
            return False
        if self.spec.get("restartPolicy") == "Never" and any(s.current is not None for s in self.slots):
            return False  # computePodActions: a pod that never restarts gets no new sandbox after it ran
        if self.sandbox is not None:
            self.event("Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.")
        self._sandbox_pending = True
        self.sandbox_ready = False
        self._sandboxes_made += 1
        host_ip = self.node_ip if self.spec.get("hostNetwork") else ""
        config = dns.pod_dns(self.spec, self.namespace)  # generatePodSandboxConfig: GetPodDNS
        for warning in config.warnings:
            self.event("Warning", "DNSConfigForming", warning)
        self.sandbox = self.runtime.run_pod_sandbox(self.uid, self.key, self._sandboxes_made, host_ip, config)
        self._later(SANDBOX_SECONDS, self._sandbox_created)
        return False

    def _sandbox_created(self) -> None:
        self._sandbox_pending = False
        self.sandbox_ready = True
        self.activity("", "sandbox ready", f"pod IP {self.pod_ip}")
        self.request_sync()

    def _fresh(self, container: Container | None) -> bool:
        """Did ``container`` run in the current sandbox? (After a reboot every init container runs again.)"""
        return container is not None and self.sandbox is not None and container.sandbox_id == self.sandbox.id

    def _run_init_containers(self) -> bool:
        """Init containers one at a time, each to success; sidecars start and keep running. True when done."""
        for slot in self.slots:
            if not slot.init:
                continue
            if slot.sidecar:
                self._ensure_running(slot)
                if not (self._fresh(slot.current) and slot.running and slot.started):
                    return False
                continue
            current = slot.current
            if (
                self._fresh(current)
                and current is not None
                and not current.running
                and current.exit_code == 0
            ):
                continue
            if not (
                self._fresh(current)
                and current is not None
                and not current.running
                and self.spec.get("restartPolicy") == "Never"
            ):
                self._ensure_running(slot)
            return False
        return True

    def _will_restart(self, slot: Slot, container: Container) -> bool:
        """ShouldContainerBeRestarted: the restart policy applied to an exited container."""
        if self.terminating or self.terminal:
            return False
        policy = self.spec.get("restartPolicy", "Always")
        if not self._fresh(
            container
        ):  # it ran before a reboot: everything starts over, unless policy is Never
            return policy != "Never"
        if slot.sidecar:
            return True
        if slot.init:
            return container.exit_code != 0 and policy != "Never"
        return policy == "Always" or (policy == "OnFailure" and container.exit_code != 0)

    def _ensure_running(self, slot: Slot) -> None:
        current = slot.current
        if slot.pulling or (current is not None and current.running):
            return
        if current is not None and not slot.restart_approved:
            if not self._will_restart(slot, current):
                return
            if not self._restart_allowed(slot, current):
                return
        outcome = self.kubelet.images.ensure(
            self.uid,
            self.key,
            slot.name,
            str(slot.spec.get("image", "")),
            str(slot.spec.get("imagePullPolicy") or "IfNotPresent"),
            self.annotations,
            lambda etype, reason, message: self.event(etype, reason, message),
            lambda: self._pulled(slot),
        )
        if outcome.pulling:
            slot.pulling = True
            return
        if outcome.reason:
            self._start_failed(slot, outcome)
            return
        self._start(slot, outcome)

    def _restart_allowed(self, slot: Slot, current: Container) -> bool:
        """doBackOff (kuberuntime_manager.go): the first restart is immediate, then 10 s, 20 s, 40 s ... 300 s."""
        backoff, key, now = self.kubelet.crash_backoff, f"{self.uid}/{slot.name}", self.clock.now
        if backoff.in_backoff_since(key, current.finished_at, now):
            delay = backoff.get(key)
            slot.waiting = (
                "CrashLoopBackOff",
                f"back-off {delay:g}s restarting failed container={slot.name} "
                f"pod={self.name}_{self.namespace}({self.uid})",
            )
            self.event(
                "Warning",
                "BackOff",
                f"Back-off restarting failed container {slot.name} in pod {self.name}_{self.namespace}({self.uid})",
            )
            left = backoff.window_end(key, current.finished_at) - now
            if self._backoff_told.get(slot.name) != current.finished_at:  # once per crash, not at every sync's retry
                self._backoff_told[slot.name] = current.finished_at  # (the BackOff Event counts those, as Go's)
                self.activity(
                    slot.name,
                    "back-off",
                    f"CrashLoopBackOff: back-off {delay:g}s, {left:.0f}s left; restarts at the first sync after it",
                )
            self._fail_sync()  # the restart waits for the pod worker's next sync: up to 15 s past the window
            return False
        backoff.next(key, now)
        slot.restart_approved = True
        return True

    def _pulled(self, slot: Slot) -> None:
        slot.pulling = False
        self.request_sync()

    def _start_failed(self, slot: Slot, outcome: Outcome) -> None:
        slot.waiting = (outcome.reason, outcome.message)
        self.event("Warning", "Failed", f"Error: {outcome.reason}")
        if outcome.reason == "ErrImagePull":
            self._retry_at(self.clock.now + PLEG_RELIST_SECONDS)  # the next relist shows the back-off at once
        elif outcome.reason == "ImagePullBackOff":
            self._fail_sync()  # the pull is tried again at the first sync after the image's back-off window

    def _start(self, slot: Slot, outcome: Outcome) -> None:
        assert self.sandbox is not None and outcome.ref is not None
        previous = slot.current
        ports = tuple(
            int(p["containerPort"])
            for p in slot.spec.get("ports") or []
            if isinstance(p, dict) and isinstance(p.get("containerPort"), int)
        )
        try:
            made = make_environment(
                self.pod, slot.spec, self.kubelet.config_objects, self.pod_ip, self.node_ip, self.kubelet.allocatable()
            )
        except ConfigError as err:  # generateContainerConfig failed: nothing is created; the next sync tries again
            slot.waiting = ("CreateContainerConfigError", err.message)
            self.event("Warning", "Failed", f"Error: {err.message}")
            self.activity(slot.name, "config error", err.message)
            self._fail_sync()
            return
        command, args = expand_command_and_args(slot.spec, made)
        env = process_environment(made, self.hostname, image_env(outcome.ref))
        mounts = {**service_account_files(self.pod, slot.spec), **container_files(slot.spec, self._config.files)}
        spec = {**slot.spec, "command": command, "args": args}
        volumes = data_volumes(self.pod, slot.spec, self._claimed)
        program = program_for(spec, self.annotations, self.hostname, ports, env, mounts,
                              read_only=read_only_dirs(mounts),
                              shared=volume_files(volumes, self.runtime.disk, self.clock.now))
        attempt = previous.attempt + 1 if previous is not None else 0
        container = self.runtime.start_container(
            self.sandbox, slot.spec, attempt, outcome.ref, slot.spec_hash, program, self.hostname, env, mounts,
            volumes
        )
        for old in self.runtime.containers_of(
            self.uid
        ):  # container GC: keep the new one and the last dead one
            if old.name == slot.name and old is not container and old is not previous:
                self.runtime.remove_container(old)
        slot.previous, slot.current = previous, container
        slot.waiting, slot.restart_approved = None, False
        slot.started = container.running and "startupProbe" not in slot.spec
        self.event("Normal", "Created", f"Created container {slot.name}")
        if not container.running:  # StartError: the runtime could not even start the process
            self.event("Warning", "Failed", f"Error: {container.message}")
            return
        self.event("Normal", "Started", f"Started container {slot.name}")
        if not self._post_start(slot, container):
            return
        for kind in ("startup", "readiness", "liveness"):
            probe = slot.spec.get(f"{kind}Probe")
            if isinstance(probe, dict):
                worker = ProbeWorker(self, container, ProbeSpec.of(kind, probe), self.clock)
                slot.probes[kind] = worker
                worker.start()

    def _post_start(self, slot: Slot, container: Container) -> bool:
        """The postStart exec hook, run in the container as soon as it starts (what it writes stays there); when it
        fails, FailedPostStartHook and the container is killed, to restart as its policy says. True: it went well.

        Simplification: an httpGet postStart hook is not sent.
        """
        hook = ((slot.spec.get("lifecycle") or {}).get("postStart") or {}).get("exec") or {}
        command = [str(word) for word in hook.get("command") or []]
        if not command or self.runtime.ask is None:
            return True
        status, _ = self.runtime.ask(container, command)
        if status == 0:
            return True
        words = " ".join(command)
        self.event("Warning", "FailedPostStartHook",
                   f'Exec lifecycle hook ([{words}]) for Container "{slot.name}" in Pod "{self.name}_{self.namespace}'
                   f"({self.uid})\" failed - error: command '{words}' exited with {status}: , message: \"\"")
        self.activity(slot.name, "postStart hook failed", f"exit code {status}: killing the container")
        self.runtime.kill_container(container)
        return False

    def _replace_changed(self) -> None:
        """A container whose definition changed (``kubectl set image`` on a pod) is killed and started anew."""
        for slot in self.slots:
            current = slot.current
            if current is not None and current.running and current.spec_hash != slot.spec_hash:
                self.event(
                    "Normal", "Killing", f"Container {slot.name} definition changed, will be restarted"
                )
                slot.restart_approved = True  # a changed container is not in back-off
                self._stop(slot, self._grace())

    def _check_completion(self) -> None:
        """Regular containers done for good (or an init container failed with restartPolicy Never): the pod ends."""
        regular = [s for s in self.slots if not s.init]
        failed_init = any(
            s.init
            and not s.sidecar
            and s.current is not None
            and not s.current.running
            and not self._will_restart(s, s.current)
            and (s.current.exit_code != 0 or not self._fresh(s.current))
            for s in self.slots
        )
        finished = all(
            s.current is not None and not s.current.running and not self._will_restart(s, s.current)
            for s in regular
        )
        if failed_init or (regular and finished):
            self.terminate(self._grace(), "completed")

    # -- probes -------------------------------------------------------------------------------------------------------
    def container_started(self, container: Container) -> bool:
        slot = self._slot_of(container)
        return slot is not None and slot.started

    def resolve_port(self, container: Container, port: Any) -> int | None:
        if isinstance(port, int):
            return port
        if isinstance(port, str) and port.isdigit():
            return int(port)
        slot = self._slot_of(container)
        for declared in (slot.spec.get("ports") if slot else None) or []:
            if isinstance(declared, dict) and declared.get("name") == port:
                return int(declared.get("containerPort", 0))
        return None

    def probe_failed(self, container: Container, spec: ProbeSpec, output: str) -> None:
        self.event("Warning", "Unhealthy", f"{spec.title} probe failed: {output}")
        self.activity(container.name, "probe failed", f"{spec.kind}: {output}")

    def probe_result(self, container: Container, spec: ProbeSpec, success: bool) -> None:
        slot = self._slot_of(container)
        if slot is None or self.terminating:
            return
        if spec.kind == "readiness":
            self.activity(slot.name, "ready" if success else "not ready", "readiness probe")
            self.report()
            return
        if spec.kind == "startup" and success:
            slot.started = True
            readiness = slot.probes.get("readiness")
            if readiness is not None:
                readiness.trigger()
            self.request_sync()
            self.report()
            return
        self.event("Normal", "Killing", f"Container {slot.name} failed {spec.kind} probe, will be restarted")
        self.activity(slot.name, "killing", f"failed {spec.kind} probe")
        grace = spec.termination_grace if spec.termination_grace is not None else self._grace()
        self._stop(slot, grace)

    # -- stopping ---------------------------------------------------------------------------------------------------
    def _grace(self) -> float:
        grace = self.spec.get("terminationGracePeriodSeconds")
        return float(grace) if isinstance(grace, int | float) else DEFAULT_GRACE_SECONDS

    def _stop(self, slot: Slot, grace: float) -> None:
        """killContainer: run the preStop hook (up to the grace period), then SIGTERM with what is left."""
        container = slot.current
        if container is None or not container.running or container.stopping:
            return
        hook = pre_stop_seconds(slot.spec, container) if grace > 0 else 0.0
        if hook > 0:
            spent = min(hook, grace)
            remaining = max(grace - spent, MIN_GRACE_SECONDS) if hook != FOREVER else MIN_GRACE_SECONDS
            container.stopping = True
            self._later(spent, self._after_pre_stop, container, remaining)
        else:
            self.runtime.stop_container(container, grace)

    def _after_pre_stop(self, container: Container, remaining: float) -> None:
        container.stopping = False
        self.runtime.stop_container(container, remaining)

    def terminate(self, grace: float, why: str) -> None:
        """Stop every container for good: the pod is deleted, evicted, timed out or has completed."""
        if self.terminating:
            if grace == 0:  # a force delete cuts the grace period short
                for slot in self.slots:
                    if slot.current is not None:
                        self.runtime.kill_container(slot.current)
            return
        self.terminating = True
        self.kubelet.images.forget_pod(self.uid)
        for slot in self.slots:
            slot.stop_probes()
            slot.pulling = False
            if slot.running:
                if why != "completed" or slot.sidecar:
                    self.event("Normal", "Killing", f"Stopping container {slot.name}")
                self._stop(slot, grace)
        self.activity("", "terminating", f"{why}, grace period {grace:g}s")
        self._sync_terminating()

    def _sync_terminating(self) -> None:
        if any(slot.running for slot in self.slots) or self._sandbox_pending:
            self.report()
            return
        if self.sandbox is not None:
            self.runtime.stop_pod_sandbox(self.sandbox)
        self.sandbox_ready = False
        self.terminal = True
        self.activity("", "terminated", self.final_phase or "containers stopped")
        self.cancel()
        self.report()

    def _reject(self, reason: str, message: str) -> None:
        """Node-level admission said no: the pod fails without ever running (kubelet.go rejectPod)."""
        self.final_phase, self.reason, self.message = "Failed", reason, f"Pod was rejected: {message}"
        self.terminating = self.terminal = True
        self.event("Warning", reason, message)
        self.activity("", "rejected", message)
        self.report()

    def evict(self, message: str) -> None:
        """Node-pressure eviction: kill at once, the pod fails with reason Evicted and stays for its owner to see."""
        self.final_phase, self.reason, self.message = "Failed", "Evicted", message
        self.disruption = {
            "type": "DisruptionTarget",
            "status": "True",
            "reason": "TerminationByKubelet",
            "message": message,
            "lastTransitionTime": timestamp(self.clock.now),
        }
        self.event("Warning", "Evicted", message)
        self.terminate(0.0, "evicted")

    def _deadline_exceeded(self) -> None:
        if self.terminating:
            return
        message = "Pod was active on the node longer than the specified deadline"
        self.final_phase, self.reason, self.message = "Failed", "DeadlineExceeded", message
        self.event("Normal", "DeadlineExceeded", message)
        self.terminate(self._grace(), "active deadline exceeded")

    # -- status -----------------------------------------------------------------------------------------------------
    def report(self) -> None:
        self.kubelet.status.request(self)

    def container_status(self, slot: Slot) -> dict[str, Any]:
        """One entry of ``containerStatuses`` (convertToAPIContainerStatuses)."""
        current, previous = slot.current, slot.previous
        spec_image = str(slot.spec.get("image", ""))
        status: dict[str, Any] = {"name": slot.name, "ready": slot.ready, "restartCount": 0, "started": False}
        if current is None:
            status["image"], status["imageID"] = spec_image, ""
            default = "PodInitializing" if self.spec.get("initContainers") else "ContainerCreating"  # init ones too
            reason, message = slot.waiting or (default, "")
            status["state"] = {"waiting": waiting_state(reason, message)}
            status["lastState"] = {}
            return _ordered(status)
        status["image"] = _full(current)
        status["imageID"] = current.image_id
        status["containerID"] = current.id
        status["restartCount"] = current.attempt
        status["started"] = current.running and slot.started
        last = _terminated(previous) if previous is not None and not previous.running else {}
        if current.running:
            status["state"] = {"running": {"startedAt": timestamp(current.started_at or 0.0)}}
        elif slot.waiting is not None and self._will_restart(slot, current):
            status["state"] = {"waiting": waiting_state(*slot.waiting)}
            last = _terminated(current)
        else:
            status["state"] = {"terminated": _terminated(current)["terminated"]}
        status["lastState"] = last
        return _ordered(status)

    def build_status(self, existing: list[dict[str, Any]]) -> dict[str, Any]:
        """Everything in ``pod.status`` the kubelet owns; ``existing`` are the conditions already on the pod."""
        status: dict[str, Any] = {"phase": "Pending"}
        if self.final_phase and not self.admitted:
            status.update(
                phase=self.final_phase, reason=self.reason, message=self.message, qosClass=qos_class(self.spec)
            )
            self.phase = self.final_phase
            return status
        init = [self.container_status(s) for s in self.slots if s.init]
        regular = sorted(
            (self.container_status(s) for s in self.slots if not s.init), key=lambda s: s["name"]
        )
        phase = self.final_phase or get_phase(self.spec, init, regular, self.terminal)
        status["phase"] = self.phase = phase
        conditions = kubelet_conditions(
            self.spec, phase, init, regular, self.sandbox_ready and not self.terminal, existing
        )
        if self.disruption is not None:
            conditions.append(self.disruption)
        status["conditions"] = conditions
        status["hostIP"] = self.node_ip
        status["hostIPs"] = [{"ip": self.node_ip}]
        if self.pod_ip and (self.sandbox_ready or self.terminal):
            status["podIP"] = self.pod_ip
            status["podIPs"] = [{"ip": self.pod_ip}]
        if self.start_time is not None:
            status["startTime"] = timestamp(self.start_time)
        if self.reason:
            status["reason"] = self.reason
        if self.message:
            status["message"] = self.message
        status["qosClass"] = qos_class(self.spec)
        if init:
            status["initContainerStatuses"] = init
        status["containerStatuses"] = regular
        return status


def _full(container: Container) -> str:
    """The image as containerd reports it in a container status: ``docker.io/library/nginx:1.27``."""
    name = container.image_id.split("@")[0]
    image = container.image
    tag = image.rsplit(":", 1)[1] if ":" in image.rsplit("/", 1)[-1] else "latest"
    return f"{name}@{image.split('@')[1]}" if "@" in image else f"{name}:{tag}"


def _terminated(container: Container) -> dict[str, Any]:
    return {
        "terminated": terminated_state(
            container.exit_code,
            container.reason,
            container.message,
            container.started_at,
            container.finished_at,
            container.id,
        )
    }


_STATUS_ORDER = (
    "name",
    "state",
    "lastState",
    "ready",
    "restartCount",
    "image",
    "imageID",
    "containerID",
    "started",
)


def _ordered(status: dict[str, Any]) -> dict[str, Any]:
    """Keys in the order the API server serialises them, so ``-o yaml`` reads as usual."""
    return {key: status[key] for key in _STATUS_ORDER if key in status}
