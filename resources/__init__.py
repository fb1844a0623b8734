"""Data shipped with the application: fonts, icons, translations, policy sets, form layouts.

This package holds no code beyond :func:`resource_path`, the one place that knows where the data lives,
so that a frozen build (PyInstaller puts the package next to its ``__init__``) and a source checkout
find the same files.
"""

from __future__ import annotations

from pathlib import Path

_ROOT = Path(__file__).resolve().parent


def resource_path(*parts: str) -> Path:
    """Path of a shipped data file, e.g. ``resource_path("fonts", "wqy-microhei.ttc")``.

    The path is not checked for existence: callers that need the file open it and get a clear
    ``FileNotFoundError`` naming the path if the installation is incomplete.
    """
    return _ROOT.joinpath(*parts)
