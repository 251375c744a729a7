"""The code stays ruff- and mypy-clean: CI runs both through the README's test command."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    found = str(local) if local.exists() else shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]' installs it)")
    return found


def test_ruff_clean() -> None:
    folders = [f for f in ("kubetui", "tests", "benchmarks", "scripts") if (ROOT / f).is_dir()]
    result = subprocess.run([_tool("ruff"), "check", *folders], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_clean() -> None:
    result = subprocess.run([_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]


def test_readme_lists_every_simplification_in_the_code() -> None:
    """Every ``Simplification:`` note in kubetui/ is in the README's "How faithful is it" list, and nothing else."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import simplifications
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert simplifications.readme_block(readme) == simplifications.render(), (
        "README.md's list of simplifications is out of date: run python scripts/simplifications.py --write"
    )
