"""kubectl exec and attach on the fast clock: a session driven byte by byte while the engine runs."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from kubetui.apiserver.errors import ApiError
from kubetui.node import exec_session
from kubetui.node.exec_session import ExecError, Session, Terminal
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


@pytest.fixture(autouse=True)
def _no_wall_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exec_session, "POLL_SECONDS", 0)


def cluster_with(*objects: dict[str, Any], nodes: int = 2) -> Cluster:
    cluster = Cluster(seed=5, nodes=[NodeSpec(f"node-{i + 1}") for i in range(nodes)])
    client = cluster.client("test")
    for obj in objects:
        client.create(obj["kind"].lower() + "s", obj, "default")
    cluster.run_for(20)
    return cluster


def pod(name: str, image: str, command: list[str] | None = None, labels: dict[str, str] | None = None,
        **extra: Any) -> dict[str, Any]:
    container: dict[str, Any] = {"name": "app", "image": image, **extra.pop("container", {})}
    if command:
        container["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "labels": labels or {}},
            "spec": {"containers": [container], **extra}}


def service(name: str, selector: dict[str, str], headless: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {"selector": selector, "ports": [{"port": 80}]}
    if headless:
        spec["clusterIP"] = "None"
    return {"apiVersion": "v1", "kind": "Service", "metadata": {"name": name}, "spec": spec}


def open_session(cluster: Cluster, name: str, command: list[str], attach: bool = False, stdin: bool = False
                 ) -> Session:
    session: Session = cluster.api.stream("kubectl", "attach" if attach else "exec", "default", name, None,
                                          command, stdin)
    return session


def drive(cluster: Cluster, session: Session, typed: list[tuple[float, bytes | None]] | None = None,
          tty: bool = False, limit: float = 600.0) -> tuple[int, str, list[tuple[float, str]]]:
    """Run the session while the engine moves on; ``typed`` is (virtual second, bytes) to send on stdin."""
    written: list[tuple[float, str]] = []

    async def write(channel: int, data: bytes) -> None:
        written.append((cluster.clock.now, data.decode()))

    async def main() -> int:
        term = Terminal(write, tty)
        task = asyncio.ensure_future(session.run(term))
        start, pending = cluster.clock.now, list(typed or [])
        while not task.done():
            while pending and cluster.clock.now - start >= pending[0][0]:
                term.stdin.put_nowait(pending.pop(0)[1])
            if cluster.clock.now - start > limit:
                task.cancel()
                raise AssertionError("the session did not end")
            cluster.run_for(0.25)
            for _ in range(5):
                await asyncio.sleep(0)
        return task.result()

    code = asyncio.run(main())
    return code, "".join(text for _, text in written), written


def test_exec_runs_in_the_pod_with_its_name_files_and_exit_code() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"))
    code, out, _ = drive(cluster, open_session(cluster, "web", ["hostname"]))
    assert (code, out) == (0, "web\n")
    code, out, _ = drive(cluster, open_session(cluster, "web", ["cat", "/etc/hosts", "/etc/resolv.conf"]))
    ip = cluster.get("pods", "default", "web")["status"]["podIP"]
    assert f"{ip}\tweb" in out and "search default.svc.cluster.local svc.cluster.local cluster.local" in out
    assert drive(cluster, open_session(cluster, "web", ["sh", "-c", "exit 3"]))[0] == 3
    with pytest.raises(ExecError, match='exec: "ps": executable file not found in \\$PATH'):
        drive(cluster, open_session(cluster, "web", ["ps"]))  # the nginx image has no ps


def test_errors_before_the_stream_opens_use_the_servers_words() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"), pod("done", "busybox", ["sh", "-c", "exit 0"],
                                                          restartPolicy="Never"))
    with pytest.raises(ApiError, match="container nope is not valid for pod web"):
        cluster.api.stream("kubectl", "exec", "default", "web", "nope", ["ls"], False)
    with pytest.raises(ApiError, match="you must specify at least 1 command"):
        cluster.api.stream("kubectl", "exec", "default", "web", None, [], False)
    with pytest.raises(ExecError, match='container not found \\("app"\\)'):
        cluster.api.stream("kubectl", "exec", "default", "done", None, ["ls"], False)


def test_sleep_takes_virtual_seconds() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    started = cluster.clock.now
    code, out, written = drive(cluster, open_session(cluster, "box", ["sh", "-c", "echo a; sleep 5; echo b"]))
    assert (code, out) == (0, "a\nb\n")
    (at_a, _), (at_b, _) = written
    assert at_a - started < 1 and 5 <= at_b - at_a < 6


def test_interactive_shell_prompt_cd_history_and_exit_code() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"))
    typed = [(0, b"echo $HOSTNAME\r"), (1, b"cd /etc\r"), (2, b"ls\r"), (3, b"ech\x7fho hi\r"), (4, b"\x1b[A\r"),
             (5, b"exit 4\r")]
    code, out, _ = drive(cluster, open_session(cluster, "web", ["bash"], stdin=True), typed, tty=True)
    assert code == 4
    assert out.startswith("root@web:/# echo $HOSTNAME\r\nweb\r\n")
    assert "root@web:/etc# ls\r\nhostname  hosts  nginx  os-release  resolv.conf\r\n" in out
    assert out.count("\r\nhi\r\n") == 2  # the backspace fixed the word, and Up brought the line back


def test_ctrl_c_interrupts_the_running_command_not_the_shell() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    typed = [(0, b"sleep 100\r"), (3, b"\x03"), (4, b"echo $?\r"), (5, b"\x04")]
    code, out, written = drive(cluster, open_session(cluster, "box", ["sh"], stdin=True), typed, tty=True)
    assert "/ # sleep 100\r\n^C\r\n/ # echo $?\r\n130\r\n" in out and code == 0  # Ctrl+D: echo's status
    assert written[-1][0] - written[0][0] < 10


def test_curl_and_wget_reach_a_service_through_kube_proxy_and_the_server_logs_it() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27", labels={"app": "web"}), service("web", {"app": "web"}),
                           pod("box", "busybox", ["sleep", "3600"]))
    code, out, _ = drive(cluster, open_session(cluster, "box", ["wget", "-qO-", "http://web"]))
    assert code == 0 and "<title>Welcome to nginx!</title>" in out
    box_ip = cluster.get("pods", "default", "box")["status"]["podIP"]
    assert f'{box_ip} - - ' in cluster.client("test").logs("default", "web") and '"Wget"' in \
        cluster.client("test").logs("default", "web")
    code, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", "wget -qO- web.default.svc | wc -l"]))
    assert out.strip().isdigit() and int(out) > 10
    code, out, _ = drive(cluster, open_session(cluster, "box", ["wget", "-qO-", "http://nope"]))
    assert (code, out) == (1, "wget: bad address 'nope'\n")


def test_a_service_without_ready_pods_refuses_and_an_unexposed_port_times_out() -> None:
    cluster = cluster_with(service("empty", {"app": "none"}), pod("web", "nginx:1.27"))
    code, out, _ = drive(cluster, open_session(cluster, "web", ["curl", "http://empty"]))
    assert code == 7 and "Failed to connect to empty port 80" in out
    started = cluster.clock.now
    code, out, _ = drive(cluster, open_session(cluster, "web", ["curl", "http://empty:81"]))
    assert code == 28 and cluster.clock.now - started >= 130  # nothing answers a ClusterIP port with no rule


def test_nslookup_names_services_headless_endpoints_and_a_pods_hostname() -> None:
    cluster = cluster_with(
        pod("db-0", "redis:7", labels={"app": "db"}, hostname="db-0", subdomain="db"),
        service("db", {"app": "db"}, headless=True), service("web", {"app": "web"}),
        pod("box", "busybox", ["sleep", "3600"]),
    )
    web_ip = cluster.get("services", "default", "web")["spec"]["clusterIP"]
    db_ip = cluster.get("pods", "default", "db-0")["status"]["podIP"]
    _, out, _ = drive(cluster, open_session(cluster, "box", ["nslookup", "web"]))
    assert f"Name:\tweb.default.svc.cluster.local\nAddress: {web_ip}\n" in out
    _, out, _ = drive(cluster, open_session(cluster, "box", ["nslookup", "db-0.db"]))
    assert f"Name:\tdb-0.db.default.svc.cluster.local\nAddress: {db_ip}\n" in out
    _, out, _ = drive(cluster, open_session(cluster, "box", ["nslookup", "db"]))
    assert f"Address: {db_ip}" in out
    code, out, _ = drive(cluster, open_session(cluster, "box", ["nslookup", "nope"]))
    assert code == 1 and "** server can't find nope: NXDOMAIN" in out
    code, out, _ = drive(cluster, open_session(cluster, "box", ["ping", "-c", "2", "web"]))
    assert code == 1 and "2 packets transmitted, 0 packets received, 100% packet loss" in out  # a virtual IP


def test_kill_1_restarts_a_server_but_pid_1_ignores_what_it_does_not_handle() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"), pod("box", "busybox", ["sleep", "3600"]))
    drive(cluster, open_session(cluster, "web", ["kill", "1"]))
    drive(cluster, open_session(cluster, "box", ["kill", "-9", "1"]))
    cluster.run_for(30)
    restarts = {name: cluster.get("pods", "default", name)["status"]["containerStatuses"][0]["restartCount"]
                for name in ("web", "box")}
    assert restarts == {"web": 1, "box": 0}


def test_attach_to_a_shell_kept_open_by_stdin_and_its_exit_ends_the_container() -> None:
    cluster = cluster_with(pod("shell", "busybox", ["sh"], container={"stdin": True, "tty": True},
                               restartPolicy="Never"))
    assert cluster.get("pods", "default", "shell")["status"]["phase"] == "Running"
    typed = [(0, b"echo hi from $HOSTNAME\r"), (1, b"exit 3\r")]
    code, out, _ = drive(cluster, open_session(cluster, "shell", [], attach=True, stdin=True), typed, tty=True)
    assert code == 3 and "hi from shell" in out
    cluster.run_for(5)
    status = cluster.get("pods", "default", "shell")["status"]
    assert status["phase"] == "Failed"
    assert status["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3
    assert "hi from shell" in cluster.client("test").logs("default", "shell")


def test_ctrl_c_on_an_attached_loop_ends_the_container_with_130() -> None:
    cluster = cluster_with(pod("gen", "busybox", ["sh", "-c", "while sleep 1; do echo tick; done"],
                               restartPolicy="Never"))
    code, out, _ = drive(cluster, open_session(cluster, "gen", [], attach=True, stdin=True), [(3, b"\x03")],
                         tty=True)
    assert "tick\r\n" in out and out.endswith("^C\r\n") and code == 130
    cluster.run_for(5)
    terminated = cluster.get("pods", "default", "gen")["status"]["containerStatuses"][0]["state"]["terminated"]
    assert terminated["exitCode"] == 130


def test_a_pods_hostname_is_its_spec_hostname_when_set() -> None:
    cluster = cluster_with(pod("db-0", "busybox", ["sleep", "3600"], hostname="primary", subdomain="db"))
    _, out, _ = drive(cluster, open_session(cluster, "db-0", ["sh", "-c", "hostname; echo $HOSTNAME"]))
    assert out == "primary\nprimary\n"
    _, hosts, _ = drive(cluster, open_session(cluster, "db-0", ["cat", "/etc/hosts"]))
    assert hosts.rstrip().endswith("primary.db.default.svc.cluster.local\tprimary")


def test_files_written_in_an_exec_stay_until_the_container_restarts() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"))
    drive(cluster, open_session(cluster, "web", ["sh", "-c", "echo hi > /tmp/x"]))
    assert drive(cluster, open_session(cluster, "web", ["cat", "/tmp/x"]))[1] == "hi\n"
    drive(cluster, open_session(cluster, "web", ["kill", "1"]))  # nginx exits cleanly; the kubelet restarts it
    cluster.run_for(30)
    code, out, _ = drive(cluster, open_session(cluster, "web", ["cat", "/tmp/x"]))
    assert code == 1 and "No such file or directory" in out  # a new container starts from the image


def test_get_a_shell_page_nginx_serves_what_was_written_to_its_empty_dir() -> None:
    """Get a Shell to a Running Container: an emptyDir over nginx's document root, then index.html written in it."""
    shell_demo = pod("shell-demo", "nginx:1.27", container={
        "volumeMounts": [{"name": "shared-data", "mountPath": "/usr/share/nginx/html"}]},
        volumes=[{"name": "shared-data", "emptyDir": {}}])
    cluster = cluster_with(shell_demo)
    _, out, _ = drive(cluster, open_session(cluster, "shell-demo", ["curl", "-s", "http://localhost/"]))
    assert "403 Forbidden" in out  # the empty volume hides the image's index.html
    drive(cluster, open_session(cluster, "shell-demo", ["sh", "-c",
                                                        "echo 'Hello shell demo' > /usr/share/nginx/html/index.html"]))
    assert drive(cluster, open_session(cluster, "shell-demo", ["curl", "-s", "localhost"]))[1] == "Hello shell demo\n"


def test_two_containers_share_an_empty_dir() -> None:
    """Communicate Between Containers in the Same Pod Using a Shared Volume."""
    two = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two-containers"}, "spec": {
        "restartPolicy": "Never",
        "volumes": [{"name": "shared-data", "emptyDir": {}}],
        "containers": [
            {"name": "nginx-container", "image": "nginx",
             "volumeMounts": [{"name": "shared-data", "mountPath": "/usr/share/nginx/html"}]},
            {"name": "debian-container", "image": "debian",
             "volumeMounts": [{"name": "shared-data", "mountPath": "/pod-data"}],
             "command": ["/bin/sh"], "args": ["-c", "echo Hello from the debian container > /pod-data/index.html"]},
        ]}}
    cluster = cluster_with(two)
    session = cluster.api.stream("kubectl", "exec", "default", "two-containers", "nginx-container",
                                 ["curl", "-s", "localhost"], False)
    assert drive(cluster, session)[1] == "Hello from the debian container\n"


def test_the_line_editor_moves_the_cursor_like_readline() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    typed = [(0, b"echo hello\x1b[D\x1b[DZZ\r"), (1, b"echo abc\x01\x1b[3~X\x05!\r"), (2, b"exit\r")]
    _, out, _ = drive(cluster, open_session(cluster, "box", ["sh"], stdin=True), typed, tty=True)
    assert "\r\nhelZZlo\r\n" in out  # two lefts, then typing inserts
    assert "\r\nXcho abc!\r\n" not in out and "sh: Xcho: not found" in out  # Home, Delete, X, End, !


def test_a_host_network_pod_has_the_nodes_address_and_name() -> None:
    cluster = cluster_with(pod("hostweb", "nginx:1.27", hostNetwork=True, nodeName="node-1"),
                           pod("hostbox", "busybox", ["sleep", "3600"], hostNetwork=True, nodeName="node-1"),
                           pod("box", "busybox", ["sleep", "3600"], nodeName="node-2"))
    status = cluster.get("pods", "default", "hostweb")["status"]
    assert status["podIP"] == status["hostIP"] == cluster.get("pods", "default", "hostbox")["status"]["podIP"]
    assert drive(cluster, open_session(cluster, "hostweb", ["hostname"]))[1] == "node-1\n"
    code, out, _ = drive(cluster, open_session(cluster, "box", ["wget", "-qO-", f"http://{status['hostIP']}"]))
    assert code == 0 and "Welcome to nginx!" in out  # two pods share the address; nginx listens on port 80
    cluster.client("test").delete("pods", "default", "hostbox", grace_period_seconds=0)
    cluster.run_for(10)
    assert drive(cluster, open_session(cluster, "box", ["wget", "-qO-", f"http://{status['hostIP']}"]))[0] == 0


def test_a_secret_volume_is_read_only() -> None:
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds"}, "data": {"username": "bXktYXBw"}}
    cluster = cluster_with(secret, pod("box", "busybox", ["sleep", "3600"], container={
        "volumeMounts": [{"name": "secret-volume", "mountPath": "/etc/secret-volume", "readOnly": True}]},
        volumes=[{"name": "secret-volume", "secret": {"secretName": "creds"}}]))
    page = 'echo "$( cat /etc/secret-volume/username )"'
    _, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", page]))
    assert out == "my-app\n"  # Distribute Credentials Securely Using Secrets
    code, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", "echo x > /etc/secret-volume/x"]))
    assert code == 1 and out == "sh: can't create /etc/secret-volume/x: Read-only file system\n"


def test_dnsutils_has_bind_tools() -> None:
    """Debugging DNS Resolution's dnsutils pod: nslookup (bind's), host and dig, which skips the search list."""
    cluster = cluster_with(pod("dnsutils", "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3",
                               ["sleep", "infinity"]))
    _, out, _ = drive(cluster, open_session(cluster, "dnsutils", ["nslookup", "kubernetes.default"]))
    assert "Address:\t10.96.0.10#53" in out and "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1" in out
    assert drive(cluster, open_session(cluster, "dnsutils", ["host", "kubernetes"]))[1] == \
        "kubernetes.default.svc.cluster.local has address 10.96.0.1\n"
    assert drive(cluster, open_session(cluster, "dnsutils", ["dig", "+short", "kubernetes.default.svc.cluster.local"])
                 )[1] == "10.96.0.1\n"
    assert drive(cluster, open_session(cluster, "dnsutils", ["dig", "+short", "kubernetes"]))[1] == ""


def test_kubectl_run_it_ubuntu_attaches_to_bash() -> None:
    cluster = cluster_with(pod("ub", "ubuntu", container={"stdin": True, "tty": True}, restartPolicy="Never"))
    _, out, _ = drive(cluster, open_session(cluster, "ub", [], attach=True, stdin=True), [(0, b"exit\r")], tty=True)
    assert out.startswith("root@ub:/# exit")


def test_a_file_written_earlier_in_the_same_script_is_served() -> None:
    cluster = cluster_with(pod("web", "nginx:1.27"))
    script = "echo hello > /usr/share/nginx/html/index.html; curl -s localhost"
    assert drive(cluster, open_session(cluster, "web", ["sh", "-c", script]))[1] == "hello\n"


def test_an_image_without_a_shell_gives_none_to_exec_it() -> None:
    """Debug Running Pods: ``kubectl exec -it ephemeral-demo -- sh`` on the pause image fails, which is why the page
    turns to kubectl debug."""
    cluster = cluster_with(pod("ephemeral-demo", "registry.k8s.io/pause:3.1"))
    with pytest.raises(ExecError, match='exec: "sh": executable file not found in \\$PATH'):
        drive(cluster, open_session(cluster, "ephemeral-demo", ["sh"], stdin=True), [(0, b"exit\r")], tty=True)


def test_echo_n_into_a_file_writes_the_text_alone() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    code, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", "echo -n hello > /tmp/x; cat /tmp/x"]))
    assert (code, out) == (0, "hello\n")


def test_relative_paths_start_from_the_working_directory() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    typed = [(0, b"cd /tmp\r"), (1, b"touch rel\r"), (2, b"echo hi > rel2\r"), (3, b"ls\r"), (4, b"cat /tmp/rel2\r"),
             (5, b"exit\r")]
    code, out, _ = drive(cluster, open_session(cluster, "box", ["sh"], stdin=True), typed, tty=True)
    assert code == 0
    assert "/tmp # ls\r\nrel  rel2\r\n" in out
    assert "/tmp # cat /tmp/rel2\r\nhi\r\n" in out


def test_date_formats_and_dollar_zero() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    script = 'date +%T; echo "at $(date +"%H:%M")"; echo $0'
    code, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", script]))
    clock, at, shell = out.splitlines()
    assert code == 0 and re.fullmatch(r"\d\d:\d\d:\d\d", clock) and re.fullmatch(r"at \d\d:\d\d", at)
    assert shell == "sh"


def test_the_service_account_files_are_where_in_cluster_clients_read_them() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]),
                           {**pod("private", "busybox", ["sleep", "3600"]),
                            "spec": {**pod("private", "busybox", ["sleep", "3600"])["spec"],
                                     "automountServiceAccountToken": False}})
    directory = "/var/run/secrets/kubernetes.io/serviceaccount"
    script = f"cat {directory}/namespace; ls {directory}"
    assert drive(cluster, open_session(cluster, "box", ["sh", "-c", script]))[:2] == (
        0, "default\nca.crt\nnamespace\ntoken\n")
    code, out, _ = drive(cluster, open_session(cluster, "private", ["cat", f"{directory}/namespace"]))
    assert code != 0 and "No such file or directory" in out


def test_a_command_substitution_keeps_its_errors_out_of_the_value() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    _, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", 'x=$(ls /nonexistent); echo "[$x]"']))
    assert out.endswith("[]\n") and "No such file or directory" in out.splitlines()[0]


def test_while_and_until_loops_follow_their_condition() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]), pod("web", "nginx:1.27", labels={"app": "web"}),
                           service("web", {"app": "web"}))

    def run(script: str) -> tuple[int, str]:
        code, out, _ = drive(cluster, open_session(cluster, "box", ["sh", "-c", script]), limit=120)
        return code, out

    assert run("until true; do echo x; sleep 1; done; echo D") == (0, "D\n")
    assert run("while false; do echo y; done; echo A") == (0, "A\n")
    assert run("until [ -f /tmp/flag ]; do touch /tmp/flag; echo once; done; echo after") == (0, "once\nafter\n")
    code, out = run("until nslookup web >/dev/null; do echo waiting; sleep 1; done; echo found")
    assert (code, out) == (0, "found\n")
    with pytest.raises(AssertionError, match="did not end"):  # no such Service: it keeps asking
        run("until nslookup nosuch >/dev/null 2>&1; do echo waiting; sleep 10; done")


def test_lifecycle_page_post_start_writes_its_message_and_command_v() -> None:
    post_start = "echo Hello from the postStart handler > /usr/share/message"
    pre_stop = "nginx -s quit; while killall -0 nginx; do sleep 1; done"
    demo = pod("lifecycle-demo", "nginx", container={"lifecycle": {
        "postStart": {"exec": {"command": ["/bin/sh", "-c", post_start]}},
        "preStop": {"exec": {"command": ["/bin/sh", "-c", pre_stop]}}}})
    cluster = cluster_with(demo)
    code, out, _ = drive(cluster, open_session(cluster, "lifecycle-demo", ["cat", "/usr/share/message"]))
    assert (code, out) == (0, "Hello from the postStart handler\n")
    script = "command -v killall; command -v echo"
    code, out, _ = drive(cluster, open_session(cluster, "lifecycle-demo", ["sh", "-c", script]))
    assert out == "echo\n"  # the nginx image has no killall: the preStop loop ends at once
    started = cluster.clock.now
    cluster.client("kubectl").delete("pods", "default", "lifecycle-demo")
    assert cluster.run_until(lambda: cluster.get("pods", "default", "lifecycle-demo") is None, timeout=60)
    assert cluster.clock.now - started < 10


def test_a_failing_post_start_hook_kills_the_container() -> None:
    failing = pod("hooked", "busybox", ["sleep", "3600"], container={"lifecycle": {
        "postStart": {"exec": {"command": ["/bin/sh", "-c", "exit 3"]}}}})
    cluster = cluster_with(failing)
    events = [e for e in cluster.objects("events", "default") if e["reason"] == "FailedPostStartHook"]
    assert events and "command '/bin/sh -c exit 3' exited with 3" in events[0]["message"]
    status = (cluster.get("pods", "default", "hooked") or {})["status"]["containerStatuses"][0]
    assert status["restartCount"] >= 1 or "terminated" in status["state"] or "waiting" in status["state"]


def test_share_process_namespace_page() -> None:
    """Share Process Namespace between Containers in a Pod: ps shows the other container's nginx, kill -HUP makes
    it reload, and /proc/<pid>/root is its file system."""
    shared = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nginx"}, "spec": {
        "shareProcessNamespace": True,
        "containers": [{"name": "nginx", "image": "nginx"},
                       {"name": "shell", "image": "busybox:1.28", "command": ["sleep", "3600"]}]}}
    cluster = cluster_with(shared)
    session: Session = cluster.api.stream("kubectl", "exec", "default", "nginx", "shell", ["ps", "ax"], False)
    _, out, _ = drive(cluster, session)
    lines = out.splitlines()
    assert lines[0] == "PID   USER     TIME  COMMAND" and lines[1].split() == ["1", "root", "0:00", "/pause"]
    assert "    8 root     0:00 nginx: master process nginx -g daemon off;" in lines
    assert any(line.endswith("nginx: worker process") and " 101 " in line for line in lines)
    session = cluster.api.stream("kubectl", "exec", "default", "nginx", "shell",
                                 ["sh", "-c", "kill -HUP 8; head -n 2 /proc/8/root/etc/nginx/nginx.conf"], False)
    code, out, _ = drive(cluster, session)
    assert (code, out) == (0, "\nuser  nginx;\n")
    assert "signal 1 (SIGHUP) received from" in cluster.client("kubectl").logs("default", "nginx", "nginx")
    alone = cluster_with(pod("box", "busybox", ["sleep", "3600"]))
    _, out, _ = drive(alone, open_session(alone, "box", ["ps"]))
    assert out.splitlines()[1].split()[-2:] == ["sleep", "3600"]  # without it, the container's own PID 1


def test_nc_z_says_whether_a_port_is_open() -> None:
    cluster = cluster_with(pod("box", "busybox", ["sleep", "3600"]), pod("web", "nginx:1.27", labels={"app": "web"}),
                           service("web", {"app": "web"}))
    ip = (cluster.get("services", "default", "web") or {})["spec"]["clusterIP"]
    assert drive(cluster, open_session(cluster, "box", ["nc", "-zv", "-w", "2", "web", "80"]))[:2] == (
        0, f"web ({ip}:80) open\n")
    started = cluster.clock.now
    code, out, _ = drive(cluster, open_session(cluster, "box", ["nc", "-zv", "-w", "2", "web", "81"]))
    assert (code, out) == (1, f"nc: can't connect to remote host ({ip}): Connection timed out\n")
    assert cluster.clock.now - started < 10  # no such Service port: nc gives up after -w's 2 s
    assert drive(cluster, open_session(cluster, "box", ["nc", "-z", "nosuch", "80"]))[:2] == (
        1, "nc: bad address 'nosuch'\n")
