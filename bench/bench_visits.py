"""Visits at station scale (issue 3): on the generated station (100,000 people, about 500,000 visits),
opening a file with 20 visits and the workbench of a mentor with about 300 people, each against a raw
sqlite3 query for the same rows; both under 100 ms median."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from bench.common import BenchResult, median, timings
from models.database import open_database

REPEAT = 30


def _file_with(raw: sqlite3.Connection, visits: int) -> str:
    """A person with this many visits (or the nearest count the station has)."""
    row = raw.execute(
        "SELECT entrepreneur_id, count(*) AS n FROM visit WHERE deleted = 0 GROUP BY entrepreneur_id "
        "ORDER BY abs(n - ?), entrepreneur_id LIMIT 1",
        (visits,),
    ).fetchone()
    return str(row[0])


def _mentor_with(raw: sqlite3.Connection, people: int) -> str:
    row = raw.execute(
        "SELECT ma.mentor_id, count(*) AS n FROM mentor_assignment ma JOIN mentor m ON m.id = ma.mentor_id "
        "WHERE ma.ended_on IS NULL AND ma.deleted = 0 AND m.active = 1 GROUP BY ma.mentor_id "
        "ORDER BY abs(n - ?), ma.mentor_id LIMIT 1",
        (people,),
    ).fetchone()
    return str(row[0])


def _raw_file(raw: sqlite3.Connection, person: str) -> None:
    """The same rows the file's visits tab shows, read bare."""
    visits = raw.execute(
        "SELECT v.*, m.name, vn.name FROM visit v LEFT JOIN mentor m ON m.id = v.mentor_id "
        "LEFT JOIN venture vn ON vn.id = v.venture_id "
        "WHERE v.entrepreneur_id = ? AND v.deleted = 0 ORDER BY v.visit_date DESC",
        (person,),
    ).fetchall()
    ids = [v[0] for v in visits]
    raw.execute(
        f"SELECT * FROM agreed_action WHERE deleted = 0 AND visit_id IN ({','.join('?' * len(ids))})", ids
    ).fetchall()
    raw.execute("SELECT name, case_number FROM entrepreneur WHERE id = ?", (person,)).fetchall()


def _raw_workbench(raw: sqlite3.Connection, mentor: str, today: date, days: int) -> None:
    """The rows of the mentor's tasks, read bare: open actions, tracking due, people not contacted."""
    horizon = date.fromordinal(today.toordinal() + 7).isoformat()
    cutoff = date.fromordinal(today.toordinal() - days).isoformat()
    assigned = (
        "SELECT entrepreneur_id FROM mentor_assignment "
        "WHERE mentor_id = :m AND ended_on IS NULL AND deleted = 0"
    )
    params = {"m": mentor, "h": horizon, "c": cutoff}
    raw.execute(
        f"WITH p AS MATERIALIZED ({assigned}) SELECT a.id, a.text, a.due_date, e.name FROM p "
        "CROSS JOIN agreed_action a INDEXED BY ix_agreed_action_entrepreneur "
        "ON a.entrepreneur_id = p.entrepreneur_id "
        "JOIN entrepreneur e ON e.id = a.entrepreneur_id "
        "WHERE a.done_on IS NULL AND a.deleted = 0 AND a.due_date <= :h",
        params,
    ).fetchall()
    raw.execute(
        f"SELECT k.id, k.next_due, v.name FROM key_project k JOIN venture v ON v.id = k.venture_id "
        f"WHERE (k.entrepreneur_id IN ({assigned}) OR k.mentor_id = :m) AND k.left_on IS NULL "
        "AND k.deleted = 0 AND k.next_due <= :h",
        params,
    ).fetchall()
    raw.execute(
        f"WITH p AS MATERIALIZED (SELECT e.id, e.name, (SELECT max(visit_date) FROM visit v "
        "INDEXED BY ix_visit_entrepreneur "
        f"WHERE v.entrepreneur_id = e.id AND v.deleted = 0) AS last FROM ({assigned}) a "
        "CROSS JOIN entrepreneur e ON e.id = a.entrepreneur_id WHERE e.deleted = 0) "
        "SELECT * FROM p WHERE last < :c",
        params,
    ).fetchall()


def run(station: Path) -> list[BenchResult]:
    from desktop.services.station import default_actor
    from desktop.services.timeline import timeline
    from desktop.services.visits.mentors import actor_for_mentor
    from desktop.services.visits.queries import visits_of
    from desktop.services.visits.sources import action_tasks, not_contacted_tasks, tracking_tasks
    from desktop.services.workbench import tasks_for
    from desktop.settings import Preferences
    from models.base import china_today

    db = open_database(station)
    raw = sqlite3.connect(station)
    today = china_today()
    person = _file_with(raw, 20)
    count = raw.execute("SELECT count(*) FROM visit WHERE entrepreneur_id = ? AND deleted = 0", (person,))
    visit_count = count.fetchone()[0]
    mentor = _mentor_with(raw, 300)
    assigned = raw.execute(
        "SELECT count(*) FROM mentor_assignment WHERE mentor_id = ? AND ended_on IS NULL AND deleted = 0",
        (mentor,),
    ).fetchone()[0]
    actor = actor_for_mentor(db, default_actor(db), mentor_id=mentor)
    days = Preferences().not_contacted_days

    file_app = timings(lambda: visits_of(db, actor, entrepreneur_id=person), repeat=REPEAT)
    timeline_app = timings(lambda: timeline(db, actor, entrepreneur_id=person), repeat=REPEAT)
    file_raw = timings(lambda: _raw_file(raw, person), repeat=REPEAT)

    def own_sources() -> int:
        return sum(
            len(source(db, actor, today)) for source in (action_tasks, tracking_tasks, not_contacted_tasks)
        )

    own = own_sources()
    bench_own = timings(own_sources, repeat=REPEAT)
    tasks = len(tasks_for(db, actor, today=today))
    bench_app = timings(lambda: tasks_for(db, actor, today=today), repeat=max(REPEAT // 3, 3))
    bench_raw = timings(lambda: _raw_workbench(raw, mentor, today, days), repeat=REPEAT)
    db.close()
    raw.close()
    return [
        BenchResult(
            "open a file: its visits, median",
            median(file_app),
            median(file_raw),
            "ms",
            target_abs=100,
            note=f"{visit_count} visits with actions and outcomes",
        ),
        BenchResult(
            "open a file: whole timeline, median",
            median(timeline_app),
            median(file_raw),
            "ms",
            target_abs=100,
            note="visits, changes, tracking and other areas' entries",
        ),
        BenchResult(
            "mentor workbench: visits' tasks, median",
            median(bench_own),
            median(bench_raw),
            "ms",
            target_abs=100,
            note=f"{assigned} people: {own} follow-ups, tracking visits, people not contacted",
        ),
        BenchResult(
            "mentor workbench: every area's tasks, median",
            median(bench_app),
            median(bench_raw),
            "ms",
            target_abs=100,
            note=f"{tasks} tasks; includes the other areas' sources (loans, applications, classes)",
        ),
    ]
