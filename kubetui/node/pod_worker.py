"""The kubelet's pod worker: pulls images, runs init then app containers, restarts with back-off,
probes, terminates gracefully, and reports everything in the pod's status (pkg/kubelet/pod_workers.go,
kuberuntime_manager.go, status/status_manager.go, in spirit)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kubetui.api.meta import timestamp
from kubetui.node.containers import BACKOFF_RESET, ContainerRun
from kubetui.node.runtime import behaviour_of, image_size_mb, pull_error, pull_seconds
from kubetui.sim.clock import Timer

if TYPE_CHECKING:
    from kubetui.node.kubelet import Kubelet

SANDBOX_SECONDS = 0.5  # creating the pod sandbox (pause container, network)
IMAGE_BACKOFF_INITIAL = 10.0
IMAGE_BACKOFF_MAX = 300.0
SIGTERM_EXIT_SECONDS = 0.5  # a well-behaved process exits this long after SIGTERM


class PodWorker:
    def __init__(self, kubelet: Kubelet, pod: dict[str, Any], restarted_node: bool = False) -> None:
        self.kubelet = kubelet
        self.clock = kubelet.clock
        meta = pod["metadata"]
        self.namespace: str = meta["namespace"]
        self.name: str = meta["name"]
        self.uid: str = meta.get("uid", "")
        self.spec: dict[str, Any] = pod.get("spec", {})
        self.annotations: dict[str, str] = {str(k): str(v) for k, v in (meta.get("annotations") or {}).items()}
        self.restart_policy: str = self.spec.get("restartPolicy", "Always")
        self.init_containers = [ContainerRun(c["name"], c, init=True) for c in self.spec.get("initContainers") or []]
        self.containers = [ContainerRun(c["name"], c) for c in self.spec.get("containers") or []]
        self.phase = "Pending"
        self.reason = ""
        self.message = ""
        self.start_time = self.clock.now
        self.pod_ip = ""
        self.conditions: dict[str, tuple[str, float, str]] = {}
        self.terminating = False
        self.finished = False
        self._timers: list[Timer] = []
        self._pull_backoff: dict[str, float] = {}
        old_status = pod.get("status") or {}
        if restarted_node:
            # The machine rebooted: containers that had run come back with one more restart.
            counts = {
                cs.get("name"): int(cs.get("restartCount", 0)) for cs in old_status.get("containerStatuses") or []
            }
            for run in self.containers:
                if run.name in counts:
                    run.restart_count = counts[run.name] + 1
        if old_status.get("startTime"):
            from kubetui.api.meta import parse_timestamp

            self.start_time = parse_timestamp(old_status["startTime"]) or self.clock.now

    @property
    def key(self) -> str:
        return f"{self.namespace}/{self.name}"

    def all_runs(self) -> list[ContainerRun]:
        return self.init_containers + self.containers

    # -- timers ---------------------------------------------------------------------------------
    def later(self, delay: float, fn: Any, *args: Any, run: ContainerRun | None = None) -> None:
        timer = self.clock.call_later(delay, fn, *args, label=f"kubelet {self.key}")
        (run.timers if run is not None else self._timers).append(timer)

    def cancel_all(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        for run in self.all_runs():
            run.cancel_timers()

    # -- start ----------------------------------------------------------------------------------
    def start(self) -> None:
        rejection = self.kubelet.admit(self)
        if rejection:
            reason, message = rejection
            self.phase, self.reason, self.message = "Failed", reason, message
            self.finished = True
            self.kubelet.event(self, "Warning", reason, message)
            self.kubelet.activity(self, "", "rejected", message)
            self.sync()
            return
        self.pod_ip = self.kubelet.allocate_ip(self.uid)
        self._condition("PodScheduled", "True")
        self._condition("PodReadyToStartContainers", "False")
        self._condition(
            "Initialized",
            "False" if self.init_containers else "True",
            "ContainersNotInitialized" if self.init_containers else "",
        )
        self._set_not_ready()
        for run in self.init_containers:
            run.reason = "PodInitializing" if run is not self.init_containers[0] else "ContainerCreating"
        if self.init_containers:
            for run in self.containers:
                run.reason = "PodInitializing"
        self.sync()
        self.later(SANDBOX_SECONDS, self._sandbox_ready)

    def _sandbox_ready(self) -> None:
        self._condition("PodReadyToStartContainers", "True")
        if self.init_containers:
            self._ensure_image(self.init_containers[0])
        else:
            self._start_app_containers()
        self.sync()

    def _start_app_containers(self) -> None:
        for run in self.containers:
            run.reason = "ContainerCreating"
            self._ensure_image(run)

    # -- images ---------------------------------------------------------------------------------
    def _ensure_image(self, run: ContainerRun) -> None:
        kubelet = self.kubelet
        image = run.image
        policy = run.spec.get("imagePullPolicy", "IfNotPresent")
        if image in kubelet.images and policy != "Always":
            kubelet.event(self, "Normal", "Pulled", f'Container image "{image}" already present on machine', field=run)
            self.later(0.2, self._start_container, run, run=run)
            return
        if policy == "Never":
            run.reason, run.message = (
                "ErrImageNeverPull",
                (f'Container image "{image}" is not present with pull policy of Never'),
            )
            kubelet.event(self, "Warning", "ErrImageNeverPull", run.message, field=run)
            self.sync()
            return
        kubelet.event(self, "Normal", "Pulling", f'Pulling image "{image}"', field=run)
        kubelet.activity(self, run.name, "pull", image)
        error = pull_error(image)
        if error:
            self.later(1.0, self._pull_failed, run, error, run=run)
            return
        size = image_size_mb(image, self.annotations)
        seconds = 0.5 if image in kubelet.images else pull_seconds(size)
        self.later(seconds, self._pulled, run, size, seconds, run=run)

    def _pulled(self, run: ContainerRun, size_mb: int, seconds: float) -> None:
        self.kubelet.images[run.image] = size_mb * 1_000_000
        self.kubelet.images_changed = True
        self.kubelet.event(
            self,
            "Normal",
            "Pulled",
            f'Successfully pulled image "{run.image}" in {seconds:g}s ({seconds:g}s including waiting). '
            f"Image size: {size_mb * 1_000_000} bytes.",
            field=run,
        )
        self._pull_backoff.pop(run.image, None)
        self._start_container(run)

    def _pull_failed(self, run: ContainerRun, error: str) -> None:
        kubelet = self.kubelet
        run.state, run.reason, run.message = "waiting", "ErrImagePull", error
        kubelet.event(self, "Warning", "Failed", f'Failed to pull image "{run.image}": {error}', field=run)
        kubelet.event(self, "Warning", "Failed", "Error: ErrImagePull", field=run)
        kubelet.activity(self, run.name, "ErrImagePull", run.image)
        delay = self._pull_backoff.get(run.image, IMAGE_BACKOFF_INITIAL / 2) * 2
        delay = min(delay, IMAGE_BACKOFF_MAX)
        self._pull_backoff[run.image] = delay
        self.sync()
        self.later(2.0, self._image_backoff, run, delay, run=run)

    def _image_backoff(self, run: ContainerRun, delay: float) -> None:
        run.reason = "ImagePullBackOff"
        run.message = f'Back-off pulling image "{run.image}"'
        self.kubelet.event(self, "Normal", "BackOff", run.message, field=run)
        self.kubelet.event(self, "Warning", "Failed", "Error: ImagePullBackOff", field=run)
        self.sync()
        self.later(delay, self._ensure_image, run, run=run)

    # -- running ----------------------------------------------------------------------------------
    def _start_container(self, run: ContainerRun) -> None:
        if self.terminating:
            return
        kubelet = self.kubelet
        run.behaviour = behaviour = behaviour_of(run.spec, self.annotations)
        if run.started_at or run.last_state:
            run.previous_logs = run.logs
            run.logs = []
        run.new_container_id(self.uid)
        run.state, run.reason, run.message = "running", "", ""
        run.started_at = self.clock.now
        run.started = behaviour.startup <= 0 and not run.spec.get("startupProbe")
        run.ready = False
        run.will_restart = False
        run.logs.extend(behaviour.output)
        kubelet.event(self, "Normal", "Created", f"Created container {run.name}", field=run)
        kubelet.event(self, "Normal", "Started", f"Started container {run.name}", field=run)
        kubelet.activity(self, run.name, "started", f"restarts={run.restart_count}")
        up = behaviour.startup
        if up > 0 or run.spec.get("startupProbe"):
            self.later(max(up, self._probe_delay(run.spec.get("startupProbe"))), self._mark_started, run, run=run)
        if behaviour.oom:
            self.later(up + 1.0, self._exited, run, 137, "OOMKilled", run=run)
        elif behaviour.exit_after is not None:
            self.later(
                behaviour.exit_after,
                self._exited,
                run,
                behaviour.exit_code,
                "Completed" if behaviour.exit_code == 0 else "Error",
                run=run,
            )
        if not run.init:
            self._schedule_readiness(run)
            self._schedule_liveness(run)
        self._update_phase()
        self.sync()

    def _probe_delay(self, probe: dict[str, Any] | None) -> float:
        if not probe:
            return 0.0
        return float(probe.get("initialDelaySeconds", 0)) + float(probe.get("periodSeconds", 10)) * 0

    def _mark_started(self, run: ContainerRun) -> None:
        if run.state == "running":
            run.started = True
            self.sync()

    def _schedule_readiness(self, run: ContainerRun) -> None:
        """Without a readinessProbe a running container is ready; with one, from its first success."""
        behaviour = run.behaviour
        assert behaviour is not None
        probe = run.spec.get("readinessProbe")
        if not probe:
            self.later(max(behaviour.startup, 0.0), self._set_ready, run, True, run=run)
            return
        delay = float(probe.get("initialDelaySeconds", 0))
        period = float(probe.get("periodSeconds", 10))
        failing_until = behaviour.startup + behaviour.fail_readiness_for
        first = delay
        # Simplification: probes run on the period from the container's start, the first at initialDelaySeconds.
        while first < failing_until:
            first += period
        if behaviour.fail_readiness_for > 0:
            self.later(max(delay, 0.1), self._probe_failed, run, "Readiness", probe, run=run)
        self.later(max(first, 0.1), self._set_ready, run, True, run=run)

    def _schedule_liveness(self, run: ContainerRun) -> None:
        behaviour = run.behaviour
        probe = run.spec.get("livenessProbe")
        if behaviour is None or not probe or behaviour.fail_liveness_after is None:
            return
        period = float(probe.get("periodSeconds", 10))
        threshold = int(probe.get("failureThreshold", 3))
        start = max(float(probe.get("initialDelaySeconds", 0)), behaviour.fail_liveness_after)
        for attempt in range(threshold):
            self.later(start + attempt * period, self._probe_failed, run, "Liveness", probe, run=run)
        self.later(start + (threshold - 1) * period + 0.01, self._liveness_kill, run, run=run)

    def _probe_failed(self, run: ContainerRun, kind: str, probe: dict[str, Any]) -> None:
        if run.state != "running":
            return
        if "httpGet" in probe:
            detail = "HTTP probe failed with statuscode: 503"
        elif "tcpSocket" in probe:
            port = probe["tcpSocket"].get("port")
            detail = f"dial tcp {self.pod_ip}:{port}: connect: connection refused"
        else:
            detail = "command failed: exit status 1"
        self.kubelet.event(self, "Warning", "Unhealthy", f"{kind} probe failed: {detail}", field=run)
        self.kubelet.activity(self, run.name, f"{kind.lower()} probe failed", detail)
        if kind == "Readiness" and run.ready:
            self._set_ready(run, False)

    def _liveness_kill(self, run: ContainerRun) -> None:
        if run.state != "running":
            return
        self.kubelet.event(
            self, "Normal", "Killing", f"Container {run.name} failed liveness probe, will be restarted", field=run
        )
        self._exited(run, 137, "Error")

    def _set_ready(self, run: ContainerRun, ready: bool) -> None:
        if run.state != "running" or run.ready == ready:
            return
        run.ready = ready
        run.started = True
        self._update_phase()
        self.sync()

    def kill(self, run: ContainerRun) -> None:
        """The process died (kill -9, a node-level OOM): exit 137."""
        if run.state == "running":
            self._exited(run, 137, "Error")

    def _exited(self, run: ContainerRun, code: int, reason: str) -> None:
        if run.state != "running":
            return
        run.cancel_timers()
        ran_for = self.clock.now - run.started_at
        run.state, run.reason, run.exit_code = "terminated", reason, code
        run.finished_at = self.clock.now
        run.ready = False
        run.message = ""
        self.kubelet.activity(self, run.name, "exited", f"{reason} exit={code}")
        if self.terminating:
            self._check_terminated()
            return
        if run.init and code == 0:
            self._next_init(run)
            return
        restart = self.restart_policy == "Always" or (self.restart_policy == "OnFailure" and code != 0)
        if run.init and code != 0 and self.restart_policy == "Always":
            restart = True
        if restart:
            run.crash_streak = 1 if ran_for >= BACKOFF_RESET else run.crash_streak + 1
            delay = run.backoff_delay()
            run.will_restart = True
            self.later(0.5, self._crashloop, run, delay, run=run)
        self._update_phase()
        self.sync()

    def _crashloop(self, run: ContainerRun, delay: float) -> None:
        """Between a crash and the next start the container waits in CrashLoopBackOff."""
        run.remember_termination(timestamp)
        run.state, run.reason = "waiting", "CrashLoopBackOff"
        run.message = (
            f"back-off {delay:g}s restarting failed container={run.name} "
            f"pod={self.name}_{self.namespace}({self.uid})"
        )
        self.kubelet.event(
            self,
            "Warning",
            "BackOff",
            f"Back-off restarting failed container {run.name} in pod {self.name}_{self.namespace}({self.uid})",
            field=run,
        )
        self.later(max(delay - 0.5, 0.0), self._restart, run, run=run)
        self.sync()

    def _restart(self, run: ContainerRun) -> None:
        run.restart_count += 1
        self._ensure_image(run)

    def _next_init(self, done: ContainerRun) -> None:
        index = self.init_containers.index(done)
        if index + 1 < len(self.init_containers):
            self._ensure_image(self.init_containers[index + 1])
        else:
            self._condition("Initialized", "True")
            self._start_app_containers()
        self.sync()

    # -- phase and conditions ----------------------------------------------------------------------
    def _update_phase(self) -> None:
        if self.finished:
            return
        runs = self.containers
        if self.init_containers and any(r.state != "terminated" or r.exit_code != 0 for r in self.init_containers):
            failed = [
                r for r in self.init_containers if r.state == "terminated" and r.exit_code != 0 and not r.will_restart
            ]
            if failed:
                self.phase = "Failed"
                self.finished = True
            self._set_not_ready()
            return
        if runs and all(r.state == "terminated" and not r.will_restart for r in runs):
            self.phase = "Succeeded" if all(r.exit_code == 0 for r in runs) else "Failed"
            self.finished = True
            self._set_not_ready(reason="PodCompleted")
            self.kubelet.pod_finished(self)
            return
        # Running once every container has been started at least once (kubelet's getPhase).
        if all(r.started_at or r.restart_count for r in runs):
            self.phase = "Running"
        if runs and all(r.ready for r in runs):
            self._condition("ContainersReady", "True")
            self._condition("Ready", "True")
        else:
            self._set_not_ready()

    def _set_not_ready(self, reason: str = "ContainersNotReady") -> None:
        not_ready = [r.name for r in self.containers if not r.ready]
        message = f"containers with unready status: [{' '.join(not_ready)}]" if reason == "ContainersNotReady" else ""
        self._condition("ContainersReady", "False", reason, message)
        self._condition("Ready", "False", reason, message)

    def _condition(self, ctype: str, status: str, reason: str = "", message: str = "") -> None:
        current = self.conditions.get(ctype)
        if current is None or current[0] != status:
            self.conditions[ctype] = (status, self.clock.now, f"{reason}\x00{message}")
        else:
            self.conditions[ctype] = (status, current[1], f"{reason}\x00{message}")

    # -- termination ----------------------------------------------------------------------------------
    def terminate(self, grace: float) -> None:
        """The pod is being deleted: preStop, SIGTERM, and SIGKILL when the grace period runs out."""
        if self.terminating:
            return
        self.terminating = True
        for run in self.all_runs():
            if run.state != "running":
                run.cancel_timers()
        self._timers_cancel_pending()
        running = [r for r in self.all_runs() if r.state == "running"]
        ignore_sigterm = self.annotations.get("kubetui.dev/ignore-sigterm") == "true"
        for run in running:
            run.cancel_timers()
            self.kubelet.event(self, "Normal", "Killing", f"Stopping container {run.name}", field=run)
            pre_stop = _pre_stop_seconds(run.spec)
            stop_after = grace if ignore_sigterm else min(grace, pre_stop + SIGTERM_EXIT_SECONDS)
            code = 137 if stop_after >= grace and (ignore_sigterm or pre_stop >= grace) else 0
            reason = "Error" if code else "Completed"
            self.later(stop_after, self._exited, run, code, reason, run=run)
        self.sync()
        self._check_terminated()

    def _timers_cancel_pending(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def _check_terminated(self) -> None:
        if self.terminating and all(r.state != "running" for r in self.all_runs()):
            for run in self.all_runs():
                if run.state == "waiting":
                    run.state, run.reason, run.exit_code = "terminated", "ContainerStatusUnknown", 137
                    run.finished_at = self.clock.now
            self.kubelet.pod_terminated(self)

    # -- status -----------------------------------------------------------------------------------------
    def status(self) -> dict[str, Any]:
        status: dict[str, Any] = {
            "phase": self.phase,
            "conditions": [
                {
                    "type": ctype,
                    "status": value,
                    "lastProbeTime": None,
                    "lastTransitionTime": timestamp(since),
                    **({"reason": extra.split("\x00")[0]} if extra.split("\x00")[0] else {}),
                    **({"message": extra.split("\x00")[1]} if extra.split("\x00")[1] else {}),
                }
                for ctype, (value, since, extra) in self.conditions.items()
            ],
            "hostIP": self.kubelet.node_ip,
            "hostIPs": [{"ip": self.kubelet.node_ip}],
            "startTime": timestamp(self.start_time),
            "qosClass": self.kubelet.qos_of(self),
        }
        if self.pod_ip:
            status["podIP"] = self.pod_ip
            status["podIPs"] = [{"ip": self.pod_ip}]
        if self.reason:
            status["reason"] = self.reason
        if self.message:
            status["message"] = self.message
        if self.init_containers:
            status["initContainerStatuses"] = [r.status(timestamp) for r in self.init_containers]
        status["containerStatuses"] = [r.status(timestamp) for r in self.containers]
        return status

    def sync(self) -> None:
        self.kubelet.request_status_sync(self)


def _pre_stop_seconds(spec: dict[str, Any]) -> float:
    """A preStop hook's duration: ``sleep N`` as an exec command or the sleep action."""
    hook = (spec.get("lifecycle") or {}).get("preStop") or {}
    if "sleep" in hook:
        return float(hook["sleep"].get("seconds", 0))
    command = (hook.get("exec") or {}).get("command") or []
    text = " ".join(str(c) for c in command)
    for word_index, word in enumerate(text.split()):
        if word == "sleep":
            try:
                return float(text.split()[word_index + 1])
            except (IndexError, ValueError):
                return 0.0
    return 0.0
