"""``kubectl exec`` and ``kubectl attach``: a process inside a running container, its stdin, output and exit code.

The kubelet's streaming server (CRI Exec and Attach) in spirit. An exec runs its command with the container's
environment through the same small shell as the container's own command (kubetui.node.process), in virtual time:
``sleep 5`` takes five seconds of the cluster's clock. The programs that look at the pod or the cluster (``ls``,
``curl``, ``nslookup``, ``kill 1`` ...) answer from them (kubetui.node.exec_programs). With ``-it`` a shell
(``sh``, ``bash``) reads lines as a terminal would, with its prompt, echo, backspace, history and Ctrl+C.

Attach joins PID 1: its output from now on, and for a shell kept open by ``stdin: true`` (``kubectl run -it ...
-- sh``) that shell itself, whose ``exit`` ends the container.

Simplification: there are no processes: the programs a learner reaches for are modelled (see kubetui.node.process
and kubetui.node.exec_programs) and anything else prints nothing; a request loop in an exec does not load the
Service's pods (only a container's own loop does).
"""

from __future__ import annotations

import asyncio
import codecs
import hashlib
import io
import shlex
import tarfile
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from kubetui.node.exec_programs import STDIN, PodView, Programs
from kubetui.node.process import (
    FILTERS,
    FOREVER,
    OPEN,
    _command,
    _interpret,
    _Run,
    _tokens,
    after_loop,
    loop_goes_round,
    render,
    syntax_error,
)
from kubetui.sim.clock import Clock

if TYPE_CHECKING:
    from kubetui.node.runtime import Container, ContainerRuntime

SHELLS = ("sh", "bash", "ash", "dash")
POLL_SECONDS = 0.02  # how often a waiting session looks at the virtual clock (wall seconds)
INTERRUPTED = 130  # 128 + SIGINT


KEYS = {"[D": "\x02", "OD": "\x02", "[C": "\x06", "OC": "\x06", "[H": "\x01", "OH": "\x01", "[1~": "\x01",
        "[F": "\x05", "OF": "\x05", "[4~": "\x05", "[3~": "\x04"}  # arrows, Home, End, Delete as readline's keys


class _Line:
    """The line being typed and the cursor in it; each key returns what the terminal must be sent to show it."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.cursor = 0

    def redraw(self) -> str:
        return "".join(self.text) + "\b" * (len(self.text) - self.cursor)

    def key(self, char: str) -> str:
        text, at = self.text, self.cursor
        if char in "\x7f\x08":  # backspace
            if not at:
                return ""
            del text[at - 1]
            self.cursor -= 1
            rest = "".join(text[self.cursor:])
            return "\b" + rest + " " + "\b" * (len(rest) + 1)
        if char == "\x04":  # Ctrl+D (or Delete) in a line: delete under the cursor
            if at == len(text):
                return ""
            del text[at]
            rest = "".join(text[at:])
            return rest + " " + "\b" * (len(rest) + 1)
        if char == "\x02":  # left
            if not at:
                return ""
            self.cursor -= 1
            return "\b"
        if char == "\x06":  # right
            if at == len(text):
                return ""
            self.cursor += 1
            return text[at]
        if char == "\x01":  # home
            self.cursor = 0
            return "\b" * at
        if char == "\x05":  # end
            self.cursor = len(text)
            return "".join(text[at:])
        if char == "\x15":  # Ctrl+U: erase before the cursor
            rest = "".join(text[at:])
            del text[:at]
            self.cursor = 0
            return "\b" * at + rest + " " * at + "\b" * (len(rest) + at)
        if char < " ":  # a tab completes nothing here; other control keys do nothing
            return ""
        text.insert(at, char)
        self.cursor += 1
        rest = "".join(text[self.cursor:])
        return char + rest + "\b" * len(rest)

    def replace(self, new: str) -> str:
        """Put ``new`` in place of the whole line (history)."""
        old = len(self.text)
        back = "\b" * self.cursor
        self.text, self.cursor = list(new), len(new)
        return back + new + " " * max(0, old - len(new)) + "\b" * max(0, old - len(new))


READERS = FILTERS | {"cat"}


def _reads_stdin(words: list[str]) -> bool:
    """Does the command read its stdin: a filter with no file named, or a ``sh -c`` script that starts with one."""
    if len(words) > 2 and words[0].rsplit("/", 1)[-1] in SHELLS and words[1] == "-c":
        words = words[2].split()
    if not words or words[0].rsplit("/", 1)[-1] not in READERS:
        return False
    operands = [w for w in words[1:] if not w.startswith("-")]
    return not operands or (words[0] == "grep" and len(operands) == 1)


async def tar_extract(data: bytes, directory: str, container: Container, now: float, term: Terminal) -> int:
    """Unpack an archive into the container (text files only: kubetui's files hold text)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            for member in archive.getmembers():
                read = archive.extractfile(member) if member.isfile() else None
                if read is not None:
                    path = "/" + "/".join(p for p in f"{directory}/{member.name}".split("/") if p not in ("", "."))
                    container.write(path, read.read().decode("utf-8", errors="replace"), now)
    except (tarfile.TarError, EOFError):
        await term.err("tar: This does not look like a tar archive\ntar: Exiting with failure status due to previous "
                       "errors\n")
        return 2
    return 0


async def tar_create(targets: list[str], files: dict[str, str], term: Terminal) -> int:
    """Pack files (a directory: every file under it) into an archive on stdout, names relative to ``/``."""
    buffer, status = io.BytesIO(), 0
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for target in targets:
            found = [p for p in sorted(files) if p == target or p.startswith(target.rstrip("/") + "/")]
            if not found:
                await term.err(f"tar: {target}: Cannot stat: No such file or directory\n")
                status = 2
            for path in found:
                content = files[path].encode()
                info = tarfile.TarInfo(path.lstrip("/"))
                info.size, info.mode = len(content), 0o644
                archive.addfile(info, io.BytesIO(content))
    await term.out_bytes(buffer.getvalue())
    if status:
        await term.err("tar: Exiting with failure status due to previous errors\n")
    return status


class ExecError(Exception):
    """The kubelet could not start the stream (no such container, not running): the HTTP answer's message."""


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

    async def out_bytes(self, data: bytes) -> None:
        """Binary output as it is (``tar cf -`` for ``kubectl cp``)."""
        if not self.closed and data:
            await self._write(1, data)


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
        if attach:  # PID 1: the spec's command, else the image's (bash in Debian and Ubuntu, sh in busybox)
            first = view.main_command.split()[0] if view.main_command else (
                "bash" if program.shell == "debian" else "sh")
        else:
            first = command[0] if command else ""
        shell = self._shell_program(first)
        self.programs = Programs(view, container, runtime, clock, command[0] if command else "sh")
        self.programs.attach_session = attach
        self.run_state = _Run(program.tools, "bash" if shell == "bash" else program.shell, view.hostname,
                              dict(container.env) or {"HOSTNAME": view.hostname}, tool=self.programs)
        self.history: list[str] = []
        self._typed: deque[str] = deque()
        self._raw = bytearray()  # stdin's bytes as sent, for a program that reads binary (tar)
        self._wake = asyncio.Event()
        self._eof = False
        self._busy = False
        self._interrupt = False
        self.term: Terminal | None = None

    # -- the stream --------------------------------------------------------------------------------------------
    async def run(self, term: Terminal) -> int:
        self.term = term
        self.programs.tty = term.tty
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
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")  # a character split between two chunks
        while True:
            data = await term.stdin.get()
            if data is None:
                self._eof = True
                self._wake.set()
                return
            if not term.tty:
                self._raw.extend(data)
            text = decoder.decode(data)
            if term.tty and self._busy and "\x03" in text:
                self._interrupt = True
                text = text.split("\x03", 1)[1]
            self._typed.extend(text)
            self._wake.set()

    async def _exec(self, term: Terminal) -> int:
        words = self.command
        if self._shell_program(words[0]) and all(w in ("-i", "-l", "--login") for w in words[1:]):
            self._check_program(words)  # an image without a shell (pause, distroless) has none to give
            if term.tty:
                return await self._shell(term)
            if self.stdin:  # ``echo ls | kubectl exec -i pod -- sh``: the script comes on stdin
                script = await self._read_all()
                return await self._execute(script, term)
            return 0
        if words[0].rsplit("/", 1)[-1] == "tar" and self.run_state.has("tar"):
            return await self._tar(words[1:], term)
        if self.stdin and not term.tty and _reads_stdin(words):  # ``echo hello | kubectl exec -i pod -- cat``
            self.programs.stdin = (await self._read_all()).splitlines()
            script = words[2] if len(words) > 2 and words[1] == "-c" else shlex.join(words)
            return await self._execute(f"{STDIN} | {script}", term)
        return await self._execute_words(words, term)

    async def _attach(self, term: Terminal) -> int:
        container = self.container
        if container.program.stdin_shell and self.stdin:
            code = await self._shell(term) if term.tty else await self._execute(await self._read_all(), term)
            if not term.closed or self.view.stdin_once:  # it exited, or its stdin closed under it
                self.runtime.exit_process(container, code)
            return code
        _, cursor = container.read_log(None, self.clock.now)  # what it printed before the attach is not shown
        self._busy = True
        while container.running and not term.closed:
            if self._interrupt:  # Ctrl+C on the attached terminal: SIGINT to PID 1's foreground job
                await term.out("^C\n" if term.tty else "")
                self.runtime.interrupt(container)
                break
            fresh, cursor = container.read_log(cursor, self.clock.now)
            if fresh:
                await term.out(fresh)
            await asyncio.sleep(POLL_SECONDS)
        fresh, cursor = container.read_log(cursor, self.clock.now)
        if fresh:
            await term.out(fresh)
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
        """One line, edited as readline edits it: a cursor (arrows, Home/End, Ctrl+A/E), backspace, Ctrl+U, history
        (Up/Down); None on Ctrl+D at an empty line or at the end of stdin."""
        line = _Line()
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
                return "".join(line.text)
            if char == "\x03":
                await term.out("^C\n" + self._prompt())
                line, self.run_state.status = _Line(), INTERRUPTED
            elif char == "\x04" and not line.text:
                return None
            elif char == "\x0c":  # Ctrl+L
                await term.out("\x1b[H\x1b[2J" + self._prompt() + line.redraw())
            elif char == "\x1b":
                sequence = await self._escape(term)
                if sequence in ("[A", "[B", "OA", "OB"):
                    if self.history:
                        step = -1 if sequence[1] == "A" else 1
                        recalled = max(0, min(len(self.history), recalled + step))
                        await term.out(line.replace(self.history[recalled] if recalled < len(self.history) else ""))
                else:
                    await term.out(line.key(KEYS.get(sequence, "")))
            else:
                await term.out(line.key(char))

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

    async def _tar(self, args: list[str], term: Terminal) -> int:
        """``kubectl cp``: it runs ``tar -xmf - -C <dir>`` with the archive on stdin, or ``tar cf - <path>``."""
        flags, operands, directory, index = "", [], self.programs.cwd, 0
        while index < len(args):
            arg = args[index]
            if arg == "-C" and index + 1 < len(args):
                directory, index = self.programs.path(args[index + 1]), index + 2
                continue
            if arg == "-f" and index + 1 < len(args):
                index += 2
                continue
            if (arg.startswith("-") and not arg.startswith("--")) or (index == 0 and not arg.startswith("-")):
                flags += arg.lstrip("-").replace("f", "")
            elif arg != "-" and not arg.startswith("--"):
                operands.append(arg)
            index += 1
        if "x" in flags:
            while self.stdin and not self._eof and not term.closed:
                self._wake.clear()
                await self._wake.wait()
            return await tar_extract(bytes(self._raw), directory, self.container, self.clock.now, term)
        if "c" in flags:
            files = {path: text for path, text in self.programs.visible().items() if text is not None}
            targets = [self.programs.path(f"{directory.rstrip('/')}/{o}" if not o.startswith("/") else o)
                       for o in operands]
            return await tar_create(targets, files, term)
        await term.err("tar: need to specify one of -c, -t, -x\n")
        return 1

    async def _read_all(self) -> str:
        while not self._eof and (self.term is None or not self.term.closed):
            self._wake.clear()
            await self._wake.wait()
        text = "".join(self._typed)
        self._typed.clear()
        return text

    def _prompt(self) -> str:
        if self.run_state.shell_name == "bash":
            return f"root@{self.view.hostname}:{self.programs.cwd}# "
        if self.run_state.shell_name == "busybox":
            return f"{self.programs.cwd} # "
        return "# "

    # -- running a command ----------------------------------------------------------------------------------------
    def run_now(self) -> tuple[int, str]:
        """The command's exit code and everything it prints, at once (a tour's exec): no waiting in virtual time,
        so ``sleep`` takes no time and a loop that never ends shows its first pass."""
        run, words = self.run_state, self.command
        self._check_program(words)
        self._reset(run)
        _command(words, run)
        self.programs.commit(run, self.clock.now)
        lines = [render(text, self.clock.now) for _, text in run.lines]
        if run.forever and run.loop is not None:
            lines += [render(text, self.clock.now) for _, text in run.loop_lines]
        return run.status, "".join(_written(line) for line in lines)

    async def _execute_words(self, words: list[str], term: Terminal) -> int:
        run = self.run_state
        self._check_program(words)
        self._reset(run)
        self._busy = True
        try:
            _command(words, run)
            self.programs.commit(run, self.clock.now)
            return await self._play(run, term)
        finally:
            self._busy = False

    async def _execute(self, script: str, term: Terminal) -> int:
        run = self.run_state
        self._reset(run)
        self._busy = True
        try:
            tokens = _tokens(script)
            refused = syntax_error(tokens, run.shell_name)
            if refused:  # the line is refused as a whole; the shell reads the next one
                run.lines.append((run.elapsed, refused))
                run.status = 2
            else:
                _interpret(tokens, run)
            self.programs.commit(run, self.clock.now)
            return await self._play(run, term)
        finally:
            self._busy = False

    def _check_program(self, words: list[str]) -> None:
        """The runtime cannot start a program the image does not have (the shell's builtins it always has)."""
        first = words[0].rsplit("/", 1)[-1] if words else ""
        if not self.run_state.has(first) and first not in ("exit", "cd", "export"):
            raise ExecError(self._not_found_message(words[0] if words else ""))

    def _reset(self, run: _Run) -> None:
        """Ready for the next command: nothing printed yet, and the container's files as they are now."""
        run.lines, run.elapsed, run.forever, run.exited = [], 0.0, False, False
        run.loop, run.loop_lines, run.loop_start, run.loop_period = None, [], 0.0, 0.0
        run.requests = []
        run.files = [(0.0, path, text) for path, text in self.programs.visible().items()]
        run.read_only = self.container.read_only_dirs
        run.cwd = self.programs.cwd
        self.programs.written = len(run.files)

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
                if header[0] in ("while", "until") and len(header) > 1:  # its condition, asked before each pass
                    again, asked = loop_goes_round(header, run)
                    self.programs.commit(run, at)
                    if not again:  # the script goes on after the loop
                        after = after_loop(run)
                        self.programs.commit(after, self.clock.now)  # it shares the files: what it writes stays
                        return await self._play(after, term)
                    once.lines, once.elapsed = list(asked.lines), asked.elapsed
                _interpret(body, once)
                self.programs.commit(run, at)
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
        await term.out(_written(line))

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


def _written(line: str) -> str:
    """A printed line as the terminal gets it: with its newline, unless it has none yet (OPEN)."""
    return line.removesuffix(OPEN) if line.endswith(OPEN) else f"{line}\n"
