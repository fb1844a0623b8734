"""The ledger import's use cases (台账导入): remembered column mappings (:mod:`~.mapping`), preview and
import (:mod:`~.importing`), and the writing of an import (:mod:`~.writing` for new people in bulk,
:mod:`~.updating` for files on record). Reading and writing files is :mod:`reports.ledger`; the rules and
the planner are :mod:`models.ledger`.

Importing the package loads the area (``desktop.services.areas`` does it at start-up).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.services.areas import Area

from desktop.services.ledger import importing, mapping

__all__ = ["importing", "mapping"]


def area() -> Area:
    """Ledger imports: the remembered column mappings are this station's own (local)."""
    from desktop.services.areas import Area

    return Area(name="ledger", local_tables=("ledger_mapping",))
