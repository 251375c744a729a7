"""``kubectl exec`` and ``kubectl attach``: a process inside a running container, its stdin, output and exit code.

The kubelet's streaming server (CRI Exec and Attach) in spirit. An exec runs its command with the container's
environment and files (its volumes' files, ``/etc/hosts``, ``/etc/resolv.conf``...) through the same small shell
as the container's own command (kubetui.node.process), in virtual time: ``sleep 5`` takes five seconds of the
cluster's clock. Programs that look at the cluster answer from it: ``curl``/``wget`` reach Services through
this node's kube-proxy rules and pods over the pod network (their servers log the request), ``nslookup`` asks the
cluster DNS, ``ls`` lists what is mounted, ``ps`` shows PID 1, ``kill 1`` signals it. With ``-it`` a shell
(``sh``, ``bash``) reads lines as a terminal would, with its prompt, echo, backspace, history and Ctrl+C.

Attach joins PID 1: its output from now on, and for a shell kept open by ``stdin: true`` (``kubectl run -it ...
-- sh``) that shell itself, whose ``exit`` ends the container.

Simplification: there are no processes and no file system: the programs a learner reaches for are modelled (see
kubetui.node.process) and anything else prints nothing; files written in an exec live until the container
restarts; a request loop in an exec does not load the Service's pods (only a container's own loop does).
"""

from __future__ import annotations

import asyncio
import hashlib
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubetui.node import dns
from kubetui.node.network import Reply
from kubetui.node.process import (
    FOREVER,
    Program,
    _command,
    _interpret,
    _Run,
    _tokens,
    render,
)
from kubetui.sim.clock import Clock

if TYPE_CHECKING:
    from kubetui.node.runtime import Container, ContainerRuntime

SHELLS = ("sh", "bash", "ash", "dash")
POLL_SECONDS = 0.02  # how often a waiting session looks at the virtual clock (wall seconds)
INTERRUPTED = 130  # 128 + SIGINT
TCP_CONNECT_TIMEOUT = 130.0  # Linux gives up on a SYN nobody answers after its retries: about two minutes
ROOT_ENTRIES = frozenset(
    ["bin", "boot", "dev", "etc", "home", "lib", "media", "mnt", "opt", "proc", "root", "run", "sbin", "srv", "sys",
     "tmp", "usr", "var"]
)
OS_RELEASE = {
    "busybox": "",
    "alpine": 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME="Alpine Linux v3.20"',
    "debian": 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\n'
    'VERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian',
}
AGENTS = {"curl": "curl/8.5.0", "wget": "Wget"}


class ExecError(Exception):
    """The kubelet could not start the stream (no such container, not running): the HTTP answer's message."""


@dataclass
class PodView:
    """What a process inside the pod sees of it and of the cluster around it."""

    namespace: str
    pod: str
    pod_ip: str
    node: str
    hostname: str
    subdomain: str
    resolver: dns.Resolver
    connect: Callable[[str, int, str, str], Reply]  # (ip, port, path, user agent) -> what answered
    pingable: Callable[[str], bool]  # does anything hold this IP on the pod network
    working_dir: str = "/"
    main_command: str = ""  # PID 1's command line, as ps shows it
    stdin_once: bool = False  # the container's stdin closes when the first attach ends (kubectl run -it sets it)


class Terminal:
    """The client's end: stdin as it arrives, stdout and stderr to send (kubetui.http.remotecommand fills it)."""

    def __init__(self, write: Callable[[int, bytes], Awaitable[None]], tty: bool) -> None:
        self._write = write
        self.tty = tty
        self.stdin: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.closed = False  # the client went away

    async def out(self, text: str) -> None:
        if not self.closed and text:
            await self._write(1, (text.replace("\n", "\r\n") if self.tty else text).encode())

    async def err(self, text: str) -> None:
        if not self.closed and text:
            await self._write(1 if self.tty else 2, (text.replace("\n", "\r\n") if self.tty else text).encode())


class Session:
    """One exec or attach. ``run`` returns the exit code; an ExecError message is a failure to start."""

    def __init__(
        self,
        view: PodView,
        container: Container,
        runtime: ContainerRuntime,
        clock: Clock,
        command: list[str],
        attach: bool = False,
        stdin: bool = False,
    ) -> None:
        self.view = view
        self.container = container
        self.runtime = runtime
        self.clock = clock
        self.command = command
        self.attach = attach
        self.stdin = stdin
        program = container.program
        shell = self._shell_program(command[0] if command else "")
        self.run_state = _Run(program.tools, "bash" if shell == "bash" else program.shell, view.hostname,
                              dict(container.env) or {"HOSTNAME": view.hostname}, tool=self._tool)
        self.cwd = view.working_dir or "/"
        self.history: list[str] = []
        self._typed: deque[str] = deque()
        self._wake = asyncio.Event()
        self._eof = False
        self._busy = False
        self._interrupt = False
        self.term: Terminal | None = None

    # -- the stream --------------------------------------------------------------------------------------------
    async def run(self, term: Terminal) -> int:
        self.term = term
        pump = asyncio.ensure_future(self._pump(term)) if self.stdin else None
        try:
            if self.attach:
                return await self._attach(term)
            return await self._exec(term)
        finally:
            if pump is not None:
                pump.cancel()

    async def _pump(self, term: Terminal) -> None:
        """Stdin as it arrives; Ctrl+C while a command runs is the terminal's SIGINT to it."""
        while True:
            data = await term.stdin.get()
            if data is None:
                self._eof = True
                self._wake.set()
                return
            text = data.decode("utf-8", errors="replace")
            if term.tty and self._busy and "\x03" in text:
                self._interrupt = True
                text = text.split("\x03", 1)[1]
            self._typed.extend(text)
            self._wake.set()

    async def _exec(self, term: Terminal) -> int:
        words = self.command
        if self._shell_program(words[0]) and all(w in ("-i", "-l", "--login") for w in words[1:]):
            if term.tty:
                return await self._shell(term)
            if self.stdin:  # ``echo ls | kubectl exec -i pod -- sh``: the script comes on stdin
                script = await self._read_all()
                return await self._execute(script, term)
            return 0
        return await self._execute_words(words, term)

    async def _attach(self, term: Terminal) -> int:
        container = self.container
        if container.program.stdin_shell and self.stdin:
            code = await self._shell(term) if term.tty else await self._execute(await self._read_all(), term)
            if not term.closed or self.view.stdin_once:  # it exited, or its stdin closed under it
                self.runtime.exit_process(container, code)
            return code
        seen = len(container.logs(self.clock.now))
        self._busy = True
        while container.running and not term.closed:
            if self._interrupt:  # Ctrl+C on the attached terminal: SIGINT to PID 1's foreground job
                await term.out("^C\n" if term.tty else "")
                self.runtime.interrupt(container)
                break
            lines = container.logs(self.clock.now)
            if len(lines) > seen:
                await term.out("".join(f"{line}\n" for line in lines[seen:]))
            seen = len(lines)
            await asyncio.sleep(POLL_SECONDS)
        lines = container.logs(self.clock.now)
        if len(lines) > seen:
            await term.out("".join(f"{line}\n" for line in lines[seen:]))
        return container.exit_code if not container.running else 0

    # -- an interactive shell -----------------------------------------------------------------------------------
    async def _shell(self, term: Terminal) -> int:
        run = self.run_state
        await term.out(self._prompt())
        while True:
            line = await self._read_line(term)
            if line is None:
                await term.out("exit\n" if run.shell_name == "bash" else "\n")
                return run.status
            if line.strip():
                if not self.history or self.history[-1] != line:
                    self.history.append(line)
                if line.strip() == "history":
                    await term.out("".join(f"{i + 1:5d}  {h}\n" for i, h in enumerate(self.history)))
                else:
                    await self._execute(line, term)
                if run.exited:
                    return run.status
            if term.closed:
                return run.status
            await term.out(self._prompt())

    async def _read_line(self, term: Terminal) -> str | None:
        """One line, edited as a terminal in cooked mode edits it; None on Ctrl+D at an empty line or EOF."""
        buffer: list[str] = []
        recalled = len(self.history)
        while True:
            while not self._typed:
                if self._eof or term.closed:
                    return None
                self._wake.clear()
                await self._wake.wait()
            char = self._typed.popleft()
            if char in "\r\n":
                await term.out("\n")
                return "".join(buffer)
            if char in "\x7f\x08":
                if buffer:
                    buffer.pop()
                    await term.out("\b \b")
            elif char == "\x03":
                await term.out("^C\n" + self._prompt())
                buffer, self.run_state.status = [], INTERRUPTED
            elif char == "\x04":
                if not buffer:
                    return None
            elif char == "\x15":  # Ctrl+U: erase the line
                await term.out("\b \b" * len(buffer))
                buffer = []
            elif char == "\x0c":  # Ctrl+L
                await term.out("\x1b[H\x1b[2J" + self._prompt() + "".join(buffer))
            elif char == "\x1b":
                sequence = await self._escape(term)
                if sequence in ("[A", "[B", "OA", "OB") and self.history:
                    step = -1 if sequence[1] == "A" else 1
                    recalled = max(0, min(len(self.history), recalled + step))
                    text = self.history[recalled] if recalled < len(self.history) else ""
                    await term.out("\b \b" * len(buffer) + text)
                    buffer = list(text)
            elif char >= " ":  # a tab completes nothing here
                buffer.append(char)
                await term.out(char)

    async def _escape(self, term: Terminal) -> str:
        """The rest of an escape sequence (arrow keys send ``ESC [ A``)."""
        sequence = ""
        while len(sequence) < 8:
            while not self._typed:
                if self._eof or term.closed:
                    return sequence
                self._wake.clear()
                try:
                    await asyncio.wait_for(self._wake.wait(), 0.05)
                except TimeoutError:
                    return sequence
            char = self._typed.popleft()
            sequence += char
            if len(sequence) > 1 and (char.isalpha() or char == "~"):
                return sequence
        return sequence

    async def _read_all(self) -> str:
        while not self._eof and (self.term is None or not self.term.closed):
            self._wake.clear()
            await self._wake.wait()
        text = "".join(self._typed)
        self._typed.clear()
        return text

    def _prompt(self) -> str:
        if self.run_state.shell_name == "bash":
            return f"root@{self.view.hostname}:{self.cwd}# "
        if self.run_state.shell_name == "busybox":
            return f"{self.cwd} # "
        return "# "

    # -- running a command ----------------------------------------------------------------------------------------
    async def _execute_words(self, words: list[str], term: Terminal) -> int:
        run = self.run_state
        first = words[0].rsplit("/", 1)[-1]
        if not run.has(first) and first not in ("exit", "cd", "export"):
            raise ExecError(self._not_found_message(words[0]))
        self._reset(run)
        self._busy = True
        try:
            _command(words, run)
            return await self._play(run, term)
        finally:
            self._busy = False

    async def _execute(self, script: str, term: Terminal) -> int:
        run = self.run_state
        self._reset(run)
        self._busy = True
        try:
            _interpret(_tokens(script), run)
            return await self._play(run, term)
        finally:
            self._busy = False

    @staticmethod
    def _reset(run: _Run) -> None:
        run.lines, run.elapsed, run.forever, run.exited = [], 0.0, False, False
        run.loop, run.loop_lines, run.loop_start, run.loop_period = None, [], 0.0, 0.0
        run.requests = []

    async def _play(self, run: _Run, term: Terminal) -> int:
        """Print what the command printed, each line at its moment of virtual time, and wait as long as it ran."""
        start = self.clock.now
        self._interrupt = False
        for at, text in run.lines:
            if not await self._until(start + at, term):
                return await self._interrupted(run, term)
            await self._print(text, term)
        if not run.forever:
            if not await self._until(start + run.elapsed, term):
                return await self._interrupted(run, term)
            return run.status
        if run.loop is not None:
            header, body = run.loop
            at = start + run.loop_start
            while True:  # every pass again: a loop of curl at a Service reaches a different pod each time
                once = run.fork()
                once.files = run.files
                if header[0] == "while" and len(header) > 1:
                    _command(header[1:], once)
                _interpret(body, once)
                for offset, text in once.lines:
                    if not await self._until(at + offset, term):
                        return await self._interrupted(run, term)
                    await self._print(text, term)
                if once.exited:
                    run.status, run.exited = once.status, True
                    return run.status
                at += max(once.elapsed, 0.01)
                if not await self._until(at, term):
                    return await self._interrupted(run, term)
        await self._until(FOREVER, term)
        return await self._interrupted(run, term)

    async def _print(self, text: str, term: Terminal) -> None:
        line = render(text, self.clock.now)
        if self.attach:  # PID 1's stdout: the attached terminal and the container's log alike
            self.container.log(self.clock.now, line)
        await term.out(line + "\n")

    async def _interrupted(self, run: _Run, term: Terminal) -> int:
        if not self.container.running and not self.attach:  # the container died: so did everything in it
            run.status = 137
            return run.status
        if term.tty and not term.closed:
            await term.out("^C\n")
        run.status = INTERRUPTED
        return run.status

    async def _until(self, moment: float, term: Terminal) -> bool:
        """Wait for the virtual clock to reach ``moment``; False when interrupted (Ctrl+C, or the client left)."""
        while self.clock.now < moment:
            if self._interrupt or term.closed:
                self._interrupt = False
                return False
            if not self.container.running and not self.attach:
                return False  # the container died under the exec
            await asyncio.sleep(POLL_SECONDS)
        return True

    # -- what programs see --------------------------------------------------------------------------------------
    def _shell_program(self, word: str) -> str:
        name = word.rsplit("/", 1)[-1]
        return name if name in SHELLS else ""

    def _not_found_message(self, program: str) -> str:
        exec_id = hashlib.sha256(f"{self.container.id}/{program}/{self.clock.now}".encode()).hexdigest()
        return (
            "Internal error occurred: error executing command in container: failed to exec in container: failed to "
            f'start exec "{exec_id}": OCI runtime exec failed: exec failed: unable to start container process: '
            f'exec: "{program}": executable file not found in $PATH: unknown'
        )

    def files(self) -> dict[str, str | None]:
        """Every file the process can read now: the image's, the kubelet's, the volumes', and what was written."""
        view, container = self.view, self.container
        files: dict[str, str | None] = {
            "/etc/hostname": view.hostname,
            "/etc/hosts": hosts_file(view),
            "/etc/resolv.conf": dns.resolv_conf(view.namespace).rstrip("\n"),
        }
        key = container.program.shell or "busybox"
        release = OS_RELEASE.get("alpine" if "alpine" in container.image else key, "")
        if release:
            files["/etc/os-release"] = release
        if container.program.style == "nginx":
            from kubetui.node.process import NGINX_WELCOME

            files["/usr/share/nginx/html/index.html"] = NGINX_WELCOME.rstrip("\n")
        files.update(container.mounts)
        now = container.elapsed(self.clock.now)
        for when, path, text in container.program.files:
            if when <= now:
                files[path] = text
        for _, path, text in self.run_state.files:
            files[path] = text
        return files

    def _path(self, path: str) -> str:
        if not path.startswith("/"):
            path = f"{self.cwd.rstrip('/')}/{path}"
        parts: list[str] = []
        for part in path.split("/"):
            if part == "..":
                if parts:
                    parts.pop()
            elif part and part != ".":
                parts.append(part)
        return "/" + "/".join(parts)

    def _tool(self, name: str, args: list[str], run: _Run) -> list[str] | None:
        """The programs that answer from the live cluster or the session's own state; None: not one of them."""
        if name == "cd":
            target = self._path(args[0]) if args else "/root"
            if target != "/" and not self._is_dir(target):
                run.status = 1 if run.shell_name == "bash" else 2
                return [f"{'bash' if run.shell_name == 'bash' else 'sh'}: cd: {args[0]}: No such file or directory"
                        if run.shell_name != "debian" else f"sh: 1: cd: can't cd to {args[0]}"]
            self.cwd = target
            return []
        if name == "pwd":
            return [self.cwd]
        if name == "cat" and args and all(not a.startswith("-") for a in args):
            return self._cat(args, run)
        if not run.has(name):
            return None
        handlers: dict[str, Callable[[list[str], _Run], list[str]]] = {
            "ls": self._ls, "curl": self._curl, "wget": self._wget, "nslookup": self._nslookup,
            "ping": self._ping, "ps": self._ps, "kill": self._kill, "env": self._env, "printenv": self._env,
            "hostname": self._hostname,
        }
        handler = handlers.get(name)
        return handler(args, run) if handler is not None else None

    def _cat(self, args: list[str], run: _Run) -> list[str]:
        files, out = self.files(), []
        for arg in args:
            path = self._path(arg)
            text = files.get(path)
            if text is None:
                run.status = 1
                why = "Is a directory" if self._is_dir(path) else "No such file or directory"
                out.append(f"cat: can't open '{arg}': {why}" if run.shell_name == "busybox" else f"cat: {arg}: {why}")
            elif text:
                out.extend(text.split("\n"))
        return out

    def _is_dir(self, path: str) -> bool:
        if path == "/" or path.strip("/") in ROOT_ENTRIES:
            return True
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p, text in self.files().items() if text is not None)

    def _ls(self, args: list[str], run: _Run) -> list[str]:
        long = any(a.startswith("-") and "l" in a for a in args)
        targets = [a for a in args if not a.startswith("-")] or ["."]
        files = {p: t for p, t in self.files().items() if t is not None}
        out: list[str] = []
        for target in targets:
            path = self._path(target)
            if path in files:
                out.append(target)
                continue
            if not self._is_dir(path):
                run.status = 1 if run.shell_name == "busybox" else 2
                out.append(f"ls: {target}: No such file or directory" if run.shell_name == "busybox"
                           else f"ls: cannot access '{target}': No such file or directory")
                continue
            prefix = path.rstrip("/") + "/"
            names = {p[len(prefix):].split("/", 1)[0] for p in files if p.startswith(prefix)}
            if path == "/":
                names |= set(ROOT_ENTRIES)
            if len(targets) > 1:
                out.append(f"{target}:")
            entries = sorted(names)
            if long:
                out.append(f"total {len(entries) * 4}")
                for entry in entries:
                    full = prefix + entry
                    is_dir = full not in files
                    size = 4096 if is_dir else len((files.get(full) or "").encode())
                    mode = "drwxr-xr-x" if is_dir else "-rw-r--r--"
                    out.append(f"{mode}    2 root     root     {size:>8} Jan  1 00:00 {entry}")
            elif entries:
                out.extend(entries if not (self.term and self.term.tty) else ["  ".join(entries)])
        return out

    def _env(self, args: list[str], run: _Run) -> list[str]:
        names = [a for a in args if not a.startswith("-")]
        if names and run.env is not None:
            values = [run.env[n] for n in names if n in run.env]
            run.status = 0 if len(values) == len(names) else 1
            return values
        return [f"{k}={v}" for k, v in run.env.items()]

    def _hostname(self, args: list[str], run: _Run) -> list[str]:
        return [self.view.pod_ip] if "-i" in args else [self.view.hostname]

    def _ps(self, args: list[str], run: _Run) -> list[str]:
        spec_words = self._main_command()
        rows = [(1, spec_words), (7, self.command[0] if self.command else "sh"), (13, "ps " + " ".join(args))]
        if run.shell_name == "busybox":
            return ["PID   USER     TIME  COMMAND"] + [f"{pid:5d} root      0:00 {cmd.strip()}" for pid, cmd in rows]
        return ["    PID TTY          TIME CMD"] + [f"{pid:7d} ?        00:00:00 {cmd.split()[0]}" for pid, cmd in rows]

    def _main_command(self) -> str:
        program: Program = self.container.program
        if program.style == "nginx":
            return "nginx: master process nginx -g daemon off;"
        return self.view.main_command or program.style or "sh"

    def _kill(self, args: list[str], run: _Run) -> list[str]:
        signal = "TERM"
        pids = []
        for arg in args:
            if arg.startswith("-") and len(arg) > 1:
                signal = arg[1:].upper().removeprefix("SIG").removeprefix("S ").strip() or "TERM"
            else:
                pids.append(arg)
        signal = {"9": "KILL", "15": "TERM", "2": "INT"}.get(signal, signal)
        out = []
        for pid in pids:
            if pid != "1":
                out.append(f"sh: can't kill pid {pid}: No such process" if run.shell_name == "busybox"
                           else f"kill: ({pid}) - No such process")
                run.status = 1
            elif signal in ("TERM", "INT", "QUIT", "HUP") and self.container.program.handles_sigterm:
                self.runtime.stop_container(self.container, float(10**9))
            # PID 1 ignores a signal it has no handler for, SIGKILL included, from inside its own namespace
        return out

    # -- the network ------------------------------------------------------------------------------------------------
    def _fetch(self, url: str, agent: str) -> tuple[str, str, int, Reply | None]:
        """(host, ip, port, reply) of a GET; reply None when the name does not resolve."""
        scheme, _, rest = url.rpartition("://")
        host_port, _, path = rest.partition("/")
        host, _, port_text = host_port.partition(":")
        port = int(port_text) if port_text.isdigit() else (443 if scheme == "https" else 80)
        host = host or "localhost"
        if host in ("localhost", "127.0.0.1"):
            return host, "127.0.0.1", port, self.view.connect(self.view.pod_ip, port, "/" + path, agent)
        answer = self.view.resolver.resolve(host)
        if answer is None or not answer.addresses:
            return host, "", port, None
        ip = answer.addresses[0]
        return host, ip, port, self.view.connect(ip, port, "/" + path, agent)

    def _curl(self, args: list[str], run: _Run) -> list[str]:
        url = next((a for a in args if not a.startswith("-") and "=" not in a), "")
        if not url:
            run.status = 2
            return ["curl: try 'curl --help' or 'curl --manual' for more information"]
        short = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
        silent, head = "s" in short or "--silent" in args, "I" in short or "--head" in args
        host, _, port, reply = self._fetch(url, AGENTS["curl"])
        if reply is None:
            run.status = 6
            return [] if silent else [f"curl: (6) Could not resolve host: {host}"]
        if reply.code is None:
            timeout = "timeout" in reply.error
            run.status = 28 if timeout else 7
            run.elapsed += TCP_CONNECT_TIMEOUT if timeout else 0.0
            if silent:
                return []
            if timeout:
                return [f"curl: (28) Failed to connect to {host} port {port} after 130000 ms: Couldn't connect to "
                        "server"]
            return [f"curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server"]
        if reply.code == 0:
            run.status = 1
            return [] if silent else ["curl: (1) Received HTTP/0.9 when not allowed"]
        if head:
            return [f"HTTP/1.1 {reply.code} {_reason(reply.code)}", f"Content-Length: {len(reply.body)}", ""]
        return reply.body.rstrip("\n").split("\n") if reply.body else []

    def _wget(self, args: list[str], run: _Run) -> list[str]:
        url = next((a for a in args if not a.startswith("-") and a != "-"), "")
        quiet = any(a.startswith("-") and not a.startswith("--") and "q" in a for a in args)
        to_stdout = "-O-" in args or "-qO-" in args or ("-O" in args and args[args.index("-O") + 1:][:1] == ["-"])
        if not url:
            run.status = 1
            return ["BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.", "", "Usage: wget [OPTIONS] URL"]
        host, ip, port, reply = self._fetch(url if "://" in url else f"http://{url}", AGENTS["wget"])
        out = [] if quiet else [f"Connecting to {host}{'' if port == 80 else f':{port}'} ({ip}:{port})"]
        run.status = 1
        if reply is None:
            return [f"wget: bad address '{host}'"]
        if reply.code is None:
            why = "Connection timed out" if "timeout" in reply.error else "Connection refused"
            run.elapsed += TCP_CONNECT_TIMEOUT if "timeout" in reply.error else 0.0
            return [*out, f"wget: can't connect to remote host ({ip}): {why}"]
        if reply.code == 0 or reply.code >= 400:
            return [*out, f"wget: server returned error: HTTP/1.1 {reply.code} {_reason(reply.code)}"]
        run.status = 0
        if to_stdout:
            return [*out, *(reply.body.rstrip("\n").split("\n") if reply.body else [])]
        name = url.rstrip("/").rsplit("/", 1)[-1] if url.count("/") > 2 else "index.html"
        run.files.append((run.elapsed, self._path(name), reply.body.rstrip("\n")))
        size = len(reply.body.encode())
        return [*out, f"saving to '{name}'", f"{name:<18} 100% |********************************| {size:>4}  "
                "0:00:00 ETA", f"'{name}' saved"] if not quiet else []

    def _nslookup(self, args: list[str], run: _Run) -> list[str]:
        names = [a for a in args if not a.startswith("-")]
        if not names:
            run.status = 1
            return ["Usage: nslookup [HOST] [SERVER]"]
        name = names[0]
        out = [f"Server:\t\t{dns.NAMESERVER}", f"Address:\t{dns.NAMESERVER}:53", ""]
        answer = self.view.resolver.resolve(name)
        if answer is None:
            run.status = 1
            return [*out, *(f"** server can't find {c}: NXDOMAIN" for c in self.view.resolver.candidates(name)[-1:]),
                    ""]
        for address in answer.addresses:
            out += [f"Name:\t{answer.name}", f"Address: {address}"]
        return [*out, ""]

    def _ping(self, args: list[str], run: _Run) -> list[str]:
        names = [a for a in args if not a.startswith("-") and not a.isdigit()]
        count = next((int(b) for a, b in itertools.pairwise(args) if a == "-c" and b.isdigit()), 0)
        if not names:
            run.status = 1
            return ["ping: usage error: Destination address required"]
        answer = self.view.resolver.resolve(names[0])
        if answer is None or not answer.addresses:
            run.status = 1
            return [f"ping: bad address '{names[0]}'"]
        ip = answer.addresses[0]
        run.lines.append((run.elapsed, f"PING {names[0]} ({ip}): 56 data bytes"))
        # A ClusterIP is a virtual address that only kube-proxy's rules for its ports know: nothing answers ICMP.
        reachable = not answer.service and self.view.pingable(ip)
        passes = count or 1
        for seq in range(passes):
            if reachable:
                run.lines.append((run.elapsed, f"64 bytes from {ip}: seq={seq} ttl=63 time=0.081 ms"))
            run.elapsed += 1.0
        if not count:
            run.forever = True
            return []
        received = passes if reachable else 0
        run.status = 0 if received else 1
        loss = 0 if received else 100
        return ["", f"--- {names[0]} ping statistics ---",
                f"{passes} packets transmitted, {received} packets received, {loss}% packet loss"]


def _reason(code: int) -> str:
    return {200: "OK", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}.get(code, "")


def hosts_file(view: PodView) -> str:
    """The ``/etc/hosts`` the kubelet writes (managed hosts file), with the pod's own name."""
    name = view.hostname
    if view.subdomain:
        name = f"{view.hostname}.{view.subdomain}.{view.namespace}.svc.{dns.CLUSTER_DOMAIN}\t{view.hostname}"
    return (
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        "fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n"
        f"{view.pod_ip}\t{name}"
    )
