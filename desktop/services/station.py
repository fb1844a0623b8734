"""The station that owns the database: create it, read it, and the user who acts for it.

Reading it needs no ORM (the window shows the station's name before SQLAlchemy is loaded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from desktop.services.gate import service
from models.actor import Actor
from models.errors import Conflict, NotFound
from models.permissions import Permission
from models.regions import region_name

if TYPE_CHECKING:
    from sqlmodel import Session

    from desktop.services.areas import Area
    from models.database import Database

DEFAULT_USER = "服务站工作人员"


class StationInfo(NamedTuple):
    code: str
    name: str
    is_demo: bool

    @property
    def region_code(self) -> str:
        return self.code[:6]

    @property
    def region_label(self) -> str:
        return region_name(self.region_code) or self.region_code


@service(Permission.MANAGE_STATION)
def init_station(
    db: Database, actor: Actor, /, *, code: str, name: str, is_demo: bool = False
) -> StationInfo:
    """Create the station record of a new database; a database belongs to one station for life."""
    from models.validators import normalise_text, parse_station_code  # not needed to open a station

    station_code = parse_station_code(code)
    station_name = normalise_text(name)
    if not station_name:
        from models.errors import ValidationError

        raise ValidationError("服务站名称", name, "请填写服务站名称，例如：文新街道家门口就业服务站")
    from sqlmodel import select

    from models.station import Station

    with db.transaction() as session:
        existing = session.exec(select(Station)).first()
        if existing is not None:
            if existing.code == station_code:
                existing.name = station_name
                return StationInfo(existing.code, existing.name, existing.is_demo)
            raise Conflict(
                f"这个数据库已属于服务站 {existing.code}（{existing.name}），不能再建立服务站 {station_code}"
            )
        session.add(Station(code=station_code, name=station_name, is_demo=is_demo))
        return StationInfo(station_code, station_name, is_demo)


@service(Permission.MANAGE_STATION)
def rename_station(db: Database, actor: Actor, /, *, name: str) -> StationInfo:
    """设置: the station's name as it prints on forms and shows in the window; its code is for life."""
    station = station_info(db)
    if station is None:
        raise NotFound("这个数据库还没有建立服务站，请先运行 doorstep init 或在首次启动向导中创建服务站")
    return init_station(db, actor, code=station.code, name=name, is_demo=station.is_demo)


def station_info(db: Database) -> StationInfo | None:
    """Which station this is: read before anyone acts (the gate's bootstrap, as :func:`default_actor`)."""
    with db.raw() as connection:
        row = connection.execute("SELECT code, name, is_demo FROM station LIMIT 1").fetchone()
    return StationInfo(row[0], row[1], bool(row[2])) if row else None


def rebuild_case_sequences(session: Session) -> int:
    """The projection ``case_sequence`` rebuilt from the files: each year's last number is the highest
    one this station gave (``330106001-2026-00042``). Returns how many years it holds."""
    from sqlalchemy import delete, func
    from sqlmodel import select

    from models.entrepreneur import Entrepreneur
    from models.station import CaseSequence, Station

    station = session.exec(select(Station)).first()
    last: dict[int, int] = {}
    if station is not None:
        prefix = f"{station.code}-"
        numbers = session.exec(
            select(Entrepreneur.case_number).where(func.substr(Entrepreneur.case_number, 1, 10) == prefix)
        ).all()
        for number in numbers:
            year, _, sequence = number[len(prefix) :].partition("-")
            if year.isdigit() and sequence.isdigit():
                last[int(year)] = max(last.get(int(year), 0), int(sequence))
    session.execute(delete(CaseSequence))
    session.add_all(CaseSequence(year=year, last=value) for year, value in sorted(last.items()))
    return len(last)


def area() -> Area:
    """The station itself: who it is, its settings, its case numbers, and the journal."""
    from desktop.services.areas import Area

    return Area(
        name="station",
        # the journal (change_log: its rows are what sync sends; access_log: the audit trail) and the
        # station's own record and settings are kept by this database, not copied as records
        local_tables=("station", "station_setting", "change_log", "access_log"),
        derived_tables=("case_sequence",),
        projections={"case_sequence": rebuild_case_sequences},
    )


def operator(station_code: str = "") -> Actor:
    """Who acts before the station exists: the person setting it up, or checking a file (init, check)."""
    return Actor(user_name=DEFAULT_USER, station_code=station_code)


def default_actor(db: Database) -> Actor:
    """Until login and roles arrive, the default station user acts."""
    station = station_info(db)
    if station is None:
        raise NotFound("这个数据库还没有建立服务站，请先运行 doorstep init 或在首次启动向导中创建服务站")
    return Actor(user_name=DEFAULT_USER, station_code=station.code)


def acting_user(db: Database) -> Actor:
    """Who acts on a database before anyone has logged in: at HQ its user (who may correct any
    station's record), at a station the station user (:func:`default_actor`)."""
    from desktop.services.sync.hq_side import hq_actor
    from desktop.services.sync.node import node_or_none
    from models.sync.tables import HQ

    with db.reading() as session:
        node = node_or_none(session)
    if node is not None and node.role == HQ:
        return hq_actor(node.code)
    return default_actor(db)
