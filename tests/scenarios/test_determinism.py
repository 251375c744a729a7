"""Same seed and same inputs give the same trace, byte for byte; a different seed does not."""

from __future__ import annotations

from pathlib import Path

from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.sim.cluster import Cluster
from kubetui.sim.inputs import read_session, replay_fast

EXAMPLES = Path(__file__).resolve().parents[2] / "manifests"


def run(seed: int, seconds: float = 120.0) -> Cluster:
    cluster = Cluster(seed=seed, nodes=node_specs_in(EXAMPLES))
    ManifestFolder(cluster, EXAMPLES).sync()
    cluster.run_for(60)
    cluster.inputs.submit("chaos", action="kill-node", node="node-2")
    cluster.run_for(seconds)
    return cluster


def test_same_seed_same_trace() -> None:
    first, second = run(seed=42), run(seed=42)
    assert first.trace.last_seq == second.trace.last_seq > 500
    assert first.trace.digest() == second.trace.digest()


def test_different_seed_different_trace() -> None:
    assert run(seed=1, seconds=30).trace.digest() != run(seed=2, seconds=30).trace.digest()


def test_record_then_replay_gives_the_same_trace(tmp_path: Path) -> None:
    session = tmp_path / "demo.session"
    cluster = Cluster(seed=5, nodes=node_specs_in(EXAMPLES))
    cluster.inputs.record_to(session, {"seed": 5, "manifest_dir": str(EXAMPLES)})
    folder = ManifestFolder(cluster, EXAMPLES)
    folder.sync()
    cluster.run_for(40.5)
    cluster.inputs.submit("chaos", action="kill-node", node="node-1")
    cluster.run_for(3.25)
    cluster.inputs.submit("api", verb="scale", resource="deployments", namespace="default", name="web", replicas=5)
    cluster.run_for(100)
    cluster.inputs.submit("chaos", action="revive-node", node="node-1")
    cluster.run_for(20)
    cluster.inputs.close()
    header, inputs, end = read_session(session)
    assert [i.kind for i in inputs] == ["manifests", "chaos", "api", "chaos"]

    replayed = Cluster(seed=header["seed"], nodes=node_specs_in(EXAMPLES))
    ManifestFolder(replayed, Path(header["manifest_dir"]))  # receives the recorded sync, never reads the folder
    replay_fast(replayed, inputs, end)
    assert replayed.clock.events_run == end["at"]
    assert replayed.trace.digest() == end["trace_hash"] == cluster.trace.digest()


def test_a_recorded_save_replays_with_the_files_it_touched(tmp_path: Path) -> None:
    """A save re-applies only the saved files, so which files were saved is part of the recorded input."""
    session = tmp_path / "save.session"
    cluster = Cluster(seed=7, nodes=node_specs_in(EXAMPLES))
    cluster.inputs.record_to(session, {"seed": 7, "manifest_dir": str(EXAMPLES)})
    folder = ManifestFolder(cluster, EXAMPLES)
    files = folder.snapshot()
    folder.sync(files)
    cluster.run_for(30)
    cluster.inputs.submit("api", verb="scale", resource="deployments", namespace="default", name="web", replicas=5)
    cluster.run_for(10)
    folder.sync(files, touched=["10-web.yaml"])  # saved unchanged: web goes back to the file's 3 replicas
    cluster.run_for(30)
    cluster.inputs.close()
    recorded = cluster.trace.digest()
    header, inputs, end = read_session(session)
    assert [i.kind for i in inputs] == ["manifests", "api", "manifests"]
    assert inputs[-1].data["touched"] == ["10-web.yaml"]
    web = cluster.get("deployments", "default", "web")  # a read: after the digest, it is traced too
    assert web is not None and web["spec"]["replicas"] == 3

    replayed = Cluster(seed=header["seed"], nodes=node_specs_in(EXAMPLES))
    ManifestFolder(replayed, Path(header["manifest_dir"]))
    replay_fast(replayed, inputs, end)
    assert replayed.trace.digest() == end["trace_hash"] == recorded


def test_a_recorded_load_generator_replays_with_the_same_autoscaling(tmp_path: Path) -> None:
    """G's create and delete are recorded inputs; the load, the metrics and the HPA's decisions replay exactly."""
    from kubetui.sim.loadgen import generator_name, generator_pod

    session = tmp_path / "load.session"
    cluster = Cluster(seed=9, nodes=node_specs_in(EXAMPLES))
    cluster.inputs.record_to(session, {"seed": 9, "manifest_dir": str(EXAMPLES)})
    ManifestFolder(cluster, EXAMPLES).sync()
    cluster.run_for(45)
    service = {"metadata": {"name": "hpa-demo", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}
    cluster.inputs.submit("api", verb="create", resource="pods", namespace="default", object=generator_pod(service))
    cluster.run_for(120)
    cluster.inputs.submit("api", verb="delete", resource="pods", namespace="default",
                          name=generator_name("hpa-demo"), grace_period_seconds=0)
    cluster.run_for(30)
    cluster.inputs.close()
    header, inputs, end = read_session(session)
    replayed = Cluster(seed=header["seed"], nodes=node_specs_in(EXAMPLES))
    ManifestFolder(replayed, Path(header["manifest_dir"]))
    replay_fast(replayed, inputs, end)
    assert replayed.trace.digest() == end["trace_hash"] == cluster.trace.digest()
    rescaled = [e for e in replayed.objects("events", "default") if e["reason"] == "SuccessfulRescale"]
    assert rescaled, "the load scaled hpa-demo up"


def test_a_recorded_exec_replays_with_its_request_and_its_writes(tmp_path: Path) -> None:
    session = tmp_path / "exec.session"
    scout = Cluster(seed=9, nodes=node_specs_in(EXAMPLES))  # the same run, to learn a pod's name without a read
    ManifestFolder(scout, EXAMPLES).sync()                  # that would itself be traced
    scout.run_for(30)
    pod = next(p["metadata"]["name"] for p in scout.objects("pods", "default")
               if p["metadata"]["name"].startswith("web-") and p["status"].get("phase") == "Running")
    cluster = Cluster(seed=9, nodes=node_specs_in(EXAMPLES))
    cluster.inputs.record_to(session, {"seed": 9, "manifest_dir": str(EXAMPLES)})
    ManifestFolder(cluster, EXAMPLES).sync()
    cluster.run_for(30)
    printed = cluster.inputs.submit("exec", pod=pod, namespace="default", container="",
                                    command=["sh", "-c", "echo hi > /tmp/x; curl -s http://web | grep title"])
    assert printed == "<title>Welcome to nginx!</title>\n"  # through kube-proxy: a random endpoint, then its log
    cluster.run_for(30)
    cluster.inputs.close()
    header, inputs, end = read_session(session)
    assert [i.kind for i in inputs] == ["manifests", "exec"]
    replayed = Cluster(seed=header["seed"], nodes=node_specs_in(EXAMPLES))
    ManifestFolder(replayed, Path(header["manifest_dir"]))
    replay_fast(replayed, inputs, end)
    assert replayed.trace.digest() == end["trace_hash"] == cluster.trace.digest()
