"""The first screen's start-up tricks stay in the first screen's files (ui/roles.py): every other module
of ``ui`` names Qt's roles and alignments through Qt itself."""

from __future__ import annotations

import ast
from pathlib import Path

from ui.roles import FIRST_SCREEN

ROOT = Path(__file__).resolve().parents[2]
OURS = {"TONE_ROLE"}  # a role of our own, not one of Qt's values: any module may use it


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def qt_integers_imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "ui.roles":
            names |= {alias.name for alias in node.names} - OURS
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "ui"
            and any(a.name == "roles" for a in node.names)
        ):
            names.add("roles")
        elif isinstance(node, ast.Import) and any(alias.name == "ui.roles" for alias in node.names):
            names.add("ui.roles")
    return names


def test_only_the_first_screen_names_qt_values_by_integer() -> None:
    offenders = {}
    for path in sorted((ROOT / "ui").rglob("*.py")):
        name = module_name(path)
        if name in FIRST_SCREEN:
            continue
        found = qt_integers_imported(ast.parse(path.read_text(encoding="utf-8")))
        if found:
            offenders[name] = sorted(found)
    assert offenders == {}


def test_the_first_screen_list_names_real_modules() -> None:
    for name in FIRST_SCREEN:
        folder = ROOT / Path(*name.split("."))
        assert folder.with_suffix(".py").exists() or (folder / "__init__.py").exists(), name
