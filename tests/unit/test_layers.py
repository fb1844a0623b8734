"""Importing the Qt-free layers must not load Qt (DESIGN.md layers)."""

from __future__ import annotations

import subprocess
import sys


def test_core_layers_do_not_load_qt() -> None:
    code = (
        "import sys, pkgutil, importlib\n"
        "import models, reports, desktop, desktop.services, desktop.commands\n"
        "for package in (models, reports, desktop, desktop.services, desktop.commands):\n"
        "    for info in pkgutil.walk_packages(package.__path__, package.__name__ + '.'):\n"
        "        if '.migrations' in info.name or info.name == 'desktop.app':\n"
        "            continue\n"
        "        importlib.import_module(info.name)\n"
        "import desktop.app\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
