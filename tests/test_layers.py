"""DESIGN.md's layers, checked on the import statements: dependency arrows point down only.

A module may import from its own layer's package and from the layers below it. The three components
(scheduler, controllers, node) never import each other: they meet only at the API server. The cluster's
assembly in ``sim/`` (building and wiring every component, and the headless run and input replay that drive
it) is the one place that reaches up, as a ``main`` does.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kubetui"

# Higher numbers sit higher in DESIGN.md's diagram.
LAYER = {
    "ui": 3, "manifests": 3, "http": 3, "tours": 3,
    "scheduler": 2, "controllers": 2, "node": 2, "metrics": 2,
    "client": 1, "apiserver": 1, "store": 1, "api": 1,
    "sim": 0,
}
COMPONENTS = {"scheduler", "controllers", "node", "metrics"}
ASSEMBLY = {"sim/cluster.py", "sim/headless.py", "sim/inputs.py"}


def imported_packages(path: Path) -> set[str]:
    """The ``kubetui.<package>`` names a module imports, at the top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found.update(name.split(".")[1] for name in names if name.startswith("kubetui.") and name.count(".") >= 1)
    return found


def violations(path: Path) -> list[str]:
    own = path.relative_to(PACKAGE).parts[0]
    wrong = []
    for other in sorted(imported_packages(path) & LAYER.keys()):
        if LAYER[other] > LAYER[own] or (own in COMPONENTS and other in COMPONENTS and other != own):
            wrong.append(other)
    return wrong


MODULES = sorted(
    p for p in PACKAGE.rglob("*.py")
    if p.relative_to(PACKAGE).parts[0] in LAYER and p.relative_to(PACKAGE).as_posix() not in ASSEMBLY
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_imports_point_down(path: Path) -> None:
    assert violations(path) == [], f"{path.relative_to(PACKAGE)} imports from a layer above it or a sibling component"


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The walk finds imports inside functions too, which is where an upward shortcut would hide."""
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from kubetui.http.tables import to_table\n    import kubetui.ui.app\n")
    assert imported_packages(module) == {"http", "ui"}
