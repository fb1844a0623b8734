"""User preferences, declared once and typed (Electrum's config, minus pickle).

Window geometry and column widths are window state, kept by the GUI in its own file, not here.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from desktop.paths import atomic_write, config_dir

log = logging.getLogger(__name__)


@dataclass
class Preferences:
    last_database: str = ""
    language: str = "zh_CN"
    not_contacted_days: int = 90
    last_mentor_id: str = ""
    last_visit_mode: str = ""
    handler_name: str = ""
    """Who signs the forms as 经办人 (blank: left for a pen)."""
    save_folder: str = ""
    """Where exports and printed PDFs are saved: the last folder used (blank: the Documents folder)."""
    backup_folder: str = ""
    """Where the automatic backups go (blank: the data folder's ``backups``)."""
    backup_on_exit: bool = True
    backup_daily: bool = True
    backup_keep: int = 10
    """How many automatic backups are kept (the oldest go first)."""
    hq_quiet_days: int = 14
    """总部 → 服务站: a station whose last package is older than this many days is marked as quiet."""
    hq_venture_months: int = 6
    """总部 → 数据质量: a person on file this many months without a venture is listed."""

    @classmethod
    def path(cls) -> Path:
        return config_dir() / "preferences.json"

    @classmethod
    def load(cls) -> Preferences:
        import json  # here, not at start-up's imports: a new station has no file yet

        try:
            raw: Any = json.loads(cls.path().read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError) as error:
            log.warning("preferences unreadable, using defaults: %s", error)
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known} if isinstance(raw, dict) else {}
        prefs = cls()
        for key, value in values.items():
            default = getattr(prefs, key)
            if isinstance(value, type(default)) and isinstance(value, bool) == isinstance(default, bool):
                setattr(prefs, key, value)
        return prefs

    def save(self) -> None:
        import json

        atomic_write(self.path(), json.dumps(asdict(self), ensure_ascii=False, indent=2).encode("utf-8"))
