"""What curl and busybox wget print for one GET, whoever sent it (an exec, or a container's own command)."""

from __future__ import annotations

from kubetui.node.http_clients import Fetched, Target, body_lines, curl, parse_url, wget, wget_url
from kubetui.node.network import Reply
from kubetui.node.process import OPEN

WEB = Target("web", 80, "/")


def test_a_body_without_its_final_newline_leaves_the_line_open() -> None:
    assert body_lines("OK!") == ["OK!" + OPEN]
    assert body_lines("a\nb\n") == ["a", "b"]
    assert body_lines("") == []


def test_parse_url() -> None:
    assert parse_url("http://php-apache") == Target("php-apache", 80, "/")
    assert parse_url("https://web:8443/healthz?x=1") == Target("web", 8443, "/healthz?x=1")


def test_curl_prints_the_body_or_its_error_and_silent_hides_errors_unless_show_error() -> None:
    ok = Fetched(WEB, "10.96.0.20", Reply(200, "", "default/web-1", "OK!"))
    assert curl(["-s", "http://web"], ok).lines == ["OK!" + OPEN]
    unresolved = Fetched(WEB, "", None)
    assert curl(["http://web"], unresolved).lines == ["curl: (6) Could not resolve host: web"]
    assert curl(["-s", "http://web"], unresolved).lines == []
    assert curl(["-sS", "http://web"], unresolved).status == 6
    assert curl(["-sS", "http://web"], unresolved).lines == ["curl: (6) Could not resolve host: web"]
    refused = Fetched(WEB, "10.96.0.20", Reply(None, "dial tcp 10.96.0.20:80: connect: connection refused"))
    printed = curl(["http://web"], refused)
    assert printed.status == 7 and printed.waited == 0.0
    timeout = curl(["http://web"], Fetched(WEB, "10.96.0.20", Reply(None, "dial tcp: i/o timeout")))
    assert timeout.status == 28 and timeout.waited == 130.0


def test_wget_quiet_to_stdout_saves_otherwise_and_names_the_address() -> None:
    ok = Fetched(WEB, "10.96.0.20", Reply(200, "", "default/web-1", "<html></html>\n"))
    assert wget(["-q", "-O-", "http://web"], ok).lines == ["<html></html>"]
    assert wget(["-qO-", "web"], ok).lines == ["<html></html>"]
    saved = wget(["http://web"], ok)
    assert saved.lines[0] == "Connecting to web (10.96.0.20:80)" and saved.saved == ("index.html", "<html></html>")
    assert wget(["-q", "http://web"], ok).lines == []
    refused = wget(["-q", "-O-", "http://web"], Fetched(WEB, "10.96.0.20", Reply(None, "connection refused")))
    assert refused.lines == ["wget: can't connect to remote host (10.96.0.20): Connection refused"]
    assert wget(["-q", "-O-", "http://web"], Fetched(WEB, "", None)).lines == ["wget: bad address 'web'"]
    error = wget(["-q", "-O-", "http://web"], Fetched(WEB, "10.96.0.20", Reply(503, "", "", "")))
    assert error.lines == ["wget: server returned error: HTTP/1.1 503 Service Unavailable"] and error.status == 1


def test_timeouts_end_the_wait_where_the_options_say() -> None:
    silent = Fetched(WEB, "10.96.0.20", Reply(None, "dial tcp 10.96.0.20:80: i/o timeout"))
    max_time = curl(["-m", "3", "http://web"], silent)
    assert max_time.lines == ["curl: (28) Connection timed out after 3001 milliseconds"] and max_time.waited == 3
    connect = curl(["--connect-timeout=2", "http://web"], silent)
    assert connect.lines == ["curl: (28) Failed to connect to web port 80 after 2002 ms: Timeout was reached"]
    assert connect.waited == 2
    assert wget_url(["-qO-", "-T", "3", "web"]) == "http://web"  # -T's 3 is not the URL
    timed = wget(["-O-", "-T", "2", "http://web"], silent)
    assert timed.lines == ["Connecting to web (10.96.0.20:80)", "wget: download timed out"]
    assert (timed.waited, timed.early) == (2, 1)  # the Connecting line comes before the wait
    assert wget(["-qO-", "http://web"], silent).waited == 130.0
