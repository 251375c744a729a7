"""What ``curl`` and busybox ``wget`` print for one GET, given what the network did with it.

Both a ``kubectl exec`` (kubetui.node.exec_programs, which sends the request) and a container's own command (its log,
worked out from where kubetui.node.usage saw its requests go) print through here, so the two read alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from kubetui.node.images import InvalidImageName, parse_image
from kubetui.node.network import Reply
from kubetui.node.process import OPEN
from kubetui.node.usage import TCP_CONNECT_TIMEOUT

AGENTS = {"curl": "curl/8.5.0", "wget": "Wget"}
CURL_VALUE_OPTIONS = frozenset({  # curl's options whose value is the next word (curl -m 5 http://web)
    "-m", "--max-time", "--connect-timeout", "-o", "--output", "-H", "--header", "-X", "--request", "-d", "--data",
    "-u", "--user", "-w", "--write-out", "-A", "--user-agent", "-e", "--referer", "-b", "--cookie", "-c",
    "--cookie-jar", "--retry", "-x", "--proxy", "--resolve", "-T", "--upload-file", "-F", "--form"})
WGET_VALUE_OPTIONS = frozenset({"-O", "-o", "-P", "-U", "-T", "-Y", "-e", "--header", "--post-data", "--user-agent",
                                "--output-document", "--timeout"})
WGET_USAGE = ["BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.", "", "Usage: wget [OPTIONS] URL"]


@dataclass(frozen=True)
class Target:
    """Where a URL points: its host, port and path."""

    host: str
    port: int
    path: str


@dataclass(frozen=True)
class Fetched:
    """What became of one GET: the address the host resolved to and the reply; reply None when it did not resolve."""

    target: Target
    ip: str
    reply: Reply | None


@dataclass(frozen=True)
class Printed:
    """The client's output (a last line without its newline ends with OPEN), its exit status, how long it waited on a
    connection nobody answered (after printing its first ``early`` lines), and the file wget saved (name, content)."""

    lines: list[str]
    status: int
    waited: float = 0.0
    saved: tuple[str, str] | None = None
    early: int = 0


def parse_url(url: str) -> Target:
    scheme, _, rest = url.rpartition("://")
    host_port, _, path = rest.partition("/")
    host, _, port_text = host_port.partition(":")
    port = int(port_text) if port_text.isdigit() else (443 if scheme == "https" else 80)
    return Target(host or "localhost", port, "/" + path)


def body_lines(body: str) -> list[str]:
    """A response body as printed lines: the last ends with OPEN when the body has no final newline (php-apache's
    ``OK!``), so the next output continues that line, as on a terminal."""
    if not body:
        return []
    lines = body.split("\n")
    if body.endswith("\n"):
        return lines[:-1]
    return [*lines[:-1], lines[-1] + OPEN]


def curl_url(args: list[str]) -> str:
    """The URL among curl's words: the first that is no option and no option's value."""
    return next((a for i, a in enumerate(args) if not a.startswith("-") and "=" not in a
                 and (i == 0 or args[i - 1] not in CURL_VALUE_OPTIONS)), "")


def wget_url(args: list[str]) -> str:
    """The URL among busybox wget's words: the first that is no option and no option's value (wget -T 3 web)."""
    url = next((a for i, a in enumerate(args) if not a.startswith("-") and a != "-"
                and (i == 0 or args[i - 1] not in WGET_VALUE_OPTIONS)), "")
    return url if not url or "://" in url else f"http://{url}"


def _seconds_option(args: list[str], names: tuple[str, ...]) -> float | None:
    """The value of the first of ``names`` given (``-m 3``, ``--max-time=3``), in seconds."""
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name in names:
            value = value if eq else (args[i + 1] if i + 1 < len(args) else "")
            try:
                return max(0.0, float(value))
            except ValueError:
                return None
    return None


def curl(args: list[str], fetched: Fetched) -> Printed:
    short = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
    silent, head = "s" in short or "--silent" in args, "I" in short or "--head" in args
    errors = not silent or "S" in short or "--show-error" in args
    target, reply = fetched.target, fetched.reply
    if reply is None:
        return Printed([f"curl: (6) Could not resolve host: {target.host}"] if errors else [], 6)
    if reply.code is None:
        if "timeout" in reply.error:
            max_time = _seconds_option(args, ("-m", "--max-time"))
            connect = _seconds_option(args, ("--connect-timeout",))
            if max_time is not None and max_time < TCP_CONNECT_TIMEOUT and (connect is None or max_time <= connect):
                line = f"curl: (28) Connection timed out after {round(max_time * 1000) + 1} milliseconds"
                return Printed([line] if errors else [], 28, max_time)
            if connect is not None and connect < TCP_CONNECT_TIMEOUT:
                line = (f"curl: (28) Failed to connect to {target.host} port {target.port} after "
                        f"{round(connect * 1000) + 2} ms: Timeout was reached")
                return Printed([line] if errors else [], 28, connect)
            line = (f"curl: (28) Failed to connect to {target.host} port {target.port} after 130000 ms: Couldn't "
                    "connect to server")
            return Printed([line] if errors else [], 28, TCP_CONNECT_TIMEOUT)
        line = f"curl: (7) Failed to connect to {target.host} port {target.port} after 0 ms: Couldn't connect to server"
        return Printed([line] if errors else [], 7)
    if reply.code == 0:
        return Printed(["curl: (1) Received HTTP/0.9 when not allowed"] if errors else [], 1)
    if head:
        return Printed([f"HTTP/1.1 {reply.code} {reason(reply.code)}", f"Content-Length: {len(reply.body)}", ""], 0)
    return Printed(body_lines(reply.body), 0)


def old_busybox(image: str) -> bool:
    """busybox 1.28 and older (the docs' ``busybox:1.28``; ``gcr.io/google-containers/busybox`` is 1.24): its
    nslookup asked the libc resolver (1.29 rewrote it), its wget prints no ``saving to``/``saved`` lines."""
    try:
        ref = parse_image(image)
    except InvalidImageName:
        return False
    if not ref.catalogue_key.endswith("busybox"):
        return False
    if ref.tag == "latest":
        return ref.registry != "docker.io"  # the Google-hosted copies stayed at 1.24
    version = ref.tag.split("-")[0].split(".")
    return len(version) >= 2 and version[0] == "1" and version[1].isdigit() and int(version[1]) <= 28


def wget_output(args: list[str]) -> str:
    """Where busybox wget writes the body: ``-O FILE`` (``-OFILE``, ``-qO FILE``, ``--output-document=FILE``;
    ``-`` for its stdout), "" when not given (the URL's last part then)."""
    for i, arg in enumerate(args):
        name, eq, value = arg.partition("=")
        if name == "--output-document":
            return value if eq else (args[i + 1] if i + 1 < len(args) else "")
        if arg.startswith("-") and not arg.startswith("--") and "O" in arg:
            rest = arg[arg.index("O") + 1 :]
            return rest or (args[i + 1] if i + 1 < len(args) else "")
    return ""


def wget(args: list[str], fetched: Fetched, old: bool = False) -> Printed:
    """busybox wget: ``-q`` drops the progress lines, ``-O-`` prints the body, else it is saved to a file (``-O``'s,
    or named after the URL). ``old``: busybox 1.28 or older, which says nothing of saving it."""
    url = wget_url(args)
    quiet = any(a.startswith("-") and not a.startswith("--") and "q" in a for a in args)
    output = wget_output(args)
    to_stdout = output == "-"
    target, ip, reply = fetched.target, fetched.ip, fetched.reply
    out = [] if quiet else [f"Connecting to {target.host}{'' if target.port == 80 else f':{target.port}'} "
                            f"({ip}:{target.port})"]
    if reply is None:
        return Printed([f"wget: bad address '{target.host}'"], 1)
    if reply.code is None:
        if "timeout" not in reply.error:
            return Printed([*out, f"wget: can't connect to remote host ({ip}): Connection refused"], 1)
        limit = _seconds_option(args, ("-T", "--timeout"))
        if limit is not None and 0 < limit < TCP_CONNECT_TIMEOUT:  # -T: busybox's alarm ends the wait
            return Printed([*out, "wget: download timed out"], 1, limit, early=len(out))
        return Printed([*out, f"wget: can't connect to remote host ({ip}): Connection timed out"], 1,
                       TCP_CONNECT_TIMEOUT, early=len(out))
    if reply.code == 0 or reply.code >= 400:
        return Printed([*out, f"wget: server returned error: HTTP/1.1 {reply.code} {reason(reply.code)}"], 1)
    if to_stdout:
        return Printed([*out, *body_lines(reply.body)], 0)
    name = output or (url.rstrip("/").rsplit("/", 1)[-1] if url.count("/") > 2 else "index.html")
    size = len(reply.body.encode())
    label = f"{name.rsplit('/', 1)[-1]:<20.20}"  # the progress meter shows the file's own name, 20 wide
    if old:  # busybox 1.28: the meter alone, its bar 31 wide
        progress = [f"{label} 100% |{'*' * 31}|{size:>6}   0:00:00 ETA"]
    else:
        progress = [f"saving to '{name}'", f"{label} 100% |{'*' * 32}|{size:>6}  0:00:00 ETA", f"'{name}' saved"]
    return Printed([] if quiet else [*out, *progress], 0, saved=(name, reply.body.rstrip("\n")))


def reason(code: int) -> str:
    return {200: "OK", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}.get(code, "")
