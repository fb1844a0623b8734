#!/usr/bin/env bash
# Build the Doorstep bundle with PyInstaller into dist/Doorstep/ for the platform this runs on.
# On Windows (Git Bash), then compile installer/windows/doorstep.iss with Inno Setup 6 to get
# Doorstep-Setup-<version>.exe. On Linux, installer/doorstep.desktop is the menu entry.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
[ -x "$PY" ] || PY=.venv/Scripts/python.exe
"$PY" -m pip install --quiet -e '.[installer]'
"$PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build installer/doorstep.spec
# The bundle must start and open every page headless before it is shipped.
QT_QPA_PLATFORM=offscreen DOORSTEP_HOME="$(mktemp -d)" dist/Doorstep/doorstep selftest
echo "bundle: dist/Doorstep/"
