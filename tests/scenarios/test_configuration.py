"""Configuring pods with ConfigMaps, end to end on the fast clock: env and volumes, the errors, and updates."""

from __future__ import annotations

from typing import Any

from kubetui.node.config_volumes import RESYNC_JITTER, RESYNC_SECONDS, SERVICE_ACCOUNT_DIR
from kubetui.node.spec import NodeSpec
from kubetui.sim.cluster import Cluster


def cluster() -> Cluster:
    return Cluster(seed=7, nodes=[NodeSpec("node-1"), NodeSpec("node-2")])


def config_map(name: str, data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": data}


def pod(name: str, container: dict[str, Any], volumes: list[dict[str, Any]] | None = None,
        restart: str = "Never") -> dict[str, Any]:
    spec: dict[str, Any] = {"restartPolicy": restart, "containers": [{"name": "test-container",
                                                                      "image": "registry.k8s.io/busybox", **container}]}
    if volumes:
        spec["volumes"] = volumes
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def state(c: Cluster, name: str) -> dict[str, Any]:
    got: Any = c.get("pods", "default", name)
    statuses = got["status"].get("containerStatuses") or [{"state": {}}]
    return dict(statuses[0]["state"])


def events(c: Cluster, name: str, reason: str) -> list[dict[str, Any]]:
    return [e for e in c.objects("events", "default")
            if e["reason"] == reason and e["involvedObject"]["name"] == name]


def test_the_configmap_task_pod_logs_show_the_values() -> None:
    """Configure a Pod to Use a ConfigMap: env from keys, envFrom, $(VAR) in the command, a volume of keys."""
    c = cluster()
    api = c.client("kubectl")
    api.create("configmaps", config_map("special-config", {"special.how": "very", "SPECIAL_TYPE": "charm"}),
               "default")
    api.create("configmaps", config_map("env-config", {"log_level": "INFO"}), "default")
    api.create("pods", pod("dapi-test-pod", {
        "command": ["/bin/echo", "$(SPECIAL_LEVEL_KEY) $(SPECIAL_TYPE_KEY)"],
        "env": [{"name": "SPECIAL_LEVEL_KEY", "valueFrom": {"configMapKeyRef": {"name": "special-config",
                                                                                "key": "special.how"}}},
                {"name": "SPECIAL_TYPE_KEY", "valueFrom": {"configMapKeyRef": {"name": "special-config",
                                                                               "key": "SPECIAL_TYPE"}}}]}), "default")
    api.create("pods", pod("env-pod", {"command": ["/bin/sh", "-c", "env"],
                                       "envFrom": [{"configMapRef": {"name": "env-config"}}]}), "default")
    api.create("pods", pod("volume-pod", {"command": ["/bin/sh", "-c", "ls /etc/config/; cat /etc/config/keys"],
                                          "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config"}]},
                           [{"name": "config-volume", "configMap": {"name": "special-config", "items": [
                               {"key": "SPECIAL_TYPE", "path": "keys"}]}}]), "default")
    c.run_for(30)
    assert api.logs("default", "dapi-test-pod") == "very charm\n"
    env = api.logs("default", "env-pod").splitlines()
    assert "log_level=INFO" in env and "HOSTNAME=env-pod" in env
    assert "KUBERNETES_SERVICE_HOST=10.96.0.1" in env and "KUBERNETES_PORT_443_TCP_PORT=443" in env
    assert api.logs("default", "volume-pod") == "keys\ncharm\n"


def test_a_missing_configmap_waits_with_create_container_config_error_then_starts() -> None:
    c = cluster()
    api = c.client("kubectl")
    api.create("pods", pod("waiting", {"command": ["/bin/sh", "-c", "echo $(SPECIAL_LEVEL_KEY); sleep 3600"],
                                       "env": [{"name": "SPECIAL_LEVEL_KEY", "valueFrom": {"configMapKeyRef": {
                                           "name": "special-config", "key": "special.how"}}}]}), "default")
    c.run_for(40)
    assert state(c, "waiting") == {"waiting": {"reason": "CreateContainerConfigError",
                                               "message": 'configmap "special-config" not found'}}
    got: Any = c.get("pods", "default", "waiting")
    assert got["status"]["phase"] == "Pending"
    failed = events(c, "waiting", "Failed")
    assert [e["message"] for e in failed] == ['Error: configmap "special-config" not found']
    assert failed[0]["type"] == "Warning" and failed[0]["count"] >= 2  # tried again at the following syncs
    api.create("configmaps", config_map("special-config", {"special.how": "very"}), "default")
    assert c.run_until(lambda: "running" in state(c, "waiting"), timeout=20)
    assert api.logs("default", "waiting") == "very\n"


def test_a_missing_key_is_gos_message() -> None:
    c = cluster()
    api = c.client("kubectl")
    api.create("configmaps", config_map("special-config", {"special.how": "very"}), "default")
    api.create("pods", pod("keyless", {"env": [{"name": "L", "valueFrom": {"configMapKeyRef": {
        "name": "special-config", "key": "SPECIAL_LEVEL"}}}]}), "default")
    c.run_for(10)
    assert state(c, "keyless")["waiting"]["message"] == (
        "couldn't find key SPECIAL_LEVEL in ConfigMap default/special-config")


def test_a_missing_volume_configmap_is_failed_mount_and_container_creating() -> None:
    c = cluster()
    api = c.client("kubectl")
    api.create("pods", pod("mounting", {"command": ["/bin/sh", "-c", "cat /etc/config/special.how"],
                                        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config"}]},
                           [{"name": "config-volume", "configMap": {"name": "special-config"}}]), "default")
    c.run_for(60)
    assert state(c, "mounting") == {"waiting": {"reason": "ContainerCreating"}}
    mounts = events(c, "mounting", "FailedMount")
    assert [e["message"] for e in mounts] == [
        'MountVolume.SetUp failed for volume "config-volume" : configmap "special-config" not found']
    assert mounts[0]["type"] == "Warning" and mounts[0]["count"] >= 6  # 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s
    api.create("configmaps", config_map("special-config", {"special.how": "very"}), "default")
    assert c.run_until(lambda: "terminated" in state(c, "mounting"), timeout=130)  # at the next try (back-off)
    assert api.logs("default", "mounting") == "very\n"


def test_an_update_reaches_the_mounted_file_but_not_the_env_nor_a_sub_path() -> None:
    c = cluster()
    api = c.client("kubectl")
    api.create("configmaps", config_map("special-config", {"special.how": "very"}), "default")
    api.create("pods", pod("watcher", {
        "command": ["/bin/sh", "-c", "sleep 3600"],
        "env": [{"name": "HOW", "valueFrom": {"configMapKeyRef": {"name": "special-config", "key": "special.how"}}}],
        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config"},
                         {"name": "config-volume", "mountPath": "/etc/how.conf", "subPath": "special.how"}],
        "readinessProbe": {"exec": {"command": ["/bin/sh", "-c", "test -f /etc/config/special.how"]},
                           "periodSeconds": 5}},
        [{"name": "config-volume", "configMap": {"name": "special-config"}}], restart="Always"), "default")
    assert c.run_until(lambda: "running" in state(c, "watcher"), timeout=30)
    node = (c.get("pods", "default", "watcher") or {})["spec"]["nodeName"]
    container = next(s.current for w in c.machines[node].kubelet.workers.values() for s in w.slots
                     if w.name == "watcher" and s.current is not None)
    assert container.env["HOW"] == "very"
    mounted = {path: text for path, text in container.mounts.items() if not path.startswith(SERVICE_ACCOUNT_DIR)}
    assert mounted == {"/etc/config/special.how": "very", "/etc/how.conf": "very"}
    assert container.answer_exec(["/bin/sh", "-c", "cat /etc/config/special.how; echo $HOW"], "", c.clock.now) == (
        0, "very\nvery")
    cm: Any = c.get("configmaps", "default", "special-config")
    cm["data"]["special.how"] = "extremely"
    api.update("configmaps", cm)
    c.run_for(RESYNC_SECONDS * (1 + RESYNC_JITTER) + 1)
    mounted = {path: text for path, text in container.mounts.items() if not path.startswith(SERVICE_ACCOUNT_DIR)}
    assert mounted == {"/etc/config/special.how": "extremely", "/etc/how.conf": "very"}
    assert container.env["HOW"] == "very"  # read once, when the container started
    assert container.answer_exec(["/bin/sh", "-c", "cat /etc/config/special.how /etc/how.conf; echo $HOW"], "",
                                 c.clock.now) == (0, "extremely\nvery\nvery")
    assert (c.get("pods", "default", "watcher") or {})["status"]["containerStatuses"][0]["ready"]


def test_a_loop_that_cats_a_mounted_file_logs_each_version_in_turn() -> None:
    """The ConfigMap task's "Mounted ConfigMaps are updated automatically": the sport changes in the logs, the
    lines printed before the update keep the old one."""
    c = cluster()
    api = c.client("kubectl")
    api.create("configmaps", config_map("sport", {"sport": "football"}), "default")
    loop = 'while true; do echo "$(date) My preferred sport is $(cat /etc/config/sport)"; sleep 10; done;'
    api.create("pods", pod("configmap-volume", {
        "image": "alpine:3", "command": ["/bin/sh", "-c", loop],
        "volumeMounts": [{"name": "config-volume", "mountPath": "/etc/config"}],
    }, [{"name": "config-volume", "configMap": {"name": "sport"}}], restart="Always"), "default")
    c.run_for(30)
    api.merge_patch("configmaps", "default", "sport", {"data": {"sport": "cricket"}})
    c.run_for(RESYNC_SECONDS + RESYNC_JITTER + 20)
    sports = [line.rsplit(" ", 1)[-1] for line in api.logs("default", "configmap-volume").splitlines()]
    assert sports[0] == "football" and sports[-1] == "cricket"
    assert sports == sorted(sports, key=lambda sport: sport == "cricket")  # football until the update, then cricket
    assert "UTC" in api.logs("default", "configmap-volume").splitlines()[0]  # $(date) is still the time
