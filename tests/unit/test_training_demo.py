"""`doorstep demo` makes classes, sessions, enrolments and attendance that the services read back."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop.demo import generate_demo
from desktop.services import training as svc
from desktop.services.workbench import tasks_for
from models.audit import Actor
from models.database import Database, connect, open_database

TODAY = date(2025, 6, 11)  # a Wednesday


def test_demo_training_is_consistent_and_repeats_with_the_seed(
    db: Database, actor: Actor, tmp_path: Path
) -> None:
    summary = generate_demo(db, entrepreneurs=240, seed=5, today=TODAY)
    assert summary["培训班"] >= 4 and summary["培训报名"] >= 100 and summary["考勤记录"] > summary["培训报名"]
    rows = svc.list_classes(db, actor, today=TODAY)
    statuses = {r.status for r in rows}
    assert statuses == set(svc.ClassStatus.ALL)
    running = next(r for r in rows if r.status == svc.ClassStatus.RUNNING)
    today = [t for t in tasks_for(db, actor, today=TODAY) if t.kind_label == "今日课程"]
    assert today and all(t.open_id == running.id for t in today)
    # stored results agree with the rule applied to the stored marks
    for row in rows:
        if row.status == svc.ClassStatus.ASSESSED:
            previews = svc.completion_preview(db, actor, class_id=row.id)
            assert not any(p.stale for p in previews), row.class_number
            assert row.completed == sum(1 for p in previews if p.outcome.completed)
    # the certificate sequence continues after the demo's numbers
    assessed = next(r for r in rows if r.status == svc.ClassStatus.TO_ASSESS)
    for person in svc.roster(db, actor, class_id=assessed.id):
        svc.set_exam_score(db, actor, enrolment_id=person.enrolment_id, score=90)
    svc.assess_class(db, actor, class_id=assessed.id, today=TODAY)
    numbers = [
        r[0]
        for r in connect(db.path or "").execute(
            "SELECT certificate_number FROM training_enrolment WHERE certificate_number IS NOT NULL"
        )
    ]
    assert len(numbers) == len(set(numbers))
    # the same seed gives the same classes and numbers
    again = open_database(tmp_path / "again.sqlite")
    from desktop.services.station import init_station, operator

    init_station(again, operator(), code="330106001", name="文新街道家门口就业服务站")
    generate_demo(again, entrepreneurs=240, seed=5, today=TODAY)
    first = [(r.class_number, r.enrolled, r.completed) for r in rows if r.id != assessed.id]
    second = [
        (r.class_number, r.enrolled, r.completed)
        for r in svc.list_classes(again, actor, today=TODAY)
        if r.class_number != assessed.class_number
    ]
    again.close()
    assert first == second
