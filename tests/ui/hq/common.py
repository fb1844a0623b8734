"""What the HQ page tests share: a county of real stations (tests/sync/exchange.py) and the HQ
workspace's context on its HQ database."""

from __future__ import annotations

from pathlib import Path

from desktop.context import AppContext
from desktop.services.hq.identity import hq_identity
from desktop.settings import Preferences
from tests.sync.exchange import County


def hq_context(county: County) -> AppContext:
    identity = hq_identity(county.hq.db)
    assert identity is not None
    return AppContext(
        db=county.hq.db, actor=county.hq.actor, station=identity, preferences=Preferences(), hq=True
    )


def shot(widget: object, name: str) -> Path:
    """The page as a worker sees it (looked at once while building it)."""
    from PySide6.QtWidgets import QWidget

    assert isinstance(widget, QWidget)
    path = Path("/tmp") / f"hq-{name}.png"
    widget.grab().save(str(path))
    return path
