"""Training at station scale (issue 4), on a copy of the generated station (50,000 enrolments with their
attendance): a class of 60 people × 20 sessions — the attendance grid opens, a full column mark commits —
each against a raw sqlite3 baseline; and 1,000 certificates into one PDF against reportlab drawing the
same page 1,000 times without the application's code around it (at most 1.5×)."""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from bench.common import BenchResult, median, timings
from desktop.context import AppContext
from desktop.services import training as svc
from desktop.services.station import default_actor, station_info
from desktop.settings import Preferences
from models.audit import Actor
from models.database import Database, copy_sqlite, open_database
from models.training import AttendanceMark, HalfDay
from reports.font_files import SANS
from reports.fonts import register_fonts
from reports.training_forms import Certificate

PEOPLE = 60
SESSIONS = 20
CERTIFICATES = 1000


def _bench_class(db: Database, actor: Actor, raw: sqlite3.Connection) -> str:
    """A 60 × 20 class: 10 weekdays of morning and afternoon, 60 people from the files, half marked."""
    svc.ensure_course_catalogue(db, actor)
    start = date(2025, 9, 1)
    class_id = svc.create_class(
        db,
        actor,
        data={
            "course_id": svc.course_id_for("SYB"),
            "class_number": "BENCH60X20",
            "title": "基准测试班（60人×20课次）",
            "start_date": start,
            "end_date": start + timedelta(days=13),
            "capacity": PEOPLE,
        },
    )
    svc.add_sessions(
        db,
        actor,
        class_id=class_id,
        first_day=start,
        last_day=start + timedelta(days=13),
        half_days=[HalfDay.AM, HalfDay.PM],
        hours=4,
    )
    people = [
        row[0]
        for row in raw.execute("SELECT id FROM entrepreneur WHERE deleted = 0 ORDER BY id LIMIT ?", (PEOPLE,))
    ]
    for person in people:
        svc.enrol(db, actor, class_id=class_id, entrepreneur_id=person, confirm_repeat=True)
    for session in svc.list_sessions(db, actor, class_id=class_id)[: SESSIONS // 2]:
        svc.mark_column(db, actor, session_id=session.id)
    return class_id


def _raw_grid(raw: sqlite3.Connection, class_id: str) -> None:
    """The rows the grid shows, read bare: sessions, people, marks."""
    sessions = raw.execute(
        "SELECT id, session_date, half_day, hours, topic, teacher FROM training_session "
        "WHERE class_id = ? AND deleted = 0 ORDER BY session_date, half_day",
        (class_id,),
    ).fetchall()
    people = raw.execute(
        "SELECT e.id, e.entrepreneur_id, p.name, p.id_number FROM training_enrolment e "
        "JOIN entrepreneur p ON p.id = e.entrepreneur_id "
        "WHERE e.class_id = ? AND e.deleted = 0 AND e.status = 'enrolled' ORDER BY e.created_at, e.id",
        (class_id,),
    ).fetchall()
    marks = raw.execute(
        "SELECT a.enrolment_id, a.session_id, a.status FROM training_attendance a "
        "JOIN training_session s ON s.id = a.session_id "
        "WHERE s.class_id = ? AND s.deleted = 0 AND a.deleted = 0",
        (class_id,),
    ).fetchall()
    grid = {(m[0], m[1]): m[2] for m in marks}
    assert len(sessions) == SESSIONS and len(people) == PEOPLE and grid


def _raw_column(raw: sqlite3.Connection, session_id: str, status: str) -> None:
    """A full column mark, bare: update 60 marks and write 60 change rows (numbered after the log's
    newest ``seq``, as the journal numbers them) in one transaction."""
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
    rows = raw.execute(
        "SELECT id, version, status FROM training_attendance WHERE session_id = ? AND deleted = 0",
        (session_id,),
    ).fetchall()
    raw.execute("BEGIN")
    last = raw.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()[0]
    raw.executemany(
        "UPDATE training_attendance SET status = ?, version = version + 1, updated_at = ? WHERE id = ?",
        [(status, now, row[0]) for row in rows],
    )
    raw.executemany(
        "INSERT INTO change_log (id, seq, operation_id, operation_label, at, user_name, station_code, "
        "record_kind, record_id, subject_id, action, changes, base_version, version) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [
            (
                hashlib.md5(f"{row[0]}{now}".encode()).hexdigest(),
                last + number,
                "op",
                "raw",
                now,
                "bench",
                "330106001",
                "training_attendance",
                row[0],
                "x",
                "update",
                f'{{"status": ["{row[2]}", "{status}"]}}',
                row[1],
                row[1] + 1,
            )
            for number, row in enumerate(rows, start=1)
        ],
    )
    raw.execute("COMMIT")


def _grid_results(station: Path) -> list[BenchResult]:
    from PySide6.QtWidgets import QApplication

    from ui.training.grid import AttendanceGridWidget

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "training-bench.sqlite"
        copy_sqlite(station, path)
        db = open_database(path)
        actor = default_actor(db)
        raw = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON"):
            raw.execute(f"PRAGMA {pragma}")
        class_id = _bench_class(db, actor, raw)
        info = station_info(db)
        assert info is not None
        context = AppContext(db=db, actor=actor, station=info, preferences=Preferences())

        def open_grid() -> None:
            widget = AttendanceGridWidget(context, class_id)
            widget.deleteLater()

        opened = timings(open_grid, repeat=30, warmup=3)
        app.processEvents()
        bare_open = timings(lambda: _raw_grid(raw, class_id), repeat=30, warmup=3)
        service_only = timings(lambda: svc.attendance_grid(db, actor, class_id=class_id), repeat=30, warmup=3)
        sessions = svc.list_sessions(db, actor, class_id=class_id)
        column = sessions[0].id
        marks = iter([AttendanceMark.LATE, AttendanceMark.PRESENT] * 100)
        committed = timings(
            lambda: svc.mark_column(db, actor, session_id=column, mark=next(marks), overwrite=True),
            repeat=20,
            warmup=2,
        )
        statuses = iter(["late", "present"] * 100)
        bare_commit = timings(lambda: _raw_column(raw, column, next(statuses)), repeat=20, warmup=2)
        raw.close()
        db.close()
    return [
        BenchResult(
            "attendance grid opens (60×20), median",
            median(opened),
            median(bare_open),
            "ms",
            target_abs=100,
            note=f"widget + model + service; service alone {median(service_only):.1f} ms",
        ),
        BenchResult(
            "full column mark commits (60 marks), median",
            median(committed),
            median(bare_commit),
            "ms",
            target_abs=100,
            note="one transaction with 60 change rows; baseline the same rows bare",
        ),
    ]


# ------------------------------------------------------------------------------------------ certificates
def _bare_certificate(canvas: Canvas, cert: Certificate, payload: str) -> None:
    """The certificate page drawn with bare reportlab: the same texts, boxes and QR code, no toolkit."""
    width, height = A4
    left, right, top = 18 * mm, width - 18 * mm, height - 14 * mm
    qr = segno.make(payload, error="m", micro=False, mask=2)  # the same code as on the app's page
    module = 20 * mm / len(qr.matrix)
    path = canvas.beginPath()
    for r, row in enumerate(qr.matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            path.rect(right - 20 * mm + start * module, top - (r + 1) * module, (c - start) * module, module)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.setFont(SANS, 18)
    canvas.drawCentredString(width / 2, top - 7 * mm, "结业证书")
    canvas.setFont(SANS, 10.5)
    canvas.drawCentredString(width / 2, top - 14 * mm, "马兰花创业培训")
    canvas.drawRightString(right, top - 40 * mm, f"证书编号：{cert.certificate_number}")
    canvas.setFont(SANS, 15)
    body = (
        f"{cert.name}（身份证号码 {cert.id_number}）于{cert.start_date}至{cert.end_date}"
        f"参加{cert.provider}举办的{cert.course_name}创业培训（第 {cert.class_number} 期），"
        f"完成培训 {cert.hours} 学时，经考核合格，准予结业。"
    )
    y = top - 55 * mm
    for start in range(0, len(body), 30):
        canvas.drawString(left, y, body[start : start + 30])
        y -= 21
    canvas.drawString(left + 30, y, "特发此证。")
    canvas.setFont(SANS, 10.5)
    y -= 40
    cells = [
        ("姓名", cert.name, "性别", cert.sex),
        ("身份证号码", cert.id_number, "", ""),
        ("培训项目", cert.course_name, "期次", cert.class_number),
        ("培训时间", f"{cert.start_date}至{cert.end_date}", "", ""),
        ("培训学时", f"{cert.hours} 学时", "考核成绩", f"{cert.exam_score} 分"),
        ("培训机构", cert.provider, "", ""),
    ]
    half = (right - left) / 2
    for label, value, label2, value2 in cells:
        canvas.rect(left, y - 22, 60, 22)
        canvas.rect(left + 60, y - 22, half - 60 if label2 else right - left - 60, 22)
        canvas.drawString(left + 6, y - 15, label)
        canvas.drawString(left + 66, y - 15, value)
        if label2:
            canvas.rect(left + half, y - 22, 60, 22)
            canvas.rect(left + half + 60, y - 22, half - 60, 22)
            canvas.drawString(left + half + 6, y - 15, label2)
            canvas.drawString(left + half + 66, y - 15, value2)
        y -= 22
    y -= 40
    for index, (label, text) in enumerate((("培训机构：", ""), ("发证单位：", cert.issuer))):
        x = left + index * half
        canvas.rect(x, y - 42 * mm, half, 42 * mm)
        canvas.drawString(x + 4, y - 14, label)
        canvas.drawString(x + 14, y - 30, text)
        canvas.drawRightString(x + half - 8, y - 42 * mm + 26, "（盖章）")
        canvas.drawRightString(
            x + half - 8,
            y - 42 * mm + 8,
            f"{cert.end_date.year}年{cert.end_date.month}月{cert.end_date.day}日",
        )
    canvas.setFont(SANS, 9)
    canvas.drawString(left, 30 * mm, "本证书仅证明持证人完成上述培训；扫描右上角二维码可核对证书信息。")
    canvas.setFont(SANS, 7.5)
    canvas.drawString(left, 10 * mm, f"编号：{cert.certificate_number}")
    canvas.drawCentredString(width / 2, 10 * mm, "第 1 页 共 1 页")
    canvas.drawRightString(right, 10 * mm, "校验码：0123456789ABCDEF")
    canvas.showPage()


def _certificate_results(station: Path) -> list[BenchResult]:
    register_fonts()
    db = open_database(station)
    actor = default_actor(db)
    raw = sqlite3.connect(station)
    ids = [
        row[0]
        for row in raw.execute(
            "SELECT id FROM training_enrolment WHERE deleted = 0 AND certificate_number IS NOT NULL "
            "ORDER BY id LIMIT ?",
            (CERTIFICATES,),
        )
    ]
    raw.close()
    assert len(ids) == CERTIFICATES, f"the station has only {len(ids)} certificates"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "certificates.pdf"
        app = timings(
            lambda: svc.print_certificates(db, actor, out=out, enrolment_ids=ids), repeat=3, warmup=1
        )
        # the same certificates' values, read once; then bare reportlab draws each page
        certificates = svc.certificates_for(db, actor, enrolment_ids=ids)
        payloads = [
            f"DOORSTEP:1:training_certificate:{c.enrolment_id}:0123456789ABCDEF" for c in certificates
        ]

        def bare() -> None:
            canvas = Canvas(str(Path(folder) / "bare.pdf"), pagesize=A4, pageCompression=1)
            for cert, payload in zip(certificates, payloads, strict=True):
                _bare_certificate(canvas, cert, payload)
            canvas.save()

        baseline = timings(bare, repeat=3, warmup=1)
    db.close()
    return [
        BenchResult(
            "1,000 certificates into one PDF, median",
            median(app) / 1000,
            median(baseline) / 1000,
            "s",
            target_ratio=1.5,
            note="query + layout + QR + digest; baseline: bare reportlab, same pages",
        )
    ]


def run(station: Path) -> list[BenchResult]:
    return _grid_results(station) + _certificate_results(station)
