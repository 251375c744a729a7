"""Every tour runs to its end on the fast clock: each step's condition is reached. A broken tour fails CI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from textual.binding import Binding

from kubetui.node.spec import default_nodes
from kubetui.sim.cluster import Cluster
from kubetui.tours.model import TourError, available_tours, find_tour, load_tour
from kubetui.tours.runner import TourRunner, run_headless
from kubetui.ui.app import KubetuiApp
from kubetui.ui.tour_panel import TourPanel

TOURS = available_tours()


def test_the_ten_tours_exist_in_order() -> None:
    assert [t.name for t in TOURS] == [
        "1-manifest-to-pod", "2-scheduler", "3-self-healing", "4-node-failure", "5-rolling-update",
        "6-services", "7-etcd-and-watch", "8-storage", "9-autoscaling", "10-inside-a-pod"]
    assert find_tour("3").name == find_tour("self-healing").name == "3-self-healing"
    assert find_tour("10").name == find_tour("inside-a-pod").name == "10-inside-a-pod"


@pytest.mark.parametrize("tour", TOURS, ids=[t.name for t in TOURS])
def test_tour_reaches_every_step(tour: object) -> None:
    results = run_headless(tour)  # type: ignore[arg-type]
    assert len(results) == len(tour.steps)  # type: ignore[attr-defined]
    assert all(r.reached for r in results)


def test_a_broken_tour_fails(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("title: Broken\nsteps:\n  - title: never\n    narration: x\n"
                    "    until: {pods-ready: {selector: app=nothing, count: 1}}\n    timeout: 30\n")
    with pytest.raises(TourError, match="did not reach"):
        run_headless(load_tour(path))


def test_malformed_tour_files_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("title: Bad\nsteps:\n  - title: t\n    narration: n\n    action: {teleport: node-1}\n")
    with pytest.raises(TourError, match="unknown 'teleport'"):
        load_tour(path)


async def test_walk_a_tour_with_the_keys() -> None:
    tour = find_tour("etcd-and-watch")
    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    app = KubetuiApp(cluster, start_driver=False, tour=tour)
    async with app.run_test(size=(160, 40)) as pilot:
        panel = app.query_one(TourPanel)
        assert panel.runner.index == 0
        assert app.query_one("#api").has_class("-highlight")
        cluster.run_for(60)
        panel.refresh_panel()
        await pilot.pause()
        assert panel.runner.satisfied()
        await pilot.press("n")
        assert panel.runner.index == 1 and app.query_one("#events").has_class("-highlight")
        await pilot.press("b")
        assert panel.runner.index == 0
        await pilot.press("n", "n")
        assert panel.runner.index == 2
        assert "409" in panel.runner.message
        # the clock stopped on the two writes: the API pane ends with them, however long the learner reads
        assert app.driver.paused
        tail = _pane_text(app, "api").splitlines()[-2:]
        assert tail[0].startswith("alice") and " 200" in tail[0], tail
        assert tail[1].startswith("bob") and " 409" in tail[1], tail
        await pilot.press("R")
        assert panel.runner.index == 2
        await pilot.press("n")
        assert panel.runner.finished


def test_narration_reflows_but_keeps_paragraphs_and_list_items() -> None:
    from kubetui.ui.tour_panel import reflow

    text = "One line\nwrapped here.\n\nSecond paragraph:\n- first item\n  continues\n- second item\n"
    assert reflow(text) == ["One line wrapped here.", "Second paragraph:\n- first item continues\n- second item"]


@pytest.mark.parametrize(("size", "below"), [((100, 30), True), ((200, 50), False)], ids=["100x30", "200x50"])
async def test_the_panel_docks_below_on_narrow_terminals(size: tuple[int, int], below: bool) -> None:
    tour = find_tour("node-failure")
    app = KubetuiApp(Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes)), start_driver=False, tour=tour)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        panel = app.query_one(TourPanel)
        body = app.query_one("#body").region
        highlighted = app.query_one(f"#{tour.steps[0].highlight}")
        assert panel.docked_below is below
        if below:  # across the full width under the panes, which keep half the screen each
            assert panel.region.width == size[0] and panel.region.bottom == body.bottom
            assert app.query_one("#left").region.width >= size[0] // 2 - 1
        else:
            assert panel.region.right == size[0] and panel.region.height == body.height
        assert not panel.region.overlaps(highlighted.region)  # the highlighted pane stays in view
        assert highlighted.region.height >= 6
        rendered = "".join(str(w.render()) for w in app.query("FooterKey"))
        assert "Next" in rendered and "Back" in rendered  # the tour's keys are in the footer too


def test_a_step_is_not_reached_on_the_state_from_before_its_action() -> None:
    """Version 2 of the rolling-update tour: the rollout takes its time, not 0 s on the old, complete Deployment."""
    results = run_headless(find_tour("rolling-update"))
    version_2 = next(r for r in results if r.title == "Version 2 rolls out")
    assert version_2.virtual_seconds > 5  # new pods pulled, started and ready, one at a time


def _pane_text(app: KubetuiApp, pane_id: str) -> str:
    from kubetui.ui.panes.base import LinePane

    pane = app.query_one(f"#{pane_id}", LinePane)
    return "\n".join(pane.item_text(item) for item in pane.items())


def requests(app: KubetuiApp, pane_id: str) -> list[str]:
    """The request lines at the end of a pane (one per connection sent through kube-proxy's rules)."""
    lines = _pane_text(app, pane_id).splitlines()
    tail: list[str] = []
    while lines and " request " in lines[-1] and "KUBE-SVC" in lines[-1]:
        tail.insert(0, lines.pop())
    return tail


@pytest.mark.parametrize("reading_time", [0, 60], ids=["at-once", "a-learner-reads-each-step"])
def test_services_traffic_avoids_the_pod_that_is_not_ready(reading_time: float) -> None:
    """The killed pod stays out of rotation until the step after "Traffic avoids it", however long the learner
    reads: its restarted container is not Ready for 10 s, and the step before stops the clock. It used to be
    back within 2 s and take 3 of the 10 requests "that all land on the two ready pods"."""
    results = {r.title: r for r in run_headless(find_tour("services"), reading_time=reading_time)}
    killed = results["A pod leaves rotation"].message.split("/")[1]
    avoided = results["Traffic avoids it"].message
    assert killed not in avoided and "10 requests" in avoided and "error" not in avoided
    assert results["Back in rotation"].virtual_seconds > 5  # the probe's initialDelaySeconds, not at once
    assert killed in results["Traffic returns"].message


async def test_a_pausing_step_stops_the_clock_until_the_learner_goes_on() -> None:
    tour = find_tour("services")
    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    app = KubetuiApp(cluster, start_driver=False, tour=tour)
    async with app.run_test(size=(200, 50)) as pilot:
        runner = app.query_one(TourPanel).runner
        cluster.run_for(30)
        assert runner.satisfied() and not app.driver.paused  # step 1 does not pause
        await pilot.press("n")  # the requests: shown at once, and held still
        assert app.driver.paused and "clock paused" in runner.message
        assert requests(app, tour.steps[1].highlight)
        await pilot.press("n")  # the kill: the clock runs until kube-proxy has dropped the pod
        assert not app.driver.paused
        cluster.run_for(5)
        assert app.driver.paused and runner.satisfied()
        killed = runner.message.split("/")[1]
        pod = cluster.get("pods", "default", killed)
        assert pod is not None
        ip = pod["status"]["podIP"]
        await pilot.press("n")  # the clock stood still while the learner read: the pod is still not Ready
        assert app.driver.paused and "10 requests" in runner.message and killed not in runner.message
        lines = requests(app, tour.steps[3].highlight)
        assert len(lines) == 10 and not any(f"-> {ip}:" in line for line in lines)
        await pilot.press("n")  # back in rotation: a step about waiting runs the clock
        assert not app.driver.paused
        app.driver.set_paused(True)  # the learner pauses with space: going on leaves the clock as they set it
        cluster.run_for(30)
        await pilot.press("n", "n")
        assert runner.finished and app.driver.paused
        await pilot.press("space")


def test_every_step_highlights_the_pane_that_shows_its_action() -> None:
    """Requests land in the events pane (kube-proxy's trace), API writes in the API pane."""
    for tour in TOURS:
        for step in tour.steps:
            kind = next(iter(step.action), "")
            if kind == "request":
                assert step.highlight == "events", f"{tour.name}: {step.title}"
            if kind == "conflict-demo":
                assert step.highlight == "api", f"{tour.name}: {step.title}"


async def test_the_apply_line_stays_in_the_api_pane() -> None:
    """Tour 1 step 2 talks about the API pane's `kubectl apply deployments web 201` line: the clock stops before
    the controllers' requests (and the kubelets' heartbeats) push it out of view."""
    tour = find_tour("manifest-to-pod")
    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    app = KubetuiApp(cluster, start_driver=False, tour=tour)
    async with app.run_test(size=(200, 50)) as pilot:
        cluster.run_for(5)
        await pilot.press("n")
        assert app.driver.paused
        last = _pane_text(app, "api").splitlines()[-1]
        assert "kubectl" in last and "deployments" in last and "201" in last
        await pilot.press("n")
        assert not app.driver.paused


def walk(name: str, until_action: str = "") -> tuple[Cluster, TourRunner]:
    """Run a tour's steps on the fast clock, each to its condition; stop after the step with ``until_action``."""
    tour = find_tour(name)
    cluster = Cluster(seed=tour.seed, nodes=default_nodes(tour.nodes))
    runner = TourRunner(cluster, tour)
    cluster.run_for(5)
    for step in tour.steps:
        runner.next()
        assert cluster.run_until(runner.satisfied, timeout=step.timeout), step.title
        if until_action and step.action.get(until_action):
            break
    return cluster, runner


def test_rollout_undo_does_what_kubectl_does() -> None:
    """The Roll back step runs `kubectl rollout undo`, not a set-image: the nginx:1.28 ReplicaSet (which kept its 4
    pods, maxUnavailable 0) becomes revision 4; the broken one is scaled to 0 and kept as history."""
    cluster, runner = walk("rolling-update")
    assert runner.message == "deployment.apps/web rolled back (to the template of revision 2)"
    sets = {rs["spec"]["template"]["spec"]["containers"][0]["image"]: rs for rs in cluster.objects("replicasets")
            if rs["metadata"]["namespace"] == "default"}
    revision = {image: rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"] for image, rs in sets.items()}
    assert revision == {"nginx:1.27": "1", "nginx:doesnotexist": "3", "nginx:1.28": "4"}
    assert sets["nginx:doesnotexist"]["spec"]["replicas"] == 0 and sets["nginx:1.28"]["spec"]["replicas"] == 4
    deployment = cluster.get("deployments", "default", "web")
    assert deployment is not None and "pod-template-hash" not in deployment["spec"]["template"]["metadata"]["labels"]


def test_the_conflict_demo_quotes_this_runs_resource_versions() -> None:
    """alice's write is quoted at the resourceVersion it got, not the one both writers read."""
    cluster, runner = walk("etcd-and-watch", until_action="conflict-demo")
    found = re.search(r"read resourceVersion (\d+); alice's update was stored at (\d+); bob's, still sending (\d+), "
                      r"got 409", runner.message)
    assert found, runner.message
    read, written, sent = (int(n) for n in found.groups())
    deployment = cluster.get("deployments", "default", "web")
    assert deployment is not None
    assert read == sent < written == int(deployment["metadata"]["resourceVersion"])  # nothing else wrote since


def test_the_long_wait_says_how_to_speed_the_clock_up() -> None:
    """At 1x the 300 s eviction wait is five real minutes: the step says which key speeds the clock up."""
    faster = next(b for b in KubetuiApp.BINDINGS if isinstance(b, Binding) and b.action == "faster")
    assert faster.key == "right_square_bracket"
    eviction = next(s for s in find_tour("node-failure").steps if s.title == "Taint-based eviction")
    assert "press ]" in eviction.narration


def test_narrations_say_what_kubernetes_does() -> None:
    """Statements a review found false, kept out."""
    text = {t.name: "\n".join(s.narration for s in t.steps) for t in TOURS}
    assert "readiness checks pass" not in text["1-manifest-to-pod"]  # its Deployment has no readinessProbe
    assert "q twice" in find_tour("1").steps[-1].narration  # q q quits (QUIT_WINDOW)
    assert "removes it from the EndpointSlice" not in text["6-services"]  # not ready: ready false, still listed
    assert "conditions.ready false" in text["6-services"]
    assert "removes the broken one" not in text["5-rolling-update"]  # scaled to 0, kept as history
    assert "etcd streams every change" not in text["7-etcd-and-watch"]  # components watch the API server
    kill = next(s for s in find_tour("3").steps if s.title == "Kill it")
    assert kill.highlight != "nodes" and "kubectl describe pod server" in kill.narration


def test_the_tour_command_takes_port_and_kubeconfig_and_anchors_time(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A second tour no longer rewrites ~/.kube/kubetui.config, and its timestamps are today's, as the app's are
    (kubectl describe showed events "340d" old)."""
    from datetime import UTC, datetime, timedelta
    from typing import Any

    import kubetui.ui.app as app_module
    from kubetui.api import meta
    from kubetui.tours.cli import main

    seen: dict[str, Any] = {}

    def run_app(manifest_dir: Path | None, seed: int, speed: float, port: int, kubeconfig: Path,
                **kwargs: Any) -> int:
        seen.update(dir=manifest_dir, speed=speed, port=port, kubeconfig=kubeconfig, epoch=meta.EPOCH, **kwargs)
        return 0

    monkeypatch.setattr(app_module, "run_app", run_app)
    monkeypatch.setattr(meta, "EPOCH", meta.EPOCH)  # put back after the test
    config = tmp_path / "second.config"
    assert main(["6", "--port", "0", "--kubeconfig", str(config), "--speed", "5"]) == 0
    assert seen["port"] == 0 and seen["kubeconfig"] == config and seen["speed"] == 5 and seen["dir"] is None
    assert seen["tour"].name == "6-services"
    assert abs(seen["epoch"] - datetime.now(UTC)) < timedelta(minutes=1)
    assert main(["6"]) == 0
    assert seen["port"] == 6443 and seen["kubeconfig"] == Path.home() / ".kube" / "kubetui.config"


def test_the_too_big_manifests_try_line_works_as_written(tmp_path: Path) -> None:
    """manifests/30-too-big.yaml: lowering the request in place is refused (a Pod's resources are immutable);
    deleting the pod and saving again creates it anew, and it is scheduled. The comment used to promise that
    lowering the request alone got it placed."""
    import shutil

    from kubetui.manifests.loader import ManifestFolder, node_specs_in

    root = Path(__file__).resolve().parents[2] / "manifests"
    source = root / "30-too-big.yaml"
    comment = " ".join(line.lstrip("# ") for line in source.read_text().splitlines() if line.startswith("#"))
    assert "kubectl delete pod too-big" in comment and "refuses" in comment
    for name in ("00-nodes.yaml", "30-too-big.yaml"):
        shutil.copy(root / name, tmp_path / name)
    cluster = Cluster(seed=1, nodes=node_specs_in(tmp_path))
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    cluster.run_for(10)
    manifest = tmp_path / "30-too-big.yaml"
    manifest.write_text(manifest.read_text().replace('cpu: "16"', 'cpu: "2"'))
    folder.sync()  # "lower the request to 2 and save"
    cluster.run_for(10)
    assert any("pod updates may not change fields" in str(error) for error in folder.errors.values())
    pod = cluster.get("pods", "default", "too-big")
    assert pod is not None and not pod["spec"].get("nodeName")  # still the Pending pod asking for 16
    cluster.client("kubectl").delete("pods", "default", "too-big")
    cluster.run_for(1)
    folder.sync()  # "save the file again"
    cluster.run_for(10)
    pod = cluster.get("pods", "default", "too-big")
    assert not folder.errors and pod is not None and pod["spec"].get("nodeName")
    assert pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "2"


def test_the_storage_tour_finds_a_node_by_its_pod_and_waits_for_a_graceful_delete() -> None:
    """8-storage names no node: it kills the node db-0 runs on and revives it after db-0 is gone; deleting db-1
    is seen (terminating) before the step's condition is read, so the step waits for the new db-1."""
    results = run_headless(find_tour("8"))
    assert [r.reached for r in results] == [True] * 5
    assert results[1].virtual_seconds > 0, "the old db-1, still Ready but being deleted, does not end the step"
    node = results[2].message.removeprefix("kill-node ")
    assert node.startswith("node-") and results[4].message == f"revive-node {node}"
