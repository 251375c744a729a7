"""kubectl exec, exec -it, and run -i/-it (attach) with the real kubectl over its WebSocket stream protocol."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import KUBECTL, BackgroundCluster, Kubectl, needs_kubectl, needs_pods

pytestmark = [needs_kubectl, needs_pods]


@pytest.fixture(scope="module")
def pods(kubetui: BackgroundCluster, kubectl: Kubectl) -> Kubectl:
    kubectl("create", "deployment", "web", "--image=nginx:1.27")
    kubectl("expose", "deployment", "web", "--port=80")
    kubectl("run", "box", "--image=busybox:1.36", "--", "sleep", "3600")
    kubectl.until(lambda: kubectl("get", "pods", "-o", "jsonpath={.items[*].status.phase}").stdout.split()
                  == ["Running", "Running"], cluster=kubetui, advance=5)
    kubectl.until(lambda: bool(kubectl("get", "endpoints", "web", "-o", "jsonpath={.subsets}").stdout),
                  cluster=kubetui, advance=2)
    return kubectl


def test_exec_prints_the_output_and_passes_the_exit_code(pods: Kubectl) -> None:
    assert pods("exec", "box", "--", "hostname").stdout == "box\n"
    failed = pods("exec", "box", "--", "sh", "-c", "echo out; echo err >&2; exit 3", ok=False)
    assert failed.returncode == 3
    assert "out" in failed.stdout and "command terminated with exit code 3" in failed.stderr


def test_exec_reaches_a_service_by_its_dns_name(pods: Kubectl) -> None:
    cluster_ip = pods("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").stdout
    looked_up = pods("exec", "box", "--", "nslookup", "web").stdout
    assert f"Name:\tweb.default.svc.cluster.local\nAddress: {cluster_ip}" in looked_up
    page = pods("exec", "box", "--", "wget", "-qO-", "http://web").stdout
    assert "<title>Welcome to nginx!</title>" in page
    assert '"Wget"' in pods("logs", "deployment/web").stdout  # nginx logged the request


def test_exec_errors_in_kubectls_words(pods: Kubectl) -> None:
    missing = pods("exec", "deploy/web", "--", "ps", ok=False)
    assert missing.returncode != 0
    assert 'exec: "ps": executable file not found in $PATH' in missing.stderr
    wrong = pods("exec", "box", "-c", "nope", "--", "ls", ok=False)
    assert "container nope is not valid for pod box" in wrong.stderr


def test_exec_i_reads_a_script_from_stdin(pods: Kubectl) -> None:
    result = pods("exec", "-i", "box", "--", "sh", stdin="cd /etc\nls | grep resolv\nexit 5\n", ok=False)
    assert result.returncode == 5 and result.stdout == "resolv.conf\n"


def run_in_terminal(args: list[str], env: dict[str, str], keys: list[bytes], timeout: float = 30,
                    ready: Callable[[bytes], bool] | None = None) -> tuple[int, str]:
    """kubectl on a pseudo-terminal (as a user's shell runs ``kubectl exec -it``); type ``keys`` one by one, each
    when the terminal is quiet, or (given ``ready``) as soon as the screen so far satisfies it."""
    assert KUBECTL is not None
    leader, follower = pty.openpty()
    process = subprocess.Popen([KUBECTL, *args], stdin=follower, stdout=follower, stderr=follower, env=env,
                               close_fds=True)
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + timeout
    pending = list(keys)
    while process.poll() is None and time.monotonic() < deadline:
        readable, _, _ = select.select([leader], [], [], 0.3)
        if readable:
            try:
                screen += os.read(leader, 4096)
            except OSError:
                break
        if pending and (ready(screen) if ready is not None else not readable):
            os.write(leader, pending.pop(0))
    process.wait(10)
    os.close(leader)
    return process.returncode, screen.decode(errors="replace")


def test_exec_it_gives_a_shell_with_a_prompt(pods: Kubectl) -> None:
    code, screen = run_in_terminal(["exec", "-it", "box", "--", "sh"], pods.env,
                                   [b"echo $HOSTNAME\r", b"exit 4\r"])
    assert code == 4
    assert "/ # echo $HOSTNAME\r\nbox\r\n" in screen


def test_run_it_attaches_and_rm_deletes_the_pod(kubetui: BackgroundCluster, pods: Kubectl) -> None:
    code, screen = run_in_terminal(
        ["run", "-it", "--rm", "debug", "--image=busybox:1.36", "--restart=Never", "--", "sh"], pods.env,
        [b"\r", b"wget -qO- web | grep title\r", b"exit\r"], timeout=60,
    )
    assert code == 0, screen
    assert "<title>Welcome to nginx!</title>" in screen and 'pod "debug" deleted' in screen


def test_exec_i_pipes_stdin_to_a_command_that_reads_it(pods: Kubectl) -> None:
    assert pods("exec", "-i", "box", "--", "cat", stdin="hello\n").stdout == "hello\n"
    assert pods("exec", "-i", "box", "--", "sh", "-c", "wc -l", stdin="a\nb\nc\n").stdout.strip() == "3"
    assert pods("exec", "-i", "box", "--", "grep", "b", stdin="a\nb\n").stdout == "b\n"


def test_kubectl_cp_both_ways(pods: Kubectl, tmp_path: Path) -> None:
    local = tmp_path / "notes.txt"
    local.write_text("copied in\n")
    pods("cp", str(local), "box:/tmp/notes.txt")
    assert pods("exec", "box", "--", "cat", "/tmp/notes.txt").stdout == "copied in\n"
    back = tmp_path / "hostname"
    pods("cp", "box:/etc/hostname", str(back))
    assert back.read_text().strip() == "box"
    # kubectl prints tar's stderr from one goroutine while another may finish the (empty) archive and exit first, so
    # a loaded machine can lose the message in kubectl itself (the server sent it before the exit status): 3 tries.
    said = [pods("cp", "box:/nope", str(tmp_path / "x"), ok=False) for _ in range(3)]
    assert any("tar: /nope: Cannot stat: No such file or directory" in r.stdout + r.stderr for r in said)


def test_the_hpa_walkthroughs_load_generator_prints_ok_until_ctrl_c(kubetui: BackgroundCluster, pods: Kubectl) -> None:
    """The walkthrough's own command: busybox's wget prints php-apache's ``OK!`` (no newline) on every pass, so the
    attached terminal fills with OK!OK!OK!; Ctrl+C ends it and --rm deletes the pod."""
    pods("create", "deployment", "php-apache", "--image=registry.k8s.io/hpa-example")
    pods("expose", "deployment", "php-apache", "--port=80")
    pods.until(lambda: bool(pods("get", "endpoints", "php-apache", "-o", "jsonpath={.subsets}").stdout),
               cluster=kubetui, advance=2)
    _, text = run_in_terminal(
        ["run", "-i", "--tty", "load-generator", "--rm", "--image=busybox:1.28", "--restart=Never", "--",
         "/bin/sh", "-c", "while sleep 0.01; do wget -q -O- http://php-apache; done"],
        pods.env, [b"\x03"], timeout=60, ready=lambda screen: screen.count(b"OK!") >= 30)
    assert "OK!OK!OK!OK!OK!" in text, text[-500:]
    assert 'pod "load-generator" deleted' in text
