"""A container's own command: pipes, command substitutions and ``read`` see a volume's file, not its placeholder."""

from __future__ import annotations

from kubetui.node import http_clients
from kubetui.node.http_clients import Fetched, Target
from kubetui.node.network import Reply
from kubetui.node.process import program_for

DATA = {"/input/data.txt": "hello\nworld\nfoo"}


def _printed(script: str, shared: dict[str, str] | None = None) -> list[str]:
    program = program_for({"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", script]}, {}, "pod", (),
                          shared=DATA if shared is None else shared)
    return [text for _, text in program.lines]


def test_a_pipe_gets_the_shared_file_s_lines() -> None:
    assert _printed("cat /input/data.txt | rev") == ["olleh", "dlrow", "oof"]
    assert _printed("cat /input/data.txt | wc -l") == ["3"]
    assert _printed("cat /input/data.txt | grep o") == ["hello", "world", "foo"]
    assert _printed("echo $(cat /input/data.txt | wc -l) lines") == ["3 lines"]
    assert _printed("cat /input/data.txt | wc -l", {"/input/data.txt": ""}) == ["0"]


def test_read_is_a_builtin_fed_by_a_redirection_or_a_pipe() -> None:
    expected = ["got hello", "got world", "got foo"]
    assert _printed('while read l; do echo "got $l"; done < /input/data.txt') == expected
    assert _printed('cat /input/data.txt | while read l; do echo "got $l"; done; echo end') == [*expected, "end"]
    assert _printed("read first < /input/data.txt; echo $first") == ["hello"]
    assert _printed("command -v read") == ["read"]


def test_wc_names_the_file_it_counted_and_empty_lines_count() -> None:
    assert _printed("wc -l /input/data.txt") == ["3 /input/data.txt"]
    script = "echo a > /tmp/f; echo '' >> /tmp/f; echo b >> /tmp/f; wc -l /tmp/f; cat /tmp/f | rev"
    assert _printed(script) == ["3 /tmp/f", "a", "", "b"]


def test_set_e_ends_the_script_at_a_failing_command() -> None:
    program = program_for({"name": "c", "image": "busybox", "command": ["sh", "-c", "set -e; false; echo no"]}, {},
                          "pod", ())
    assert (program.lines, program.exit_code) == ((), 1)
    program = program_for({"name": "c", "image": "busybox", "command": ["sh", "-c", "set -e; false || echo yes"]},
                          {}, "pod", ())
    assert ([t for _, t in program.lines], program.exit_code) == (["yes"], 0)


def test_a_one_shot_wget_is_left_for_the_runtime_to_ask_and_the_script_goes_on_with_its_status() -> None:
    program = program_for({"name": "c", "image": "busybox", "command": [
        "sh", "-c", "echo start; wget -O /work-dir/index.html http://web && echo fetched; echo last"]}, {}, "pod", ())
    assert program.ask_words == ("wget", "-O", "/work-dir/index.html", "http://web")
    assert program.exit_after == float("inf") and program.resume is not None
    failed = program.resume(1, "wget: bad address 'web'\n")
    assert [t for _, t in failed.lines] == ["wget: bad address 'web'", "last"] and failed.exit_code == 0
    program = program_for({"name": "c", "image": "busybox", "command": ["wget", "-O", "/w/x", "http://web"]}, {},
                          "pod", ())
    assert program.resume is not None and program.resume(1, "").exit_code == 1


def _wget(args: list[str], old: bool) -> list[str]:
    fetched = Fetched(Target("web", 80, "/"), "10.96.0.20", Reply(200, "", "default/web", "x" * 611 + "\n"))
    return http_clients.wget(args, fetched, old).lines


def test_busybox_1_28_wget_prints_its_meter_alone_and_1_36_names_the_o_path() -> None:
    assert _wget(["-O", "/work-dir/index.html", "http://web"], old=True) == [
        "Connecting to web (10.96.0.20:80)",
        "index.html           100% |*******************************|   612   0:00:00 ETA"]
    assert _wget(["-O", "/work-dir/index.html", "http://web"], old=False) == [
        "Connecting to web (10.96.0.20:80)", "saving to '/work-dir/index.html'",
        "index.html           100% |********************************|   612  0:00:00 ETA",
        "'/work-dir/index.html' saved"]
    assert http_clients.old_busybox("busybox:1.28") and not http_clients.old_busybox("busybox:1.36")
    assert http_clients.wget_output(["-qO-", "http://web"]) == "-"
