"""kubectl port-forward, with the real kubectl: its SPDY session in a WebSocket reaches the pod's own server."""

from __future__ import annotations

import http.client
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.e2e.conftest import BackgroundCluster, Kubectl, needs_kubectl, needs_pods

pytestmark = [needs_kubectl, needs_pods]


@pytest.fixture(scope="module")
def web(kubetui: BackgroundCluster, kubectl: Kubectl) -> Kubectl:
    kubectl("create", "deployment", "web", "--image=nginx:1.27")
    kubectl("expose", "deployment", "web", "--port=8080", "--target-port=80")
    kubectl.until(lambda: kubectl("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[*].status.phase}").stdout
                  == "Running", cluster=kubetui, advance=5)
    return kubectl


@contextmanager
def forwarding(kubectl: Kubectl, *args: str) -> Iterator[tuple[int, subprocess.Popen[str]]]:
    """``kubectl port-forward <args>`` on a port kubectl picks: (that local port, the process)."""
    process = kubectl.popen("port-forward", *args)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.match(r"Forwarding from 127\.0\.0\.1:(\d+) -> \d+", line)
        assert match, f"{line!r} {process.stderr.read() if process.poll() is not None and process.stderr else ''}"
        yield int(match.group(1)), process
    finally:
        process.kill()
        process.wait(10)


def test_a_service_port_forwards_to_its_pods_server(web: Kubectl) -> None:
    with forwarding(web, "svc/web", ":8080") as (port, _):
        for _ in range(2):  # one connection after another on one session
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"User-Agent": "e2e-browser"})
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.status == 200 and b"<title>Welcome to nginx!</title>" in response.read()
    logs = web("logs", "deployment/web").stdout
    assert re.search(r'^127\.0\.0\.1 - - \[.*\] "GET / HTTP/1\.1" 200 615 "-" "e2e-browser"', logs, re.M), logs


def test_a_port_nothing_listens_on_ends_the_forward_with_the_kubelets_error(web: Kubectl) -> None:
    with forwarding(web, "deployment/web", ":81") as (port, process):
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10)
        assert process.wait(15) != 0
        assert process.stderr is not None
        error = process.stderr.read()
    assert "an error occurred forwarding" in error and "connect: connection refused" in error, error
    assert "lost connection to pod" in error
