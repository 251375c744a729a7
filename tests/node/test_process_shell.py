"""The small shell a container's command runs through: newlines, pipes, assignments and $?."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kubetui.node.process import OPEN, _interpret, _Run, _tokens, program_for


def run(script: str) -> _Run:
    state = _Run(frozenset(), "busybox", "pod", {"HOSTNAME": "pod"})
    _interpret(_tokens(script), state)
    return state


def lines(state: _Run) -> list[str]:
    return [text for _, text in state.lines]


def test_a_newline_ends_a_command_as_a_yaml_block_script_writes_it() -> None:
    state = run("echo start\nsleep 5\necho \"two\nlines\"\nexit 2\n")
    assert lines(state) == ["start", "two", "lines"] and state.elapsed == 5 and state.status == 2


def test_pipes_filter_what_the_command_before_printed() -> None:
    assert lines(run("printenv | grep HOST")) == ["HOSTNAME=pod"]
    assert lines(run("echo a; echo b | wc -l")) == ["a", "1"]
    assert lines(run("for i in 3 1 2; do echo $i; done | sort")) == ["1", "2", "3"]
    state = run("echo x | grep y")
    assert lines(state) == [] and state.status == 1
    assert lines(run("echo one | grep -v two | head -1")) == ["one"]


def test_assignments_export_and_the_last_status() -> None:
    assert lines(run("A=1; export B=2; echo $A$B")) == ["12"]
    assert lines(run("false; echo $?; true; echo $?")) == ["1", "0"]


def test_a_shell_kept_open_by_stdin_runs_until_it_exits() -> None:
    spec = {"name": "c", "image": "busybox", "command": ["sh"], "stdin": True, "tty": True}
    assert program_for(spec, {}, "pod", ()).stdin_shell
    assert program_for(spec, {}, "pod", ()).exit_after == float("inf")
    closed = {**spec, "stdin": False}
    assert not program_for(closed, {}, "pod", ()).stdin_shell and program_for(closed, {}, "pod", ()).exit_after == 0
    no_bash = {**spec, "command": ["bash"]}  # busybox has no bash: it cannot start, stdin or not
    assert program_for(no_bash, {}, "pod", ()).start_error


def test_filters_read_the_files_they_name() -> None:
    state = _Run(frozenset(), "busybox", "pod", {})
    state.files = [(0.0, "/etc/resolv.conf", "search default.svc.cluster.local\nnameserver 10.96.0.10")]
    _interpret(_tokens("grep search /etc/resolv.conf; head -n 1 /etc/resolv.conf; grep -c e /etc/resolv.conf"), state)
    assert lines(state) == ["search default.svc.cluster.local", "search default.svc.cluster.local", "2"]
    _interpret(_tokens("grep x /nope"), state)
    assert lines(state)[-1] == "grep: /nope: No such file or directory" and state.status == 2


def shell(script: str, name: str = "busybox", files: dict[str, str] | None = None,
          read_only: frozenset[str] = frozenset(), tools: frozenset[str] = frozenset()) -> _Run:
    state = _Run(tools, name, "pod", {"HOSTNAME": "pod"}, read_only=read_only)
    state.files = [(0.0, path, text) for path, text in (files or {}).items()]
    _interpret(_tokens(script), state)
    return state


DEBIAN = frozenset({"sh", "bash", "echo", "cat", "apt-get", "apt", "which", "touch"})


def test_echo_reads_its_options_and_escapes_as_each_shell_does() -> None:
    assert lines(run("echo -en '\\n\\n'; echo x")) == ["", "", "x"]
    assert lines(run("echo -e 'a\\tb\\\\c'; echo -e \"d\\\\c\"; echo e")) == ["a\tb\\c", "de"]  # \c: stop
    assert lines(run("echo -n x; echo y")) == ["xy"]  # no newline: the next output continues the line
    assert lines(run("echo -ne 'a\\n'; echo -E 'b\\n'; echo 'c\\n'")) == ["a", "b\\n", "c\\n"]  # busybox: only -e
    dash = shell("echo -e 'a\\tb'; echo -n 'c\\n'", "debian", tools=DEBIAN)  # dash: only -n, escapes always
    assert lines(dash) == ["-e a\tb", "c"]
    assert lines(shell("bash -c \"echo -e 'a\\tb'\"", "debian", tools=DEBIAN)) == ["a\tb"]


def test_printf_formats_and_reuses_its_format() -> None:
    assert lines(run("printf '%s\\n' a b")) == ["a", "b"]
    assert lines(run('printf "x=%d\\n" 3; printf "%5.1f|%x|%-3s|\\n" 2.25 255 ab')) == ["x=3", "  2.2|ff|ab |"]
    assert lines(run("printf '%s=%s\\n' a 1 b; printf 'no newline'; echo !")) == ["a=1", "b=", "no newline!"]
    state = run("printf '%d\\n' abc")
    assert lines(state) == ["0", "printf: invalid number 'abc'"] and state.status == 1


def test_test_and_double_brackets_see_files_strings_and_numbers() -> None:
    files = {"/etc/podinfo/labels": 'app="x"', "/tmp/empty": ""}
    script = ("[[ -e /etc/podinfo/labels ]]; echo $?; [ -f /nope ]; echo $?; [ ! -f /nope ]; echo $?; "
              "[ -d /etc/podinfo ]; echo $?; [ -s /tmp/empty ]; echo $?; test -z ''; echo $?; [ -n '' ]; echo $?; "
              "[ a = a ]; echo $?; [ a != a ]; echo $?; [ 3 -lt 5 ]; echo $?; [ 3 -ge 5 ]; echo $?")
    assert lines(shell(script, files=files)) == ["0", "1", "0", "0", "1", "0", "1", "0", "1", "0", "1"]
    assert lines(shell("[ 1 -eq x ]; echo $?")) == ["sh: x: bad number", "2"]
    missing = shell("[[ -e /x ]]", "debian", tools=DEBIAN)  # dash has no [[
    assert lines(missing) == ["sh: 1: [[: not found"] and missing.status == 127


def test_if_runs_the_branch_its_condition_chooses() -> None:
    assert lines(run("if true; then echo yes; else echo no; fi; echo after")) == ["yes", "after"]
    assert lines(run("if false; then echo yes; else echo no; fi")) == ["no"]
    assert lines(run("if [ -e /nope ]; then echo a; elif true; then echo b; else echo c; fi")) == ["b"]
    assert lines(run("if false; then if true; then echo a; fi; else echo b; fi; echo c")) == ["b", "c"]
    assert lines(run("if true; then if false; then echo a; else echo in; fi; echo out; fi")) == ["in", "out"]
    assert lines(run("for i in 1 2; do if [ $i -eq 2 ]; then echo two; fi; done")) == ["two"]
    assert lines(run("if false\nthen\n  echo a\nfi\necho b")) == ["b"]


class _Mounted:
    """The files a container mounts, as the lines it prints read them (nothing fetched, nothing asked)."""

    def __init__(self, mounts: dict[str, str]) -> None:
        self.mounts = mounts

    def file_at(self, path: str, when: float) -> str | None:
        return self.mounts.get(path)

    def fetch_output(self, words: list[str], when: float) -> str:
        return OPEN

    def asked_output(self, when: float) -> str:
        return OPEN


def test_the_downward_api_pages_loop_logs_the_mounted_files_every_five_seconds() -> None:
    script = ("while true; do if [[ -e /etc/podinfo/labels ]]; then echo -en '\\n\\n'; cat /etc/podinfo/labels; fi; "
              "if [[ -e /etc/podinfo/annotations ]]; then echo -en '\\n\\n'; cat /etc/podinfo/annotations; fi; "
              "sleep 5; done;")
    spec = {"name": "client-container", "image": "registry.k8s.io/busybox", "command": ["sh", "-c"], "args": [script]}
    mounts = {"/etc/podinfo/labels": 'zone="us-est-coast"', "/etc/podinfo/annotations": 'builder="john-doe"'}
    program = program_for(spec, {}, "pod", (), mounts=mounts)
    logged = program.log_lines(0.0, 6.0, _Mounted(mounts))
    once = ["", "", 'zone="us-est-coast"', "", "", 'builder="john-doe"']
    assert [text for _, text in logged] == once + once and [at for at, _ in logged][6] == 5.0


def test_a_hash_starts_a_comment_only_at_the_start_of_a_word() -> None:
    assert lines(run("# Run this in the shell inside the container\necho hi # note")) == ["hi"]
    assert lines(run("echo http://x/#y a#b '#quoted'")) == ["http://x/#y a#b #quoted"]
    assert lines(run("echo a;# c\necho b")) == ["a", "b"]


def test_redirections_are_parsed_not_printed() -> None:
    assert lines(run("echo b 1>&2; echo c >&2 2>&1")) == ["b", "c"]
    assert lines(run("echo a > /dev/null; echo b >/dev/null 2>&1; cat /nope 2>/dev/null; echo $?")) == ["1"]
    assert lines(run("cat /nope &>/dev/null; echo $?; cat /nope > /dev/null")) == [
        "1", "cat: can't open '/nope': No such file or directory"]  # stderr still reaches the terminal
    state = run("echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; echo 2 > /tmp/g; cat /tmp/g")
    assert lines(state) == ["one", "two", "2"]
    files = {"/etc/hosts": "127.0.0.1 localhost\n10.0.0.5 pod"}
    assert lines(shell("wc -l < /etc/hosts; grep pod </etc/hosts", files=files)) == ["2", "10.0.0.5 pod"]
    assert lines(shell("cat < /nope; echo $?")) == ["sh: can't open /nope: no such file", "1"]


def test_writes_to_a_read_only_volume_fail_as_each_shell_says() -> None:
    ro = frozenset({"/etc/secret-volume"})
    state = shell("echo x > /etc/secret-volume/x", read_only=ro)
    assert lines(state) == ["sh: can't create /etc/secret-volume/x: Read-only file system"] and state.status == 1
    state = shell("echo x > /etc/secret-volume/x", "debian", read_only=ro, tools=DEBIAN)
    assert lines(state) == ["sh: 1: cannot create /etc/secret-volume/x: Read-only file system"] and state.status == 2
    state = shell("echo x > /etc/secret-volume/x", "bash", read_only=ro, tools=DEBIAN)
    assert lines(state) == ["bash: /etc/secret-volume/x: Read-only file system"] and state.status == 1
    assert not [f for f in state.files if f[1].startswith("/etc/secret-volume")]
    state = shell("touch /etc/secret-volume/y; rm /etc/secret-volume/z; mkdir /etc/secret-volume/d", read_only=ro)
    assert lines(state) == ["touch: /etc/secret-volume/y: Read-only file system",
                            "rm: can't remove '/etc/secret-volume/z': Read-only file system",
                            "mkdir: can't create directory '/etc/secret-volume/d': Read-only file system"]
    state = shell("touch /etc/secret-volume/y", "debian", read_only=ro, tools=DEBIAN)
    assert lines(state) == ["touch: cannot touch '/etc/secret-volume/y': Read-only file system"] and state.status == 1
    assert lines(shell("touch /tmp/y && echo ok", read_only=ro)) == ["ok"]


def test_apt_cannot_reach_the_debian_mirrors_from_the_cluster() -> None:
    update = shell("apt-get update", "debian", tools=DEBIAN)
    assert lines(update)[0] == "Ign:1 http://deb.debian.org/debian bookworm InRelease"
    assert "  Temporary failure resolving 'deb.debian.org'" in lines(update)
    assert "Reading package lists... Done" in lines(update) and update.status == 0
    assert lines(update)[-1].startswith("W: Some index files failed to download.")
    install = shell("apt-get install -y curl", "debian", tools=DEBIAN)
    assert lines(install)[-1] == "E: Unable to locate package curl" and install.status == 100
    assert lines(shell("apt update 2>/dev/null", "debian", tools=DEBIAN))[-1] == "All packages are up to date."


def test_which_finds_the_programs_the_image_has() -> None:
    state = shell("which bash cat", "debian", tools=DEBIAN)
    assert lines(state) == ["/usr/bin/bash", "/usr/bin/cat"] and state.status == 0
    state = shell("which curl", "debian", tools=DEBIAN)
    assert lines(state) == [] and state.status == 1
    busybox = frozenset({"sh", "which", "wget"})
    assert lines(shell("which wget", tools=busybox)) == ["/bin/wget"]


PIECES = [*"abc $(){}[]|&;<>'\"`\\#=!-\n\t/.*?~012", "echo ", "if ", "then ", "fi", "else ", "while ", "do ", "done",
          "for ", "in ", "cat ", "grep ", "[[ ", " ]]", "printf ", "%s", "%d", "2>&1", ">/dev/null", "sleep 1",
          "exit ", "test ", "-e ", "$?", "$HOME"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
def test_no_script_breaks_the_shell(script: str) -> None:
    """Whatever a manifest's command or an exec line says, the shell decides something and raises nothing."""
    state = _Run(frozenset(), "busybox", "pod", {"HOME": "/root"})
    state.files = [(0.0, "/etc/x", "a\nb")]
    _interpret(_tokens(script), state)
    for image, shell in (("busybox", "sh"), ("nginx", "bash")):
        program_for({"name": "c", "image": image, "command": [shell, "-c", script]}, {}, "pod", ())


def test_seq_counts_and_a_for_list_expands_command_substitutions() -> None:
    """Debug Services' ``for i in $(seq 1 3); do wget -qO- <ip>:80; done``: three passes, not one."""
    assert lines(run("seq 3; seq 5 -2 1")) == ["1", "2", "3", "5", "3", "1"]
    assert lines(run("for i in $(seq 1 3); do echo pass $i; done")) == ["pass 1", "pass 2", "pass 3"]
    assert lines(run("for w in $(echo a b) c; do echo $w; done")) == ["a", "b", "c"]
    failed = run("seq x")
    assert lines(failed) == ["seq: invalid floating point argument: 'x'"] and failed.status == 1
    assert len(lines(run("seq 1000000"))) == 10_000, "bounded: a simulated shell must not hang on a huge count"
