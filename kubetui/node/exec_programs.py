"""The programs of a ``kubectl exec`` that answer from the pod and the live cluster, not from the image alone.

``cd``/``pwd``/``ls``/``cat`` see the container's files: its volumes' (the kubelet's mounts), the kubelet's own
(``/etc/hosts``, ``/etc/resolv.conf``, ``/etc/hostname``), a few of the image's, and what the session wrote.
``curl``/``wget`` reach a Service through this node's kube-proxy rules and a pod over the pod network, so the
server's access log shows the request; ``nslookup`` asks the pod's nameserver (kubetui.node.dns); ``ping`` gets no
answer from a ClusterIP, a virtual address; ``ps`` shows PID 1; ``kill 1`` signals it. The shell in
kubetui.node.process calls them through its ``tool`` hook, so they work in scripts and pipes as well.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kubetui.node import dns, http_clients
from kubetui.node.http_clients import Fetched, Target, parse_url
from kubetui.node.network import Reply
from kubetui.node.process import STAMP, Program, _Run, absolute, render
from kubetui.node.usage import TCP_CONNECT_TIMEOUT
from kubetui.sim.clock import Clock

if TYPE_CHECKING:
    from kubetui.node.runtime import Container, ContainerRuntime

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
STDIN = "kubetui-stdin"  # the program that hands an exec's piped stdin to the command after it
NO_SERVERS = ";; connection timed out; no servers could be reached"


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
    share_processes: bool = False  # shareProcessNamespace: the pod's containers see each other's processes


class Programs:
    """The ``tool`` hook of an exec's shell: the output of the programs below, or None for any other."""

    def __init__(self, view: PodView, container: Container, runtime: ContainerRuntime, clock: Clock,
                 shell: str) -> None:
        self.view = view
        self.container = container
        self.runtime = runtime
        self.clock = clock
        self.shell = shell  # what ps shows as the exec's own process
        self.cwd = view.working_dir or "/"
        self.tty = False  # ls lists in columns on a terminal, one name a line otherwise
        self.attach_session = False  # kubectl attach: the shell is the container's own process, not an exec's
        self.stdin: list[str] = []  # what ``kubectl exec -i`` piped in, for a command that reads it
        self.written = 0  # run.files up to here are the container's; after it, what the command wrote
        self.unanswered = False  # the last lookup found no DNS server to ask

    def visible(self) -> dict[str, str]:
        """Every file the process can read now: the container's (image, layer, volumes) and the kubelet's."""
        view = self.view
        files = {
            "/etc/hostname": view.hostname,
            "/etc/hosts": hosts_file(view),
            "/etc/resolv.conf": view.resolver.config.resolv_conf().rstrip("\n"),
            "/proc/mounts": self._proc_mounts(),
        }
        key = self.container.program.shell or "busybox"
        release = OS_RELEASE.get("alpine" if "alpine" in self.container.image else key, "")
        if release:
            files["/etc/os-release"] = release
        files.update(self.container.files(self.clock.now))
        return files

    def _proc_mounts(self) -> str:
        """The mounts a learner looks for in /proc/mounts: the root overlay, the kubelet's files and the volumes."""
        rows = ["overlay / overlay rw,relatime 0 0", "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0",
                "tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0"]
        rows += [f"/dev/root {path} ext4 rw,relatime 0 0" for path in ("/etc/hosts", "/etc/hostname",
                                                                      "/etc/resolv.conf")]
        config_dirs = sorted({path.rsplit("/", 1)[0] for path in self.container.mounts})
        rows += [f"tmpfs {path} tmpfs ro,relatime 0 0" for path in config_dirs]
        rows += [f"/dev/root {path} ext4 rw,relatime 0 0" for path in sorted(self.container.volumes)]
        return "\n".join(rows)

    def files(self, run: _Run) -> dict[str, str | None]:
        """The files as the command sees them: the container's when it started, and what it wrote since."""
        return {path: text for _, path, text in run.files}

    def path(self, path: str) -> str:
        """An absolute, normalised path (relative ones from the working directory)."""
        return self._path(path)

    def _path(self, path: str) -> str:
        return absolute(path, self.cwd)

    def commit(self, run: _Run, start: float) -> None:
        """What the command wrote goes to the container (its layer, or the volume mounted there), at its moment."""
        for at, path, text in run.files[self.written:]:
            self.container.write(path, text, start + at)
        self.written = len(run.files)

    def __call__(self, name: str, args: list[str], run: _Run) -> list[str] | None:
        """The programs that answer from the live cluster or the session's own state; None: not one of them."""
        self.commit(run, self.clock.now)  # ``echo hi > index.html; curl localhost``: the server sees the file
        if name == STDIN:
            return list(self.stdin)
        if name == "cd":
            target = self._path(args[0]) if args else "/root"
            if target != "/" and not self._is_dir(target, run):
                run.status = 1 if run.shell_name == "bash" else 2
                return [f"{'bash' if run.shell_name == 'bash' else 'sh'}: cd: {args[0]}: No such file or directory"
                        if run.shell_name != "debian" else f"sh: 1: cd: can't cd to {args[0]}"]
            self.cwd = run.cwd = target
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
            "hostname": self._hostname, "host": self._host, "dig": self._dig, "nc": self._nc,
        }
        handler = handlers.get(name)
        return handler(args, run) if handler is not None else None

    def _cat(self, args: list[str], run: _Run) -> list[str]:
        files, out = self.files(run), []
        for arg in args:
            path = self._path(arg)
            text = files.get(path) if not path.startswith("/proc/") else self._proc_root(path)
            if text is None:
                run.status = 1
                why = "Is a directory" if self._is_dir(path, run) else "No such file or directory"
                out.append(f"cat: can't open '{arg}': {why}" if run.shell_name == "busybox" else f"cat: {arg}: {why}")
            elif text:
                out.extend(text.removesuffix("\n").split("\n"))
        return out

    def _proc_root(self, path: str) -> str | None:
        """/proc/<pid>/root/<file>: that process's file system, another container's in a shared process namespace."""
        found = re.fullmatch(r"/proc/(\d+)/root(/.*)", path)
        if found is None:
            return None
        for pid, _, _, container in self._processes([]):
            if str(pid) == found.group(1) and container is not None:
                return container.read(found.group(2), self.clock.now)
        return None

    def _is_dir(self, path: str, run: _Run) -> bool:
        if path == "/" or path.strip("/") in ROOT_ENTRIES:
            return True
        prefix = path.rstrip("/") + "/"
        return any(p.startswith(prefix) for p, text in self.files(run).items() if text is not None)

    def _ls(self, args: list[str], run: _Run) -> list[str]:
        long = any(a.startswith("-") and "l" in a for a in args)
        targets = [a for a in args if not a.startswith("-")] or ["."]
        files = {p: t for p, t in self.files(run).items() if t is not None}
        out: list[str] = []
        for target in targets:
            path = self._path(target)
            if path in files:
                out.append(target)
                continue
            if not self._is_dir(path, run):
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
                out.extend(entries if not self.tty else ["  ".join(entries)])
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
        rows = [(pid, user, command) for pid, user, command, _ in self._processes(args)]
        if run.shell_name == "busybox":
            return ["PID   USER     TIME  COMMAND"] + [f"{pid:5d} {user:<8} 0:00 {cmd.strip()}"
                                                        for pid, user, cmd in rows]
        return ["    PID TTY          TIME CMD"] + [f"{pid:7d} ?        00:00:00 {cmd.split()[0]}"
                                                   for pid, _, cmd in rows]

    def _processes(self, args: list[str]) -> list[tuple[int, str, str, Container | None]]:
        """(PID, user, command line, the container whose main process it is) as ps sees them: the container's own
        PID 1, this exec's shell and ps; with shareProcessNamespace, the sandbox's /pause as PID 1 and every running
        container's processes."""
        ps = "ps " + " ".join(args)
        if not self.view.share_processes:
            return [(1, "root", self._main_command(), self.container), (7, "root", self.shell, None),
                    (13, "root", ps, None)]
        rows: list[tuple[int, str, str, Container | None]] = [(1, "root", "/pause", None)]
        pid = 8
        for other in sorted((c for c in self.runtime.containers_of(self.container.pod_uid) if c.running),
                            key=lambda c: (c.started_at or 0.0, c.name)):
            rows.append((pid, "root", self._main_command(other), other))
            if other.program.style == "nginx":
                rows.append((pid + 6, "101", "nginx: worker process", None))
                pid += 6
            pid += 1
        if not self.attach_session:
            rows.append((pid, "root", self.shell, None))
            pid += 6
        return [*rows, (pid, "root", ps, None)]

    def _main_command(self, container: Container | None = None) -> str:
        container = container or self.container
        program: Program = container.program
        if program.style == "nginx":
            return "nginx: master process nginx -g daemon off;"
        if container is not self.container:
            return container.command_line or program.style or "sh"
        return self.view.main_command or program.style or "sh"

    def _kill(self, args: list[str], run: _Run) -> list[str]:
        signal = "TERM"
        pids = []
        for arg in args:
            if arg.startswith("-") and len(arg) > 1:
                signal = arg[1:].upper().removeprefix("SIG").removeprefix("S ").strip() or "TERM"
            else:
                pids.append(arg)
        signal = {"9": "KILL", "15": "TERM", "2": "INT", "1": "HUP"}.get(signal, signal)
        if self.view.share_processes:
            return self._kill_shared(signal, pids, run)
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

    def _kill_shared(self, signal: str, pids: list[str], run: _Run) -> list[str]:
        """kill in a shared process namespace: another container's main process is no PID 1 there, so a signal it
        has no handler for takes its default action; nginx reloads on SIGHUP."""
        by_pid = {str(pid): (container, command) for pid, _, command, container in self._processes([])}
        out = []
        for pid in pids:
            found = by_pid.get(pid)
            if found is None or pid == "1":
                out.append(f"sh: can't kill pid {pid}: No such process" if run.shell_name == "busybox"
                           else f"kill: ({pid}) - No such process")
                run.status = 1
                continue
            target, _ = found
            if target is None:
                continue
            now = self.clock.now
            if signal == "HUP" and target.program.style == "nginx":
                sender = max(int(p) for p in by_pid)
                for line in (f"signal 1 (SIGHUP) received from {sender}, reconfiguring", "reconfiguring",
                             'using the "epoll" event method', "start worker processes",
                             f"start worker process {sender + 1}"):
                    target.log(now, render(f"{STAMP} [notice] {pid}#{pid}: {line}", now))
            elif signal == "KILL":
                self.runtime.kill_container(target)
            elif signal in ("TERM", "INT", "QUIT", "HUP"):
                if target.program.handles_sigterm:
                    self.runtime.stop_container(target, float(10**9))
                else:
                    self.runtime.exit_process(target, 128 + {"TERM": 15, "INT": 2, "QUIT": 3, "HUP": 1}[signal])
        return out

    # -- the network ------------------------------------------------------------------------------------------------
    def _resolve(self, name: str, run: _Run, search: bool = True) -> dns.Answer | None:
        """The resolver's answer; with no DNS server to ask, None after the resolver's timeout (``run.unanswered``)."""
        self.unanswered = False
        resolver = self.view.resolver
        send = self._query if resolver.installed() else None  # without the DNS add-on: answered in the process
        try:
            return resolver.resolve(name, send, search)
        except dns.Unanswered:
            self.unanswered = True
            run.elapsed += dns.QUERY_TIMEOUT
            return None

    def _query(self, name: str, found: bool) -> bool:
        """One query's packets: to kube-dns's ClusterIP, port 53, through this node's kube-proxy rules to one CoreDNS
        pod (the events pane shows the jump; its log plugin logs it), or nowhere when none is ready."""
        question = f"{name} {'NOERROR' if found else 'NXDOMAIN'}"
        return self.view.connect(self.view.resolver.server, dns.PORT, question, "").code is not None

    def _fetch(self, url: str, agent: str, run: _Run) -> Fetched:
        """A GET through the pod's network: the address its host resolved to and the reply (None: no such name)."""
        return self._dial(parse_url(url), agent, run)

    def _dial(self, target: Target, agent: str, run: _Run) -> Fetched:
        """A connection from the pod to ``target`` (localhost: its own network namespace), its host resolved by the
        cluster DNS; with a path, a GET of it. The reply is None when the name does not resolve."""
        if target.host in ("localhost", "127.0.0.1"):
            return Fetched(target, "127.0.0.1", self.view.connect(self.view.pod_ip, target.port, target.path, agent))
        answer = self._resolve(target.host, run)
        if answer is None or not answer.addresses:
            return Fetched(target, "", None)
        ip = answer.addresses[0]
        return Fetched(target, ip, self.view.connect(ip, target.port, target.path, agent))

    def _curl(self, args: list[str], run: _Run) -> list[str]:
        url = http_clients.curl_url(args)
        if not url:
            run.status = 2
            return ["curl: try 'curl --help' or 'curl --manual' for more information"]
        return self._printed(http_clients.curl(args, self._fetch(url, http_clients.AGENTS["curl"], run)), run)

    def _wget(self, args: list[str], run: _Run) -> list[str]:
        url = http_clients.wget_url(args)
        if not url:
            run.status = 1
            return list(http_clients.WGET_USAGE)
        printed = http_clients.wget(args, self._fetch(url, http_clients.AGENTS["wget"], run),
                                    http_clients.old_busybox(self.container.image))
        if printed.saved is not None:
            name, content = printed.saved
            run.files.append((run.elapsed, self._path(name), content))
        return self._printed(printed, run)

    @staticmethod
    def _printed(printed: http_clients.Printed, run: _Run) -> list[str]:
        """The client's lines: those it printed before waiting on a connection now, the rest after the wait."""
        run.status = printed.status
        run.lines.extend((run.elapsed, line) for line in printed.lines[: printed.early])
        run.elapsed += printed.waited
        return printed.lines[printed.early :]

    def _nc(self, args: list[str], run: _Run) -> list[str]:
        """``nc -z [-v] [-w N] host port``: does anything accept a connection there (busybox's words, or
        netcat-openbsd's in a Debian image)?

        Simplification: without -z, nc connects and ends at once (no data is sent or read).
        """
        flags = "".join(a[1:] for a in args if a.startswith("-") and not a.startswith("--"))
        values = {"w", "p", "s", "q", "i"}
        words = [a for i, a in enumerate(args) if not a.startswith("-")
                 and not (i and args[i - 1].startswith("-") and args[i - 1][-1] in values)]
        wait = next((float(args[i + 1]) for i, a in enumerate(args[:-1]) if a.startswith("-") and a.endswith("w")
                     and args[i + 1].replace(".", "", 1).isdigit()), None)
        if len(words) < 2 or not words[1].isdigit():
            run.status = 1
            return []
        host, port = words[0], int(words[1])
        busybox = run.shell_name == "busybox"
        dialled = self._dial(Target(host, port, ""), "", run)  # no path: a connection, no request
        ip, reply = dialled.ip, dialled.reply
        if reply is None:
            run.status = 1
            return [f"nc: bad address '{host}'" if busybox else f"nc: getaddrinfo for host \"{host}\" port {port}: "
                    "Name or service not known"]
        verbose = "v" in flags
        if reply.code is not None:
            run.status = 0
            if not verbose:
                return []
            return [f"{host} ({ip}:{port}) open" if busybox else
                    f"Connection to {host} ({ip}) {port} port [tcp/*] succeeded!"]
        timeout = "timeout" in reply.error
        run.elapsed += (min(wait, TCP_CONNECT_TIMEOUT) if wait else TCP_CONNECT_TIMEOUT) if timeout else 0.0
        run.status = 1
        why = "Connection timed out" if timeout else "Connection refused"
        if busybox:
            return [f"nc: can't connect to remote host ({ip}): {why}"]
        return [f"nc: connect to {host} ({ip}) port {port} (tcp) {'timed out' if timeout else 'failed: ' + why}"]

    def _nslookup(self, args: list[str], run: _Run) -> list[str]:
        names = [a for a in args if not a.startswith("-")]
        if not names:
            run.status = 1
            return ["Usage: nslookup [HOST] [SERVER]"]
        name = names[0]
        if run.shell_name == "busybox" and self._libc_nslookup():
            return self._old_nslookup(name, run)
        port = "#53" if run.shell_name != "busybox" else ":53"  # bind's nslookup (dnsutils) or busybox's
        server = self.view.resolver.server  # the pod's first nameserver
        out = [f"Server:\t\t{server}", f"Address:\t{server}{port}", ""]
        answer = self._resolve(name, run)
        if answer is None and self.unanswered:
            run.status = 1
            return [NO_SERVERS]
        if answer is None:
            run.status = 1
            return [*out, *(f"** server can't find {c}: NXDOMAIN" for c in self.view.resolver.candidates(name)[-1:]),
                    ""]
        for address in answer.addresses:
            out += [f"Name:\t{answer.name}", f"Address: {address}"]
        return [*out, ""]

    def _libc_nslookup(self) -> bool:
        """busybox 1.28 and older, whose nslookup asked the libc resolver (1.29 rewrote it): the HPA walkthrough's
        ``busybox:1.28`` and ``gcr.io/google-containers/busybox`` (1.24), which Debug Services uses."""
        return http_clients.old_busybox(self.container.image)

    def _old_nslookup(self, name: str, run: _Run) -> list[str]:
        """The format Debug Services and the DNS page show: ``Address 1: <ip> <name>``; a name it cannot resolve is
        ``nslookup: can't resolve 'x'`` (after the resolver's timeout when no DNS server answers)."""
        answer = self._resolve(name, run)
        server = self.view.resolver.server  # the pod's first nameserver; the cluster DNS's has a reverse name
        dns_name = "" if self.unanswered or server != dns.NAMESERVER else " kube-dns.kube-system.svc.cluster.local"
        out = [f"Server:    {server}", f"Address 1: {server}{dns_name}", ""]
        if answer is None or not answer.addresses:
            run.status = 1
            return [*out, f"nslookup: can't resolve '{name}'"]
        reverse = f" {answer.name}" if answer.service and len(answer.addresses) == 1 else ""
        return [*out, f"Name:      {name}",
                *(f"Address {i}: {address}{reverse}" for i, address in enumerate(answer.addresses, 1))]

    def _host(self, args: list[str], run: _Run) -> list[str]:
        """bind's ``host``: one line per address."""
        names = [a for a in args if not a.startswith("-")]
        if not names:
            run.status = 1
            return ["Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time] hostname [server]"]
        answer = self._resolve(names[0], run)
        if answer is None:
            run.status = 1
            return [NO_SERVERS if self.unanswered else f"Host {names[0]} not found: 3(NXDOMAIN)"]
        return [f"{answer.name} has address {address}" for address in answer.addresses]

    def _dig(self, args: list[str], run: _Run) -> list[str]:
        """bind's ``dig``: the answer section (``+short``: the addresses only). It does not use the search list."""
        names = [a for a in args if not a.startswith(("-", "+", "@"))]
        name = (names[0] if names else ".").rstrip(".")
        answer = self._resolve(name, run, search="+search" in args)
        if self.unanswered:
            run.status = 9
            return [f"; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> {' '.join(args)}", ";; global options: +cmd",
                    NO_SERVERS]
        addresses = answer.addresses if answer is not None else ()
        if "+short" in args:
            return list(addresses)
        fqdn = (answer.name if answer is not None else name) + "."
        out = [f"; <<>> DiG 9.9.5-9+deb8u19-Debian <<>> {' '.join(args)}", ";; global options: +cmd", ";; Got answer:",
               f";; ->>HEADER<<- opcode: QUERY, status: {'NOERROR' if answer is not None else 'NXDOMAIN'}, id: 4711",
               "", ";; QUESTION SECTION:", f";{fqdn}\t\t\tIN\tA", ""]
        if answer is not None:
            out += [";; ANSWER SECTION:", *(f"{fqdn}\t30\tIN\tA\t{address}" for address in addresses), ""]
        server = self.view.resolver.server
        return [*out, f";; SERVER: {server}#53({server})"]

    def _ping(self, args: list[str], run: _Run) -> list[str]:
        names = [a for a in args if not a.startswith("-") and not a.isdigit()]
        count = next((int(b) for a, b in itertools.pairwise(args) if a == "-c" and b.isdigit()), 0)
        if not names:
            run.status = 1
            return ["ping: usage error: Destination address required"]
        answer = self._resolve(names[0], run)
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
