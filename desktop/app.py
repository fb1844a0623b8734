"""Entry point of the `doorstep` console script: the staged start-up, written down in one place.

1. arguments and paths; 2. logging; then either a headless subcommand (no Qt is ever imported) or
3. the GUI: database open and migrate (backup first), QApplication, fonts, main window — in ``ui.app``.
This is the one module below ``ui/`` that reaches up to start the GUI, and it does so lazily.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from desktop import cli
from desktop.paths import log_dir


def setup_logging() -> None:
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(folder / "doorstep.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = cli.build_parser()
    args = parser.parse_args(arguments or ["gui"])
    setup_logging()
    if args.command in (None, "gui", "selftest"):
        from ui.app import run_gui

        return run_gui(db_path=args.db, selftest=args.command == "selftest")
    return cli.run_headless(args)


if __name__ == "__main__":
    sys.exit(main())
