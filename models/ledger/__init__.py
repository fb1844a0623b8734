"""Excel ledgers (台账): what their columns are called, where their header is, what their cells mean, and
how their rows become a plan of what an import does; plus the ledger area's two tables.

Stations keep their history in spreadsheets that nobody designed for import: a title row or two above
the header, merged group headers, local column names, a 合计 row at the bottom. These modules know those
habits. All but :mod:`models.ledger.tables` are pure (no database session, no files), so that the import
service and its tests share one set of rules:

* :mod:`~models.ledger.columns` — the fields a column can be mapped to, header names, the mapping;
* :mod:`~models.ledger.header` — where the header is; :mod:`~models.ledger.cells` — blank cells, 合计 rows;
* :mod:`~models.ledger.choices` — a ledger's wording of choices, a row's cells for the form's validators;
* :mod:`~models.ledger.words` — category words in a district's own words (synonyms, key words, answers);
* :mod:`~models.ledger.values` — cells as districts type them (15-digit ID numbers, Chinese dates);
* :mod:`~models.ledger.options` — ``--column 表头=字段`` / ``--value 列=原值:类别`` and mapping files;
* :mod:`~models.ledger.sheet` — a sheet as read; :mod:`~models.ledger.plan` — what an import does;
* :mod:`~models.ledger.planner` (with :mod:`~models.ledger.matching`) — rows made into that plan;
* :mod:`~models.ledger.tables` — remembered column mappings, frozen monthly snapshots;
  :mod:`~models.ledger.months` — month arithmetic for the monthly report.

Importing the package registers the tables (``models.tables`` imports it for that).
"""

from __future__ import annotations

from models.ledger import tables

__all__ = ["tables"]
