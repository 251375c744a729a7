"""bash's indexed arrays in the small shell, the syntax error sh gives for them, and a command's view of the files
its data volumes hold as it starts."""

from __future__ import annotations

from kubetui.node.process import FILE, _command, _Run, program_for


def bash(script: str, env: dict[str, str] | None = None, shell: str = "busybox") -> tuple[list[str], int]:
    state = _Run(frozenset(), shell, "pod", {"HOSTNAME": "pod", **(env or {})})
    _command(["bash", "-c", script], state)
    return [text for _, text in state.lines], state.status


def sh(script: str, shell: str) -> tuple[list[str], int, bool]:
    state = _Run(frozenset(), shell, "pod", {"HOSTNAME": "pod"})
    _command(["sh", "-c", script], state)
    return [text for _, text in state.lines], state.status, state.exited


def test_an_array_by_index_from_the_environment() -> None:
    script = "items=(foo bar baz qux xyz)\necho ${items[$JOB_COMPLETION_INDEX]}\n"
    assert [bash(script, {"JOB_COMPLETION_INDEX": str(i)})[0] for i in range(5)] == [
        ["foo"], ["bar"], ["baz"], ["qux"], ["xyz"]]


def test_elements_all_of_them_their_count_and_lengths() -> None:
    assert bash("items=(foo bar baz); echo ${items[2]} ${items[@]} ${#items[@]} ${#items[0]} ${items[*]}")[0] == [
        "baz foo bar baz 3 3 foo bar baz"]
    assert bash("a=(x y z); i=1; echo ${a[i]} ${a[i+1]} ${a[-1]} $a ${a} [${a[7]}]")[0] == ["y z z x x []"]
    assert bash("a=(\n  'one two'  # the first\n  three\n); echo ${#a[@]} ${a[0]}")[0] == ["2 one two"]


def test_assigning_elements_appending_and_looping() -> None:
    assert bash("a=(x y); a[3]=w; a+=(v); a[0]+=1; echo ${a[@]} ${#a[@]}")[0] == ["x1 y w v 4"]
    assert bash("s=ab; s+=cd; echo $s")[0] == ["abcd"]
    assert bash("a=(1 2 3); for n in ${a[@]}; do echo n$n; done")[0] == ["n1", "n2", "n3"]
    assert bash("d=(x); b=($(echo p q) $d); echo ${#b[@]} ${b[1]} ${b[2]}")[0] == ["3 q x"]


def test_busybox_ash_and_dash_refuse_the_parenthesis() -> None:
    assert sh("echo before; items=(foo bar); echo ${items[0]}", "busybox") == (
        ['sh: syntax error: unexpected "("'], 2, True)
    assert sh("items=(foo bar)", "debian") == (['sh: 1: Syntax error: "(" unexpected'], 2, True)
    assert bash("echo a=(b)")[0] == ["bash: -c: line 1: syntax error near unexpected token `('"]
    lines, status = bash("if true; then a=(1 2); fi; echo ${a[1]}")
    assert (lines, status) == (["2"], 0)


def test_the_pages_init_container_writes_its_item_into_the_volume() -> None:
    spec = {"name": "input", "image": "docker.io/library/bash",
            "command": ["bash", "-c", "items=(foo bar baz qux xyz)\necho ${items[$JOB_COMPLETION_INDEX]} > "
                                      "/input/data.txt\n"]}
    program = program_for(spec, {}, "pod", (), env={"JOB_COMPLETION_INDEX": "3"})
    assert program.files == ((0.0, "/input/data.txt", "qux"),) and program.exit_code == 0 and not program.lines


def test_a_command_sees_the_files_its_volumes_hold_at_start() -> None:
    shared = {"/input/data.txt": "foo", "/input/sub/more": "x"}
    rev = program_for({"name": "w", "image": "busybox", "command": ["rev", "/input/data.txt"]}, {}, "pod", (),
                      shared=shared)
    assert rev.lines == ((0.0, "oof"),) and rev.exit_code == 0 and rev.files == ()
    script = ("test -f /input/data.txt && echo f; [ -d /input/sub ] && echo d; ls /input; cat /input/data.txt; "
              "echo foo > /input/data.txt2; cat /input/data.txt2; x=$(cat /input/data.txt); echo x$x")
    program = program_for({"name": "m", "image": "busybox", "command": ["sh", "-c", script]}, {}, "pod", (),
                          shared=shared)
    # a cat that prints a shared file reads it as the line is printed (another container may rewrite it)
    assert [text for _, text in program.lines] == ["f", "d", "data.txt", "sub", FILE.format("/input/data.txt"),
                                                   "foo", "xfoo"]
    assert program.files == ((0.0, "/input/data.txt2", "foo"),)
    own = program_for({"name": "m", "image": "busybox",
                       "command": ["sh", "-c", "echo new > /input/data.txt; cat /input/data.txt"]}, {}, "pod", (),
                      shared=shared)
    assert [text for _, text in own.lines] == ["new"], "what it wrote itself it reads back at once"
    missing = program_for({"name": "w", "image": "busybox", "command": ["rev", "/input/data.txt"]}, {}, "pod", ())
    assert missing.lines == ((0.0, "rev: /input/data.txt: No such file or directory"),) and missing.exit_code == 1
