"""总部 → 参考数据: what HQ publishes to every station — policy sets (checked on load, with their
effective dates and region) and the course catalogue — and which stations have each publication.

A publication is one of HQ's own reference records (a record kind HQ owns, whose station is HQ):
every change to it goes into every station's next reply already (docs/sync.md "What travels"). A
station *has* it once a package from the station acknowledges a reply that carried it: the station's
``hq_acked`` (HQ's change seq it holds, from its package's ``acknowledges.hq_through``) is at or past
the publication's last change. Until then it is "not yet" — sent or not.

Publishing reuses the station's services (``policy.install_policy_file``, ``training.catalogue``),
acting as HQ: the rows are HQ's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from desktop.services.gate import service
from models.actor import Actor
from models.database import Database
from models.permissions import Permission

KIND_WORDS = {"policy_set": "政策参数", "course_type": "课程目录"}


@dataclass(frozen=True)
class Publication:
    record_kind: str
    record_id: str  # "" for the course catalogue (one publication of all HQ's courses)
    title: str  # the policy set's name and version, or the catalogue's size
    detail: str  # its region and effective dates, or the first courses' names
    published_at: datetime  # its last change at HQ
    seq: int  # HQ's change seq of that change
    have: tuple[str, ...]  # the stations that acknowledged it
    missing: tuple[str, ...]  # the active stations that have not yet
    deleted: bool = False


@service(Permission.VIEW_FILES)
def publications(db: Database, actor: Actor, /) -> list[Publication]:
    """Every reference record HQ publishes, newest first, with the stations that have it."""
    from sqlalchemy import func, select
    from sqlmodel import col

    from desktop.services.sync.common import hq_kinds
    from desktop.services.sync.hq_side import hq_node
    from models.audit import Change
    from models.sync.tables import STATION, SyncPeer
    from models.tables import travelling_tables

    with db.reading() as session:
        node = hq_node(session)
        peers = [
            (peer.code, peer.hq_acked)
            for peer in session.scalars(
                select(SyncPeer).where(col(SyncPeer.role) == STATION, col(SyncPeer.status) != "revoked")
            )
        ]
        kinds = sorted(hq_kinds() & set(KIND_WORDS))
        last = (
            select(col(Change.record_kind), col(Change.record_id), func.max(Change.seq))
            .where(col(Change.record_kind).in_(kinds), col(Change.station_code) == node.code)
            .group_by(Change.record_kind, Change.record_id)
        )
        latest = {(str(k), str(i)): int(seq) for k, i, seq in session.execute(last)}
        moments = {}
        seqs = sorted(latest.values())
        for start in range(0, len(seqs), 500):
            query = select(col(Change.seq), col(Change.at)).where(
                col(Change.seq).in_(seqs[start : start + 500])
            )
            moments.update({int(s): at for s, at in session.execute(query)})
        found: list[Publication] = []
        for kind in kinds:
            table = travelling_tables()[kind].__table__  # type: ignore[attr-defined]
            rows = [
                (row, latest[(kind, str(row["id"]))])
                for row in session.execute(select(table).where(table.c.station_code == node.code)).mappings()
                if (kind, str(row["id"])) in latest
            ]
            if kind == "course_type" and rows:  # the catalogue is one publication: all its courses
                seq = max(seq for _row, seq in rows)
                live = [row for row, _seq in rows if not row["deleted"]]
                title, detail = f"课程目录（{len(live)} 门课程）", "、".join(str(r["name"]) for r in live[:6])
                rows_words = [(kind, "", title, detail, seq, False)]
            else:
                rows_words = [
                    (kind, str(row["id"]), *_words(kind, row), seq, bool(row["deleted"])) for row, seq in rows
                ]
            for kind_, record_id, title, detail, seq, deleted in rows_words:
                found.append(
                    Publication(
                        kind_,
                        record_id,
                        title,
                        detail,
                        moments[seq],
                        seq,
                        tuple(code for code, acked in peers if acked >= seq),
                        tuple(code for code, acked in peers if acked < seq),
                        deleted,
                    )
                )
    return sorted(found, key=lambda p: p.seq, reverse=True)


def _day(value: object) -> str:
    from datetime import date

    return f"{value.year}年{value.month}月{value.day}日" if isinstance(value, date) else str(value)


def _words(kind: str, row: object) -> tuple[str, str]:
    from collections.abc import Mapping

    from models.regions import region_name

    assert isinstance(row, Mapping)
    if kind == "policy_set":
        start, end = row["effective_from"], row["effective_to"]
        period = f"{_day(start) if start else '…'} 起" + (f"，至 {_day(end)}" if end else "，长期有效")
        region = str(row["region"] or "")
        where = f"{region_name(region) or region}（{region}）" if region else "不限地区"
        return f"{row['name']}（第 {row['set_version']} 版）", f"{where}；{period}"
    return str(row.get("name", "")), ""


@service(Permission.MANAGE_HQ)
def publish_policy_file(db: Database, actor: Actor, /, *, path: Path) -> str:
    """Check and publish a policy set file at HQ: it goes into every station's next reply. Returns its
    title. A refused file (its problems named by line) publishes nothing."""
    from desktop.services.policy import install_policy_file

    return install_policy_file(db, actor, path=path).title


@service(Permission.MANAGE_HQ)
def publish_course_catalogue(db: Database, actor: Actor, /) -> int:
    """HQ's course catalogue: the default courses HQ does not hold yet, as HQ's rows (they go to every
    station's next reply). Returns how many were added."""
    from desktop.services.training.catalogue import ensure_course_catalogue

    return ensure_course_catalogue(db, actor)
