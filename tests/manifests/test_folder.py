"""The manifest folder: real files in a temporary folder, applied and pruned through the API server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kubetui.manifests.loader import ManifestFolder
from kubetui.sim.cluster import Cluster
from kubetui.sim.trace import ManifestStatus

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}
data:
  greeting: {value}
"""


def cm(name: str, value: str = "hello") -> str:
    return CONFIGMAP.format(name=name, value=value)


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1, nodes=[], scheduler=False, controllers=False)


def names(cluster: Cluster, resource: str = "configmaps", namespace: str = "default") -> list[str]:
    return sorted(o["metadata"]["name"] for o in cluster.objects(resource, namespace))


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    # Make sure the mtime changes even within one filesystem tick.
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def test_create_edit_delete(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a") + "---\n" + cm("b"))
    folder.sync()
    assert names(cluster) == ["a", "b"]
    write(tmp_path / "a.yaml", cm("a", "bonjour"))
    folder.sync()
    assert names(cluster) == ["a"]  # b was removed from the file: pruned
    assert cluster.get("configmaps", "default", "a")["data"] == {"greeting": "bonjour"}  # type: ignore[index]
    (tmp_path / "a.yaml").unlink()
    folder.sync()
    assert names(cluster) == []


def test_only_saved_files_are_applied_again(tmp_path: Path, cluster: Cluster) -> None:
    """kubectl's change to an object whose file nobody saved stays; saving that file takes the field back,
    and the log names the field and the manager it came from."""
    folder = ManifestFolder(cluster, tmp_path)
    notes: list[str] = []
    cluster.trace.subscribe(lambda r: notes.append(r.message) if isinstance(r, ManifestStatus) else None)
    write(tmp_path / "a.yaml", cm("a"))
    write(tmp_path / "b.yaml", cm("b"))
    folder.sync()
    cluster.api.patch("kubectl", "configmaps", "default", "a", {"data": {"greeting": "edited"}},
                      "application/merge-patch+json", field_manager="kubectl-edit")
    cluster.client("kubectl").delete("configmaps", "default", "b")
    notes.clear()
    write(tmp_path / "c.yaml", cm("c"))  # another file is saved
    folder.sync()
    assert notes == ["configmap/c -n default created"]  # a and b are not applied again
    assert cluster.client("kubectl").get("configmaps", "default", "a")["data"] == {"greeting": "edited"}
    assert names(cluster) == ["a", "c"]
    notes.clear()
    write(tmp_path / "a.yaml", cm("a") + "  farewell: bye\n")  # a is saved: its fields are the file's again
    folder.sync()
    assert cluster.client("kubectl").get("configmaps", "default", "a")["data"] == {
        "greeting": "hello", "farewell": "bye"}
    assert notes == ['configmap/a -n default configured (took .data.greeting from "kubectl-edit" using v1)']


def test_a_pruned_object_is_logged_under_the_file_it_came_from(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a") + "---\n" + cm("b"))
    write(tmp_path / "c.yaml", cm("c"))
    folder.sync()
    notes: list[tuple[str, str]] = []
    cluster.trace.subscribe(lambda r: notes.append((r.path, r.message)) if isinstance(r, ManifestStatus) else None)
    write(tmp_path / "a.yaml", cm("a"))
    (tmp_path / "c.yaml").unlink()
    folder.sync()
    assert notes == [("a.yaml", "configmap/a -n default unchanged"),  # as kubectl apply says it
                     ("a.yaml", "configmap/b -n default pruned (no longer in the file)"),
                     ("c.yaml", "configmap/c -n default pruned (file removed)")]


def test_rename_keeps_objects(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a"))
    folder.sync()
    uid = cluster.get("configmaps", "default", "a")["metadata"]["uid"]  # type: ignore[index]
    (tmp_path / "a.yaml").rename(tmp_path / "renamed.yaml")
    folder.sync()
    assert cluster.get("configmaps", "default", "a")["metadata"]["uid"] == uid  # type: ignore[index]


def test_prunes_only_its_own_objects(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    kubectl = cluster.client("kubectl")
    kubectl.create("configmaps", {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "mine"}}, "default")
    write(tmp_path / "a.yaml", cm("a"))
    folder.sync()
    (tmp_path / "a.yaml").unlink()
    folder.sync()
    assert names(cluster) == ["mine"]


def test_half_written_yaml_reports_line_and_keeps_last_good_state(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a") + "---\n" + cm("b"))
    write(tmp_path / "other.yaml", cm("other"))
    folder.sync()
    write(tmp_path / "a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n data: [\n")
    write(tmp_path / "other.yaml", cm("other", "changed"))
    folder.sync()
    error = folder.errors[str(tmp_path / "a.yaml")]
    assert error.path == "a.yaml" and error.line == 5
    assert "YAML parse error" in error.message
    assert names(cluster) == ["a", "b", "other"]  # nothing in the broken file applied or pruned
    assert cluster.get("configmaps", "default", "other")["data"]["greeting"] == "changed"  # type: ignore[index]
    write(tmp_path / "a.yaml", cm("a"))
    folder.sync()
    assert folder.errors == {}
    assert names(cluster) == ["a", "other"]
    messages = [r.message for r in cluster.trace.history if isinstance(r, ManifestStatus)]
    assert "fixed: applied again" in messages


def test_invalid_object_gets_the_api_servers_message(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    deployment = """\
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
      labels: {app: x}
    spec:
      containers: [{name: web, image: nginx}]
"""
    write(tmp_path / "d.yaml", cm("first") + "---\n" + deployment)
    folder.sync()
    error = folder.errors[str(tmp_path / "d.yaml")]
    assert (error.line, error.column) == (18, 15)  # the labels' value, in the second document
    assert error.message.startswith('The Deployment "web" is invalid: spec.template.metadata.labels')
    assert names(cluster) == []  # nothing in that file is applied
    write(tmp_path / "d.yaml", cm("first") + "---\n" + deployment.replace("{app: x}", "{app: web}"))
    folder.sync()
    assert folder.errors == {}
    assert names(cluster, "deployments") == ["web"]


def test_a_misspelt_field_is_refused_at_its_line(tmp_path: Path, cluster: Cluster) -> None:
    """As ``kubectl apply --server-side``: a field the schema does not declare fails the typed patch."""
    folder = ManifestFolder(cluster, tmp_path)
    pod = """\
apiVersion: v1
kind: Pod
metadata:
  name: typo
spec:
  containers:
    - name: app
      imag: nginx:1.27
"""
    write(tmp_path / "p.yaml", cm("first") + "---\n" + pod)
    folder.sync()
    error = folder.errors[str(tmp_path / "p.yaml")]
    assert error.message == (
        "Error from server: failed to create typed patch object (default/typo; /v1, Kind=Pod): "
        ".spec.containers[0].imag: field not declared in schema"
    )
    assert (error.line, error.column) == (15, 7)  # the misspelt key, in the second document
    assert names(cluster) == [] and names(cluster, "pods") == []  # nothing in that file is applied
    write(tmp_path / "p.yaml", cm("first") + "---\n" + pod.replace("imag:", "image:"))
    folder.sync()
    assert folder.errors == {} and names(cluster, "pods") == ["typo"]


def test_a_node_port_service_with_its_own_port(tmp_path: Path, cluster: Cluster) -> None:
    """The plan's dry run takes no node port for good, so the apply that follows gets the one asked for."""
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "s.yaml", """\
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {app: web}
  ports: [{port: 80, nodePort: 30080}]
""")
    folder.sync()
    assert folder.errors == {}
    assert cluster.client("kubectl").get("services", "default", "web")["spec"]["ports"][0]["nodePort"] == 30080


def test_json_list_and_namespaces_first(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.json", """{"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "team"}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team"}}]}""")
    folder.sync()
    assert folder.errors == {}
    assert names(cluster, "configmaps", "team") == ["x"]


def test_unknown_kind_and_missing_fields(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", "apiVersion: v1\nkind: Gizmo\nmetadata: {name: g}\n")
    write(tmp_path / "b.yaml", "metadata: {name: g}\n")
    write(tmp_path / "c.yaml", "- just\n- a list\n")
    folder.sync()
    assert 'no matches for kind "Gizmo" in version "v1"' in folder.errors[str(tmp_path / "a.yaml")].message
    assert "missing" in folder.errors[str(tmp_path / "b.yaml")].message
    assert "expected a Kubernetes object" in folder.errors[str(tmp_path / "c.yaml")].message


def test_skips_hidden_and_editor_files(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / ".hidden.yaml", cm("hidden"))
    write(tmp_path / "a.yaml~", cm("backup"))
    write(tmp_path / ".git" / "x.yaml", cm("git"))
    write(tmp_path / "notes.txt", "not a manifest")
    write(tmp_path / "sub" / "deep.yml", cm("deep"))
    folder.sync()
    assert names(cluster) == ["deep"]


def test_files_are_never_modified(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a"))
    write(tmp_path / "bad.yaml", "kind: [\n")
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()}
    folder.sync()
    folder.sync()
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in tmp_path.iterdir()} == before


def test_two_hundred_files(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    for i in range(200):
        write(tmp_path / f"f{i:03}.yaml", cm(f"cm-{i:03}"))
    folder.sync()
    assert len(names(cluster)) == 200
    for i in range(0, 200, 2):
        (tmp_path / f"f{i:03}.yaml").unlink()
    folder.sync()
    assert names(cluster) == [f"cm-{i:03}" for i in range(1, 200, 2)]


def test_hostile_documents(tmp_path: Path, cluster: Cluster) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8)
    )
    write(tmp_path / "bomb.yaml", bomb)
    write(tmp_path / "deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    write(tmp_path / "name.yaml", cm("../etc"))
    write(tmp_path / "ok.yaml", cm("fine"))
    folder.sync()
    assert set(folder.errors) == {str(tmp_path / n) for n in ("bomb.yaml", "deep.yaml", "name.yaml")}
    assert names(cluster) == ["fine"]


# -- bad input never stops the folder (a hostile-input review) ------------------------------------------------


def test_an_emptied_file_keeps_its_objects_and_says_so(tmp_path: Path, cluster: Cluster) -> None:
    """A file read between an editor's truncate and its write was applied as "no objects": all pruned."""
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a"))
    folder.sync()
    for empty in ("", "# only a comment\n", "---\n"):
        write(tmp_path / "a.yaml", empty)
        folder.sync()
        assert names(cluster) == ["a"]
        assert folder.errors[str(tmp_path / "a.yaml")].message.startswith("no objects passed to apply")
    (tmp_path / "a.yaml").unlink()
    folder.sync()
    assert names(cluster) == [] and not folder.errors


NODE = "apiVersion: v1\nkind: Node\nmetadata:\n  name: {name}\nstatus:\n  capacity: {capacity}\n"


@pytest.mark.parametrize(("capacity", "message", "line"), [
    ('{pods: "lots"}', 'Node in version "v1" cannot be handled as a Node: quantities must match', 6),
    ("{cpu: 4KK}", "Node in version \"v1\" cannot be handled as a Node: unable to parse quantity's suffix", 6),
    ('{cpu: "-4"}', 'status.capacity.cpu: Invalid value: "-4": must be greater than or equal to 0', 6),
])
def test_a_bad_node_document_is_its_files_error_and_the_rest_keeps_syncing(
    tmp_path: Path, capacity: str, message: str, line: int
) -> None:
    """Bad Node documents crashed the start-up, or silently stopped every later sync."""
    from kubetui.manifests.loader import node_specs_in

    write(tmp_path / "nodes.yaml", NODE.format(name="node-9", capacity=capacity))
    write(tmp_path / "cm.yaml", cm("alive"))
    cluster = Cluster(seed=1, nodes=node_specs_in(tmp_path), scheduler=False, controllers=False)
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    error = folder.errors[str(tmp_path / "nodes.yaml")]
    assert message in error.message and error.line == line, error
    assert names(cluster) == ["alive"] and "node-9" not in cluster.machines
    write(tmp_path / "cm2.yaml", cm("later"))
    folder.sync()
    assert names(cluster) == ["alive", "later"]


def test_a_node_document_with_a_list_for_metadata_is_an_error_not_a_crash(tmp_path: Path, cluster: Cluster) -> None:
    write(tmp_path / "nodes.yaml", "apiVersion: v1\nkind: Node\nmetadata: [x]\n")
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    assert "metadata.name: Required value" in folder.errors[str(tmp_path / "nodes.yaml")].message


def test_yaml_aliases_cannot_blow_a_small_file_up(tmp_path: Path, cluster: Cluster) -> None:
    """20,000 aliases of a 50 KB string: a 110 KB file that became a 1 GB object (3 GB of memory)."""
    big, aliases = "x" * 50_000, ",".join(["*s"] * 20_000)
    write(tmp_path / "amp.yaml", f'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: amp\n  annotations:\n'
                                 f'    big: &s "{big}"\ndata:\n  list: [{aliases}]\n')
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    assert "more than 3145728 bytes of text (YAML aliases expanded)" in folder.errors[
        str(tmp_path / "amp.yaml")].message


def test_an_object_declared_in_two_files_is_the_second_files_error(tmp_path: Path, cluster: Cluster) -> None:
    """Both files applied under one field manager, each save overwriting the other's fields, silently."""
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("dup", "one"))
    folder.sync()
    write(tmp_path / "b.yaml", "# the same ConfigMap again\n" + cm("dup", "two"))
    folder.sync()
    error = folder.errors[str(tmp_path / "b.yaml")]
    assert error.message.startswith("configmap/dup -n default is also declared in a.yaml:1")
    assert error.line == 5  # b.yaml's metadata.name
    assert cluster.get("configmaps", "default", "dup")["data"] == {"greeting": "one"}  # type: ignore[index]
    (tmp_path / "b.yaml").unlink()
    folder.sync()
    assert not folder.errors and names(cluster) == ["dup"]


def test_a_bug_while_planning_one_file_does_not_stop_the_others(
    tmp_path: Path, cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ManifestFolder(cluster, tmp_path)
    write(tmp_path / "a.yaml", cm("a"))
    write(tmp_path / "b.yaml", cm("b"))
    real_plan = folder._plan

    def plan(parsed: object) -> object:
        if str(getattr(parsed, "path", "")).endswith("a.yaml"):
            raise AttributeError("'list' object has no attribute 'items'")
        return real_plan(parsed)  # type: ignore[arg-type]

    monkeypatch.setattr(folder, "_plan", plan)
    folder.sync()
    assert names(cluster) == ["b"]
    assert folder.errors[str(tmp_path / "a.yaml")].message.startswith("could not be applied: AttributeError")


def test_unreadable_and_json_errors_are_placed_and_worded_as_kubectl(tmp_path: Path, cluster: Cluster) -> None:
    latin1 = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \xe9t\xe9\n"
    (tmp_path / "latin1.yaml").write_bytes(latin1)
    write(tmp_path / "comma.json", '{"apiVersion": "v1", "kind": "ConfigMap",}')
    write(tmp_path / "nokind.yaml", "apiVersion: v1\nmetadata: {name: x}\n")
    folder = ManifestFolder(cluster, tmp_path)
    folder.sync()
    error = folder.errors[str(tmp_path / "latin1.yaml")]
    assert (error.line, error.message) == (6, "not UTF-8 text: invalid continuation byte at byte 62 (line 6)")
    comma = folder.errors[str(tmp_path / "comma.json")]
    assert comma.message == "JSON parse error: invalid character '}' looking for beginning of object key string"
    assert folder.errors[str(tmp_path / "nokind.yaml")].message == (
        """Object 'Kind' is missing in '{"apiVersion":"v1","metadata":{"name":"x"}}'""")
