"""The kubeconfig kubectl needs to reach kubetui: one cluster, one context, no credentials."""

from __future__ import annotations

import os
from pathlib import Path

import yaml

CONTEXT = "kubetui"
DEFAULT_PORT = 6443


def default_path() -> Path:
    return Path.home() / ".kube" / "kubetui.config"


def path_for(path: Path, url: str) -> Path:
    """Where the kubeconfig for ``url`` goes: the file asked for, except that the default file belongs to the
    default port; a cluster on another port (``--port 6621``, or a free one when 6443 was taken) gets one of its
    own (``kubetui-6621.config``), so that a kubectl pointed at one cluster never finds itself talking to another."""
    port = url.rsplit(":", 1)[-1]
    if path.expanduser() != default_path() or port == str(DEFAULT_PORT):
        return path
    return path.with_name(f"{path.stem}-{port}{path.suffix}")


def kubeconfig(url: str) -> dict[str, object]:
    """A kubeconfig for ``url`` (plain http on the loopback: kubectl accepts it with no auth)."""
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CONTEXT, "cluster": {"server": url}}],
        "users": [{"name": CONTEXT, "user": {}}],
        "contexts": [{"name": CONTEXT, "context": {"cluster": CONTEXT, "user": CONTEXT, "namespace": "default"}}],
        "current-context": CONTEXT,
        "preferences": {},
    }


def write_kubeconfig(path: Path, url: str) -> None:
    """Write the kubeconfig to ``path`` (never ``~/.kube/config``), atomically, readable by the user only."""
    path = path.expanduser()
    if path.resolve() == (Path.home() / ".kube" / "config").resolve():
        raise ValueError(
            f"refusing to overwrite {path}: kubetui writes its own kubeconfig (e.g. ~/.kube/kubetui.config)"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(yaml.safe_dump(kubeconfig(url), sort_keys=False))
    os.chmod(temporary, 0o600)
    temporary.replace(path)
