"""What a container's main process does, read from its spec as a learner would write it.

* ``command``/``args`` run through a tiny shell: ``sleep 30`` exits 0 after 30 s, ``false`` and
  ``sh -c "exit 1"`` fail at once, ``true`` succeeds, ``sh -c "echo hi; sleep 5; exit 3"`` prints,
  waits and exits 3, ``while true; do echo $(date); sleep 5; done`` prints every 5 s for ever,
  ``touch``/``rm``/``echo x > file`` change files that ``cat`` (and exec probes) see, ``trap ... TERM``
  makes it handle SIGTERM, ``stress --vm-bytes 250M`` uses that much memory, ``stress --cpu 2`` keeps two CPUs
  busy, and a loop calling ``wget``/``curl`` at a URL (``while sleep 0.01; do wget -q -O- http://php-apache; done``)
  sends that Service a steady stream of requests, one per pass of the loop (see :mod:`kubetui.node.usage`).
  The shell knows ``if``/``elif``/``else``, ``test``/``[``/``[[``, ``echo -n/-e``, ``printf``, ``#`` comments and
  redirections (``> file``, ``>> file``, ``2>/dev/null``, ``2>&1``, ``< file``); writing into a read-only volume fails.
  An unknown command inside ``sh -c`` prints ``sh: foo: not found`` (status 127); an unknown program as the
  command itself fails to start (``exec: "foo": executable file not found in $PATH``), for the catalogued images whose
  programs we know. In an image we do not know, an unknown program is the application: it serves.
* Without a command the image's default runs: servers (nginx, redis, postgres ...) run until killed
  and listen on their port; busybox, alpine, ubuntu, python ... exit 0 at once, as the real images do.
* PID 1 gets no default signal handlers: a shell or ``sleep`` ignores SIGTERM and dies only by
  SIGKILL when the grace period ends (exit 137). Servers shut down cleanly (exit 0); an application
  in an unknown image dies of the signal (exit 143).
* Memory over ``resources.limits.memory`` means OOMKilled (137) one second after start.

Knobs a spec cannot express, as pod annotations (``kubetui.dev/<knob>``, or ``kubetui.dev/<knob>.<container>``
for one container): ``startup-seconds`` (listens only after N s), ``crash-after-seconds`` (exits 1 after N s),
``fail-readiness-seconds`` (readiness probes fail for the first N s), ``fail-liveness-after-seconds``
(liveness probes fail from N s on), ``memory-usage`` (e.g. ``300Mi``), ``ignore-sigterm`` (``true``/``false``),
``shutdown-seconds`` (how long a clean shutdown takes).
Simplification: the knobs aim at one kind of probe, where a real process cannot tell probes apart.
"""

from __future__ import annotations

import ast
import itertools
import json
import re
import shlex
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from kubetui.api import meta
from kubetui.api.quantity import QuantityError, memory_bytes
from kubetui.node.images import (
    HELLO_APP,
    IDLE_CPU,
    NGINX_CURRENT,
    REQUEST_CPU,
    ImageInfo,
    ImageRef,
    InvalidImageName,
    image_info,
    nginx_version,
    parse_image,
)

KNOB_PREFIX = "kubetui.dev/"
FOREVER = float("inf")
OOM_AFTER_SECONDS = 1.0  # a process over its memory limit is killed this long after it starts
SHUTDOWN_SECONDS = 0.2  # a server's clean shutdown after SIGTERM
REQUEST_SECONDS = 0.01  # the least one pass of a request loop takes: the request's own round trip
HTTP_CLIENTS = frozenset({"wget", "curl"})
# A loop condition that asks the network (until nslookup myservice): the runtime asks it again before each pass.
LIVE_CONDITIONS = frozenset({"nslookup", "host", "dig", "wget", "curl", "nc", "ping", "getent"})
DATE = "\x00date\x00"  # replaced by the time a line is printed, as date(1) prints it
DATE_FORMAT = "\x00date:{}\x00"  # the same, as ``date +FORMAT`` prints it
DATE_MARK = re.compile("\x00date:([^\x00]*)\x00")
STAMP = "\x00stamp\x00"  # replaced by the time a line is printed, as servers log it
ISO = "\x00iso\x00"  # the same, as JavaScript's Date prints it
HOST = "\x00host\x00"  # the container's hostname (filled in when the program is decided)
FILE = "\x00file:{}\x00"  # replaced by a mounted file's content at the time the line is printed
FILE_MARK = re.compile("\x00file:([^\x00]*)\x00")
OPEN = "\x00open\x00"  # ends a line printed without its newline (echo -n, wget -O- of "OK!"): the next output goes on
FETCH = "\x00fetch:{}\x00"  # PID 1's wget/curl (its words as JSON): what it printed, worked out when the line is read
FETCH_MARK = re.compile("\x00fetch:([^\x00]*)\x00")
ASKED = "\x00asked\x00"  # PID 1's loop condition that asks the network (nslookup): what the runtime's ask printed

COMMON_TOOLS = frozenset(
    [
        "sh", "echo", "sleep", "cat", "true", "false", "touch", "rm", "mkdir", "date", "env", "printenv", "printf",
        "ls", "test", "[", "hostname", "pwd", "whoami", "uname", "seq", "yes", "tail", "head", "grep", "wc", "kill",
        "id", "tar", "rev",
    ]
)
SHELL_TOOLS = {
    "busybox": COMMON_TOOLS | {"ash", "wget", "nc", "ping", "nslookup", "top", "vi", "ps", "clear", "sort", "uniq",
                               "which"},
    "debian": COMMON_TOOLS | {"bash", "dash", "sort", "uniq", "which", "apt-get", "apt", "clear"},
    "": frozenset(),
}
NGINX_SLIM_REGISTRIES = ("registry.k8s.io", "k8s.gcr.io", "gcr.io/google_containers")
AGNHOST = "registry.k8s.io/e2e-test-images/agnhost"
# The agnhost subcommands the docs use: (ports, HTTP paths (None: every path; (): not HTTP), log/answer style, when
# its /healthz starts answering 500).
# Simplification: agnhost netexec answers every path with its hostname (what its /hostname says).
AGNHOST_COMMANDS: dict[str, tuple[tuple[int, ...], tuple[str, ...] | None, str, float]] = {
    "pause": ((), (), "", FOREVER),
    "liveness": ((8080,), None, "", 10.0),  # the probes page: /healthz is 200 for 10 s, then 500
    "netexec": ((8080,), None, "netexec", FOREVER),
    "serve-hostname": ((9376,), None, "serve-hostname", FOREVER),
}
SERVER_BINARIES = {
    # the images without a shell hold their one program: kubectl exec of anything else is "executable file not found"
    "traefik/whoami": "whoami",
    "hashicorp/http-echo": "http-echo",
    "registry.k8s.io/pause": "pause",
    **{name: "hello-app" for name in HELLO_APP},
    **{f"{registry}/serve_hostname": "serve_hostname"
       for registry in ("registry.k8s.io", "k8s.gcr.io", "gcr.io/google_containers")},
    "registry.k8s.io/coredns/coredns": "coredns",
    "nginx": "nginx curl",
    "gcr.io/google-samples/kubernetes-bootcamp": "node npm curl",
    "jocatalin/kubernetes-bootcamp": "node npm curl",
    "registry.k8s.io/e2e-test-images/jessie-dnsutils": "nslookup dig host ping",
    "gcr.io/kubernetes-e2e-test-images/dnsutils": "nslookup dig host ping",
    "registry.k8s.io/e2e-test-images/agnhost": "agnhost curl",
    "radial/busyboxplus": "curl",
    **{f"{registry}/nginx-slim": "nginx curl" for registry in NGINX_SLIM_REGISTRIES},
    "httpd": "httpd httpd-foreground apachectl",
    "redis": "redis-server redis-cli",
    "postgres": "postgres pg_isready psql docker-entrypoint.sh",
    "mysql": "mysqld mysql mysqladmin docker-entrypoint.sh",
    "memcached": "memcached",
    "mongo": "mongod mongosh",
    "python": "python python3 pip pip3",
    "perl": "perl cpan",
    "node": "node npm npx",
    "golang": "go",
    "curlimages/curl": "curl",
    "polinux/stress": "stress",
    "vish/stress": "stress",
    "bash": "bash",
}
SHELLS = {
    "busybox": "busybox",
    "alpine": "busybox",
    "curlimages/curl": "busybox",
    "polinux/stress": "busybox",
    "bash": "busybox",
    "radial/busyboxplus": "busybox",
    "gcr.io/google-containers/busybox": "busybox",
    "gcr.io/google_containers/busybox": "busybox",
    "k8s.gcr.io/busybox": "busybox",
    "registry.k8s.io/busybox": "busybox",
    "registry.k8s.io/e2e-test-images/agnhost": "busybox",
}
NO_SHELL = frozenset(
    {"traefik/whoami", "hashicorp/http-echo", "registry.k8s.io/pause", *HELLO_APP,
     "registry.k8s.io/serve_hostname", "k8s.gcr.io/serve_hostname", "gcr.io/google_containers/serve_hostname",
     "registry.k8s.io/coredns/coredns", "vish/stress"}
)


@dataclass(frozen=True)
class Program:
    """A started container's behaviour, decided once from its spec; everything is seconds after start."""

    lines: tuple[tuple[float, str], ...] = ()  # printed once
    loop_lines: tuple[tuple[float, str], ...] = ()  # printed every loop_period, offsets from loop_start
    loop_start: float = 0.0
    loop_period: float = 0.0
    files: tuple[tuple[float, str, str | None], ...] = ()  # (when, path, content or None when removed)
    exit_after: float = FOREVER  # exits on its own after this long
    exit_code: int = 0
    start_error: str = ""  # the runtime could not start it at all (exec: not found)
    server: bool = False  # listens for connections
    ports: tuple[int, ...] = ()  # where; empty: the ports the container declares
    http_paths: tuple[str, ...] | None = None
    http_ports: tuple[int, ...] | None = None  # the ports that speak HTTP; None: every one it listens on
    startup: float = 0.0
    memory: int = 0  # bytes it grows to
    handles_sigterm: bool = False
    term_exit_code: int = 0  # exit code after a handled SIGTERM
    shutdown: float = SHUTDOWN_SECONDS
    stop_lines: tuple[str, ...] = ()
    fail_readiness_for: float = 0.0
    fail_liveness_after: float = FOREVER
    style: str = ""
    shell: str = "debian"  # which shell utilities exist in the image ("" for none)
    tools: frozenset[str] = field(default_factory=frozenset)  # every program the image has
    load_urls: tuple[str, ...] = ()  # URLs a request loop calls once per pass, for ever
    fetch_urls: tuple[str, ...] = ()  # every URL it fetches with wget/curl, in the loop or once
    request_rate: float = 0.0  # passes of that loop a second
    idle_cpu: float = 0.0  # cores the process uses on its own (see kubetui.node.usage)
    request_cpu: float = 0.0  # CPU seconds serving one request costs it
    stdin_shell: bool = False  # an interactive shell reading its open stdin (``kubectl run -it ... -- sh``)
    loop_condition: tuple[str, ...] = ()  # a while/until loop's header whose condition asks the network
    condition_lines: int = 0  # how many of loop_lines its condition prints (it prints them once more as it ends)
    after_lines: tuple[tuple[float, str], ...] = ()  # printed once that loop ends, offsets from its end
    after_exit: float = FOREVER  # how long after that loop ends the process exits
    after_code: int = 0
    # a one-shot wget/curl of its own (not in a loop): the runtime runs it live this long after start (asked through
    # an exec, so it writes its file and answers from the cluster as it is then), and ``resume`` with its status and
    # output gives what the script prints and does from that moment on (offsets from then), that output first
    ask_at: float = FOREVER
    ask_words: tuple[str, ...] = ()
    resume: Callable[[int, str], Program] | None = field(default=None, compare=False, repr=False)

    def file_at(self, path: str, elapsed: float) -> str | None:
        """The content of ``path`` after ``elapsed`` seconds, None when it does not exist."""
        content: str | None = None
        for when, name, text in self.files:
            if name == path and when <= elapsed:
                content = text
        return content

    def speaks_http(self, port: int) -> bool:
        return self.http_paths != () and (self.http_ports is None or port in self.http_ports)

    def listening(self, port: int, declared: tuple[int, ...], elapsed: float) -> bool:
        if not self.server or elapsed < self.startup:
            return False
        ports = self.ports or declared
        return not ports or port in ports

    def log_lines(
        self, started_at: float, until: float, source: LineSource | None = None, since: float = 0.0,
        loop_ended: float | None = None,
    ) -> list[tuple[float, str]]:
        """Every line printed between the start (or ``since``) and ``until`` (virtual time), oldest first; a line
        without its newline ends with OPEN. ``source`` fills in what a line read when it was printed (see
        :class:`LineSource`); ``loop_ended`` is when a loop's condition ended it (what the script does after the loop
        follows)."""
        end = min(until, started_at + self.exit_after)
        out = [(started_at + at, text) for at, text in self.lines if since <= started_at + at <= end]
        if self.loop_period > 0 and self.loop_lines:
            first = started_at + self.loop_start
            iterations = int((end - first) // self.loop_period) + 1 if end >= first else 0
            if loop_ended is not None:  # its condition stopped it before this pass: the passes before it ran
                iterations = min(iterations, max(0, round((loop_ended - first) / self.loop_period)))
            skip = max(0, iterations - 2_000)  # only the tail can be kept anyway
            reach = max((at for at, _ in self.loop_lines), default=0.0)
            if since > first + reach:  # the passes that ended before ``since`` printed nothing after it
                skip = max(skip, int((since - first - reach) // self.loop_period))
            for k in range(skip, iterations):
                base = first + k * self.loop_period
                out.extend((base + at, text) for at, text in self.loop_lines if since <= base + at <= end)
        if loop_ended is not None:  # the last ask of its condition printed too, then what follows the loop
            asked = self.loop_lines[: self.condition_lines]
            out.extend((loop_ended + at, text) for at, text in (*asked, *self.after_lines)
                       if since <= loop_ended + at <= end)
        return [(when, render(text, when, source)) for when, text in out]


class LineSource(Protocol):
    """What a process's line read when it was printed (the container it runs in answers)."""

    def file_at(self, path: str, when: float) -> str | None:
        """A mounted file's content at ``when`` (a loop that cats a ConfigMap's file prints each version in turn)."""

    def fetch_output(self, words: list[str], when: float) -> str:
        """What a wget/curl (its words) printed at ``when`` (OPEN at the end: no newline)."""

    def asked_output(self, when: float) -> str:
        """What the loop's condition printed when the runtime asked it last, at or before ``when``."""


def render(text: str, when: float, source: LineSource | None = None) -> str:
    """Fill in ``$(date)``, server timestamps, mounted files' contents, what a wget/curl got and what a loop's
    condition printed, as they were when the line was printed."""
    if "\x00" not in text:
        return text
    if "\x00fetch:" in text or ASKED in text:
        text = FETCH_MARK.sub(lambda m: source.fetch_output(json.loads(m.group(1)), when) if source else OPEN, text)
        text = text.replace(ASKED, source.asked_output(when) if source else OPEN)
        text = text.replace(OPEN, "") + (OPEN if text.endswith(OPEN) else "")  # only the end can stay open
    if "\x00file:" in text:
        text = FILE_MARK.sub(lambda m: (source.file_at(m.group(1), when) if source else None) or "", text)
    if "\x00" not in text.removesuffix(OPEN):
        return text
    moment = meta.EPOCH + timedelta(seconds=int(when))
    date = f"{moment:%a %b} {moment.day:2d} {moment:%H:%M:%S} UTC {moment.year}"
    if "\x00date:" in text:
        text = DATE_MARK.sub(lambda m: _strftime(moment, m.group(1)), text)
    return text.replace(DATE, date).replace(STAMP, f"{moment:%Y/%m/%d %H:%M:%S}").replace(
        ISO, f"{moment:%Y-%m-%dT%H:%M:%S}.000Z")


def _strftime(moment: datetime, fmt: str) -> str:
    """``date +FORMAT`` (the C library's strftime; %s, seconds since the epoch, included)."""
    return moment.strftime(fmt.replace("%s", str(int(moment.timestamp()))))


def _date(args: list[str]) -> str:
    """What ``date`` prints, as a marker filled in when the line is printed."""
    fmt = next((a[1:] for a in args if a.startswith("+")), None)
    return DATE if fmt is None else DATE_FORMAT.format(fmt)


def _words(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: as the words come
        return text.split()


def knob(annotations: dict[str, str], name: str, container: str) -> str | None:
    return annotations.get(f"{KNOB_PREFIX}{name}.{container}") or annotations.get(f"{KNOB_PREFIX}{name}")


def _seconds(value: str | None, default: float) -> float:
    if value is None:
        return default
    try:
        return float(value.rstrip("s"))
    except ValueError:
        return default


def _duration(word: str) -> float | None:
    """``sleep``'s argument: 30, 1.5, 10s, 5m, 2h, 1d, infinity; None when it does not parse."""
    if word in ("inf", "infinity"):
        return FOREVER
    match = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", word)
    if not match:
        return None
    seconds = float(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[match.group(2)]
    return FOREVER if seconds >= 10**7 else seconds


def _bytes(value: str) -> int:
    text = value.strip()
    if re.fullmatch(r"\d+[KMGT]", text):  # stress writes 250M meaning MiB
        text += "i"
    try:
        return memory_bytes(text)
    except (QuantityError, ValueError, TypeError):
        return 0


# -- the image's own behaviour ----------------------------------------------------------------------------------
def _server_lines(style: str, image: ImageRef, port: tuple[int, ...]) -> tuple[tuple[float, str], ...]:
    listen = port[0] if port else 8080
    lines: dict[str, tuple[str, ...]] = {
        "nginx": (
            "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            "/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            "/docker-entrypoint.sh: Configuration complete; ready for start up",
            f'{STAMP} [notice] 1#1: using the "epoll" event method',
            f"{STAMP} [notice] 1#1: nginx/{_nginx_version(image)}",
            f"{STAMP} [notice] 1#1: start worker processes",
            f"{STAMP} [notice] 1#1: start worker process 29",
        ),
        "httpd": (
            "AH00558: httpd: Could not reliably determine the server's fully qualified domain name",
            f"[{STAMP}] [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- "
            "resuming normal operations",
        ),
        "redis": (
            "1:C * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
            "1:M * Server initialized",
            "1:M * Ready to accept connections tcp",
        ),
        "postgres": (
            "PostgreSQL init process complete; ready for start up.",
            f'LOG:  listening on IPv4 address "0.0.0.0", port {listen}',
            "LOG:  database system is ready to accept connections",
        ),
        "mysql": ("[Server] /usr/sbin/mysqld: ready for connections. Version: '8.4.3'  port: 3306",),
        "whoami": (f"Starting up on port {listen}",),
        "bootcamp": (f"Kubernetes Bootcamp App Started At: {ISO} | Running On:  {HOST} \n",),
        "coredns": (".:53", "[INFO] plugin/reload: Running configuration SHA512 = "
                    "ad35f5b8c9422d3bf6e81fd6959e355e3a22e74aa45cd82ce40827acbfa574c7"
                    "1b4c171e353ca4b7a7e9a2c5958e006000e3d669082b7f929fb1ec0203ad52f6",
                    "CoreDNS-1.11.3", "linux/amd64, go1.21.11, a6338e9"),
        "echo": (f"Listening on port {listen}",),
        "netexec": (f"Started HTTP server on port {listen}", "Started UDP server on port 8081"),
        "hello-app": (f"{STAMP} Server listening on port {listen}",),
        "server": (f"listening on port {listen}",),
    }
    return tuple((0.0, line) for line in lines.get(style, ()))


def _nginx_version(image: ImageRef) -> str:
    if image.catalogue_key == "nginx":
        return nginx_version(image)
    return image.tag if image.tag[:1].isdigit() else NGINX_CURRENT  # nginx-slim, bprashanth/nginxhttps


def _stop_lines(style: str) -> tuple[str, ...]:
    return {
        "nginx": (
            f"{STAMP} [notice] 1#1: signal 3 (SIGQUIT) received, shutting down",
            f"{STAMP} [notice] 29#29: gracefully shutting down",
            f"{STAMP} [notice] 1#1: exit",
        ),
        "redis": (
            "1:signal-handler Received SIGTERM scheduling shutdown...",
            "1:M # Redis is now ready to exit, bye bye...",
        ),
        "postgres": ("LOG:  received fast shutdown request", "LOG:  database system is shut down"),
        "httpd": (f"[{STAMP}] [mpm_event:notice] [pid 1:tid 1] AH00491: caught SIGTERM, shutting down",),
    }.get(style, ())


def access_line(style: str, source: str, path: str, code: int, agent: str, when: float) -> str | None:
    """The line a server logs for one HTTP request, or None when it logs nothing."""
    moment = meta.EPOCH + timedelta(seconds=int(when))
    stamp = moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
    size = 615 if code == 200 else 153
    if style == "nginx":
        return f'{source} - - [{stamp}] "GET {path} HTTP/1.1" {code} {size} "-" "{agent}" "-"'
    if style == "httpd":
        return f'{source} - - [{stamp}] "GET {path} HTTP/1.1" {code} 45'
    if style == "hello-app":  # Go's log.Printf
        return f"{moment:%Y/%m/%d %H:%M:%S} Serving request: {path}"
    return None


NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""  # the 615 bytes of its default index.html, which access_line counts


def response_body(style: str, code: int, hostname: str, version: str = "1") -> str:
    """What a known server image sends back: nginx's and httpd's default pages, hello-app's greeting."""
    if style == "nginx":
        return NGINX_WELCOME if code == 200 else (
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
            "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
        )
    if style == "httpd":
        return "<html><body><h1>It works!</h1></body></html>\n" if code == 200 else ""
    if style == "hello-app":  # its tag is its version: 2.0 says 2.0.0
        return f"Hello, world!\nVersion: {version if version.count('.') == 1 else '1.0'}.0\nHostname: {hostname}\n"
    if style == "hpa-example":
        return "OK!"
    if style == "bootcamp":
        return f"Hello Kubernetes bootcamp! | Running on: {hostname} | v={version}\n"
    if style in ("serve-hostname", "netexec"):
        return f"{hostname}\n"
    return ""


# -- a tiny shell ---------------------------------------------------------------------------------------------
@dataclass
class _Run:
    """The interpreter's state while it walks a script."""

    tools: frozenset[str]  # programs the image has; empty for an image we do not know
    shell_name: str
    hostname: str
    env: dict[str, str]
    elapsed: float = 0.0
    status: int = 0
    lines: list[tuple[float, str]] = field(default_factory=list)
    files: list[tuple[float, str, str | None]] = field(default_factory=list)
    exited: bool = False
    forever: bool = False
    serving: bool = False
    ports: tuple[int, ...] = ()
    memory: int = 0
    traps_term: bool = False
    loop_lines: list[tuple[float, str]] = field(default_factory=list)
    loop_start: float = 0.0
    loop_period: float = 0.0
    requests: list[str] = field(default_factory=list)  # URLs fetched with wget/curl, in order
    fetches: bool = False  # PID 1's shell: wget/curl print what the network answers when the line is read
    cwd: str = "/"  # the working directory a relative path starts from (``cd`` in an exec moves it)
    loop_condition: list[str] = field(default_factory=list)  # the header of a loop whose condition asks the network
    rest: list[tuple[str, list[str]]] | None = None  # the statements after the loop that runs on (if it ever ends)
    condition_lines: int = 0  # how many lines of that loop's pass its condition printed
    load_urls: tuple[str, ...] = ()  # the URLs a loop that runs for ever fetches on every pass
    cpu_busy: float = 0.0  # cores a CPU hog keeps busy (stress --cpu)
    # kubectl exec's programs that answer from the live cluster (curl, nslookup, ls, ps ...): their output, or None
    # when the name is not theirs (kubetui.node.exec_session)
    tool: Callable[[str, list[str], _Run], list[str] | None] | None = None
    loop: tuple[list[str], list[str]] | None = None  # (header, body) of the loop that runs for ever
    live: frozenset[str] = frozenset()  # mounted files the kubelet may rewrite: read when a line is printed
    read_only: frozenset[str] = frozenset()  # directories mounted read-only (ConfigMap, Secret, downwardAPI volumes)
    shared: frozenset[str] = frozenset()  # files of its data volumes at start (another container may rewrite them)
    preset: int = 0  # how many of ``files`` were there at start (the kubelet's and the volumes'), not written by it
    arrays: dict[str, dict[int, str]] = field(default_factory=dict)  # bash's indexed arrays: name -> index -> value
    errexit: bool = False  # ``set -e``: a command that fails (outside a condition or an && / || list) ends the script
    # PID 1's own top-level script: a one-shot wget/curl stops the walk there; the runtime asks it live at its moment
    pausable: bool = False
    pause: tuple[list[str], list[tuple[str, list[str]]]] | None = None  # (its words, the statements after it)

    def has(self, program: str) -> bool:
        return not self.tools or program in self.tools

    def file(self, path: str) -> str | None:
        content: str | None = None
        for _, name, text in self.files:
            if name == path:
                content = text
        return content

    def fork(self) -> _Run:
        forked = _Run(self.tools, self.shell_name, self.hostname, dict(self.env), tool=self.tool, live=self.live,
                      read_only=self.read_only, fetches=self.fetches, cwd=self.cwd, shared=self.shared,
                      preset=self.preset, arrays={name: dict(values) for name, values in self.arrays.items()},
                      errexit=self.errexit)
        forked.files = list(self.files)
        return forked

    def rewritten(self, path: str) -> bool:
        """Did the script itself write ``path`` (so what it reads there is its own, not what the volume holds)?"""
        return any(name == path for _, name, _ in self.files[self.preset:])



ARRAY = "\x00array\x00"  # starts the (unparsed) list of an array assignment's value: items=(foo bar)
ARRAY_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")
ARRAY_REF = re.compile(r"\$\{(#?)([A-Za-z_][A-Za-z0-9_]*)\[([^\]]*)\]\}")
ASSIGNMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]*)\])?(\+?)=(.*)", re.DOTALL)
_OPERATORS = ("&>>", "&&", "||", ";;", "&>", ">>", ">&", "<&", ";", "&", "|", ">", "<", "\n")  # longest first
REDIRECT = re.compile(r"(\d*)(>>|>&|>|<&|<)|&>>?")


def _tokens(script: str) -> list[str]:
    """Words and operators as sh splits a script: quotes removed, ``$(...)`` kept whole, a newline ending a command
    as ``;`` does (a YAML block scalar script), ``#`` at the start of a word commenting out the rest of the line, and
    a redirection's descriptor kept with it (``2>&1`` is ``2>&`` then ``1``, ``2 >x`` is ``2``, ``>``, ``x``).

    Simplification: an operator quoted (``echo ">"``) still acts as one, and ``$VAR`` expands inside single quotes.
    """
    text = script.replace("\r\n", "\n")
    tokens: list[str] = []
    word: list[str] = []
    started = quoted = False  # a word has begun ("" is one); some of it was quoted (a quoted 2 is no descriptor)

    def finish() -> None:
        nonlocal started, quoted
        if started:
            tokens.append("".join(word))
        word.clear()
        started = quoted = False

    i, size = 0, len(text)
    while i < size:
        char = text[i]
        if char in " \t\r":
            finish()
            i += 1
        elif char == "#" and not started:  # a comment, up to (not including) the newline
            end = text.find("\n", i)
            i = size if end < 0 else end
        elif char == "\\":
            if text.startswith("\n", i + 1):  # a line continued
                i += 2
                continue
            word.append(text[i + 1 : i + 2])
            started = quoted = True
            i += 2
        elif char == "'":
            end = text.find("'", i + 1)
            if end < 0:  # unbalanced quotes: the shell would refuse too
                return ["false"]
            word.append(text[i + 1 : end])
            started = quoted = True
            i = end + 1
        elif char == '"':
            i += 1
            while i < size and text[i] != '"':
                if text[i] == "\\" and i + 1 < size and text[i + 1] in '$`"\\\n':
                    word.append("" if text[i + 1] == "\n" else text[i + 1])
                    i += 2
                elif text.startswith("$(", i) or text[i] == "`":
                    end = _closing(text, i)
                    if end < 0:
                        return ["false"]
                    word.append(text[i:end])
                    i = end
                else:
                    word.append(text[i])
                    i += 1
            if i >= size:
                return ["false"]
            started = quoted = True
            i += 1
        elif text.startswith("$(", i) or char == "`":
            end = _closing(text, i)
            if end < 0:
                return ["false"]
            word.append(text[i:end])
            started = True
            i = end
        elif char == "(" and started and not quoted and ARRAY_NAME.fullmatch("".join(word)):  # items=(a b c)
            end = _closing(text, i - 1)  # the "=" before it starts no substitution: only the parentheses count
            if end < 0:
                return ["false"]
            word.append(ARRAY + text[i + 1 : end - 1])
            i = end
        else:
            operator = next((o for o in _OPERATORS if text.startswith(o, i)), "")
            if not operator:
                word.append(char)
                started = True
                i += 1
                continue
            descriptor = "".join(word) if operator[0] in "<>" and started and not quoted else ""
            if descriptor.isdigit():
                word.clear()
                started = False
            else:
                descriptor = ""
                finish()
            tokens.append(";" if operator == "\n" else descriptor + operator)
            i += len(operator)
    finish()
    return tokens


def _closing(text: str, start: int) -> int:
    """Where ``$(...)`` or a backquoted command that begins at ``start`` ends (just past it); -1 when it does not."""
    if text[start] == "`":
        end = text.find("`", start + 1)
        return -1 if end < 0 else end + 1
    depth, i, quote = 0, start + 1, ""
    while i < len(text):
        char = text[i]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _expand(word: str, run: _Run) -> str:
    word = re.sub(r"\$\(date([^)]*)\)|`date([^`]*)`", lambda m: _date(_words(m.group(1) or m.group(2) or "")), word)
    word = re.sub(r"\$\(hostname\)|`hostname`", run.hostname, word)
    if "$(" in word or "`" in word:
        word = re.sub(r"\$\(([^()]*)\)|`([^`]*)`", lambda m: _substitute(m.group(1) or m.group(2) or "", run), word)
    word = word.replace("$?", str(run.status)).replace("$0", "bash" if run.shell_name == "bash" else "sh")
    if "[" in word:
        word = ARRAY_REF.sub(lambda m: _element(m.group(1) == "#", m.group(2), m.group(3), run), word)
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: _variable(m.group(1), run), word)


def _variable(name: str, run: _Run) -> str:
    """``$name``: an array's is its element 0, as in bash."""
    if name in run.arrays:
        return run.arrays[name].get(0, "")
    return run.env.get(name, "")


def _element(count: bool, name: str, subscript: str, run: _Run) -> str:
    """``${items[2]}``, ``${items[$i]}``, ``${items[@]}``, ``${#items[@]}`` (how many), ``${#items[1]}`` (its
    length). A plain variable is an array of one (element 0)."""
    values = run.arrays.get(name)
    if values is None:
        values = {0: run.env[name]} if name in run.env else {}
    if subscript.strip() in ("@", "*"):
        return str(len(values)) if count else " ".join(values[index] for index in sorted(values))
    index = _arithmetic(_expand(subscript, run), run)
    if index is not None and index < 0 and values:
        index += max(values) + 1
    value = values.get(index, "") if index is not None else ""
    return str(len(value)) if count else value


def _arithmetic(text: str, run: _Run) -> int | None:
    """An array subscript as bash evaluates it: integers, variables (unset: 0), + - * / % and parentheses."""
    text = re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: _variable(m.group(0), run) or "0", text).strip() or "0"
    if not re.fullmatch(r"[0-9+\-*/% ()]+", text):
        return None
    try:
        return _evaluate(ast.parse(text.replace("/", "//"), mode="eval").body)
    except (SyntaxError, RecursionError, ValueError, MemoryError):
        return None


def _evaluate(node: ast.expr) -> int | None:
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, int) else None
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _evaluate(node.operand)
        return None if operand is None else -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left), _evaluate(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if isinstance(node.op, (ast.FloorDiv, ast.Mod)) and right:  # C's division: towards zero
            quotient = abs(left) // abs(right) * (1 if (left < 0) == (right < 0) else -1)
            return quotient if isinstance(node.op, ast.FloorDiv) else left - quotient * right
    return None


def _substitute(script: str, run: _Run) -> str:
    """``$(command)``: what it prints, trailing newlines removed (a mounted file, read when the line is printed)."""
    words = script.split()
    if run.tool is None and len(words) == 2 and words[0] == "cat" and words[1] in run.live - run.shared:
        return FILE.format(words[1])
    inner = run.fork()
    inner.live = run.live - run.shared  # a value the script goes on with: a volume's file as it is at start
    tokens = _tokens(script)
    refused = syntax_error(tokens, run.shell_name)
    if refused:
        run.lines.append((run.elapsed, refused))
        run.status = 2
        return ""
    _interpret(tokens, inner)
    name = words[0].rsplit("/", 1)[-1] if words else ""
    errors = [(run.elapsed, text) for _, text in inner.lines if _is_error(name, text)]
    run.lines.extend(errors)  # its stderr goes to the terminal, not into the value
    kept = [(when, text) for when, text in inner.lines if not _is_error(name, text)]
    return "\n".join(text.removesuffix(OPEN) for _, text in _resolved(inner, kept)).rstrip("\n")


_KEYWORDS = frozenset({"if", "then", "elif", "else", "while", "until", "do", "{", "!"})


def syntax_error(tokens: list[str], shell: str) -> str:
    """What the shell says when it cannot parse a script ("" when it can): an array (``items=(a b)``) is bash's
    alone, and bash takes one only where a command would start.

    Simplification: the lines before the one in error do not run either (busybox ash and dash run them first).
    """
    for _, words in _split(tokens):
        for position, word in enumerate(words):
            if ARRAY not in word:
                continue
            if shell == "busybox":
                return 'sh: syntax error: unexpected "("'
            if shell != "bash":
                return 'sh: 1: Syntax error: "(" unexpected'
            if not all(w in _KEYWORDS for w in words[:position]) or not ARRAY_NAME.match(word):
                return "bash: -c: line 1: syntax error near unexpected token `('"
    return ""


def _split(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Statements with the operator that precedes each (``;``, ``&&``, ``||``)."""
    statements: list[tuple[str, list[str]]] = []
    operator, words = ";", list[str]()
    for token in tokens:
        if token in (";", "&&", "||", "&", "|"):
            if words:
                statements.append((operator, words))
            operator, words = (token if token in ("&&", "||", "|") else ";"), []
        else:
            words.append(token)
    if words:
        statements.append((operator, words))
    return statements


def _interpret(tokens: list[str], run: _Run) -> None:
    _walk(_split(tokens), run)


def _walk(statements: list[tuple[str, list[str]]], run: _Run) -> None:
    """Run ``statements`` (each with the operator before it) in ``run``'s state."""
    index = 0
    mark = 0  # where the last command's output starts in run.lines: what a pipe hands on
    while index < len(statements) and not run.exited and not run.forever and run.pause is None:
        operator, words = statements[index]
        index += 1
        if words[0] in ("while", "until", "for"):
            body, index, redirects = _loop_body(statements, index)
            if operator == "|":  # ... | while read line: the loop reads what the pipe brings
                stdin: list[str] | None = [text for _, text in _resolved(run, run.lines[mark:])]
                del run.lines[mark:]
            else:
                stdin = next((_read(run, _expand(target, run)) or [] for kind, target in redirects
                              if kind in ("<", "0<")), None)
            mark = len(run.lines)  # what the loop prints, a pipe after done hands on
            if operator == "|" or not ((operator == "&&" and run.status != 0) or
                                       (operator == "||" and run.status == 0)):
                _run_loop(words, body, run, stdin)
                if run.forever and run.loop is not None and run.rest is None:
                    run.rest = statements[index:]
            continue
        if words[0] == "if" and len(words) > 1:
            branches, index = _if_branches([(";", words[1:]), *statements[index:]], index)
            if not ((operator == "&&" and run.status != 0) or (operator == "||" and run.status == 0)):
                _run_if(branches, run)
            mark = len(run.lines)
            continue
        if operator == "|":
            piped = _resolved(run, run.lines[mark:])
            del run.lines[mark:]
            if _filter(words, piped, run):
                continue
        elif (operator == "&&" and run.status != 0) or (operator == "||" and run.status == 0):
            continue
        following = statements[index][0] if index < len(statements) else ";"
        if run.pausable and operator != "|" and following != "|" and _asks(words, run):
            # PID 1's one-shot wget/curl: the runtime runs it at this moment (it writes its file, its status is
            # the script's), and the script goes on from here with that status and what it printed (see resume)
            run.pause = ([_expand(w, run) for w in words], statements[index:])
            return
        mark = len(run.lines)
        _command(words, run)
        if run.errexit and run.status != 0 and following not in ("&&", "||", "|"):
            run.exited = True  # set -e


def _asks(words: list[str], run: _Run) -> bool:
    """Is this command a wget/curl the image has, given a URL (what the runtime asks live)?"""
    plain, _ = _redirections(words)
    name = plain[0].rsplit("/", 1)[-1] if plain else ""
    return name in HTTP_CLIENTS and run.has(name) and bool(url_argument(plain[1:]))


def _resolved(run: _Run, lines: list[tuple[float, str]]) -> list[tuple[float, str]]:
    """Lines about to be handed on (to a pipe's next stage, a command substitution, ``read``): a mounted file's
    marker becomes the file's content as the script sees it now, a line of it each."""
    out: list[tuple[float, str]] = []
    for when, text in lines:
        if "\x00file:" not in text:
            out.append((when, text))
            continue
        whole = FILE_MARK.fullmatch(text.removesuffix(OPEN))
        if whole is not None and not run.file(whole.group(1)):
            continue  # an empty file: cat printed nothing
        filled = FILE_MARK.sub(lambda m: run.file(m.group(1)) or "", text)
        out.extend((when, line) for line in filled.split("\n"))
    return out


def _if_branches(
    statements: list[tuple[str, list[str]]], index: int
) -> tuple[list[tuple[list[str] | None, list[str]]], int]:
    """``if C; then A; elif D; then B; else E; fi`` (from just after ``if``): its (condition, body) pairs as tokens,
    None as the else's condition, and where the statements after ``fi`` start (``index`` counts from the second
    statement given, the one after the ``if``'s own)."""
    branches: list[tuple[list[str] | None, list[str]]] = []
    condition: list[str] | None = []
    body: list[str] = []
    in_body = False
    depth = 0
    for offset, (operator, words) in enumerate(statements):
        if depth == 0 and words[0] in ("then", "else", "elif", "fi"):
            keyword, words = words[0], words[1:]
            if keyword == "then":
                in_body = True
            else:
                branches.append((condition, body))
                if keyword == "fi":
                    return branches, index + offset
                condition, body, in_body = ([] if keyword == "elif" else None), [], keyword == "else"
            if not words:
                continue
        if words[0] == "if":
            depth += 1
        elif words[0] == "fi":
            depth -= 1
        tokens = body if in_body or condition is None else condition
        tokens.extend([operator, *words] if tokens else words)
    branches.append((condition, body))  # no fi: the shell would complain; run what there is
    return branches, index + len(statements) - 1


def _run_if(branches: list[tuple[list[str] | None, list[str]]], run: _Run) -> None:
    """The first branch whose condition succeeds runs (the else's, when none does); with none, the status is 0."""
    pausable, run.pausable = run.pausable, False
    try:
        _branches(branches, run)
    finally:
        run.pausable = pausable


def _branches(branches: list[tuple[list[str] | None, list[str]]], run: _Run) -> None:
    for condition, body in branches:
        if condition is not None:
            errexit, run.errexit = run.errexit, False  # set -e does not end the script on a condition
            _interpret(condition, run)
            run.errexit = errexit
            if run.exited or run.forever or run.status != 0:
                if run.exited or run.forever:
                    return
                continue
        run.status = 0
        _interpret(body, run)
        return
    run.status = 0


FILTERS = frozenset({"grep", "head", "tail", "wc", "sort", "uniq", "rev"})


def _filter_files(name: str, args: list[str], run: _Run) -> bool:
    """``grep search /etc/resolv.conf``, ``head -3 file``: the filter over the files' lines (False: no file named)."""
    operands = [b for a, b in zip(["", *args], args, strict=False)
                if not b.startswith("-") and a not in ("-e", "-n", "-m")]
    patterns = any(a == "-e" for a in args)
    files = operands if patterns or name != "grep" else operands[1:]
    if not files:
        return False
    lines: list[str] = []
    missing: list[str] = []
    kept = [a for a in args if a not in files]
    counted: list[str] = []
    for path in files:
        read = _read(run, path)
        if read is None:
            missing.append(f"rev: cannot open {path}: No such file or directory" if name == "rev" and
                           run.shell_name != "busybox" else f"{name}: {path}: No such file or directory")
        elif name == "wc":  # wc names each file after its counts (wc -l f: "3 f"), and sums them up
            lines.extend(read)
            counted.append(_counts(kept, read, path))
        else:
            lines.extend(read)
    if name == "wc":
        run.lines.extend((run.elapsed, line) for line in counted)
        if len(counted) > 1:
            run.lines.append((run.elapsed, _counts(kept, lines, "total")))
        run.status = 0
    else:
        _filter([name, *kept], [(run.elapsed, line) for line in lines], run)
    if missing:
        run.lines.extend((run.elapsed, line) for line in missing)
        run.status = 2 if name == "grep" else 1
    return True


def absolute(path: str, cwd: str) -> str:
    """``path`` from the working directory ``cwd``, with ``.`` and ``..`` worked out."""
    if not path.startswith("/"):
        path = f"{cwd.rstrip('/')}/{path}"
    parts: list[str] = []
    for part in path.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/" + "/".join(parts)


def _read(run: _Run, path: str) -> list[str] | None:
    """A file's lines as ``cat`` would print them (an exec's ``cat`` knows the container's files); None if absent."""
    if run.tool is not None:
        probe = run.fork()
        lines = run.tool("cat", [path], probe)
        return lines if lines is not None and probe.status == 0 else None
    content = run.file(absolute(path, run.cwd))
    return None if content is None else content.split("\n") if content else []


def _filter(words: list[str], piped: list[tuple[float, str]], run: _Run) -> bool:
    """``... | grep x``, ``| head -3``, ``| wc -l``: the filter's output from what the pipe brings; False when the
    program is not a filter we model (it then runs as if its input were empty)."""
    name = words[0].rsplit("/", 1)[-1]
    args = [_expand(w, run) for w in words[1:]]
    if name not in (*FILTERS, "cat") or not run.has(name):
        return False
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a[1:].isdigit() and not a.startswith("--"))
    operands = [b for a, b in zip(["", *args], args, strict=False) if not b.startswith("-") and a != "-e"]
    run.status = 0
    at = piped[-1][0] if piped else run.elapsed
    texts = [text for _, text in piped]
    if name == "grep":
        patterns = [b for a, b in itertools.pairwise(args) if a == "-e"] or operands[:1]
        try:
            with warnings.catch_warnings():  # a user's pattern such as "[[x]" would warn on the app's terminal
                warnings.simplefilter("ignore")
                regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE if "i" in flags else 0)
        except re.error:
            regex = re.compile("|".join(re.escape(p) for p in patterns))
        kept = [(when, text) for when, text in piped if bool(regex.search(text)) != ("v" in flags)]
        run.status = 0 if kept else 1
        run.lines.extend([(at, str(len(kept)))] if "c" in flags else kept)
    elif name in ("head", "tail"):
        count = next((int(a[1:]) for a in args if a.startswith("-") and a[1:].isdigit()), 10)
        count = next((int(b) for a, b in itertools.pairwise(args) if a == "-n" and b.isdigit()), count)
        run.lines.extend(piped[:count] if name == "head" else piped[len(piped) - count:] if count else [])
    elif name == "wc":
        run.lines.append((at, _counts(args, texts, "")))
    elif name == "sort":
        ordered = sorted(texts, key=(lambda t: float(t.split()[0]) if t.split() and _is_number(t.split()[0])
                                     else 0.0) if "n" in flags else None, reverse="r" in flags)
        run.lines.extend((at, text) for text in ordered)
    elif name == "uniq":
        run.lines.extend((at, text) for i, text in enumerate(texts) if i == 0 or texts[i - 1] != text)
    elif name == "rev":  # each line reversed
        run.lines.extend((when, text.removesuffix(OPEN)[::-1]) for when, text in piped)
    else:
        run.lines.extend(piped)
    return True


def _counts(args: list[str], texts: list[str], path: str) -> str:
    """What ``wc`` prints for these lines: the counts its flags ask for (all three without), then the file's name."""
    flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    lines, words_, chars = len(texts), sum(len(t.split()) for t in texts), sum(len(t) + 1 for t in texts)
    figures = [n for flag, n in (("l", lines), ("w", words_), ("c", chars)) if flag in flags]
    counts = " ".join(str(n) for n in figures) if figures else f"{lines:7d} {words_:7d} {chars:7d}"
    return f"{counts} {path}" if path else counts


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _loop_body(
    statements: list[tuple[str, list[str]]], index: int
) -> tuple[list[str], int, list[tuple[str, str]]]:
    """The statements between ``do`` and the matching ``done``, flattened back to tokens, and the redirections
    after that ``done`` (``done < file``)."""
    body: list[str] = []
    depth = 0
    redirects: list[tuple[str, str]] = []
    while index < len(statements):
        operator, words = statements[index]
        index += 1
        if operator in ("&&", "||", "|") and body and body[-1] == ";":  # keep how it joins the one before
            body[-1] = operator
        if words[0] in ("while", "until", "for"):
            depth += 1
        at = _done(words)
        if at is not None:
            if depth == 0:
                body.extend([*(words[1:at] if words[0] == "do" else words[:at]), ";"])
                redirects = _redirections(words[at + 1 :])[1]
                break
            depth -= 1
        if words[0] == "do":
            words = words[1:]
        if words:
            body.extend([*words, ";"])
    return body, index, redirects


def _done(words: list[str]) -> int | None:
    """Where the ``done`` ending a loop is in a statement (last, or followed by redirections only: done < file)."""
    if words[-1] == "done":
        return len(words) - 1
    if "done" not in words:
        return None
    at = len(words) - 1 - words[::-1].index("done")
    plain, redirects = _redirections(words[at + 1 :])
    return at if redirects and not plain else None


def _reads(header: list[str]) -> list[str] | None:
    """``while read line`` (``while IFS= read -r a b``): read's arguments, None when the condition is not read."""
    test = header[1:]
    while test and ASSIGNMENT.fullmatch(test[0]) and ARRAY not in test[0]:
        test = test[1:]
    return test[1:] if test[:1] == ["read"] else None


def _read_into(args: list[str], line: str | None, run: _Run) -> None:
    """The shell's ``read``: the next line of its input into the variables named (REPLY without), split on blanks
    (the last takes the rest); status 1 at the end of the input."""
    names = [a for a in args if not a.startswith("-")] or ["REPLY"]
    if line is None:
        run.status = 1
        for name in names:
            run.env[name] = ""
        return
    text = line.removesuffix(OPEN) if "-r" in args else line.removesuffix(OPEN).replace("\\", "")
    parts = text.split(None, len(names) - 1)
    for position, name in enumerate(names):
        run.env[name] = parts[position].strip() if position < len(parts) else ""
    run.status = 0


def _run_loop(header: list[str], body: list[str], run: _Run, stdin: list[str] | None = None) -> None:
    pausable, run.pausable = run.pausable, False  # a loop's wget/curl prints what the network said (FETCH)
    try:
        _loop(header, body, run, stdin)
    finally:
        run.pausable = pausable


def _loop(header: list[str], body: list[str], run: _Run, stdin: list[str] | None) -> None:
    read_args = _reads(header) if header[0] == "while" else None
    if read_args is not None:  # while read line: a pass per line of its input
        for line in stdin or []:
            _read_into(read_args, line, run)
            _interpret(body, run)
            if run.exited or run.forever:
                return
        run.status = 0
        return
    if header[0] == "for":
        words = header[header.index("in") + 1 :] if "in" in header else []
        # the list is expanded once, before the first pass, and split on blanks: for i in $(seq 1 3)
        items = [item for word in words for item in (_expand(word, run).split() if "$" in word or "`" in word
                                                     else [word])]
        for item in items:
            run.env[header[1] if len(header) > 1 else "i"] = item
            _interpret(body, run)
            if run.exited or run.forever:
                return
        return
    test = header[2:] if header[1:2] == ["!"] else header[1:]
    live = run.fetches and bool(test) and test[0].rsplit("/", 1)[-1] in LIVE_CONDITIONS
    once = run.fork()
    if test:  # the condition runs before every pass (``while sleep 0.01``), and prints what it prints
        again, condition = loop_goes_round(header, run)
        if live and test[0].rsplit("/", 1)[-1] not in HTTP_CLIENTS:  # what it prints is what the runtime's ask did
            condition.lines = [(0.0, ASKED)]
        if not again and not live:  # while false, until true: the body never runs
            run.lines.extend((run.elapsed + at, text) for at, text in condition.lines)
            run.elapsed += condition.elapsed
            run.status = 0
            return
        once.elapsed, once.requests, once.lines = condition.elapsed, condition.requests, list(condition.lines)
        run.condition_lines = len(condition.lines)
    _interpret(body, once)
    if once.exited or once.forever:  # the body leaves the loop (exit) or never finishes its first pass
        run.lines.extend((run.elapsed + at, text) for at, text in once.lines)
        run.elapsed += once.elapsed
        run.status, run.exited, run.forever = once.status, once.exited, once.forever
        run.serving, run.memory = run.serving or once.serving, max(run.memory, once.memory)
        run.cpu_busy = max(run.cpu_busy, once.cpu_busy)
        return
    if test and not live and not loop_goes_round(header, once)[0]:  # the pass made its condition stop it: it ran once
        run.lines.extend((run.elapsed + at, text) for at, text in once.lines)
        run.elapsed += once.elapsed
        run.files, run.env, run.status = once.files, once.env, 0
        run.requests.extend(once.requests)
        return
    if live:
        run.loop_condition = list(header)
    run.forever = True
    run.loop = (header, body)
    run.loop_start = run.elapsed
    run.loop_period = once.elapsed if once.elapsed > 0 else (0.01 if once.lines else 0.0)  # 0.01: a busy loop
    run.loop_lines = once.lines
    run.load_urls = tuple(once.requests)
    run.cpu_busy = max(run.cpu_busy, once.cpu_busy)


def goes_round(keyword: str, negated: bool, status: int) -> bool:
    """Does a while/until loop run its body again, its condition having exited with ``status``?"""
    succeeded = (status == 0) != negated
    return succeeded if keyword == "while" else not succeeded


def after_loop(run: _Run) -> _Run:
    """What a script does once the loop it ran on is ended by its condition (``until nslookup db; do sleep 2; done;
    echo ready``): the statements after it, run from that moment in ``run``'s state.

    Simplification: a loop or a server among them runs as far as its first pass (it prints, then the process waits).
    """
    after = run.fork()
    after.files = run.files
    tokens: list[str] = []
    for operator, words in run.rest or ():
        if operator in ("&&", "||", "|") and tokens and tokens[-1] == ";":
            tokens[-1] = operator
        tokens.extend([*words, ";"])
    _interpret(tokens, after)
    after.lines.extend((after.loop_start + at, text) for at, text in after.loop_lines)
    return after


def loop_goes_round(header: list[str], run: _Run) -> tuple[bool, _Run]:
    """Ask a while/until loop's condition in ``run``'s state now: does the body run again? And what the condition
    printed and did."""
    keyword, test = header[0], header[1:]
    negated = bool(test) and test[0] == "!"
    asked = run.fork()
    if test[negated:]:
        _command(test[negated:], asked)
    return goes_round(keyword, negated, asked.status), asked


def _command(words: list[str], run: _Run) -> None:
    """One simple command with its redirections: ``> file``, ``>> file``, ``2>/dev/null``, ``>&2``, ``2>&1``,
    ``&>/dev/null``, ``< file``.

    Simplification: stdout and stderr are one stream of lines, as on a terminal; a line is the error stream's when it
    starts with the program's or the shell's name and a colon (``cat: can't open ...``) or is apt's ``E:``/``W:``.
    """
    plain, redirects = _redirections(words)
    if not redirects:
        _simple(plain, run, None)
        return
    sinks: dict[str, str] = {"1": "", "2": ""}  # descriptor -> file path, "" for the terminal
    written: dict[str, list[str]] = {}
    appended: set[str] = set()
    stdin: list[str] | None = None
    for operator, target in redirects:
        target = _expand(target, run)
        descriptor, kind = re.fullmatch(r"(\d*)(.*)", operator).groups()  # type: ignore[union-attr]
        if kind in ("<", "<&"):
            if kind == "<" and descriptor in ("", "0"):
                stdin = _read(run, target)
                if stdin is None:
                    _shell_error(run, target, "No such file or directory", "open")
                    return
            continue
        if kind == ">&" and target in ("1", "2", "-"):  # 2>&1, >&2: a copy of the other descriptor
            if target != "-":
                sinks[descriptor or "1"] = sinks[target]
            continue
        path = "" if target in ("/dev/stdout", "/dev/stderr", "/dev/tty") else absolute(target, run.cwd)
        if path and path != "/dev/null":
            if _read_only(run, path):
                _shell_error(run, target, "Read-only file system", "create")
                return
            if ">>" in kind:
                appended.add(path)
            else:
                appended.discard(path)
            written[path] = []
        for fd in ("1", "2") if kind.startswith("&") or (kind == ">&" and descriptor == "") else (descriptor or "1",):
            sinks[fd] = path
    mark = len(run.lines)
    if plain:
        _simple(plain, run, stdin)
    name = plain[0].rsplit("/", 1)[-1] if plain else ""
    produced = run.lines[mark:]
    del run.lines[mark:]
    for when, text in produced:
        sink = sinks["2" if _is_error(name, text) else "1"]
        if sink == "":
            run.lines.append((when, text))
        elif sink != "/dev/null":
            written[sink].append(text)
    for path, texts in written.items():
        before = run.file(path) if path in appended else None
        content = "\n".join(text.removesuffix(OPEN) for text in texts)
        # a file's lines are kept joined by newlines: an empty line appended (echo '' >> f) is one more
        run.files.append((run.elapsed, path, f"{before}\n{content}" if before and texts else before or content))


def _redirections(words: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """The command's words without its redirections, and those as (operator, target) in order."""
    plain: list[str] = []
    redirects: list[tuple[str, str]] = []
    index = 0
    while index < len(words):
        word = words[index]
        if REDIRECT.fullmatch(word):
            redirects.append((word, words[index + 1] if index + 1 < len(words) else ""))
            index += 2
        else:
            plain.append(word)
            index += 1
    return plain, redirects


def _is_error(name: str, text: str) -> bool:
    if name in ("apt", "apt-get") and text.startswith(("E: ", "W: ")):
        return True
    if name == "nginx" and text.startswith("nginx version: "):
        return True
    return bool(name) and text.startswith((f"{name}: ", "sh: ", "bash: "))


def _read_only(run: _Run, path: str) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in run.read_only)


def _shell_error(run: _Run, path: str, why: str, action: str) -> None:
    """The shell cannot open a redirection's file (``action``: "open" to read, "create" to write): the command does
    not run. busybox ash and dash word it their way (``no such file``), bash as the system does."""
    short = {"No such file or directory": "no such file"}.get(why, why) if action == "open" else why
    if run.shell_name == "busybox":
        line, run.status = f"sh: can't {action} {path}: {short}", 1
    elif run.shell_name == "bash":
        line, run.status = f"bash: {path}: {why}", 1
    else:  # dash
        line, run.status = f"sh: 1: cannot {action} {path}: {short[0].upper() + short[1:]}", 2
    run.lines.append((run.elapsed, line))


def _emit(run: _Run, output: list[str], partial: bool = False) -> None:
    """Print ``output``'s lines; ``partial``: the last has no newline yet (``echo -n``): it ends with OPEN, and the
    next output continues it (within one command here; across a loop's passes where the log is read)."""
    if not output:
        return
    if partial and not output[-1].endswith(OPEN):
        output = [*output[:-1], output[-1] + OPEN]
    if run.lines and run.lines[-1][1].endswith(OPEN):
        when, last = run.lines.pop()
        run.lines.append((when, last.removesuffix(OPEN) + output[0]))
        output = output[1:]
    run.lines.extend((run.elapsed, line) for line in output)


def _simple(words: list[str], run: _Run, stdin: list[str] | None) -> None:
    """A command without redirections; ``stdin``: the lines of a file given with ``<``."""
    if not words:
        return
    name = words[0].rsplit("/", 1)[-1]
    script = (
        name in ("sh", "bash", "ash", "dash")
        and len(words) > 1
        and words[1].startswith("-")
        and "c" in words[1]
    )
    args = words[1:] if script else [_expand(w, run) for w in words[1:]]
    previous, run.status = run.status, 0
    output: list[str] = []
    partial = False  # the output's last line has no newline (echo -n, printf without \n)
    assignment = ASSIGNMENT.fullmatch(words[0])
    if assignment and (assignment.group(2) is not None or assignment.group(3)) and run.shell_name != "bash":
        assignment = None  # items[1]=x, x+=y: sh runs them as a command (not found)
    if assignment and assignment.group(4).startswith(ARRAY) and run.shell_name != "bash":
        run.status = 2  # syntax_error refused the script before it ran; no array here
        return
    if stdin is not None and name in (*FILTERS, "cat") and _filter(words, [(run.elapsed, t) for t in stdin], run):
        return  # wc -l < /etc/hosts
    hooked = run.tool(name, args, run) if run.tool is not None and not script and not assignment else None
    if hooked is not None:
        output = hooked
    elif assignment and run.shell_name == "bash":
        _assign(assignment, run)
    elif assignment or (name == "export" and args):  # NAME=value, export NAME=value
        for word in [words[0]] if assignment else args:
            key, _, value = word.partition("=")
            if value or "=" in word:
                run.env[key] = _expand(value, run) if assignment else value
    elif name == "exit":  # shell builtins first
        run.status = int(args[0]) % 256 if args and args[0].lstrip("-").isdigit() else previous
        run.exited = True
    elif name == "exec" and args:
        _command(args, run)
        return
    elif name == "cd":  # the shell's working directory, where relative paths start (an exec's cd is its tool's)
        run.cwd = absolute(args[0], run.cwd) if args else run.env.get("HOME", "/root")
    elif name == "set":  # set -e, set -o errexit (+e turns it off)
        for flag, value in zip(args, [*args[1:], ""], strict=True):
            if flag[:1] in "-+" and ("e" in flag[1:] if flag[1:2] != "o" else value == "errexit"):
                run.errexit = flag[0] == "-"
    elif name == "read":  # a shell builtin: the first line of its input (``read x < file``)
        _read_into(args, stdin[0] if stdin else None, run)
    elif name in ("true", ":", "export", "wait", "if", "then", "fi", "else", "{", "}"):
        pass
    elif name == "false":
        run.status = 1
    elif name in ("test", "[") or (name == "[[" and (run.shell_name != "debian" or not run.tools)):  # dash has no [[
        output = _test(name, args, run)
    elif name == "trap":
        run.traps_term = run.traps_term or any(s in ("TERM", "SIGTERM", "15") for s in args[1:])
    elif name == "echo":
        output, partial = _lines(_echo(args, run.shell_name))
    elif name == "printf":
        text, run.status = _printf(args)
        output, partial = _lines(text)
    elif name == "command" and args[:1] == ["-v"]:  # the shell's builtin: where a program is, or a builtin's name
        names = args[1:]
        output = [a if a in SHELL_BUILTINS | {"echo", "printf", "test", "["} else
                  f"{'/bin' if run.shell_name == 'busybox' else '/usr/bin'}/{a}" for a in names
                  if run.has(a) or a in SHELL_BUILTINS]
        run.status = 0 if len(output) == len(names) and names else 1
    elif name == "which" and run.has("which"):
        output = [f"{'/bin' if run.shell_name == 'busybox' else '/usr/bin'}/{a}" for a in args
                  if run.has(a) and a not in SHELL_BUILTINS]
        run.status = 0 if len(output) == len(args) and args else 1
    elif not run.has(name):
        output, run.status = [_not_found(run.shell_name, name)], 127
    elif script:
        shell, run.shell_name = run.shell_name, "bash" if name == "bash" else run.shell_name
        tokens = _tokens(args[1] if len(args) > 1 else "")
        refused = syntax_error(tokens, run.shell_name)
        if refused:  # the shell runs none of it, and exits with 2
            run.lines.append((run.elapsed, refused))
            run.status, run.exited = 2, True
        else:
            _interpret(tokens, run)
        run.shell_name = shell
        return
    elif name == "sleep":
        seconds = _duration(args[0]) if args else None
        if seconds is None:
            output, run.status = [f"sleep: invalid number '{args[0] if args else ''}'"], 1
        elif seconds == FOREVER:
            run.forever = True
        else:
            run.elapsed += seconds
    elif name in ("touch", "rm", "mkdir") and any(_read_only(run, absolute(a, run.cwd)) for a in args):
        output = _read_only_errors(name, [a for a in args if not a.startswith("-")], run)
    elif name == "touch":
        paths = [absolute(a, run.cwd) for a in args if not a.startswith("-")]
        run.files.extend((run.elapsed, path, run.file(path) or "") for path in paths)
    elif name == "rm":
        run.files.extend((run.elapsed, absolute(a, run.cwd), None) for a in args if not a.startswith("-"))
    elif name in ("apt-get", "apt"):
        output = _apt(name, args, run)
    elif name == "cat":
        output = _cat(args, run)
    elif name in FILTERS and _filter_files(name, args, run):
        return
    elif name == "seq":
        output, run.status = _seq(args)
    elif name == "date":
        output = [_date(args)]
    elif name == "hostname":
        output = [run.hostname]
    elif name == "printenv" and args:
        output = [run.env[a] for a in args if a in run.env]
        run.status = 0 if len(output) == len(args) else 1
    elif name in ("env", "printenv"):
        output = [f"{k}={v}" for k, v in run.env.items()]  # in the order of the process's environment
    elif name == "ls" and args and not args[-1].startswith("-"):
        output = _ls(args[-1], run)
    elif name == "stress" and any(GO_STRESS_FLAG.fullmatch(a) for a in args):
        _go_stress(args, run)
    elif name == "stress":
        _stress(args, run)
        output = ["stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd"]
    else:
        _other_program(name, args, run)
    _emit(run, output, partial)


def _assign(match: re.Match[str], run: _Run) -> None:
    """bash's ``name=value``, ``name+=value``, ``name[i]=value``, ``name=(a b c)`` and ``name+=(d e)``.

    Simplification: an element with ``$`` in it is split on blanks once expanded (quoted or not), and ``[i]=value``
    inside the parentheses is not read.
    """
    name, subscript, append, value = match.groups()
    if value.startswith(ARRAY):
        items = [item for word in _tokens(value.removeprefix(ARRAY)) if word not in (";", "&", "|", "&&", "||")
                 for item in (_expand(word, run).split() if "$" in word or "`" in word else [word])]
        values = run.arrays.get(name, {0: run.env[name]} if name in run.env else {}) if append else {}
        start = max(values) + 1 if values else 0
        values.update((start + offset, item) for offset, item in enumerate(items))
        run.arrays[name] = values
        run.env.pop(name, None)
        return
    text = _expand(value, run)
    if subscript is None and name not in run.arrays:
        run.env[name] = run.env.get(name, "") + text if append else text
        return
    values = run.arrays.setdefault(name, {0: run.env.pop(name)} if name in run.env else {})
    index = _arithmetic(_expand(subscript, run), run) if subscript is not None else 0
    if index is not None and index < 0 and values:
        index += max(values) + 1
    if index is not None and index >= 0:
        values[index] = values.get(index, "") + text if append else text


SHELL_BUILTINS = frozenset({"cd", "export", "exit", "set", "trap", "wait", "exec", ":", "[[", "if", "then", "else",
                            "fi", "while", "do", "done", "for", "until", "read"})
_ESCAPE = re.compile(r"\\(0[0-7]{0,3}|[\\abefnrtvc])")
_SIMPLE_ESCAPES = {"\\": "\\", "a": "\a", "b": "\b", "e": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
                   "v": "\v"}


def _escapes(text: str) -> tuple[str, bool]:
    """``\\n``, ``\\t``, ``\\\\``, ``\\0nnn`` ... as ``echo -e`` and printf's ``%b`` read them; True: a ``\\c`` ended
    the output there (no newline either)."""
    out: list[str] = []
    position = 0
    for match in _ESCAPE.finditer(text):
        out.append(text[position : match.start()])
        code = match.group(1)
        if code == "c":
            return "".join(out), True
        out.append(chr(int(code, 8) % 256) if code[0] == "0" else _SIMPLE_ESCAPES[code])
        position = match.end()
    out.append(text[position:])
    return "".join(out), False


def _echo(args: list[str], shell: str) -> str:
    """What ``echo`` writes, newline included. busybox's and bash's echo take ``-n``, ``-e``, ``-E`` (combined, as
    ``-en``) and read escapes only with ``-e``; dash's takes only ``-n`` and always reads them."""
    newline, escapes = True, shell == "debian"
    while args and re.fullmatch(r"-[neE]+" if shell != "debian" else r"-n", args[0]):
        newline = newline and "n" not in args[0]
        for flag in args[0][1:]:
            escapes = {"e": True, "E": False}.get(flag, escapes)
        args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stopped = _escapes(text)
        newline = newline and not stopped
    return text + ("\n" if newline else "")


_CONVERSION = re.compile(r"%([-+ #0]*\d*(?:\.\d+)?)([sbdiouxXcfeEgG%])|%")


SEQ_LIMIT = 10_000  # a simulated shell prints at most this many numbers (seq 1 1000000 in a loop would hang it)


def _seq(args: list[str]) -> tuple[list[str], int]:
    """``seq [first [step]] last`` with whole numbers, as coreutils and busybox print them."""
    try:
        numbers = [int(a) for a in args]
    except ValueError:
        bad = next(a for a in args if not a.lstrip("-").isdigit())
        return [f"seq: invalid floating point argument: '{bad}'"], 1
    if not 1 <= len(numbers) <= 3:
        return ["seq: missing operand" if not numbers else f"seq: extra operand '{args[3]}'"], 1
    first, step, last = (1, 1, numbers[0]) if len(numbers) == 1 else (
        (numbers[0], 1, numbers[1]) if len(numbers) == 2 else tuple(numbers))
    if step == 0:
        return ["seq: invalid Zero increment value: '0'"], 1
    values = range(first, last + (1 if step > 0 else -1), step)
    return [str(v) for v in values[:SEQ_LIMIT]], 0


def _printf(args: list[str]) -> tuple[str, int]:
    """What ``printf FORMAT ARGS`` writes and its status; the format is used again while arguments remain.

    Simplification: Python's ``%`` formats each conversion (``%s %d %i %f %x`` ...); ``*`` widths are not read.
    """
    if not args:
        return "printf: usage: printf FORMAT [ARGUMENT]...\n", 1
    template, _ = _escapes(args[0])
    values, used, bad = args[1:], 0, list[str]()

    def convert(match: re.Match[str]) -> str:
        nonlocal used
        flags, kind = match.group(1) or "", match.group(2) or "%"
        if kind == "%":
            return "%"
        value = values[used] if used < len(values) else ""
        used += 1
        if kind == "b":
            return _escapes(value)[0]
        if kind in "sc":
            return f"%{flags}s" % (value[:1] if kind == "c" else value)
        try:
            number: float = float(value or 0) if kind in "feEgG" else int(value or "0", 0)
        except ValueError:
            bad.append(value)
            number = 0
        return f"%{flags}{kind.replace('i', 'd').replace('u', 'd')}" % number

    pieces = [_CONVERSION.sub(convert, template)]
    while 0 < used < len(values):
        pieces.append(_CONVERSION.sub(convert, template))
    errors = "".join(f"printf: invalid number '{value}'\n" for value in bad)
    return "".join(pieces) + errors, 1 if bad else 0


_UNARY = frozenset({"-e", "-f", "-d", "-s", "-n", "-z", "-r", "-w", "-x", "-L", "-h"})
_NUMERIC = {"-eq": int.__eq__, "-ne": int.__ne__, "-lt": int.__lt__, "-gt": int.__gt__, "-le": int.__le__,
            "-ge": int.__ge__}


def _test(name: str, args: list[str], run: _Run) -> list[str]:
    """``test``, ``[ ... ]`` and ``[[ ... ]]``: sets the status (0 true, 1 false, 2 a mistake) and returns what it
    prints (only mistakes).

    Simplification: one test, negated by ``!``; no ``-a``/``-o``, and ``&&``/``||`` inside ``[[ ]]`` end it.
    """
    closing = {"[": "]", "[[": "]]"}.get(name)
    if closing is not None:
        if not args or args[-1] != closing:
            run.status = 2
            return [f"{_shell_prefix(run)}[: missing ']'" if name == "[" else f"{_shell_prefix(run)}syntax error"]
        args = args[:-1]
    negate = False
    while args and args[0] == "!" and len(args) > 1:
        negate, args = not negate, args[1:]
    result: bool
    if not args:
        result = False
    elif len(args) == 1:
        result = args[0] != ""
    elif len(args) == 2 and args[0] in _UNARY:
        result = _unary(args[0], args[1], run)
    elif len(args) == 3 and args[1] in ("=", "==", "!="):
        result = (args[0] == args[2]) != (args[1] == "!=")
    elif len(args) == 3 and args[1] in _NUMERIC:
        try:
            result = _NUMERIC[args[1]](int(args[0]), int(args[2]))
        except ValueError:
            run.status = 2
            bad = args[2] if args[0].lstrip("-").isdigit() else args[0]
            return [{"busybox": f"sh: {bad}: bad number", "bash": f"bash: {name}: {bad}: integer expression expected"}
                    .get(run.shell_name, f"sh: 1: {name}: Illegal number: {bad}")]
    else:
        run.status = 2
        return [f"{_shell_prefix(run)}{name}: unknown operand"]
    run.status = 0 if result != negate else 1
    return []


def _shell_prefix(run: _Run) -> str:
    return {"busybox": "sh: ", "bash": "bash: "}.get(run.shell_name, "sh: 1: ")


def _unary(operator: str, operand: str, run: _Run) -> bool:
    if operator == "-n":
        return operand != ""
    if operator == "-z":
        return operand == ""
    if operator == "-d":
        return _is_dir(operand, run)
    content = _read(run, operand)
    if operator in ("-f", "-L", "-h"):
        return content is not None and operator == "-f"
    if operator == "-s":
        return bool(content)
    if operator == "-w" and _read_only(run, absolute(operand, run.cwd)):
        return False
    return content is not None or _is_dir(operand, run)


ROOT_DIRS = frozenset(["/", "/bin", "/dev", "/etc", "/home", "/lib", "/proc", "/root", "/run", "/sbin", "/sys",
                       "/tmp", "/usr", "/usr/bin", "/usr/local", "/var", "/var/log"])


def _is_dir(path: str, run: _Run) -> bool:
    """A directory of the image's or one holding a file the container has (a volume's mount point)."""
    path = path.rstrip("/") or "/"
    if path in ROOT_DIRS or path in run.read_only:
        return True
    if run.tool is not None:  # an exec sees the container's files through ls
        probe = run.fork()
        listed = run.tool("ls", [path], probe)
        return listed is not None and probe.status == 0 and listed != [path]
    return any(name.startswith(path + "/") and text is not None for name, text in _present(run).items())


def _present(run: _Run) -> dict[str, str | None]:
    present: dict[str, str | None] = {}
    for _, name, text in run.files:
        present[name] = text
    return present


def _read_only_errors(name: str, paths: list[str], run: _Run) -> list[str]:
    """``touch``, ``rm`` or ``mkdir`` on a read-only volume (a ConfigMap's, a Secret's): the system refuses."""
    busybox = run.shell_name == "busybox"
    out: list[str] = []
    for path in paths:  # each as it was written, the check on where it is
        if not _read_only(run, absolute(path, run.cwd)):
            continue
        run.status = 1
        if name == "touch":
            out.append(f"touch: {path}: Read-only file system" if busybox
                       else f"touch: cannot touch '{path}': Read-only file system")
        elif name == "rm":
            out.append(f"rm: can't remove '{path}': Read-only file system" if busybox
                       else f"rm: cannot remove '{path}': Read-only file system")
        else:
            out.append(f"mkdir: can't create directory '{path}': Read-only file system" if busybox
                       else f"mkdir: cannot create directory '{path}': Read-only file system")
    return out


_APT_SOURCES = (("http://deb.debian.org/debian", "bookworm"), ("http://deb.debian.org/debian", "bookworm-updates"),
                ("http://deb.debian.org/debian-security", "bookworm-security"))
_APT_READ = ["Reading package lists... Done", "Building dependency tree... Done", "Reading state information... Done"]


def _apt(name: str, args: list[str], run: _Run) -> list[str]:
    """``apt-get update``/``install`` in a Debian image: the cluster reaches no name outside it, so apt fetches
    nothing.

    Simplification: other apt commands print nothing, and an installed package cannot be found either.
    """
    words = [a for a in args if not a.startswith("-")]
    action = words[0] if words else ""
    if action == "update":
        failure = "Temporary failure resolving 'deb.debian.org'"
        out = [f"Ign:{n} {url} {suite} InRelease" for n, (url, suite) in enumerate(_APT_SOURCES, 1)]
        for n, (url, suite) in enumerate(_APT_SOURCES, 1):
            out += [f"Err:{n} {url} {suite} InRelease", f"  {failure}"]
        out += _APT_READ if name == "apt" else _APT_READ[:1]
        if name == "apt":
            out.append("All packages are up to date.")
        out += [f"W: Failed to fetch {url}/dists/{suite}/InRelease  {failure}" for url, suite in _APT_SOURCES]
        out.append("W: Some index files failed to download. They have been ignored, or old ones used instead.")
        return out
    if action == "install":
        run.status = 100 if words[1:] else 0
        return [*_APT_READ, *(f"E: Unable to locate package {package}" for package in words[1:])]
    return []


def _lines(text: str) -> tuple[list[str], bool]:
    """Written text as printed lines; True when the last line has no newline yet."""
    if not text:
        return [], False
    lines = text.split("\n")
    if text.endswith("\n"):
        return lines[:-1], False
    return lines, True
def _ls(path: str, run: _Run) -> list[str]:
    """``ls DIR``: the names directly under DIR among the files the container has (its volumes' and those it
    wrote), one a line as ls prints to a pipe."""
    if run.file(path) is not None:
        return [path]
    prefix = path.rstrip("/") + "/"
    present: dict[str, bool] = {}
    for _, name, text in run.files:
        present[name] = text is not None
    names = sorted({name[len(prefix) :].split("/")[0] for name, there in present.items() if there and
                    name.startswith(prefix)})
    return names  # Simplification: a directory of the image's own lists as empty


def _cat(paths: list[str], run: _Run) -> list[str]:
    output: list[str] = []
    for path in paths:
        full = absolute(path, run.cwd)
        content = run.file(full)
        if content is None:
            output.append(
                f"cat: can't open '{path}': No such file or directory"
                if run.shell_name == "busybox"
                else f"cat: {path}: No such file or directory"
            )
            run.status = 1
        elif full in run.live and run.tool is None and not run.rewritten(full):
            output.append(FILE.format(full))  # the kubelet or another container may rewrite it: read when printed
        elif content:
            output.extend(content.split("\n"))
    return output


def _other_program(name: str, args: list[str], run: _Run) -> None:
    """Every other program: a quick tool, something that never ends, or a server (the image's, or an app).

    Simplification: in a container's own command, nslookup and ping print nothing and succeed, except as a loop's
    condition (``until nslookup db``: the runtime asks it before each pass, and the pass prints what it said); wget
    and curl print what the network answered (kubetui.node.usage keeps where their requests went), and a loop of them
    at a Service puts load on its pods.
    """
    if name in ("tail", "top", "yes") and (name != "tail" or "-f" in args):
        run.forever = True
        return
    if name == "perl":
        _perl(args, run)
        return
    if name == "nginx" and any(a in ("-s", "-t", "-T", "-v", "-V", "-h") for a in args):  # signals a running nginx,
        _emit(run, _nginx_tells(args, run))  # tests its configuration or tells its version, then ends: no new server
        return
    if name in HTTP_CLIENTS:
        url = url_argument(args)
        if url:
            run.requests.append(url)
            if run.fetches:
                _emit(run, [FETCH.format(json.dumps([name, *args]))])
        return
    if name in COMMON_TOOLS or name in (
        "curl",
        "wget",
        "nc",
        "nslookup",
        "ping",
        "redis-cli",
        "psql",
        "pip",
        "npm",
    ):
        return
    if run.tool is not None:  # run by kubectl exec: a program we do not model prints nothing and ends
        return
    if name in ("python", "python3") and "http.server" in args:
        run.ports = (*run.ports, next((int(a) for a in args if a.isdigit()), 8000))
    run.serving, run.forever = True, True


_VALUE_OPTIONS = frozenset({"-O", "-o", "-H", "-X", "-d", "-U", "-T", "-m", "-w", "--header", "--output", "--data"})


def url_argument(args: list[str]) -> str:
    """The URL ``wget``/``curl`` fetches: a word with a scheme, or the last word that is no option's value."""
    for arg in args:
        if arg.startswith(("http://", "https://")):
            return arg
    if args and not args[-1].startswith("-") and (len(args) < 2 or args[-2] not in _VALUE_OPTIONS):
        return args[-1]
    return ""


PERL_PRINT = re.compile(r"""\s*print\s+(?:bpi\((\d+)\)|"([^"]*)"|'([^']*)')\s*;?\s*""")
MAX_PI_DIGITS = 20_000  # a bpi(N) larger than this prints this many (a real perl would compute for hours)
PI_SECONDS_PER_1000_DIGITS = 1.5  # how long perl's bignum takes, roughly


def _perl(args: list[str], run: _Run) -> None:
    """``perl -e``/``-le``/``-wle`` with one ``print``: of a string, or of ``bpi(N)`` (π to N digits, the Jobs page's
    pi Job).

    Simplification: other Perl programs run and print nothing.
    """
    script = next((args[i + 1] for i, a in enumerate(args[:-1]) if a.startswith("-") and ("e" in a or "E" in a)
                   and not a.startswith("-M")), "")
    newline = any(a.startswith("-") and not a.startswith("-M") and "l" in a for a in args)
    found = PERL_PRINT.fullmatch(script)
    if found is None:
        return
    if found.group(1) is not None:
        digits = min(int(found.group(1)), MAX_PI_DIGITS)
        text = pi_digits(digits)
        run.elapsed += PI_SECONDS_PER_1000_DIGITS * max(digits, 1) / 1000
    else:
        text = found.group(2) if found.group(2) is not None else found.group(3)
        text = text.replace("\\n", "\n") if found.group(2) is not None else text
    lines, partial = _lines(text + ("\n" if newline else ""))
    _emit(run, lines, partial)


def pi_digits(digits: int) -> str:
    """π to ``digits`` significant digits, rounded, as Math::BigFloat's bpi prints it (Machin's formula in integers)."""
    guard = 10
    unity = 10 ** (digits + guard)

    def arctan_inverse(x: int) -> int:
        total = term = unity // x
        square, n, sign = x * x, 1, 1
        while term:
            term //= square
            n += 2
            sign = -sign
            total += sign * (term // n)
        return total

    pi = 4 * (4 * arctan_inverse(5) - arctan_inverse(239))  # pi * 10 ** (digits + guard)
    rounded = _decimal((pi + 5 * 10**guard) // 10 ** (guard + 1))  # pi * 10 ** (digits - 1)
    return rounded if digits <= 1 else f"{rounded[0]}.{rounded[1:]}"


def _decimal(number: int) -> str:
    """A big non-negative int's digits, 4,000 at a time (Python refuses one conversion past 4,300)."""
    chunk, parts = 10**4000, []
    while number >= chunk:
        number, part = divmod(number, chunk)
        parts.append(f"{part:04000d}")
    return str(number) + "".join(reversed(parts))


def _stress(args: list[str], run: _Run) -> None:
    for flag, value in itertools.pairwise(args):
        if flag == "--vm-bytes":
            run.memory = max(run.memory, _bytes(value))
        if flag in ("--cpu", "-c", "-cpus") and value.isdigit():
            run.cpu_busy = max(run.cpu_busy, float(value))
    for flag, value in itertools.pairwise(args):
        if flag in ("--timeout", "-t"):
            seconds = _duration(value)
            if seconds is not None and seconds != FOREVER:
                run.elapsed += seconds
                return
    run.forever = True


def _nginx_tells(args: list[str], run: _Run) -> list[str]:
    """What ``nginx -v``/``-V`` and ``nginx -t`` print (on stderr): its version (the image's NGINX_VERSION), its
    configuration's test.

    Simplification: ``-V`` prints the version only, not how nginx was built.
    """
    if any(a in ("-v", "-V") for a in args):
        return [f"nginx version: nginx/{run.env.get('NGINX_VERSION') or NGINX_CURRENT}"]
    if any(a in ("-t", "-T") for a in args):
        return ["nginx: the configuration file /etc/nginx/nginx.conf syntax is ok",
                "nginx: configuration file /etc/nginx/nginx.conf test is successful"]
    return []


# vish/stress's Go flags (``-cpus 2``, ``--mem-total=150Mi``): GNU stress (polinux/stress) spells its own ``--cpu``.
GO_STRESS_FLAG = re.compile(r"--?(?:cpus|mem-total|mem-alloc-size|mem-alloc-sleep|logtostderr|alsologtostderr)(?:=.*)?")
GLOG = DATE_FORMAT.format("I%m%d %H:%M:%S.000000") + "       1 "  # glog's line header: time, thread id
GO_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")


def _go_duration(word: str) -> float | None:
    """A Go duration (``1ms``, ``1s``, ``1m30s``) in seconds; None when it does not parse."""
    units = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
    parts = GO_DURATION.findall(word)
    if word == "0":
        return 0.0
    if not parts or "".join(n + u for n, u in parts) != word:
        return None
    return sum(float(n) * units[u] for n, u in parts)


def _go_stress(args: list[str], run: _Run) -> None:
    """vish/stress (Assign CPU Resources): ``-cpus N`` keeps N cores busy (the CFS quota caps them, see
    kubetui.node.usage); ``-mem-total`` is allocated ``-mem-alloc-size`` at a time, ``-mem-alloc-sleep`` apart. Then
    it waits for ever. With ``-logtostderr`` (its ENTRYPOINT has it) glog's lines go to the log.
    """
    values = {"cpus": "0", "mem-total": "0", "mem-alloc-size": "4Ki", "mem-alloc-sleep": "1ms"}
    logs, index = False, 0
    while index < len(args):
        flag, _, value = args[index].lstrip("-").partition("=")
        index += 1
        if flag in ("logtostderr", "alsologtostderr"):
            logs = value.lower() not in ("false", "0")
        elif flag in values:
            if not value and index < len(args):
                value, index = args[index], index + 1
            values[flag] = value
    try:
        total, step = memory_bytes(values["mem-total"]), memory_bytes(values["mem-alloc-size"])
    except (QuantityError, ValueError, TypeError):
        total, step = 0, 1
    pause = _go_duration(values["mem-alloc-sleep"]) or 0.0
    cpus = int(values["cpus"]) if values["cpus"].isdigit() else 0
    run.cpu_busy = max(run.cpu_busy, float(cpus))
    run.memory = max(run.memory, total)
    sleep = values["mem-alloc-sleep"]
    if logs:
        _emit(run, [f'{GLOG}main.go:26] Allocating "{values["mem-total"]}" memory, in "{values["mem-alloc-size"]}" '
                    f"chunks, with a {sleep} sleep between allocations",
                    *[f"{GLOG}main.go:39] Spawning a thread to consume CPU"] * cpus])
    run.elapsed += (total // step if step > 0 else 0) * pause
    if logs:
        _emit(run, [f'{GLOG}main.go:29] Allocated "{values["mem-total"]}" memory'])
    run.forever = True


def _not_found(shell: str, name: str) -> str:
    if shell == "bash":  # an interactive bash (kubectl exec -it ... -- bash)
        return f"bash: {name}: command not found"
    return f"sh: {name}: not found" if shell == "busybox" else f"sh: 1: {name}: not found"


# -- putting it together ------------------------------------------------------------------------------------------
def image_tools(ref: ImageRef, info: ImageInfo | None) -> tuple[str, frozenset[str]]:
    """Which shell an image has ("busybox", "debian" or "") and every program in it (empty: we do not know)."""
    key = ref.catalogue_key
    shell = "" if key in NO_SHELL else SHELLS.get(key, "debian")
    if info is None:
        return shell, frozenset()
    return shell, SHELL_TOOLS[shell] | frozenset(SERVER_BINARIES.get(key, "").split())


def program_for(
    container: dict[str, Any],
    annotations: dict[str, str],
    hostname: str,
    declared_ports: tuple[int, ...],
    env: dict[str, str] | None = None,
    mounts: dict[str, str] | None = None,
    read_only: frozenset[str] = frozenset(),
    shared: dict[str, str] | None = None,
) -> Program:
    """Decide, once, what this container will do when started.

    ``env`` is the environment the kubelet and the runtime give the process (kubetui.node.container_env; without it,
    only HOSTNAME, HOME and the spec's literal values), ``mounts`` the files its volumes show (path -> content),
    ``read_only`` the directories mounted read-only (writing there fails), ``shared`` the files its data volumes
    (emptyDir, hostPath, claims) hold as it starts: what an init container, another container or an earlier run
    wrote there (path -> content). Its command reads them as they are then; a line that ``cat``s one prints it as
    it is when printed (a loop sees another container's later writes).
    """
    name = str(container.get("name", ""))
    try:
        ref = parse_image(str(container.get("image", "")))
    except InvalidImageName:
        ref = ImageRef("docker.io", "library/unknown")
    info = image_info(ref)
    shell, tools = image_tools(ref, info)
    if env is None:
        env = {"HOSTNAME": hostname, "HOME": "/root"}
        for var in container.get("env") or []:
            if isinstance(var, dict) and isinstance(var.get("value"), str):
                env[str(var.get("name"))] = var["value"]
    env = dict(env)
    command = [str(w) for w in container.get("command") or []]
    args = [str(w) for w in container.get("args") or []]
    # An image's ENTRYPOINT takes args; images without one (busybox, python ...) run args as the command.
    if command:
        words = command + args
    elif info is not None and info.entrypoint:
        words = [*info.entrypoint, *args]
    else:
        words = args if info is not None and not info.server else []
    run = _Run(tools, shell, hostname, env, live=frozenset(mounts or ()) | frozenset(shared or ()),
               read_only=read_only, fetches=True, cwd=str(container.get("workingDir") or "/"),
               shared=frozenset(shared or ()), pausable=True)
    mounted = _mounted(mounts) + _mounted(shared)
    run.files, run.preset = list(mounted), len(mounted)
    start_error = ""
    missing = bool(words) and not run.has(words[0].rsplit("/", 1)[-1])
    stdin_shell = bool(container.get("stdin")) and shell != "" and not missing and (
        _bare_shell(words) if words else info is not None and not info.server and info.style != "curl"
    )
    if stdin_shell:  # it waits on its stdin, which stays open: kubectl attach talks to it
        run.forever = True
    elif words:
        if missing:
            start_error = (
                "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
                f'failed: unable to start container process: exec: "{words[0]}": executable file not found in $PATH: '
                "unknown"
            )
        else:
            _walk([(";", words)], run)  # as a script of one command: a wget/curl as the command is asked live too
    elif info is None or info.server:
        run.forever, run.serving = True, True
    else:
        run.status, run.exited = info.default_exit, True
        if info.style == "curl":
            run.lines.append((0.0, "curl: try 'curl --help' or 'curl --manual' for more information"))
    server = run.serving and not start_error
    image_server = server and info is not None and info.server
    ports = run.ports or (info.ports if image_server and info is not None else ())
    style = info.style if image_server and info is not None else ""
    http_paths = (info.http_paths if image_server and info is not None and not run.ports else None) if server else ()
    fails_liveness = FOREVER
    if ref.catalogue_key == AGNHOST and image_server:  # agnhost's subcommand, its args (its ENTRYPOINT is /agnhost)
        words = command[1:] + args if command and command[0].endswith("agnhost") else args
        ports, http_paths, style, fails_liveness = AGNHOST_COMMANDS.get(words[0] if words else "pause",
                                                                        AGNHOST_COMMANDS["pause"])
    lines = [*((at, text.replace(HOST, hostname)) for at, text in (
        _server_lines(style, ref, ports or declared_ports) if image_server else ())), *run.lines]
    exit_after = FOREVER if run.forever or start_error or run.pause is not None else run.elapsed
    exit_code = run.status
    crash = _seconds(knob(annotations, "crash-after-seconds", name), FOREVER)
    if crash < exit_after and not start_error:
        exit_after, exit_code = crash, 1
        lines.append(
            (crash, f"fatal error: simulated crash after {crash:g}s (kubetui.dev/crash-after-seconds)")
        )
    forever_loop = run.forever and not start_error and exit_after == FOREVER
    load_urls = run.load_urls if forever_loop else ()
    after = after_loop(run) if forever_loop and run.loop_condition else None
    usage = knob(annotations, "memory-usage", name)
    memory = _bytes(usage) if usage else max(run.memory, (info.memory_mb if info else 20) * 2**20)
    handles = server or run.traps_term
    ignore = knob(annotations, "ignore-sigterm", name)
    if ignore is not None:
        handles = ignore.lower() != "true"
    return Program(
        lines=tuple(lines),
        loop_lines=tuple(run.loop_lines),
        loop_start=run.loop_start,
        loop_period=run.loop_period,
        files=tuple(run.files[len(mounted) :]),  # the volumes' own files are the container's (they change)
        exit_after=exit_after,
        exit_code=exit_code,
        start_error=start_error,
        server=server,
        ports=ports,
        http_paths=http_paths,
        http_ports=info.http_ports if image_server and info is not None and not run.ports else None,
        startup=_seconds(knob(annotations, "startup-seconds", name), 0.0),
        memory=memory,
        handles_sigterm=handles,
        term_exit_code=143 if server and not image_server and not run.traps_term else 0,
        shutdown=_seconds(knob(annotations, "shutdown-seconds", name), SHUTDOWN_SECONDS),
        stop_lines=_stop_lines(style),
        fail_readiness_for=_seconds(knob(annotations, "fail-readiness-seconds", name), 0.0),
        fail_liveness_after=min(fails_liveness,
                                _seconds(knob(annotations, "fail-liveness-after-seconds", name), FOREVER)),
        style=style,
        shell=shell,
        tools=tools,
        load_urls=load_urls,
        fetch_urls=tuple(dict.fromkeys([*run.requests, *run.load_urls])),
        request_rate=1.0 / max(run.loop_period, REQUEST_SECONDS) if load_urls else 0.0,
        idle_cpu=(info.idle_cpu if info is not None else IDLE_CPU) + run.cpu_busy,
        request_cpu=info.request_cpu if info is not None else REQUEST_CPU,
        stdin_shell=stdin_shell and not start_error,
        loop_condition=tuple(run.loop_condition) if after is not None else (),
        condition_lines=run.condition_lines if after is not None else 0,
        after_lines=tuple(after.lines) if after is not None else (),
        after_exit=(FOREVER if after.forever else after.elapsed) if after is not None else FOREVER,
        after_code=after.status if after is not None else 0,
        **_paused(run, exit_after),
    )


def _paused(run: _Run, exit_after: float) -> dict[str, Any]:
    """The Program's fields for a script that stopped at a one-shot wget/curl (none when it did not, or ends first)."""
    if run.pause is None or exit_after != FOREVER:
        return {}
    words, rest = run.pause
    state = run.fork()
    state.files, state.preset = list(run.files), run.preset
    return {"ask_at": run.elapsed, "ask_words": tuple(words),
            "resume": lambda status, output: resume(state, rest, status, output)}


def resume(state: _Run, rest: list[tuple[str, list[str]]], status: int, output: str) -> Program:
    """What a script prints and does from the one-shot wget/curl the runtime ran for it (``status`` and ``output``:
    how that ended and what it printed): that output, then the statements after it, from that moment, in the state
    it had then. It may stop at another one.

    Simplification: what the wget/curl wrote is in the container but not in what this script reads of its files
    (it knows its volumes as they were at start); a loop or a server after it runs as far as its first pass.
    """
    run = state.fork()
    run.files, run.preset = list(state.files), state.preset
    run.pausable, run.status = True, status
    printed, partial = _lines(output)
    _emit(run, printed, partial)
    written = len(run.files)
    if run.errexit and status != 0 and (not rest or rest[0][0] not in ("&&", "||", "|")):
        run.exited = True
    else:
        _walk(rest, run)
    run.lines.extend((run.loop_start + at, text) for at, text in run.loop_lines)
    ends = not run.forever and run.pause is None
    exit_after = run.elapsed if ends else FOREVER
    return Program(lines=tuple(run.lines), files=tuple(run.files[written:]), exit_after=exit_after,
                   exit_code=run.status, shell=state.shell_name, tools=state.tools, **_paused(run, exit_after))


def _bare_shell(words: list[str]) -> bool:
    """``sh``, ``/bin/bash``, ``sh -i``, ``bash -l``: a shell with no script, reading commands from its stdin."""
    return words[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash") and all(
        w in ("-i", "-l", "--login") for w in words[1:]
    )


def _mounted(mounts: dict[str, str] | None) -> list[tuple[float, str, str | None]]:
    return [(0.0, path, text) for path, text in sorted((mounts or {}).items())]


def exec_in(
    program: Program,
    command: list[str],
    elapsed: float,
    hostname: str,
    env: dict[str, str] | None = None,
    mounts: dict[str, str] | None = None,
    read_only: frozenset[str] = frozenset(),
) -> tuple[int, str]:
    """Run ``command`` inside the container (an exec probe or hook): its exit code and output. ``env`` and
    ``mounts`` are the container's environment and volume files, as :class:`~kubetui.node.runtime.Container` keeps
    them."""
    if not command:
        return 0, ""
    first = command[0].rsplit("/", 1)[-1]
    if program.tools and first not in program.tools:
        return 126, (
            "OCI runtime exec failed: exec failed: unable to start container process: exec: "
            f'"{command[0]}": executable file not found in $PATH: unknown'
        )
    run = _Run(program.tools, program.shell, hostname, dict(env) if env is not None else {"HOSTNAME": hostname},
               read_only=read_only)
    run.files = _mounted(mounts) + [(at, path, text) for at, path, text in program.files if at <= elapsed]
    words = [str(w) for w in command]
    if first in ("redis-cli", "pg_isready", "mysqladmin") and program.server:
        up = elapsed >= program.startup
        replies = {"redis-cli": "PONG", "pg_isready": "/var/run/postgresql:5432 - accepting connections"}
        return (0, replies.get(first, "mysqld is alive")) if up else (1, "Could not connect")
    _command(words, run)
    return run.status, "\n".join(text.removesuffix(OPEN) for _, text in run.lines)


def command_seconds(
    program: Program, command: list[str], hostname: str, env: dict[str, str] | None = None
) -> float:
    """How long ``command`` runs inside the container (a preStop exec hook such as ``sleep 8``)."""
    if not command or (program.tools and command[0].rsplit("/", 1)[-1] not in program.tools):
        return 0.0
    run = _Run(program.tools, program.shell, hostname, dict(env) if env is not None else {"HOSTNAME": hostname})
    _command([str(w) for w in command], run)
    return FOREVER if run.forever else run.elapsed
