"""Hostile input to the manifest folder and the HTTP API: a clear error every time, nothing else touched.

The manifest loader gets generated folders: malformed YAML and JSON, wrong types in known kinds,
deep or huge documents, unicode and path-like names, truncated manifests. The HTTP API gets
generated requests: random JSON bodies, names with ``../``, unicode and percent tricks, every
verb. After each example the objects that were there before are byte-for-byte the same, and a
valid request still works.
"""

from __future__ import annotations

import asyncio
import json
import os
import string
import tempfile
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import yaml
import yarl
from hypothesis import given
from hypothesis import strategies as st

from kubetui.http.server import ApiHttpServer
from kubetui.manifests.files import MAX_FILE_BYTES, UNREADABLE, decode
from kubetui.manifests.loader import ManifestFolder, node_specs_in
from kubetui.manifests.locate import FAST_FROM
from kubetui.sim.cluster import Cluster
from tests.reliability.checks import new_example
from tests.reliability.soak import examples

Obj = dict[str, Any]
KINDS = (
    ("v1", "ConfigMap"),
    ("v1", "Service"),
    ("v1", "Pod"),
    ("apps/v1", "Deployment"),
    ("batch/v1", "Job"),
    ("v1", "Secret"),
    ("apps/v2", "Deployment"),
    ("v1", "Gadget"),
    ("", "ConfigMap"),
    ("v1", ""),
)
NAMES = st.one_of(
    st.sampled_from(
        [
            "web",
            "../x",
            "../../etc/passwd",
            "a/b",
            "..",
            ".",
            "%2e%2e",
            "x" * 300,
            "UPPER",
            "-lead",
            "ünïcödé",
            "名前",
            "a b",
            "a\x00b",
            "web\n",
            "",
            "sentinel",
        ]
    ),
    st.text(string.ascii_lowercase + string.digits + "-.", min_size=1, max_size=20),
    st.text(max_size=12),
)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=30)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=25,
)
FIELDS = (
    "metadata",
    "spec",
    "data",
    "status",
    "replicas",
    "containers",
    "selector",
    "template",
    "ports",
    "labels",
)


@st.composite
def documents(draw: st.DrawFn) -> Any:
    """Mostly object-shaped documents of real kinds with wrong or random parts; sometimes anything."""
    if draw(st.integers(0, 9)) == 0:
        return draw(JSON)
    api_version, kind = draw(st.sampled_from(KINDS))
    doc: Obj = {"apiVersion": api_version, "kind": kind, "metadata": {"name": draw(NAMES)}}
    if draw(st.booleans()):
        doc["metadata"]["namespace"] = draw(st.sampled_from(["default", "kube-system", "../ns", "nope", 5]))
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=4)):
        target = doc if draw(st.booleans()) else doc.setdefault("spec", {})
        if isinstance(target, dict):
            target[key] = draw(JSON)
    return doc


@st.composite
def manifest_files(draw: st.DrawFn) -> dict[str, str]:
    files: dict[str, str] = {}
    for i in range(draw(st.integers(1, 4))):
        docs = draw(st.lists(documents(), min_size=1, max_size=3))
        as_json = draw(st.booleans())
        if as_json:
            text = json.dumps(
                docs[0] if len(docs) == 1 else {"apiVersion": "v1", "kind": "List", "items": docs}
            )
        else:
            text = "\n---\n".join(yaml.safe_dump(d, allow_unicode=True) for d in docs)
        mangle = draw(st.integers(0, 5))
        if mangle == 0:
            text = text[: draw(st.integers(0, max(0, len(text) - 1)))]  # a half-written file
        elif mangle == 1:
            text = draw(
                st.sampled_from(
                    [
                        "[" * 3000,
                        "a: &a [*a]",
                        "{{{",
                        "\t- x\n\t- y",
                        "a: b: c",
                        "- - -",
                        "!!python/object:os.system ls",
                        "key: !!binary AAAA",
                        "\ufeffa: 1",
                    ]
                )
            )
        files[f"f{i}.{'json' if as_json else 'yaml'}"] = text
    return files


def sentinel(cluster: Cluster) -> bytes:
    kv = cluster.store.get("/registry/configmaps/kube-public/sentinel")
    assert kv is not None
    return kv.value + str(kv.mod_revision).encode()


def fresh_cluster() -> Cluster:
    new_example()
    cluster = Cluster(seed=5, nodes=[], scheduler=False, controllers=False)
    cluster.client("kubectl").create(
        "configmaps",
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": "sentinel", "namespace": "kube-public"},
            "data": {"keep": "me"},
        },
    )
    return cluster


@examples(100)
@given(manifest_files())
def test_manifest_folder_survives_any_files(files: dict[str, str]) -> None:
    cluster = fresh_cluster()
    before = sentinel(cluster)
    folder = ManifestFolder(cluster, Path("/nonexistent-kubetui-fuzz"))
    folder.apply_snapshot(files)
    for path, error in folder.errors.items():
        assert error.message.strip(), f"{path}: an error without a message"
        text = files[error.path]
        assert 0 <= error.line <= text.rstrip().count("\n") + 1, f"{error}: not a line of the file"
    root = "/nonexistent-kubetui-fuzz/"
    assert set(folder.errors) <= {root + name for name in files}
    assert sentinel(cluster) == before
    # Whatever happened, the folder still applies a good file and prunes the rest.
    folder.apply_snapshot({"good.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n"})
    assert not folder.errors
    assert cluster.get("configmaps", "default", "good") is not None
    assert sentinel(cluster) == before


def test_files_that_cannot_be_read(tmp_path: Path) -> None:
    cluster = fresh_cluster()
    (tmp_path / "huge.yaml").write_text("a: " + "x" * (MAX_FILE_BYTES + 10))
    (tmp_path / "latin1.yaml").write_bytes(b"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caf\xe9}\n")
    (tmp_path / "ok.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n")
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    assert set(folder.errors) == {str(tmp_path / "huge.yaml"), str(tmp_path / "latin1.yaml")}
    assert "limit" in folder.errors[str(tmp_path / "huge.yaml")].message
    assert "UTF-8" in folder.errors[str(tmp_path / "latin1.yaml")].message
    assert cluster.get("configmaps", "default", "ok") is not None


# -- the HTTP API ---------------------------------------------------------------------------------------
PATHS = (
    "/api/v1/namespaces/default/configmaps",
    "/api/v1/namespaces/default/pods",
    "/apis/apps/v1/namespaces/default/deployments",
    "/api/v1/nodes",
    "/api/v1/namespaces",
    "/api/v1/namespaces/kube-public/configmaps",
    # a resource served at two versions (bodies converted both ways), an aggregated API, a computed read-only one
    "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers",
    "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers",
    "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods",
    "/apis/apiregistration.k8s.io/v1/apiservices",
)
CONTENT_TYPES = (
    "application/json",
    "application/yaml",
    "application/merge-patch+json",
    "application/strategic-merge-patch+json",
    "application/json-patch+json",
    "application/apply-patch+yaml",
    "text/plain",
)
requests = st.tuples(
    st.sampled_from(("GET", "POST", "PUT", "PATCH", "DELETE")),
    st.sampled_from(PATHS),
    st.one_of(st.none(), NAMES.map(lambda n: aiohttp.helpers.quote(n, safe="") if n else n)),
    st.sampled_from(CONTENT_TYPES),
    st.one_of(
        documents().map(lambda d: json.dumps(d).encode()),
        st.binary(max_size=64),
        st.sampled_from([b"[" * 20000, b"{" * 100, b'{"a":' * 2000, b"\xff\xfe\x00"]),
    ),
)


async def _fire(cluster: Cluster, batch: list[tuple[str, str, str | None, str, bytes]]) -> list[str]:
    """Send every request; return what went wrong (5xx, a non-Status error, the server stopped serving)."""
    server = ApiHttpServer(cluster, driver=None, port=0)
    await server.start()
    problems: list[str] = []
    try:
        async with aiohttp.ClientSession() as session:
            for method, path, name, content_type, body in batch:
                url = server.url + path + (f"/{name}" if name else "")
                async with session.request(
                    method, url, data=body, headers={"Content-Type": content_type}
                ) as r:
                    text = await r.read()
                    if r.status >= 500:
                        problems.append(f"{method} {path}/{name}: {r.status} {text[:200]!r}")
                    elif r.status >= 400:
                        status = json.loads(text)
                        if status.get("kind") != "Status" or not status.get("message"):
                            problems.append(f"{method} {path}/{name}: {r.status} without a Status message")
            async with session.get(server.url + "/version") as r:
                if r.status != 200:
                    problems.append(f"stopped serving: {r.status}")
    finally:
        await server.stop()
    return problems


SENTINEL_PATH = "/api/v1/namespaces/kube-public/configmaps/sentinel"


def _is_within(target: str, path: str) -> bool:
    """Whether ``path``, as an HTTP client normalizes it, is ``target`` or a collection above it."""
    sent = yarl.URL("http://kubetui" + path).path.rstrip("/")
    return target == sent or target.startswith(sent + "/")


@examples(40)
@given(st.lists(requests, min_size=1, max_size=12))
def test_http_api_answers_hostile_requests_with_clear_errors(batch: list[Any]) -> None:
    cluster = fresh_cluster()
    before = sentinel(cluster)
    # Requests aimed at the sentinel itself (or at its collection, its namespace ...) may change it; nothing
    # else may. Aimed as the client sends it: an HTTP client drops dot segments, so a name "." or ".." is
    # the collection or the namespace (found by a soak: DELETE .../configmaps/. deleted the collection).
    aimed = any(
        method in ("PUT", "PATCH", "DELETE") and _is_within(SENTINEL_PATH, path + (f"/{name}" if name else ""))
        for method, path, name, _, _ in batch
    )
    problems = asyncio.run(_fire(cluster, batch))
    assert not problems, "\n".join(problems)
    if not aimed:
        assert sentinel(cluster) == before


# -- the manifest folder's files: odd encodings, links, special files, races ----------------------------------
CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n"


def folder_errors(folder: ManifestFolder) -> dict[str, str]:
    """Each error's message by path relative to the folder."""
    return {folder.display_path(path): error.message for path, error in folder.errors.items()}


def test_encodings_and_binary_files(tmp_path: Path) -> None:
    cluster = fresh_cluster()
    (tmp_path / "utf16.yaml").write_bytes(CM.format(name="utf16").encode("utf-16"))  # with a BOM, as kubectl reads it
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + json.dumps(yaml.safe_load(CM.format(name="bom"))).encode())
    (tmp_path / "crlf.yaml").write_bytes(CM.format(name="crlf").replace("\n", "\r\n").encode())
    (tmp_path / "nul.yaml").write_bytes(b"\x00\x00\x00kind: x\n")  # used to be taken for an unreadable-file marker
    (tmp_path / "elf.yaml").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00")
    (tmp_path / "bell.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\x07b\n")
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    errors = folder_errors(folder)
    assert set(errors) == {"nul.yaml", "elf.yaml", "bell.yaml"}
    assert errors["nul.yaml"] == "binary data, not YAML or JSON text: a NUL character on line 1"
    assert errors["elf.yaml"].startswith("binary data")
    assert folder.errors[str(tmp_path / "bell.yaml")].line == 4
    assert {o["metadata"]["name"] for o in cluster.objects("configmaps", "default")} == {"utf16", "bom", "crlf"}


def test_links_and_special_files(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "cm.yaml").write_text(CM.format(name="outside"))
    (root / "sub" / "real.yaml").write_text(CM.format(name="inside"))
    (root / "out.yaml").symlink_to(outside / "cm.yaml")
    (root / "in.yaml").symlink_to(root / "sub" / "real.yaml")
    (root / "broken.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "dev.yaml").symlink_to("/dev/zero")
    os.mkfifo(root / "fifo.yaml")  # reading it would block forever
    (root / "folder.yaml").mkdir()  # a folder named like a manifest is a folder: its files are read
    (root / "folder.yaml" / "x.yaml").write_text(CM.format(name="in-folder"))
    cluster = fresh_cluster()
    folder = ManifestFolder(cluster, root)
    folder.sync()
    errors = folder_errors(folder)
    assert set(errors) == {"out.yaml", "in.yaml", "broken.yaml", "loop.yaml", "linked", "dev.yaml", "fifo.yaml"}
    assert errors["in.yaml"] == "symlink to sub/real.yaml, which is read already: not read twice"
    assert "outside the manifest folder: not read" in errors["out.yaml"]
    assert errors["broken.yaml"].startswith("broken symlink")
    assert "loops" in errors["loop.yaml"]
    assert errors["linked"].startswith("a symlink to a folder is not followed")
    assert "outside the manifest folder" in errors["dev.yaml"]
    assert errors["fifo.yaml"].startswith("not a regular file")
    assert {o["metadata"]["name"] for o in cluster.objects("configmaps", "default")} == {"inside", "in-folder"}
    assert node_specs_in(root) is None  # the same listing, without a hang on the pipe


def team_folder_synced(tmp_path: Path) -> tuple[Cluster, ManifestFolder]:
    """ConfigMap a in team/a.yaml and b in b.yaml, applied once."""
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "a.yaml").write_text(CM.format(name="a"))
    (tmp_path / "b.yaml").write_text(CM.format(name="b"))
    cluster = fresh_cluster()
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    return cluster, folder


def test_unlistable_folder_keeps_what_it_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, folder = team_folder_synced(tmp_path)
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path).name == "team":
            raise PermissionError(13, "Permission denied", str(path))  # what chmod 000 does to a non-root user
        return real_scandir(path)

    (tmp_path / "team" / "a.yaml").write_text(CM.format(name="a") + "data: {changed: 'yes'}\n")
    before = cluster.store.get("/registry/configmaps/default/a")
    monkeypatch.setattr(os, "scandir", scandir)
    folder.sync()
    assert folder_errors(folder) == {"team": "cannot list this folder: Permission denied"}
    # Neither pruned (its file was not seen, not removed) nor applied again: left as last applied.
    assert cluster.store.get("/registry/configmaps/default/a") == before
    monkeypatch.setattr(os, "scandir", real_scandir)
    folder.sync()
    assert folder.errors == {}
    assert cluster.get("configmaps", "default", "a")["data"] == {"changed": "yes"}  # type: ignore[index]


def test_folder_or_file_deleted_while_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cluster, folder = team_folder_synced(tmp_path)
    real_open = os.open

    def vanishing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).name == "b.yaml":
            Path(path).unlink(missing_ok=True)  # deleted between the listing and the read
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", vanishing_open)
    folder.sync()
    assert folder_errors(folder) == {"b.yaml": "the file disappeared while being read (deleted or renamed); "
                                     "read again on the next change"}
    assert cluster.get("configmaps", "default", "b") is not None  # kept until the deletion is seen
    monkeypatch.setattr(os, "open", real_open)
    real_scandir = os.scandir

    def gone(path: Any = ".") -> Any:
        if Path(path).name == "team":
            raise FileNotFoundError(2, "No such file or directory", str(path))  # removed while listing
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", gone)
    folder.sync()
    assert folder.errors == {}
    assert [o["metadata"]["name"] for o in cluster.objects("configmaps", "default")] == []


def test_unreadable_file_keeps_what_it_applied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_text(CM.format(name="a"))
    cluster = fresh_cluster()
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    real_open = os.open

    def denied(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).name == "a.yaml":
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    folder.sync()
    assert folder_errors(folder) == {"a.yaml": "cannot read: Permission denied"}
    assert cluster.get("configmaps", "default", "a") is not None


@examples(60)
@given(st.one_of(st.binary(max_size=200), st.integers(1, 59)))
def test_any_bytes_in_a_file(content: bytes | int) -> None:
    """Random bytes, or a valid Deployment cut at any point: applied, or one error on a line the file has."""
    deployment = DEPLOYMENT_TEXT.encode()
    data = deployment[: len(deployment) * content // 60] if isinstance(content, int) else content
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "f.yaml").write_bytes(data)
        cluster = fresh_cluster()
        folder = ManifestFolder(cluster, Path(tmp))
        folder.sync()
        text = decode(data)  # as the folder reads it (UTF-16 with a BOM has other line breaks than UTF-8)
        # an unreadable file's error names a line of its bytes (where the NUL or the bad UTF-8 is)
        lines = data.count(b"\n") + 1 if text.startswith(UNREADABLE) else text.rstrip().count("\n") + 1
        for error in folder.errors.values():
            assert error.message.strip() and "Traceback" not in error.message
            assert 0 <= error.line <= lines, (error, data)


DEPLOYMENT_TEXT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx
        ports: [{containerPort: 80}]
"""


def test_big_files_parse_quickly_with_the_same_meaning(tmp_path: Path) -> None:
    """Over FAST_FROM characters libyaml parses (pure-Python PyYAML takes seconds per MB, freezing the UI):
    same values (dates stay strings), errors still on the right line."""
    data = "".join(f"  key{i}: value {i}\n" for i in range(FAST_FROM // 14))
    big = CM.format(name="big") + "  labels: {day: 2026-01-01}\ndata:\n" + data
    assert len(big) > FAST_FROM
    (tmp_path / "big.yaml").write_text(big)
    (tmp_path / "broken.yaml").write_text(big + "  last: [unfinished\n\n")
    cluster = fresh_cluster()
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    obj = cluster.get("configmaps", "default", "big")
    assert obj is not None and obj["metadata"]["labels"] == {"day": "2026-01-01"}  # dates stay strings
    assert len(obj["data"]) == FAST_FROM // 14
    error = folder.errors[str(tmp_path / "broken.yaml")]
    assert (error.line, error.column) == (big.count("\n") + 1, len("  last: [unfinished") + 1)
    assert error.message.startswith("YAML parse error: ")
