"""The container runtime (containerd, in spirit): pod sandboxes, containers, images, logs, and exits.

The kubelet calls it directly, as it calls a CRI runtime over a local socket; nothing else does.
It lives in the machine, not in the kubelet: when the kubelet restarts after a power cut, the
runtime's records (exited containers, pulled images) are still on disk, as on a real node.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from kubetui.api.quantity import QuantityError, memory_bytes
from kubetui.node import http_clients
from kubetui.node.dns import PodDNS
from kubetui.node.filesystem import (
    DOCUMENT_ROOTS,
    FORBIDDEN,
    Disk,
    Entry,
    image_files,
    latest,
    read_only_dirs,
    visible,
    volume_files,
    volume_of,
)
from kubetui.node.http_clients import Fetched, parse_url
from kubetui.node.images import ImageRef, ImageStore, parse_image
from kubetui.node.network import PodNetwork, Reply
from kubetui.node.process import (
    FOREVER,
    ISO,
    OOM_AFTER_SECONDS,
    OPEN,
    Program,
    access_line,
    exec_in,
    goes_round,
    render,
    response_body,
    url_argument,
)
from kubetui.node.usage import CpuMeter, FetchRoute, Route, cpu_limit_cores
from kubetui.sim.clock import Clock, Timer
from kubetui.sim.trace import NodeActivity, TraceBus

SIGKILL_EXIT = 137
DNS_PORT = 53
COREFILE = "/etc/coredns/Corefile"
LOG_PLUGIN = re.compile(r"^\s*log\s*$", re.M)


def corefile_sha512(corefile: str | None) -> str:
    """What CoreDNS's reload plugin logs for the configuration it runs."""
    return hashlib.sha512((corefile or "").encode()).hexdigest()

UNKNOWN_EXIT = 255  # what containerd reports for a container that was running when the machine died
START_ERROR_EXIT = 128
MAX_LOG_LINES = (
    2_000  # Simplification: a container's log keeps its last 2,000 lines (the kubelet rotates at 10 Mi)
)
PROBE_AGENT = "kube-probe/1.32"
MAX_TERMINATION_MESSAGE = 4 * 1024  # kubecontainer.MaxContainerTerminationMessageLength
TERMINATION_LOG_LINES = 80  # MaxContainerTerminationMessageLogLines: FallbackToLogsOnError's tail
ASK_SLACK = 1e-6  # a pass's time summed up by the clock and multiplied out by the log differ in the last bits
TERMINATION_LOG_BYTES = 2 * 1024  # MaxContainerTerminationMessageLogLength
PAGE = 4096


@dataclass
class Sandbox:
    """The pod's sandbox: its network namespace and IP (the pause container)."""

    id: str
    pod_uid: str
    pod: str  # namespace/name
    ip: str
    ready: bool = True
    host_network: bool = False  # hostNetwork: the node's own address, shared with its other host-network pods
    dns: PodDNS = field(default_factory=PodDNS)  # the kubelet's DNS config: the /etc/resolv.conf its containers get


@dataclass(frozen=True)
class LogCursor:
    """How far a reader (``kubectl logs -f``, an attached terminal) has read one container's log: up to the pieces
    written at ``when``, ``seen`` of them."""

    container_id: str
    when: float = float("-inf")
    seen: int = 0


def last_lines(text: str, count: int) -> str:
    """The last ``count`` lines of a log (a line still being written, without its newline, is one of them)."""
    if count <= 0:
        return ""
    if text.count("\n") < count:
        return text
    parts = text.split("\n")
    tail = parts.pop()  # "" when the text ends with a newline
    keep = count - 1 if tail else count
    return "".join(f"{line}\n" for line in parts[len(parts) - keep:]) + tail if keep else tail


@dataclass
class Container:
    id: str
    pod_uid: str
    pod: str  # namespace/name
    sandbox_id: str
    name: str
    attempt: int  # 0 for the first, then one more per restart: the pod's restartCount
    image: str  # as the spec wrote it
    image_id: str
    spec_hash: str
    program: Program
    declared_ports: tuple[int, ...]
    hostname: str
    state: str = "running"  # running | exited
    started_at: float | None = 0.0  # None: it never started (StartError)
    finished_at: float = 0.0
    exit_code: int = 0
    reason: str = ""  # Completed | Error | OOMKilled | StartError | Unknown
    message: str = ""
    stopping: bool = False
    timers: list[Timer] = field(default_factory=list)
    extra_lines: list[tuple[float, str]] = field(default_factory=list)  # access logs, shutdown messages
    cpu: CpuMeter = field(default_factory=CpuMeter)  # cumulative CPU (see kubetui.node.usage)
    cpu_limit: float = 0.0  # cores (CFS quota); 0: none
    working_set: int = 0  # bytes of memory in use (what the kubelet reports; the program's memory, to the page)
    env: dict[str, str] = field(default_factory=dict)  # the environment the kubelet gave the process
    mounts: dict[str, str] = field(default_factory=dict)  # absolute path -> content of files its volumes mount
    mount_versions: list[tuple[float, dict[str, str]]] = field(default_factory=list)  # (since, mounts) as rewritten
    volumes: dict[str, str] = field(default_factory=dict)  # mountPath -> data volume (emptyDir, hostPath, claim)
    disk: Disk = field(default_factory=dict)  # the machine's volumes (the runtime's, shared by its containers)
    layer: list[Entry] = field(default_factory=list)  # what execs wrote outside any volume (gone at a restart)
    requests: int = 0  # HTTP requests it answered (the bootcamp app counts them in its log)
    routes: dict[str, list[FetchRoute]] = field(default_factory=dict)  # by URL: where its wget/curl went, from when
    termination_path: str = "/dev/termination-log"  # terminationMessagePath (the kubelet passes it to the runtime)
    termination_policy: str = "File"  # terminationMessagePolicy
    loop_ended: float | None = None  # when its loop's condition ended it (until nslookup myservice)
    asked: list[tuple[float, str]] = field(default_factory=list)  # (when, what it printed): each ask of that condition
    command_line: str = ""  # its command and args, as ps shows them
    # (when, what): what its script did after each one-shot wget/curl the runtime ran for it (Program.resume)
    segments: list[tuple[float, Program]] = field(default_factory=list)

    @property
    def running(self) -> bool:
        return self.state == "running"

    @property
    def version(self) -> str:
        """The app's version as its tag says it: kubernetes-bootcamp:v2 answers "v=2", hello-app:2.0 "2.0.0"."""
        tag = parse_image(self.image).tag  # the kubelet pulled it: the reference parses
        if re.fullmatch(r"v\d+", tag):
            return tag[1:]
        return tag if re.fullmatch(r"\d+\.\d+", tag) else "1"

    def elapsed(self, now: float) -> float:
        return now - (self.started_at or 0.0)

    # -- its log --------------------------------------------------------------------------------------------------
    def _pieces(self, now: float, since: float = float("-inf")) -> list[tuple[float, str]]:
        """What the process wrote up to ``now`` (from ``since`` on), oldest first, each piece as written: a line with
        its newline, or text without one (the next piece goes on from there)."""
        if self.started_at is None:
            return []
        until = now if self.running else self.finished_at
        entries = self.program.log_lines(self.started_at, until, self, since, self.loop_ended)
        for start, segment in self.segments:
            entries += segment.log_lines(start, until, self, since)
        entries += [entry for entry in self.extra_lines if entry[0] >= since]
        entries.sort(key=itemgetter(0))
        return [(when, text.removesuffix(OPEN) if text.endswith(OPEN) else text + "\n") for when, text in entries]

    def log_text(self, now: float) -> str:
        """The log as ``kubectl logs`` prints it: its last MAX_LOG_LINES lines, a line still being written as far as
        it goes.

        Simplification: containerd holds a line back until its newline or 16 KiB; here it shows at once.
        """
        return last_lines("".join(piece for _, piece in self._pieces(now)), MAX_LOG_LINES)

    def read_log(self, cursor: LogCursor | None, now: float) -> tuple[str, LogCursor]:
        """What was written after ``cursor`` (None: from the start), and the cursor after it."""
        since = cursor.when if cursor is not None else float("-inf")
        skip = cursor.seen if cursor is not None else 0
        out: list[str] = []
        when, seen = since, skip
        for at, piece in self._pieces(now, since):
            if at == since and skip:
                skip -= 1
                continue
            out.append(piece)
            when, seen = at, (seen + 1 if at == when else 1)
        return "".join(out), LogCursor(self.id, when, seen)

    def fetch_output(self, words: list[str], when: float) -> str:
        """What the process's own ``wget``/``curl`` printed at ``when``: the answer of the endpoint its node's rules
        sent that request to (picked as the statistic match would, from a hash of the moment), or its error."""
        name, args = words[0], words[1:]
        url = url_argument(args)
        history = self.routes.get(url)
        index = bisect.bisect_right(history, when, key=lambda r: r.since) - 1 if history else -1
        if history is None or index < 0:
            return OPEN  # nothing known of where it went: it printed nothing
        route = history[index]
        target = parse_url(url if "://" in url else f"http://{url}")
        if route.waits and self.program.loop_period and when - self.program.loop_period >= route.since and (
            (when - route.since) // route.waits == (when - self.program.loop_period - route.since) // route.waits
        ):
            return OPEN  # still waiting on the timeout that failed an earlier pass: one failure line per timeout
        reply: Reply | None = None
        if route.failure == "refused":
            reply = Reply(None, f"dial tcp {route.ip}:{target.port}: connect: connection refused")
        elif route.failure == "timeout":
            reply = Reply(None, f"dial tcp {route.ip}:{target.port}: i/o timeout")
        elif not route.failure:
            pick = zlib.crc32(f"{self.id} {url} {when!r}".encode()) / 2**32
            destination = route.destinations[-1]
            for candidate in route.destinations:
                pick -= candidate.share
                if pick < 0:
                    destination = candidate
                    break
            server = destination.server
            reply = (
                server.peek_http(destination.ip, destination.port, target.path, when) if server is not None
                else Reply(None, f"dial tcp {destination.ip}:{destination.port}: connect: connection refused")
            )
        fetched = Fetched(target, route.ip, reply)
        printed = http_clients.curl(args, fetched) if name == "curl" else http_clients.wget(
            args, fetched, http_clients.old_busybox(self.image))
        return "\n".join(printed.lines) if printed.lines else OPEN

    def asked_output(self, when: float) -> str:
        """What the loop's condition printed when the runtime last asked it, at or before ``when`` (the pass at
        ``when`` was asked then); OPEN when it printed nothing."""
        index = bisect.bisect_right(self.asked, when + ASK_SLACK, key=itemgetter(0)) - 1
        if index < 0 or not self.asked[index][1]:
            return OPEN
        text = self.asked[index][1]
        return text.removesuffix("\n") if text.endswith("\n") else text + OPEN

    def remount(self, files: dict[str, str], now: float) -> None:
        """The kubelet wrote the volumes again: the files change now (lines printed before keep what they read)."""
        if not self.mount_versions:
            self.mount_versions.append((self.started_at or 0.0, dict(self.mounts)))
        before = self.mounts.get(COREFILE)
        self.mounts.clear()
        self.mounts.update(files)
        self.mount_versions.append((now, dict(files)))
        if self.program.style == "coredns" and files.get(COREFILE) != before:  # the reload plugin sees the change
            sha = corefile_sha512(files.get(COREFILE))
            self.log(now, "[INFO] Reloading")
            self.log(now, f"[INFO] plugin/reload: Running configuration SHA512 = {sha}")
            self.log(now, "[INFO] Reloading complete")

    def answer_dns(self, source: str, query: str, now: float) -> None:
        """CoreDNS's side of a query (``<name> <rcode>``): a line in its log when its Corefile has the log plugin."""
        if not LOG_PLUGIN.search(self.file_at(COREFILE, now) or ""):
            return
        name, _, rcode = query.partition(" ")
        seed = zlib.crc32(f"{name}{now}".encode())  # the client's port and the query's id, made up but stable
        size = 106 if rcode == "NOERROR" else 149
        self.log(now, f'[INFO] {source}:{32768 + seed % 28000} - {seed % 65536} "A IN {name}. udp {len(name) + 18} '
                      f'false 512" {rcode} qr,aa,rd {size} 0.000{100 + seed % 800}s')

    # -- its file system (kubetui.node.filesystem) ------------------------------------------------------------------
    @property
    def read_only_dirs(self) -> frozenset[str]:
        """Where the kubelet's ConfigMap, Secret and downward API files are: read-only mounts."""
        return read_only_dirs(self.mounts)

    def read(self, path: str, now: float) -> str | None:
        """A file's content at ``now``, None when it does not exist."""
        hit = volume_of(self.volumes, path)
        if hit is not None:
            return latest(self.disk.get(hit[0], []), hit[1], now)[1]
        started = self.started_at or 0.0
        history = [(started + at, name, text) for at, name, text in self.program.files if name == path]
        history += [entry for entry in self.layer if entry[1] == path]
        history.sort(key=lambda entry: entry[0])
        found, content = latest(history, path, now)
        if found:
            return content
        if path in self.mounts:
            return self.file_at(path, now)
        return image_files(self.program.style, self.version).get(path)

    def write(self, path: str, content: str | None, now: float) -> None:
        """An exec writes (None: removes) a file: into the volume mounted there, else the container's own layer."""
        hit = volume_of(self.volumes, path)
        if hit is not None:
            self.disk.setdefault(hit[0], []).append((now, hit[1], content))
        else:
            self.layer.append((now, path, content))

    def files(self, now: float) -> dict[str, str]:
        """Every file that exists at ``now``, by absolute path."""
        started = self.started_at or 0.0
        found = {path: text for path, text in image_files(self.program.style, self.version).items()
                 if volume_of(self.volumes, path) is None}
        found.update(self.mounts)
        history = [(started + at, path, text) for at, path, text in self.program.files] + self.layer
        history.sort(key=lambda entry: entry[0])
        found.update({path: text for path, text in visible(history, now).items()
                      if volume_of(self.volumes, path) is None})
        found.update(volume_files(self.volumes, self.disk, now))
        return found

    def file_at(self, path: str, when: float) -> str | None:
        """A file's content at ``when``, as a line the process printed then reads it (a ConfigMap's file as the
        kubelet had written it by then, another container's writes to a shared volume)."""
        if volume_of(self.volumes, path) is not None:
            return self.read(path, when)
        for since, files in reversed(self.mount_versions):
            if since <= when:
                return files.get(path)
        return self.mounts.get(path)

    def log(self, when: float, line: str) -> None:
        self.extra_lines.append((when, line))
        if len(self.extra_lines) > MAX_LOG_LINES:
            del self.extra_lines[: len(self.extra_lines) - MAX_LOG_LINES]

    # -- answering probes and requests (the process's side) ------------------------------------------------
    def _failing(self, kind: str, now: float) -> bool:
        program, elapsed = self.program, self.elapsed(now)
        if kind == "readiness":
            return elapsed < program.startup + program.fail_readiness_for
        return kind == "liveness" and elapsed >= program.fail_liveness_after

    def answer_http(
        self, ip: str, port: int, path: str, kind: str, now: float, source: str, agent: str
    ) -> Reply:
        reply = self.peek_http(ip, port, path, now, kind) if self.running else self._refused(ip, port, path)
        if reply.code is None:
            return reply
        line = access_line(self.program.style, source, path, reply.code, agent, now)
        self.requests += 1
        if self.program.style == "bootcamp":  # server.js logs each request with its count and the app's uptime
            line = render(f"Running On: {self.hostname} | Total Requests: {self.requests} | App Uptime: "
                          f"{self.elapsed(now):.3f} seconds | Log Time: {ISO}", now)
        if line is not None:
            self.log(now, line)
        return reply

    def peek_http(self, ip: str, port: int, path: str, when: float, kind: str = "") -> Reply:
        """What a GET at ``when`` got from this process, without it noticing: no access log line, no count (the
        answer to a request loop's pass, worked out when its client's log is read)."""
        started = self.started_at
        alive = started is not None and started <= when and (self.running or when < self.finished_at)
        if not alive or not self.program.listening(port, self.declared_ports, when - (started or 0.0)):
            return self._refused(ip, port, path)
        if not self.program.speaks_http(port):
            return Reply(
                None, f'Get "http://{ip}:{port}{path}": net/http: HTTP/1.x transport connection broken: malformed '
                "HTTP response"
            )
        paths, body = self.program.http_paths, None
        if self._failing(kind, when):
            code = 503 if kind == "readiness" else 500
        elif self.program.style in DOCUMENT_ROOTS:
            code, body = self._document(path.split("?")[0], when)
        else:
            code = 200 if paths is None or path.split("?")[0] in paths else 404
        if body is None:
            body = response_body(self.program.style, code, self.hostname, self.version)
        return Reply(code, "", self.pod, body)

    def _refused(self, ip: str, port: int, path: str) -> Reply:
        return Reply(None, f'Get "http://{ip}:{port}{path}": dial tcp {ip}:{port}: connect: connection refused',
                     self.pod)

    def _document(self, path: str, now: float) -> tuple[int, str | None]:
        """A web server's answer from its document root: the file, 404, or 403 for a directory without index.html
        (an empty volume mounted over the root)."""
        root = DOCUMENT_ROOTS[self.program.style]
        target = f"{root}{path}" + ("index.html" if path.endswith("/") else "")
        content = self.read(target, now)
        if content is not None:
            return 200, content if content.endswith("\n") or not content else content + "\n"
        if path.endswith("/"):
            return 403, FORBIDDEN.get(self.program.style, "")
        return 404, None

    def answer_tcp(self, ip: str, port: int, kind: str, now: float) -> Reply:
        if not self.running or not self.program.listening(port, self.declared_ports, self.elapsed(now)):
            return Reply(None, f"dial tcp {ip}:{port}: connect: connection refused", self.pod)
        if self._failing(kind, now):
            return Reply(None, f"dial tcp {ip}:{port}: i/o timeout", self.pod)
        return Reply(0, "", self.pod)

    def answer_exec(self, command: list[str], kind: str, now: float) -> tuple[int, str]:
        if self._failing(kind, now):
            return 1, ""
        return exec_in(self.program, command, self.elapsed(now), self.hostname, self.env, self.mounts,
                       read_only=self.read_only_dirs)


class ContainerRuntime:
    """One machine's containerd: it keeps its records until told to remove them, even across a reboot."""

    def __init__(
        self, node: str, pod_cidr_prefix: str, clock: Clock, trace: TraceBus, network: PodNetwork
    ) -> None:
        self.node = node
        self.clock = clock
        self.trace = trace
        self.network = network
        self.images = ImageStore()
        self.sandboxes: dict[str, Sandbox] = {}  # by pod uid: the current sandbox
        self.containers: dict[str, Container] = {}  # by container id
        self.disk: Disk = {}  # the machine's volumes: emptyDirs, hostPaths, claims' local volumes (on its disk)
        self._ip_prefix = pod_cidr_prefix
        self._last_host = 1  # host-local's last_reserved_ip, on the machine's disk: it survives a reboot
        self._ips_in_use: set[str] = set()
        self.on_exit: Callable[[Container], None] = lambda _c: None  # the kubelet's PLEG listens here
        self.powered = True
        self.cpu_capacity = 0.0  # cores the machine has (0: unbounded); the machine sets it
        self.route: Route | None = None  # how a request leaves this node: its kube-proxy's rules (the machine sets it)
        # a command's exit status, run in a container now: a loop's condition, a postStart hook (the machine sets it)
        self.ask: Callable[[Container, list[str]], tuple[int, str]] | None = None
        self.booted_at = clock.now
        self.retired_cpu = 0.0  # core-seconds of containers removed since boot (the node's counter keeps them)

    # -- sandboxes -------------------------------------------------------------------------------------------
    def image_list(self) -> list[dict[str, Any]]:
        """The images on disk, by name, as ``crictl images`` lists them (for the node cards)."""
        stored = sorted(self.images.images.values(), key=lambda s: s.ref.full)
        return [{"name": s.ref.full, "size": s.size_bytes} for s in stored]

    def run_pod_sandbox(self, pod_uid: str, pod: str, attempt: int, host_ip: str = "",
                        dns: PodDNS | None = None) -> Sandbox:
        """RunPodSandbox: a network namespace with an IP from the node's pod CIDR (host-local IPAM: the next free
        address after the last one it handed out, round the range, so a deleted pod's IP is not reused at once), or,
        given the node's address (``hostNetwork: true``), the node's own network; ``dns`` is the config its
        resolv.conf is written from."""
        ip = host_ip
        if not host_ip:
            last = self._last_host
            for h in [*range(last + 1, 255), *range(2, last + 1)]:
                if f"{self._ip_prefix}{h}" not in self._ips_in_use:
                    ip, self._last_host = f"{self._ip_prefix}{h}", h
                    break
            self._ips_in_use.add(ip)
        digest = hashlib.sha256(f"{self.node}/{pod_uid}/sandbox/{attempt}".encode()).hexdigest()
        sandbox = Sandbox(digest, pod_uid, pod, ip, host_network=bool(host_ip), dns=dns or PodDNS())
        old = self.sandboxes.get(pod_uid)
        if old is not None:
            self.remove_pod_sandbox(old)
        self.sandboxes[pod_uid] = sandbox
        if ip:
            self.network.attach(ip, self)
        return sandbox

    def stop_pod_sandbox(self, sandbox: Sandbox) -> None:
        sandbox.ready = False
        shared = sandbox.host_network and any(s.ip == sandbox.ip and s.ready for s in self.sandboxes.values())
        if sandbox.ip and not shared:
            self.network.detach(sandbox.ip, self)

    def remove_pod_sandbox(self, sandbox: Sandbox) -> None:
        self.stop_pod_sandbox(sandbox)
        if not sandbox.host_network:
            self._ips_in_use.discard(sandbox.ip)
        if self.sandboxes.get(sandbox.pod_uid) is sandbox:
            del self.sandboxes[sandbox.pod_uid]

    # -- containers ------------------------------------------------------------------------------------------
    def start_container(
        self,
        sandbox: Sandbox,
        spec: dict[str, Any],
        attempt: int,
        ref: ImageRef,
        spec_hash: str,
        program: Program,
        hostname: str,
        env: dict[str, str] | None = None,
        mounts: dict[str, str] | None = None,
        volumes: dict[str, str] | None = None,
    ) -> Container:
        """CreateContainer + StartContainer. A program that cannot start exits at once with StartError."""
        name = str(spec.get("name", ""))
        digest = hashlib.sha256(f"{self.node}/{sandbox.pod_uid}/{name}/{attempt}".encode()).hexdigest()
        ports = tuple(
            int(p["containerPort"])
            for p in spec.get("ports") or []
            if isinstance(p, dict) and isinstance(p.get("containerPort"), int)
        )
        container = Container(
            id=f"containerd://{digest}",
            pod_uid=sandbox.pod_uid,
            pod=sandbox.pod,
            sandbox_id=sandbox.id,
            name=name,
            attempt=attempt,
            image=str(spec.get("image", "")),
            image_id=self.images.image_id(ref),
            spec_hash=spec_hash,
            program=program,
            declared_ports=ports,
            hostname=hostname,
            started_at=self.clock.now,
            cpu_limit=cpu_limit_cores(spec),
            working_set=_working_set(program.memory, digest),
            env=dict(env or {}),
            mounts=dict(mounts or {}),
            volumes=dict(volumes or {}),
            disk=self.disk,
            command_line=" ".join(str(w) for w in [*(spec.get("command") or ()), *(spec.get("args") or ())]),
            termination_path=str(spec.get("terminationMessagePath") or ""),
            termination_policy=str(spec.get("terminationMessagePolicy") or "File"),
        )
        self.containers[container.id] = container
        for at, path, text in program.files:  # what the command writes into a volume lands there, for all to see
            hit = volume_of(container.volumes, path)
            if hit is not None:
                self.disk.setdefault(hit[0], []).append((self.clock.now + at, hit[1], text))
        now = self.clock.now
        if program.start_error:
            container.started_at = None
            self._exited(container, START_ERROR_EXIT, "StartError", program.start_error)
            return container
        self.network.load.started(container, self, now)
        self._activity(container, "started", f"attempt {attempt}")
        limit = _memory_limit(spec)
        if limit is not None and program.memory > limit and program.exit_after > OOM_AFTER_SECONDS:
            timer = self.clock.call_later(
                OOM_AFTER_SECONDS,
                self._exited,
                container,
                SIGKILL_EXIT,
                "OOMKilled",
                "",
                label=f"oom {container.pod}",
            )
            container.timers.append(timer)
        elif program.exit_after != FOREVER:
            code = program.exit_code
            timer = self.clock.call_at(
                now + program.exit_after,
                self._exited,
                container,
                code,
                "Completed" if code == 0 else "Error",
                "",
                label=f"exit {container.pod}",
            )
            container.timers.append(timer)
        elif program.loop_condition:
            container.timers.append(
                self.clock.call_at(now + program.loop_start, self._loop_pass, container, label=f"loop {container.pod}"))
        elif program.ask_words:
            container.timers.append(self.clock.call_at(now + program.ask_at, self._ask_once, container, program,
                                                       label=f"fetch {container.pod}"))
        return container

    def _ask_once(self, container: Container, segment: Program) -> None:
        """The script's one-shot wget/curl, run now as an exec runs it (the file it saves is written, the cluster
        answers as it is now): what it printed goes to the log, its status is the script's, which goes on from
        here (and exits with the status of its last command)."""
        if not container.running:
            return
        status, output = self.ask(container, list(segment.ask_words)) if self.ask is not None else (0, "")
        now = self.clock.now
        after = (segment.resume(status, output) if segment.resume is not None
                 else Program(exit_after=0.0, exit_code=status))
        container.segments.append((now, after))
        for at, path, text in after.files:
            container.write(path, text, now + at)
        container.timers = [t for t in container.timers if not t.cancelled and t.when > now]
        if after.exit_after != FOREVER:
            code = after.exit_code
            container.timers.append(self.clock.call_later(
                after.exit_after, self._exited, container, code, "Completed" if code == 0 else "Error", "",
                label=f"exit {container.pod}"))
        elif after.ask_words:
            container.timers.append(self.clock.call_later(after.ask_at, self._ask_once, container, after,
                                                          label=f"fetch {container.pod}"))

    def _loop_pass(self, container: Container) -> None:
        """Before a pass of a loop whose condition asks the network: ask it; when it says stop, the script goes on
        after the loop from now (and exits when that part ends)."""
        program = container.program
        if not container.running or self.ask is None:
            return
        keyword, *words = program.loop_condition
        negated = words[:1] == ["!"]
        status, output = self.ask(container, words[negated:])
        container.asked.append((self.clock.now, output))
        if len(container.asked) > MAX_LOG_LINES:
            del container.asked[: len(container.asked) - MAX_LOG_LINES]
        container.timers = [t for t in container.timers if not t.cancelled and t.when > self.clock.now]
        if goes_round(keyword, negated, status):  # round again
            container.timers.append(self.clock.call_later(program.loop_period, self._loop_pass, container,
                                                          label=f"loop {container.pod}"))
            return
        container.loop_ended = self.clock.now
        if program.after_exit != FOREVER:
            code = program.after_code
            container.timers.append(self.clock.call_later(
                program.after_exit, self._exited, container, code, "Completed" if code == 0 else "Error", "",
                label=f"exit {container.pod}"))

    def stop_container(self, container: Container, grace: float) -> None:
        """StopContainer: SIGTERM, then SIGKILL when ``grace`` runs out (the process may well ignore SIGTERM)."""
        if not container.running or container.stopping:
            return
        container.stopping = True
        now = self.clock.now
        for line in container.program.stop_lines:
            container.log(now, render(line, now))
        handles = container.program.handles_sigterm
        if handles and container.program.shutdown < grace:
            code = container.program.term_exit_code
            reason = "Completed" if code == 0 else "Error"
            timer = self.clock.call_later(
                container.program.shutdown, self._exited, container, code, reason, ""
            )
        else:
            timer = self.clock.call_later(max(grace, 0.0), self._exited, container, SIGKILL_EXIT, "Error", "")
        container.timers.append(timer)

    def exit_process(self, container: Container, code: int) -> None:
        """PID 1 exits on its own with ``code`` (an attached shell's ``exit``)."""
        self._exited(container, code, "Completed" if code == 0 else "Error", "")

    def interrupt(self, container: Container) -> None:
        """Ctrl+C on an attached terminal: SIGINT to the foreground job. A script's command dies of it and the
        shell with it (130); a server shuts down as on SIGTERM."""
        if container.program.handles_sigterm:
            self.stop_container(container, float(10**9))
        else:
            self._exited(container, 130, "Error", "")

    def kill_container(self, container: Container) -> None:
        """SIGKILL now (kill -9, or the OOM killer picking it): exit 137."""
        if container.running:
            self._exited(container, SIGKILL_EXIT, "Error", "")

    def remove_container(self, container: Container) -> None:
        for timer in container.timers:
            timer.cancel()
        if self.containers.pop(container.id, None) is not None and (container.started_at or 0.0) >= self.booted_at:
            self.retired_cpu += container.cpu.read(self.clock.now)

    def containers_of(self, pod_uid: str) -> list[Container]:
        """Every container of a pod this runtime still knows, oldest first."""
        return sorted((c for c in self.containers.values() if c.pod_uid == pod_uid), key=lambda c: c.attempt)

    def pod_uids(self) -> list[str]:
        return sorted({c.pod_uid for c in self.containers.values()} | set(self.sandboxes))

    def _exited(self, container: Container, code: int, reason: str, message: str) -> None:
        if not container.running:
            return
        for timer in container.timers:
            timer.cancel()
        container.timers.clear()
        container.state = "exited"
        container.exit_code = code
        container.reason = reason
        container.finished_at = self.clock.now
        written = termination_message(container) if container.started_at is not None else ""
        container.message = f"{message}: {written}" if message and written else message or written
        self.network.load.stopped(container, self.clock.now)
        self._activity(container, "exited", f"{reason}, exit code {code}")
        if self.powered:
            self.on_exit(container)

    def _activity(self, container: Container, what: str, detail: str) -> None:
        self.trace.emit(
            NodeActivity(
                node=self.node,
                component="containerd",
                pod=container.pod,
                container=container.name,
                what=what,
                detail=detail,
            )
        )

    # -- the machine loses power ---------------------------------------------------------------------------------
    def power_off(self) -> None:
        """Every process dies with the machine; on the next boot containerd reports them exited (255, Unknown)."""
        self.powered = False
        for container in sorted(self.containers.values(), key=lambda c: c.id):
            if container.running:
                self._exited(container, UNKNOWN_EXIT, "Unknown", "")
        for sandbox in list(self.sandboxes.values()):
            self.stop_pod_sandbox(sandbox)

    def power_on(self) -> None:
        self.powered = True
        self.booted_at = self.clock.now
        self.retired_cpu = 0.0

    def sandbox_ip(self, sandbox_id: str) -> str:
        return next((s.ip for s in self.sandboxes.values() if s.id == sandbox_id), "")

    def listener(self, ip: str, port: int, now: float) -> Container | None:
        """The running container that accepts connections to ``ip:port``, if any."""
        return self._listening(self._sandboxes_at(ip), port, now) if self.powered else None

    def _sandboxes_at(self, ip: str) -> list[Sandbox]:
        """The ready sandboxes with this address: one pod's, or every host-network pod's at the node's address."""
        return [s for s in self.sandboxes.values() if s.ip == ip and s.ready]

    def _listening(self, sandboxes: list[Sandbox], port: int, now: float) -> Container | None:
        for sandbox in sandboxes:
            for container in self.containers_of(sandbox.pod_uid):
                if container.running and container.program.listening(
                    port, container.declared_ports, container.elapsed(now)
                ):
                    return container
        return None

    # -- the pod network reaches containers through here ----------------------------------------------------------
    def serve(self, ip: str, port: int, path: str, source: str, agent: str) -> Reply:
        sandboxes = self._sandboxes_at(ip)
        if not sandboxes or not self.powered:
            return Reply(None, f"dial tcp {ip}:{port}: i/o timeout")
        now = self.clock.now
        container = self._listening(sandboxes, port, now)
        if container is None:
            return Reply(None, f"dial tcp {ip}:{port}: connect: connection refused", sandboxes[0].pod)
        self.network.load.served(container)
        if port == DNS_PORT and container.program.style == "coredns" and path:
            container.answer_dns(source, path, now)
        if not container.program.speaks_http(port) or not path:  # not HTTP, or a connection that sends no request
            return Reply(0, "", container.pod)
        return container.answer_http(ip, port, path, "", now, source, agent)


def termination_message(container: Container) -> str:
    """What the kubelet reports as an exited container's message (getTerminationMessage): the file it wrote at its
    terminationMessagePath, 4 KiB at most; empty, with FallbackToLogsOnError and a failure, its log's last 80 lines,
    2 KiB at most."""
    path = container.termination_path
    data = (container.read(path, container.finished_at) or "") if path else ""
    if data and not data.endswith("\n"):
        data += "\n"  # the files kept here drop the newline their last line was written with
    data = data.encode()[:MAX_TERMINATION_MESSAGE].decode(errors="ignore")
    if not data and container.termination_policy == "FallbackToLogsOnError" and container.exit_code != 0:
        tail = last_lines(container.log_text(container.finished_at), TERMINATION_LOG_LINES)
        data = tail.encode()[-TERMINATION_LOG_BYTES:].decode(errors="ignore")
    return data


def _working_set(memory: int, digest: str) -> int:
    """What the kernel would count: the program's memory plus a few pages that differ from one container to the next."""
    return memory + int(digest[:4], 16) % 512 * PAGE


def _memory_limit(spec: dict[str, Any]) -> int | None:
    limit = ((spec.get("resources") or {}).get("limits") or {}).get("memory")
    if limit is None:
        return None
    try:
        return memory_bytes(limit)
    except (QuantityError, ValueError, TypeError):
        return None
