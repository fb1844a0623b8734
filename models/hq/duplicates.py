"""HQ's decisions on duplicate files (跨站重复, docs/hq-duplicates.md). All local to HQ: what travels
is the journal's change rows the decisions write; these tables remember the decisions and say which
records' whole history each station's next reply must carry so that every link there stays valid."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import UTCDateTime, new_id, utcnow

# what a merged-away file's ID number becomes (an ID number is unique at a station, and the stations
# that held either file hold both records after the merge): never a valid number, unique per file
MERGED_NUMBER_PREFIX = "合并"


def merged_number(record_id: str) -> str:
    """The stand-in ID number of a merged-away file: 18 characters, from its own id."""
    return MERGED_NUMBER_PREFIX + record_id.replace("-", "")[-16:]


class HqMerge(SQLModel, table=True):
    """One merge: the merged-away file now redirects to the survivor (``entrepreneur.merged_into``)."""

    __tablename__ = "hq_merge"
    __table_args__ = (Index("ix_hq_merge_merged", "merged_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    survivor_id: str = Field(max_length=36, index=True)
    merged_id: str = Field(max_length=36)
    survivor_station: str = Field(max_length=9)
    merged_station: str = Field(max_length=9)  # the merged-away file's station before the merge
    choices: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    operation_id: str = Field(max_length=36)  # the journal's operation that wrote it
    by: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class HqMergeCopy(SQLModel, table=True):
    """Records whose whole history a station's replies carry because of a merge: what moved, to the
    survivor's station (as a transfer does); the survivor, with what now points to it, to every other
    station that holds the merged-away file. Those stations hold the merged-away file under the same
    ID number, so the survivor is sent only once they have applied the change that took the number
    from it (``after_seq``: HQ's change seq they must have acknowledged first). ``sent_in``: the first
    reply version that carried it; replies carry it until the station acknowledges that version."""

    __tablename__ = "hq_merge_copy"
    __table_args__ = (Index("ix_hq_merge_copy_station", "station", "sent_in"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    merge_id: str = Field(default="", max_length=36)
    station: str = Field(max_length=9)
    record_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    after_seq: int = 0
    sent_in: int = 0


class HqKeptApart(SQLModel, table=True):
    """Two files HQ decided are not the same person (不是同一人): their group is no longer listed
    while every pair in it is kept apart. Undone by deleting the row (audited in the access log)."""

    __tablename__ = "hq_kept_apart"
    __table_args__ = (UniqueConstraint("first_id", "second_id"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=36)
    first_id: str = Field(max_length=36)  # the smaller id of the two
    second_id: str = Field(max_length=36, index=True)
    by: str = Field(max_length=64)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    note: str = Field(default="", max_length=200)


HQ_DUPLICATE_TABLES = ("hq_merge", "hq_merge_copy", "hq_kept_apart")
