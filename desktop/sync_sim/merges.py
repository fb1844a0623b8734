"""The checks of HQ's merges of duplicate files (docs/hq-duplicates.md), for the simulation and the
tests: at every node, no live record points to a merged-away file, and every node that holds a
merged-away file holds its survivor and knows where it went."""

from __future__ import annotations

from sqlalchemy import false, select

from models.database import Database
from models.entrepreneur import Entrepreneur
from models.tables import travelling_tables


def broken_links(name: str, db: Database) -> list[str]:
    """Live records (ventures, visits, attendance's enrolment …) pointing to a merged-away file, or to a
    file this node does not hold, each as "node kind id → file"."""
    from desktop.services.hq.duplicates.merging import entrepreneur_links

    e = Entrepreneur.__table__  # type: ignore[attr-defined]
    found: list[str] = []
    with db.reading() as session:
        merged = select(e.c.id).where(e.c.merged_into.is_not(None))
        for kind, columns in entrepreneur_links().items():
            table = travelling_tables()[kind].__table__  # type: ignore[attr-defined]
            for column in columns:
                query = select(table.c.id, table.c[column]).where(
                    table.c.deleted == false(), table.c[column].in_(merged)
                )
                found.extend(f"{name} {kind} {row[0]} → {row[1]}" for row in session.execute(query))
    return found


def merge_state(name: str, db: Database) -> list[str]:
    """Every merged-away file this node holds: its survivor is here (a person may since have sent it
    to the recycle bin), and the merged-away file is a tombstone. Returns what is wrong."""
    problems: list[str] = []
    with db.reading() as session:
        for record in session.scalars(select(Entrepreneur).where(Entrepreneur.merged_into.is_not(None))):  # type: ignore[union-attr]
            survivor = session.get(Entrepreneur, record.merged_into)
            if survivor is None:
                problems.append(f"{name}：已合并的档案 {record.case_number} 所指的档案不在这里")
            if not record.deleted:
                problems.append(f"{name}：已合并的档案 {record.case_number} 仍是有效档案")
    return problems


def survivors_known(hq: Database, stations: dict[str, Database]) -> list[str]:
    """Every merge HQ made has reached every station holding the merged-away file: the file there
    names the survivor."""
    from models.hq.duplicates import HqMerge

    with hq.reading() as session:
        merges = [(m.merged_id, m.survivor_id) for m in session.scalars(select(HqMerge))]
    problems: list[str] = []
    for code, db in stations.items():
        with db.reading() as session:
            for merged_id, survivor_id in merges:
                record = session.get(Entrepreneur, merged_id)
                if record is not None and record.merged_into != survivor_id:
                    problems.append(f"{code}：档案 {record.case_number} 不知道它已合并")
    return problems
