"""Entry point of the `doorstep` console script: the staged start-up, written down in one place.

1. arguments and paths; 2. logging; then either a headless subcommand (no Qt is ever imported) or
3. the GUI: database open and migrate (backup first), QApplication, fonts, main window — in ``ui.app``.
This is the one module below ``ui/`` that reaches up to start the GUI, and it does so lazily.

``doorstep``, ``doorstep gui`` and ``doorstep selftest`` (with ``--db``) are recognised without building
the full parser, which imports every area's commands and services: the window shows its list first.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from desktop.paths import log_dir

GUI_COMMANDS = ("gui", "selftest")


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


def gui_request(arguments: Sequence[str]) -> tuple[str, str | None] | None:
    """``(command, db)`` when the arguments ask for the GUI and nothing else; None for anything the
    full parser must see (another command, ``--help``, a typo)."""
    rest: list[str] = []
    db: str | None = None
    tokens = iter(arguments)
    for token in tokens:
        if token == "--db":
            db = next(tokens, None)
            if db is None:
                return None
        elif token.startswith("--db="):
            db = token.removeprefix("--db=")
        else:
            rest.append(token)
    if not rest or (len(rest) == 1 and rest[0] in GUI_COMMANDS):
        return (rest[0] if rest else "gui"), db
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    request = gui_request(arguments)
    if request is not None:
        setup_logging()
        return _gui(*request)
    from desktop import cli

    args = cli.build_parser().parse_args(arguments)
    setup_logging()
    if args.command in GUI_COMMANDS:
        return _gui(args.command, args.db)
    return cli.run_headless(args)


def _gui(command: str, db: str | None) -> int:
    from ui.app import run_gui

    return run_gui(db_path=db, selftest=command == "selftest")


if __name__ == "__main__":
    sys.exit(main())
