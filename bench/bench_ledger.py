"""Ledgers and reports at station scale (issue 6), each against a bare baseline measured in the same run:

* importing a 10,000-row ledger into (a copy of) the 100,000-person station — reading, validating every
  value with the form's validators, the change log and the search index, one transaction — against
  openpyxl read-only iteration of the same file plus a raw sqlite3 ``executemany`` of the same people and
  ventures (target ≤ 2×);
* exporting all 100,000 entrepreneurs (the list as shown, masked) against openpyxl write-only writing the
  same values (target ≤ 1.5×);
* the monthly report (all sections) and the dashboard (report plus a 12-month trend) on the station.
"""

from __future__ import annotations

import random
import sqlite3
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from stdnum.cn import ric, uscc

from bench.common import BenchResult, median, timings
from desktop.demo.entrepreneurs import _name
from desktop.jobs import UNWATCHED
from desktop.services import exports
from desktop.services import monthly as reports_monthly
from desktop.services.entrepreneur_list import ListQuery, search_ids
from desktop.services.ledger.importing import apply_import
from desktop.services.ledger.mapping import suggest_mapping
from desktop.services.station import default_actor
from models import pinyin
from models.base import china_today
from models.database import open_database
from models.ledger.months import month_start
from models.ledger.plan import ImportOptions
from reports.ledger.reading import open_ledger

LEDGER_ROWS = 10_000
IMPORT_REPEAT = 7  # one import varies by ±25 % on this machine: the median of 3 moved the ratio 1.7×–2.2×
EXPORT_REPEAT = 3
GROUPS = ("退役军人", "高校毕业生", "农民工", "就业困难人员", "退役军人、高校毕业生", "脱贫人口", "其他")
SHOPS = ("便利店", "餐饮店", "网络科技工作室", "家庭农场", "家政服务部", "美发店", "手工坊")


def _ledger(path: Path, rows: int, seed: int = 7) -> Path:
    """A ledger as stations keep them: a title row, the header, mixed date forms; IDs from a county the
    generated station does not use, so every row is a new person."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("创业者台账")
    sheet.append(["萧山区某街道家门口就业服务站创业者台账（基准测试）"])
    sheet.append(
        [
            "序号",
            "姓名",
            "身份证号码",
            "联系电话",
            "人员类别",
            "创业项目",
            "统一社会信用代码",
            "注册日期",
            "带动就业人数",
            "备注",
        ]
    )
    used: set[str] = set()
    for index in range(1, rows + 1):
        birth = date(rng.randint(1966, 2003), rng.randint(1, 12), rng.randint(1, 28))
        while True:
            body = f"330109{birth:%Y%m%d}{rng.randint(0, 999):03d}"
            if body not in used:
                used.add(body)
                break
        number = body + ric.calc_check_digit(body + "0")
        registered = date(rng.randint(2019, 2024), rng.randint(1, 12), rng.randint(1, 28))
        forms = (
            registered.isoformat(),
            f"{registered.year}/{registered.month}/{registered.day}",
            f"{registered.year}年{registered.month}月{registered.day}日",
            registered.strftime("%Y%m%d"),
        )
        credit = ""
        if rng.random() < 0.6:
            credit_body = "92330109" + "".join(rng.choice("0123456789") for _ in range(9))
            credit = credit_body + uscc.calc_check_digit(credit_body)
        sheet.append(
            [
                index,
                _name(rng),
                number,
                "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9)),
                rng.choice(GROUPS),
                f"{rng.choice(('向阳', '青禾', '匠心', '启航', '云帆'))}{rng.choice(SHOPS)}",
                credit,
                rng.choice(forms),
                rng.choice((0, 1, 2, 3, 5)),
                "",
            ]
        )
    workbook.save(path)
    return path


def _copy(station: Path, folder: Path, name: str) -> Path:
    target = folder / name
    for suffix in ("", "-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    with sqlite3.connect(station) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    source.close()
    copy.close()
    return target


def _import_once(station: Path, folder: Path, ledger: Path) -> float:
    copy = _copy(station, folder, "import.sqlite")
    db = open_database(copy)
    actor = default_actor(db)
    for cached in (pinyin.name_search_keys, pinyin._run_readings, pinyin._readings_of):
        cached.cache_clear()  # a ledger is imported once: measure it with the pinyin caches cold
    started = time.perf_counter()
    table = open_ledger(ledger)
    mapping = suggest_mapping(db, actor, table).mapping
    plan = apply_import(
        db, actor, table=table, mapping=mapping, options=ImportOptions(allow_possible_duplicates=True)
    )
    elapsed = (time.perf_counter() - started) * 1000
    db.close()
    assert plan.created == LEDGER_ROWS, plan.summary(done=True)
    return elapsed


def _baseline_once(station: Path, folder: Path, ledger: Path) -> float:
    """openpyxl read-only iteration of the same file, then the same people and ventures inserted bare."""
    copy = _copy(station, folder, "baseline.sqlite")
    started = time.perf_counter()
    book = load_workbook(ledger, read_only=True, data_only=True)
    values = list(book["创业者台账"].iter_rows(min_row=3, values_only=True))
    book.close()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    people: list[tuple[Any, ...]] = []
    ventures: list[tuple[Any, ...]] = []
    for row in values:
        person_id = str(uuid.uuid4())
        number = str(row[2])
        birth = f"{number[6:10]}-{number[10:12]}-{number[12:14]}"
        people.append(
            (
                person_id,
                "330106001",
                now,
                now,
                "基准",
                1,
                0,
                f"B-{row[0]}",
                row[1],
                "",
                number,
                birth,
                "male",
                str(row[3]),
                1,
                None,
                None,
                None,
                "",
                "",
                "startup",
            )
        )
        ventures.append(
            (
                str(uuid.uuid4()),
                "330106001",
                now,
                now,
                "基准",
                1,
                0,
                person_id,
                row[5],
                "individual_business",
                row[6] or None,
                None,
                None,
                "",
                int(row[8] or 0),
                "startup",
            )
        )
    connection = sqlite3.connect(copy)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    with connection:
        connection.executemany(
            "INSERT INTO entrepreneur (id, station_code, created_at, updated_at, updated_by, version, "
            "deleted, case_number, name, name_pinyin, id_number, birth_date, sex, phone, key_groups, "
            "education, "
            "graduation_date, household_region, address, notes, current_stage) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            people,
        )
        connection.executemany(
            "INSERT INTO venture (id, station_code, created_at, updated_at, updated_by, version, deleted, "
            "entrepreneur_id, name, entity_type, credit_code, registration_date, industry, address, "
            "jobs_created, stage) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            ventures,
        )
    connection.close()
    return (time.perf_counter() - started) * 1000


def _import(station: Path) -> list[BenchResult]:
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-ledger-") as name:
        folder = Path(name)
        ledger = _ledger(folder / "台账.xlsx", LEDGER_ROWS)
        app: list[float] = []
        bare: list[float] = []
        for _ in range(IMPORT_REPEAT):  # interleaved, so a busy moment of the machine hits both alike
            app.append(_import_once(station, folder, ledger))
            bare.append(_baseline_once(station, folder, ledger))
    return [
        BenchResult(
            f"import a {LEDGER_ROWS:,}-row ledger",
            median(app),
            median(bare),
            "ms",
            target_ratio=2.0,
            note="read + validate + change log + search index, one transaction; baseline: openpyxl "
            "read-only iteration + sqlite3 executemany of the same people and ventures",
        )
    ]


def _export(station: Path) -> list[BenchResult]:
    db = open_database(station)
    actor = default_actor(db)
    query = ListQuery()
    ids = search_ids(db, actor, query)  # the list is on screen: its index is warm
    keys = [column.key for column in exports.ENTREPRENEUR_COLUMNS]
    values = list(
        exports.export_rows(db, actor, ids=ids, keys=keys, reveal=False, today=china_today(), job=UNWATCHED)
    )
    with tempfile.TemporaryDirectory(prefix="doorstep-bench-export-") as name:
        out = Path(name) / "名单.xlsx"
        bare_out = Path(name) / "bare.xlsx"

        def app() -> None:
            exports.export_entrepreneurs(db, actor, out=out, query=query)

        def bare() -> None:
            workbook = Workbook(write_only=True)
            sheet = workbook.create_sheet("创业者名单")
            sheet.append([column.title for column in exports.ENTREPRENEUR_COLUMNS])
            for row in values:
                sheet.append(row)
            workbook.save(bare_out)

        app_ms: list[float] = []
        bare_ms: list[float] = []
        for _ in range(EXPORT_REPEAT):  # interleaved (each call warms up once first)
            app_ms += timings(app, repeat=1, warmup=0 if app_ms else 1)
            bare_ms += timings(bare, repeat=1, warmup=0 if bare_ms else 1)
    db.close()
    return [
        BenchResult(
            f"export {len(ids):,} entrepreneurs",
            median(app_ms),
            median(bare_ms),
            "ms",
            target_ratio=1.5,
            note="the list as shown (query, masking, access log); baseline: openpyxl write-only, same values",
        )
    ]


def _monthly(station: Path) -> list[BenchResult]:
    db = open_database(station)
    actor = default_actor(db)
    first = month_start(china_today())
    last_month = month_start(date.fromordinal(first.toordinal() - 1))
    report_ms = timings(lambda: reports_monthly.monthly_report(db, actor, month=last_month), repeat=5)
    dashboard_ms = timings(lambda: reports_monthly.dashboard(db, actor, month=last_month), repeat=2)
    db.close()
    return [
        BenchResult(
            "monthly report (all sections)", median(report_ms), None, "ms", note="one month, every figure"
        ),
        BenchResult(
            "statistics page data",
            median(dashboard_ms),
            None,
            "ms",
            note="report + 12-month trend, off the GUI thread",
        ),
    ]


def run(station: Path) -> list[BenchResult]:
    return [*_import(station), *_export(station), *_monthly(station)]
