"""`doorstep demo`: a realistic, deterministic synthetic station (same seed, same data, same ids).

Names include polyphonic surnames (曾 单 解 仇 区 查) and rare name characters (堃 喆 玥 昇 珺 𠮷);
ID numbers and credit codes carry valid check characters. One module per area makes that area's records
(the area registry names it: ``Area.demo_module``), people first; each step gets the same
:class:`~desktop.demo.context.DemoContext` and writes through the journal's bulk path inside the one
transaction, every record with its complete change row. The services never import this package.
"""

from __future__ import annotations

import importlib
from datetime import date

from sqlmodel import select

from desktop.demo.context import DEMO_STATION, DEMO_USER, DemoContext
from desktop.services.areas import registry
from models.base import china_today, metadata
from models.database import Database
from models.entrepreneur import Entrepreneur
from models.errors import NotAllowed
from models.journal import collector_paused, indexes_deferred
from models.station import Station

__all__ = ["DEMO_STATION", "DEMO_USER", "DemoContext", "generate_demo"]


def generate_demo(
    db: Database, *, entrepreneurs: int, seed: int, today: date | None = None
) -> dict[str, int]:
    """Fill the database with a demo station (creating the station record if there is none)."""
    with db.transaction() as session:
        station = session.exec(select(Station)).first()
        if station is None:
            station = Station(code=DEMO_STATION[0], name=DEMO_STATION[1], is_demo=True)
            session.add(station)
            session.flush()
        elif not station.is_demo and session.exec(select(Entrepreneur.id).limit(1)).first() is not None:
            raise NotAllowed(
                f"服务站 {station.code}（{station.name}）已有正式档案，不能加入演示数据；"
                "请在一个新的数据库文件中生成演示数据"
            )
        ctx = DemoContext.start(
            session, station_code=station.code, seed=seed, today=today or china_today(), size=entrepreneurs
        )
        # a million change rows: their indexes are made once at the end, from the rows in order
        with indexes_deferred(session.connection(), metadata.tables), collector_paused():
            for name in registry().demo_modules:
                importlib.import_module(name).demo_step(ctx)
        return ctx.summary
