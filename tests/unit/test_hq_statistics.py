"""统计 at HQ over a county of real stations exchanging real package files (issue 14): the county's
figures are the stations' own monthly reports added up, each station's split is its own report,
freezing keeps the figures, a late package shows as a revision beside the frozen figure (never in
it), a revision is frozen as a new version, and the workbook reads back. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from desktop.services import entrepreneurs as people
from desktop.services import monthly
from desktop.services.hq import statistics as hq_stats
from desktop.services.visits.records import record_visit
from models.audit import AccessLog
from models.base import china_today
from models.errors import NotAllowed, ValidationError
from models.hq.snapshots import HqSnapshot
from models.ledger.months import month_start, next_month
from models.permissions import Permission
from reports.monthly_report import PERCENT, FigureRow
from tests.sync.exchange import County, make_county
from tests.unit.test_backup import chinese_name, id_number

CODES3 = ("330106001", "330106002", "330108001")
MONTH = month_start(china_today())
AFTER = next_month(MONTH) + timedelta(days=1)  # the month is over: it can be frozen


@pytest.fixture(params=["sqlite", "postgresql"])
def county(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[County]:
    url = request.getfixturevalue("pg_db_url") if request.param == "postgresql" else None
    made = make_county(tmp_path, CODES3, hq_url=url)
    yield made
    made.close()


def add_person(
    county: County, code: str, *, groups: str, region: str, jobs: int = 0, visit: bool = False
) -> str:
    county.serial += 1
    node = county.station(code)
    today = china_today()
    ventures = (
        [
            {
                "name": f"小店{county.serial}",
                "entity_type": "个体工商户",
                "stage": "初创",
                "registration_date": today.isoformat(),
                "jobs_created": jobs,
            }
        ]
        if jobs
        else []
    )
    person_id = people.create_entrepreneur(
        node.db,
        node.actor,
        person={
            "name": chinese_name(county.serial),
            "id_number": id_number(county.serial),
            "key_groups": groups,
            "household_region": region,
        },
        ventures=ventures,
        confirm_possible_duplicate=True,
    )
    if visit:
        record_visit(
            node.db,
            node.actor,
            visit={
                "entrepreneur_id": person_id,
                "visit_date": today,
                "mode": "上门走访",
                "problems": "资金周转紧张",
                "advice": "建议申请创业担保贷款",
            },
        )
    return person_id


def fill(county: County) -> None:
    add_person(county, CODES3[0], groups="退役军人", region="330106", jobs=3, visit=True)
    add_person(county, CODES3[0], groups="退役军人、高校毕业生", region="330108", visit=True)
    add_person(county, CODES3[1], groups="农民工", region="330106", jobs=5)
    add_person(county, CODES3[2], groups="就业困难人员", region="", jobs=1, visit=True)
    add_person(county, CODES3[2], groups="高校毕业生", region="330108")
    for code in CODES3:
        county.exchange(code)


def by_key(rows: tuple[FigureRow, ...] | list[FigureRow]) -> dict[str, tuple[int, ...]]:
    return {row.key: row.values for row in rows}


def test_the_county_is_the_sum_of_the_stations_own_reports(county: County) -> None:
    fill(county)
    hq = county.hq
    stats = hq_stats.county_statistics(hq.db, hq.actor, month=MONTH)
    assert [group.key for group in stats.stations] == list(CODES3)
    own = {
        code: monthly.monthly_report(node.db, node.actor, month=MONTH).rows
        for code, node in county.stations.items()
    }
    for group in stats.stations:  # each station's split is exactly the station's own 月报
        assert by_key(group.rows) == by_key(own[group.key]), group.key
    county_rows = by_key(stats.county.rows)
    for row in stats.county.rows:
        if row.kind == PERCENT:
            continue
        summed = tuple(
            sum(values)
            for values in zip(
                *(by_key(own[code]).get(row.key, (0,) * len(row.values)) for code in CODES3), strict=True
            )
        )
        assert county_rows[row.key] == summed, row.key
    assert county_rows["entrepreneurs.new"][0] == 5
    assert county_rows["ventures.new_jobs"][0] == 9
    assert county_rows["visits.total"][0] == 3
    # the districts: by the station's region (330106 has two stations) and by the household region
    regions = {group.key: by_key(group.rows)["entrepreneurs.new"][0] for group in stats.station_regions}
    assert regions == {"330106": 3, "330108": 2}
    homes = {group.key: by_key(group.rows)["entrepreneurs.new"][0] for group in stats.household_regions}
    assert homes == {"": 1, "330106": 2, "330108": 2}
    names = {group.key: group.name for group in stats.household_regions}
    assert names[""] == hq_stats.NO_HOUSEHOLD_REGION and "西湖区" in names["330106"]
    assert all("training.classes" not in by_key(group.rows) for group in stats.household_regions)
    # the trend ends with this month, and its last point is the county's figure
    assert len(stats.trend) == 12 and stats.trend[-1][0] == MONTH
    assert stats.trend[-1][1]["entrepreneurs.new"] == 5 and stats.trend[-1][1]["visits.total"] == 3
    assert not stats.is_frozen and stats.revisions == ()


def test_a_late_package_after_freezing_is_a_revision_never_a_changed_figure(county: County) -> None:
    fill(county)
    hq = county.hq
    with pytest.raises(ValidationError, match="还没有结束"):
        hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, today=MONTH)
    frozen = hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, note="按时报送", today=AFTER)
    assert frozen.frozen is not None and frozen.frozen.version == 1 and frozen.revisions == ()
    with pytest.raises(ValidationError, match="没有修订"):
        hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, revision=True, today=AFTER)
    # a late package from one station: two more people, one with a venture
    add_person(county, CODES3[1], groups="退役军人", region="330106", jobs=2)
    add_person(county, CODES3[1], groups="农民工", region="330106")
    county.exchange(CODES3[1])
    stats = hq_stats.county_statistics(hq.db, hq.actor, month=MONTH)
    new = stats.county.row("entrepreneurs.new")
    assert new is not None and new.total == 5  # the frozen figure is shown, unchanged
    current = stats.county.current("entrepreneurs.new")
    assert current is not None and current.total == 7
    revision = stats.revision("entrepreneurs.new")
    assert revision is not None and revision.change == 2
    assert [code for code, _name, _change in revision.stations] == [CODES3[1]]
    assert revision.packages and CODES3[1] in revision.packages[0]
    assert "修订：7（+2）" in revision.describe()
    jobs = stats.revision("ventures.new_jobs")
    assert jobs is not None and (jobs.difference.reported, jobs.difference.current) == (9, 11)
    untouched = next(group for group in stats.stations if group.key == CODES3[0])
    assert untouched.revisions == ()
    with pytest.raises(ValidationError, match="冻结修订"):
        hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, today=AFTER)
    revised = hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, revision=True, today=AFTER)
    assert revised.frozen is not None and revised.frozen.version == 2 and revised.revisions == ()
    again = revised.county.row("entrepreneurs.new")
    assert again is not None and again.total == 7
    assert [version.version for version in revised.versions] == [1, 2]
    assert hq_stats.frozen_county_months(hq.db, hq.actor) == [(MONTH, 2)]
    with hq.db.reading() as session:
        kept = session.exec(
            select(HqSnapshot).where(HqSnapshot.scope == "county", HqSnapshot.month == MONTH)
        ).all()
        assert sorted(
            (row.version, by_key([FigureRow.from_json(item) for item in row.figures])["entrepreneurs.new"][0])
            for row in kept
        ) == [(1, 5), (2, 7)]  # the first version is kept as it was
        audited = session.exec(select(AccessLog).where(AccessLog.action == "freeze")).all()
        assert sorted(row.detail for row in audited) == [
            f"冻结 {MONTH.year}年{MONTH.month}月 全县统计（第 1 版，9 个范围）",
            f"冻结修订 {MONTH.year}年{MONTH.month}月 全县统计（第 2 版，9 个范围）",
        ]


def test_freezing_needs_hq_rights_and_an_hq_database(county: County) -> None:
    hq = county.hq
    viewer = hq.actor.restricted_to(Permission.VIEW_STATISTICS)
    hq_stats.county_statistics(hq.db, viewer, month=MONTH)
    with pytest.raises(NotAllowed):
        hq_stats.freeze_county_month(hq.db, viewer, month=MONTH, today=AFTER)
    station = county.station(CODES3[0])
    with pytest.raises(ValidationError, match="不是总部"):
        hq_stats.county_statistics(station.db, station.actor, month=MONTH)


def test_the_county_workbook_reads_back(county: County, tmp_path: Path) -> None:
    fill(county)
    hq = county.hq
    hq_stats.freeze_county_month(hq.db, hq.actor, month=MONTH, today=AFTER)
    add_person(county, CODES3[2], groups="退役军人", region="330108", jobs=4)
    county.exchange(CODES3[2])
    out = tmp_path / hq_stats.export_name("HQ", MONTH)
    counts = hq_stats.export_county_statistics(hq.db, hq.actor, month=MONTH, out=out)
    book = load_workbook(out)
    assert book.sheetnames == [
        "合计",
        "按服务站",
        "按重点群体",
        "按服务站所在区县",
        "按户籍地区县",
        "近12个月",
        "修订",
    ]
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    totals = {row[1]: row for row in book["合计"].iter_rows(min_row=3, values_only=True)}
    assert totals["新增创业者"][3:7] == (5, 6, 1, CODES3[2])
    stations = list(book["按服务站"].iter_rows(min_row=3, values_only=True))
    assert [row[0] for row in stations] == list(CODES3)
    header = next(book["按服务站"].iter_rows(min_row=2, max_row=2, values_only=True))
    new_people = header.index("新增创业者（人）")
    assert [row[new_people] for row in stations] == [2, 1, 2]  # as frozen
    money = next(row for row in book["合计"].iter_rows(min_row=3, values_only=True) if row[2] == "元")
    assert money[3] == 0
    revisions = list(book["修订"].iter_rows(min_row=3, values_only=True))
    assert any(row[1] == "新增创业者" and row[2] == "合计" and row[5] == 1 for row in revisions)
    assert counts[1] == 3 and counts[5] == 12
    trend = list(book["近12个月"].iter_rows(min_row=3, values_only=True))
    assert trend[-1][0] == f"{MONTH:%Y-%m}" and trend[-1][1] == 6
