"""The small shell a container's command runs through: newlines, pipes, assignments and $?."""

from __future__ import annotations

from kubetui.node.process import _interpret, _Run, _tokens, program_for


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
