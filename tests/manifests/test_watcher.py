"""The folder watcher with real file writes: an editor's save burst becomes one sync; edits converge."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import orjson
import pytest

from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.manifests.watcher import ManifestWatcher
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus

EXAMPLES = Path(__file__).resolve().parents[2] / "manifests"


async def wait_for(predicate: object, timeout: float = 10.0) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        await asyncio.sleep(0.05)
    return False


@contextlib.asynccontextmanager
async def watching(folder: ManifestFolder, debounce_ms: int = 100) -> AsyncIterator[ManifestWatcher]:
    """A started watcher (given a moment to begin watching), stopped on the way out."""
    watcher = ManifestWatcher(folder, debounce_ms=debounce_ms)
    await watcher.start()
    try:
        await asyncio.sleep(0.3)
        yield watcher
    finally:
        await watcher.stop()


async def test_watcher_applies_saved_edits(tmp_path: Path) -> None:
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    async with watching(folder, debounce_ms=200) as watcher:
        target = tmp_path / "cm.yaml"
        # An editor's save: a temporary file, then a rename over the target, then a touch.
        for value in ("one", "two", "three"):
            temp = tmp_path / ".cm.yaml.swp"
            temp.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c}}\ndata: {{v: {value}}}\n")
            temp.replace(target)
        assert await wait_for(lambda: cluster.get("configmaps", "default", "c") is not None)
        await asyncio.sleep(0.5)
        assert cluster.get("configmaps", "default", "c")["data"] == {"v": "three"}  # type: ignore[index]
        assert watcher.syncs == 1
        target.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: [\n")
        assert await wait_for(lambda: bool(folder.errors))
        target.unlink()
        assert await wait_for(lambda: cluster.get("configmaps", "default", "c") is None and not folder.errors)


async def test_saving_an_unchanged_file_applies_it_again(tmp_path: Path) -> None:
    """A save is a `kubectl apply` of that file: an object deleted with kubectl comes back, even when the text
    did not change; the other files are left alone."""
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, tmp_path)
    for name in ("a", "b"):
        (tmp_path / f"{name}.yaml").write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\n")
    folder.sync()
    kubectl = cluster.client("kubectl")
    kubectl.delete("configmaps", "default", "a")
    kubectl.delete("configmaps", "default", "b")
    async with watching(folder) as watcher:
        (tmp_path / "a.yaml").write_text((tmp_path / "a.yaml").read_text())  # saved, not changed
        assert await wait_for(lambda: watcher.syncs >= 1)
        assert cluster.get("configmaps", "default", "a") is not None
        assert cluster.get("configmaps", "default", "b") is None  # b.yaml was not saved


async def test_watcher_follows_a_folder_given_as_a_relative_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression: `kubetui .` and `kubetui manifests/` applied the folder once and then ignored every save."""
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path)
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, Path("app"))
    folder.sync()
    async with watching(folder, debounce_ms=100):
        (tmp_path / "app" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
        assert await wait_for(lambda: cluster.get("configmaps", "default", "c") is not None)
        assert folder.display_path(str(folder.root / "cm.yaml")) == "cm.yaml"


def test_example_folder_applies_cleanly_and_converges() -> None:
    cluster = Cluster(seed=1, nodes=node_specs_in(EXAMPLES))
    folder = ManifestFolder(cluster, EXAMPLES)
    folder.sync()
    assert folder.errors == {}
    assert sorted(cluster.machines) == ["node-1", "node-2", "node-3", "node-4"]

    def converged() -> bool:
        web = cluster.get("deployments", "default", "web")
        db = cluster.get("statefulsets", "default", "db")
        job = cluster.get("jobs", "default", "report")
        return bool(web and web["status"].get("availableReplicas") == 3
                    and db and db["status"].get("readyReplicas") == 3
                    and job and job["status"].get("succeeded") == 3)

    assert cluster.run_until(converged, timeout=300)
    pods = {p["metadata"]["name"]: p for p in cluster.objects("pods", "default")}
    assert pods["too-big"]["status"]["phase"] == "Pending"
    agents = [p for n, p in pods.items() if n.startswith("node-agent-")]
    assert sorted(p["spec"]["nodeName"] for p in agents) == ["node-1", "node-2", "node-3"]  # not the tainted node-4
    crash = pods["crashloop"]["status"]["containerStatuses"][0]
    assert crash["restartCount"] >= 1


def test_node_documents_start_and_stop_machines(tmp_path: Path) -> None:
    node = "apiVersion: v1\nkind: Node\nmetadata: {{name: {name}}}\nstatus: {{capacity: {{cpu: '2', memory: 4Gi}}}}\n"
    (tmp_path / "nodes.yaml").write_text(node.format(name="a") + "---\n" + node.format(name="b"))
    cluster = Cluster(seed=1, nodes=node_specs_in(tmp_path))
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    assert sorted(cluster.machines) == ["a", "b"]
    (tmp_path / "nodes.yaml").write_text(node.format(name="a") + "---\n" + node.format(name="c"))
    folder.sync()
    cluster.run_for(5)
    assert sorted(cluster.machines) == ["a", "c"]
    assert sorted(n["metadata"]["name"] for n in cluster.objects("nodes")) == ["a", "c"]


async def test_watcher_sees_a_folder_moved_away(tmp_path: Path) -> None:
    """Moving a folder out is one event for the folder, none for its files: it must still re-sync."""
    root = tmp_path / "root"
    (root / "team").mkdir(parents=True)
    (root / "team" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, root)
    folder.sync()
    assert cluster.get("configmaps", "default", "c") is not None
    async with watching(folder, debounce_ms=100):
        (root / "team").rename(tmp_path / "team")
        assert await wait_for(lambda: cluster.get("configmaps", "default", "c") is None)


def synced_empty_folder(root: Path) -> tuple[Cluster, ManifestFolder]:
    """A bare cluster (API server only) and the folder ``root``, synced once."""
    cluster = Cluster(seed=1, nodes=[], scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, root)
    folder.sync()
    return cluster, folder


async def test_watcher_keeps_going_after_a_failed_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, folder = synced_empty_folder(tmp_path)
    real_sync = folder.sync

    def broken(files: object = None, touched: object = None) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(folder, "sync", broken)
    async with watching(folder, debounce_ms=100) as watcher:
        (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        assert await wait_for(lambda: watcher.failure != "")
        assert watcher.failure.startswith("sync failed (RuntimeError: boom)")
        monkeypatch.setattr(folder, "sync", real_sync)
        (tmp_path / "b.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n")
        assert await wait_for(lambda: cluster.get("configmaps", "default", "b") is not None)
        messages = [r.message for r in cluster.trace.history if isinstance(r, ManifestStatus) and r.path == "."]
        assert messages[-1] == "synced again"


async def test_the_watcher_parses_off_the_loop_so_the_ui_keeps_drawing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing a 2.6 MB manifest holds the interpreter ~0.4 s: the watcher parses in a worker thread, and
    the sync on the loop finds the result cached (the same objects, parsed once)."""
    import threading

    cluster, folder = synced_empty_folder(tmp_path)
    parsed_in: list[int] = []
    real_parse = folder._parse

    def recording_parse(relative: str, text: str) -> object:
        parsed_in.append(threading.get_ident())
        return real_parse(relative, text)

    monkeypatch.setattr(folder, "_parse", recording_parse)
    async with watching(folder, debounce_ms=100):
        (tmp_path / "a.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
        assert await wait_for(lambda: cluster.get("configmaps", "default", "a") is not None)
        loop_thread = threading.get_ident()
        assert parsed_in and parsed_in[0] != loop_thread  # parsed in the worker first
        assert folder._cache["a.yaml"][1] is real_parse("a.yaml", (tmp_path / "a.yaml").read_text())


# -- bad input never stops the folder (a hostile-input review) ------------------------------------------------


async def test_a_file_name_that_is_not_utf8_neither_stops_watching_nor_breaks_the_trace(tmp_path: Path) -> None:
    """watchfiles raised on such a name and the watching task ended: no later save was ever applied."""
    cluster, folder = synced_empty_folder(tmp_path)
    async with watching(folder, debounce_ms=100):
        bad = os.path.join(os.fsencode(tmp_path), b"bad\xffname.yaml")
        with open(bad, "w") as stream:
            stream.write("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
        await asyncio.sleep(0.5)
        (tmp_path / "alive.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: alive}\n")
        assert await wait_for(lambda: cluster.get("configmaps", "default", "alive") is not None)
        assert await wait_for(lambda: "bad\\xffname.yaml" in folder.errors.get(str(tmp_path / "bad\\xffname.yaml"),
                                                                               _NO_ERROR).path)
    error = folder.errors[str(tmp_path / "bad\\xffname.yaml")]
    assert "not UTF-8" in error.message
    for record in cluster.trace.history:
        orjson.dumps(record.to_dict())  # every record can be served by /kubetui/v1/trace


async def test_a_file_rewritten_in_place_in_a_burst_is_not_pruned(tmp_path: Path) -> None:
    """Truncate-then-write saves, read in between, pruned and re-created the file's objects (new uids)."""
    text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {v: one}\n"
    (tmp_path / "c.yaml").write_text(text)
    cluster, folder = synced_empty_folder(tmp_path)
    uid = cluster.get("configmaps", "default", "c")["metadata"]["uid"]  # type: ignore[index]
    async with watching(folder, debounce_ms=100) as watcher:
        for _ in range(5):
            with open(tmp_path / "c.yaml", "w") as stream:  # truncated first, then written a little later
                stream.flush()
                await asyncio.sleep(0.08)  # longer than watchfiles waits for a next event (50 ms)
                stream.write(text)
        assert await wait_for(lambda: watcher.syncs >= 1)
        await asyncio.sleep(0.5)
    assert cluster.get("configmaps", "default", "c")["metadata"]["uid"] == uid  # type: ignore[index]
    assert not any(isinstance(r, ManifestStatus) and "pruned" in r.message for r in cluster.trace.history)


class _NoError:
    path = ""


_NO_ERROR = _NoError()


async def test_a_folder_that_is_gone_prunes_nothing_when_watching_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a watching failure the watcher syncs again; a folder that is gone must not read as empty (all pruned)."""
    root = tmp_path / "root"
    root.mkdir()
    (root / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    cluster, folder = synced_empty_folder(root)
    watcher = ManifestWatcher(folder, debounce_ms=100)

    async def failing() -> None:
        raise RuntimeError("the watched folder is gone")

    monkeypatch.setattr(watcher, "_watch", failing)
    root.rename(tmp_path / "elsewhere")
    await watcher.start()
    try:
        await asyncio.sleep(1.5)  # one failure, one retry
        assert "watching the folder failed (RuntimeError" in watcher.failure or "is gone" in watcher.failure
        assert cluster.get("configmaps", "default", "c") is not None
    finally:
        await watcher.stop()
