"""The training step of `doorstep demo`: classes, sessions, enrolments, marks and certificates."""

from __future__ import annotations

from bisect import bisect_right
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from desktop.demo.context import DEMO_USER, DemoContext
from desktop.services.training._common import _rule_values, course_id_for
from desktop.services.training.catalogue import CATALOGUE_USER, add_default_courses, default_course_catalogue
from desktop.services.training.classes import default_title
from models.audit import Actor, Operation
from models.base import CHINA_TZ
from models.training import (
    Attendance,
    AttendanceMark,
    CertificateSequence,
    CompletionResult,
    Enrolment,
    EnrolmentStatus,
    HalfDay,
    TrainingClass,
    TrainingSession,
    assess,
    certificate_number,
)

_DEMO_COURSE_WEIGHTS = {"SYB": 45, "IYB": 14, "EYB": 5, "WC": 14, "XLY": 11, "JNCY": 11}
_DEMO_PROVIDERS = (
    "杭州市西湖区职业技能培训中心",
    "浙江某某创业学院",
    "西湖区马兰花创业培训基地",
    "文新街道成人学校",
)
_DEMO_VENUES = (
    "文新街道社区服务中心三楼",
    "西湖区创业孵化基地多功能厅",
    "文新街道党群服务中心",
    "线上直播+线下实训",
)
_DEMO_TEACHERS = ("王建华", "李晓梅", "陈志强", "周丽", "赵明", "孙海燕", "吴婷", "郑凯")
_DEMO_TOPICS = (
    "创业意识与创业者素质",
    "创业项目选择与市场评估",
    "企业的组织形式与法律责任",
    "成本核算与定价",
    "营销计划与客户开发",
    "财务预测与资金筹措",
    "创业计划书撰写与答辩",
    "风险防范与政策解读",
)


def _created_at_of(uuid7: str) -> datetime:
    """The moment a UUIDv7 was made for (the demo makes people's ids from their creation time)."""
    millis = int(uuid7.replace("-", "")[:12], 16)
    return datetime.fromtimestamp(millis / 1000, UTC)


def demo_step(ctx: DemoContext) -> None:
    """Classes over the last three years and a few ahead, about one enrolment per two people with their
    attendance, exam scores and certificates: a running class with a session today, an upcoming class,
    a finished class waiting for 结业评定, and assessed classes. Bulk inserts, deterministic for a seed.

    Every record — the attendance marks too (about 400,000 on the benchmark station) — is written through
    the journal's bulk path with its complete change row, so the log rebuilds the station."""

    rng, today, session = ctx.rng, ctx.today, ctx.session
    people = ctx.entrepreneur_ids
    now = datetime.combine(today, time(9, 0), CHINA_TZ).astimezone(UTC)
    _, catalogue = default_course_catalogue()
    add_default_courses(Operation(session, Actor(CATALOGUE_USER, ctx.station_code), "默认课程目录", at=now))
    if not people:
        return
    courses = {c.code: c for c in catalogue}
    codes = list(_DEMO_COURSE_WEIGHTS)
    weights = list(_DEMO_COURSE_WEIGHTS.values())
    created = [_created_at_of(p) for p in people]
    target = max(round(len(people) * 0.5), 30)
    average = 39  # a little under the mean class size (20–60): the first classes find fewer people
    count = max(target // average, 4)
    first_start = today - timedelta(days=3 * 365)
    spacing = (today + timedelta(days=20) - first_start).days / count
    classes: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    enrolments: list[dict[str, Any]] = []
    marks: list[dict[str, Any]] = []
    numbers: dict[str, int] = {}
    certificates: dict[int, int] = {}
    made = 0
    last_completed: dict[tuple[str, str], bool] = {}
    for index in range(count):
        code = rng.choices(codes, weights)[0]
        course = courses[code]
        if index == count - 1:
            start = today + timedelta(days=10)  # upcoming: enrolled, nothing marked yet
        elif index == count - 2:
            start = today - timedelta(days=2)  # running: a session today (even on a weekend)
            while start.weekday() >= 5:
                start -= timedelta(days=1)
        elif index == count - 3:
            start = today - timedelta(days=25)  # finished, waiting for 结业评定
        else:
            start = first_start + timedelta(days=round(index * spacing) + rng.randint(0, 3))
        while start.weekday() >= 5 and index != count - 2:
            start += timedelta(days=1)
        days: list[tuple[date, str, int]] = []
        remaining = course.standard_hours
        day = start
        while remaining > 0:
            if day.weekday() < 5 or (index == count - 2 and day == today):
                hours = 8 if remaining >= 8 else remaining
                days.append((day, HalfDay.FULL.value if hours == 8 else HalfDay.AM.value, hours))
                remaining -= hours
            day += timedelta(days=1)
        end = days[-1][0]
        year = start.year
        numbers[f"{code}{year}"] = numbers.get(f"{code}{year}", 0) + 1
        class_number = f"{code}{year}{numbers[f'{code}{year}']:02d}"
        size = rng.randint(20, 60) if index != count - 2 else 36
        eligible = bisect_right(created, datetime.combine(start, time(0), CHINA_TZ) - timedelta(days=7))
        if eligible < 5:
            continue
        size = min(size, eligible, target - made) if index < count - 3 else min(size, eligible)
        if size <= 0:
            continue
        class_created = ctx.moment_between(start - timedelta(days=40), start - timedelta(days=20))
        class_id = ctx.new_id(class_created)
        assessed = end < today - timedelta(days=40) or (end < today and index < count - 3)
        provider = rng.choice(_DEMO_PROVIDERS)
        classes.append(
            {
                "id": class_id,
                "station_code": ctx.station_code,
                "created_at": class_created,
                "updated_at": class_created,
                "updated_by": DEMO_USER,
                "version": 1,
                "deleted": False,
                "course_id": course_id_for(code),
                "class_number": class_number,
                "title": default_title(course.name, year, numbers[f"{code}{year}"]),
                "provider": provider,
                "teachers": "、".join(rng.sample(_DEMO_TEACHERS, 2)),
                "venue": rng.choice(_DEMO_VENUES),
                "start_date": start,
                "end_date": end,
                "capacity": size + rng.choice((0, 0, 2, 4, 10)),
                "funded": rng.random() < 0.85,
                "notes": "",
                "assessed_on": end + timedelta(days=rng.randint(1, 7)) if assessed else None,
                **_rule_values(course.rule),
            }
        )
        ctx.draw_change_ids()
        session_ids: list[tuple[str, date, int]] = []
        for number, (day, half, hours) in enumerate(days):
            session_id = ctx.new_id(class_created)
            session_ids.append((session_id, day, hours))
            sessions.append(
                {
                    "id": session_id,
                    "station_code": ctx.station_code,
                    "created_at": class_created,
                    "updated_at": class_created,
                    "updated_by": DEMO_USER,
                    "version": 1,
                    "deleted": False,
                    "class_id": class_id,
                    "session_date": day,
                    "half_day": half,
                    "hours": hours,
                    "topic": _DEMO_TOPICS[number % len(_DEMO_TOPICS)],
                    "teacher": rng.choice(_DEMO_TEACHERS),
                }
            )
            ctx.draw_change_ids()
        # people who already completed this course are passed over (most would not be funded again)
        candidates = rng.sample(range(eligible), min(eligible, size + size // 4))
        picked = [i for i in candidates if not last_completed.get((people[i], code))][:size]
        chosen = sorted(
            (ctx.moment_between(start - timedelta(days=18), start - timedelta(days=1)), person_index)
            for person_index in picked
        )
        rule = course.rule
        for enrolled_at, person_index in chosen:
            person_id = people[person_index]
            enrolment_id = ctx.new_id(enrolled_at)
            reliability = rng.random()
            withdrawn = rng.random() < 0.02
            person_marks: list[tuple[int, AttendanceMark | None]] = []
            for position, (session_id, day, hours) in enumerate(session_ids):
                if day >= today or (withdrawn and position > 1):
                    person_marks.append((hours, None))
                    continue
                roll = rng.random()
                if reliability < 0.75:
                    mark = AttendanceMark.PRESENT if roll < 0.95 else AttendanceMark.LATE
                elif reliability < 0.93:
                    mark = (
                        AttendanceMark.PRESENT
                        if roll < 0.8
                        else AttendanceMark.LATE
                        if roll < 0.87
                        else AttendanceMark.EXCUSED
                        if roll < 0.95
                        else AttendanceMark.ABSENT
                    )
                else:
                    mark = AttendanceMark.PRESENT if roll < 0.6 else AttendanceMark.ABSENT
                person_marks.append((hours, mark))
                at = datetime.combine(day, time(17, 30), CHINA_TZ).astimezone(UTC)
                mark_id = ctx.new_id(at)
                marks.append(
                    {
                        "id": mark_id,
                        "station_code": ctx.station_code,
                        "created_at": at,
                        "updated_at": at,
                        "updated_by": DEMO_USER,
                        "version": 1,
                        "deleted": False,
                        "enrolment_id": enrolment_id,
                        "session_id": session_id,
                        "status": mark.value,
                    }
                )
            score = (
                max(30, min(100, round(rng.gauss(78, 12)))) if rule.exam_required and end < today else None
            )
            result = certificate = completed_on = None
            if assessed and not withdrawn:
                outcome = assess(rule, person_marks, score)
                if outcome.completed:
                    result = CompletionResult.COMPLETED.value
                    completed_on = end
                    certificates[end.year] = certificates.get(end.year, 0) + 1
                    certificate = certificate_number(ctx.station_code, code, end.year, certificates[end.year])
                    last_completed[(person_id, code)] = True
                else:
                    result = CompletionResult.NOT_COMPLETED.value
            enrolments.append(
                {
                    "id": enrolment_id,
                    "station_code": ctx.station_code,
                    "created_at": enrolled_at,
                    "updated_at": enrolled_at,
                    "updated_by": DEMO_USER,
                    "version": 1,
                    "deleted": False,
                    "class_id": class_id,
                    "entrepreneur_id": person_id,
                    "enrolled_on": enrolled_at.astimezone(CHINA_TZ).date(),
                    "status": EnrolmentStatus.WITHDRAWN.value
                    if withdrawn
                    else EnrolmentStatus.ENROLLED.value,
                    "exam_score": score,
                    "result": result,
                    "completed_on": completed_on,
                    "certificate_number": certificate,
                }
            )
            ctx.draw_change_ids()
            made += 1
    class_of = {row["id"]: row["class_id"] for row in sessions}
    ctx.bulk(TrainingClass, classes, [row["id"] for row in classes])
    ctx.bulk(TrainingSession, sessions, [row["class_id"] for row in sessions])
    ctx.bulk(Enrolment, enrolments, [row["entrepreneur_id"] for row in enrolments])
    ctx.bulk(Attendance, marks, [class_of[row["session_id"]] for row in marks])
    for year, last in certificates.items():
        sequence = session.get(CertificateSequence, year) or CertificateSequence(year=year, last=0)
        sequence.last = max(sequence.last, last)
        session.add(sequence)
    ctx.summary["培训班"] = ctx.summary.get("培训班", 0) + len(classes)
    ctx.summary["培训报名"] = ctx.summary.get("培训报名", 0) + len(enrolments)
    ctx.summary["考勤记录"] = ctx.summary.get("考勤记录", 0) + len(marks)
