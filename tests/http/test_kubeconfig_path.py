"""Each port its own kubeconfig: two clusters never share the file a kubectl reads."""

from __future__ import annotations

from pathlib import Path

from kubetui.http.kubeconfig import default_path, path_for


def test_the_default_file_belongs_to_the_default_port() -> None:
    assert path_for(default_path(), "http://127.0.0.1:6443") == default_path()
    assert path_for(default_path(), "http://127.0.0.1:6621") == default_path().with_name("kubetui-6621.config")


def test_a_file_asked_for_is_used_as_asked(tmp_path: Path) -> None:
    chosen = tmp_path / "mine.config"
    assert path_for(chosen, "http://127.0.0.1:6621") == chosen
