"""`doorstep eligibility`, `print <form>`, `verify`, `policy`, `print-approved`, `export-excel applications`
as a user runs them: a real process, real files, exit codes 0/1/2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.applications import (
    ApplicationInput,
    LoanInput,
    advance_application,
    create_application,
    get_application,
    set_document,
    update_application,
)
from desktop.services.station import default_actor
from models.database import open_database
from tests.unit.test_policy_support import id_number, make_person

pytestmark = pytest.mark.pdf
DAY = date(2025, 11, 5)


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def station(db_path: Path) -> dict[str, str]:
    """A station with one person, a startup-subsidy application approved in November and a loan draft."""
    db = open_database(db_path)
    actor = default_actor(db)
    person = make_person(db, actor)
    app = create_application(db, actor, entrepreneur_id=person, item_code="startup_subsidy", today=DAY)
    for name, _ in get_application(db, actor, application_id=app).documents:
        set_document(db, actor, application_id=app, document=name, ticked=True)
    for step in ("submitted", "reviewing", "approved"):
        advance_application(db, actor, application_id=app, to=step, on=DAY)
    loan = create_application(
        db,
        actor,
        entrepreneur_id=person,
        item_code="guaranteed_loan_individual",
        loan=LoanInput(bank="中国农业银行", amount_fen=10_000_100),
        today=DAY,
    )
    db.close()
    return {"db": str(db_path), "person": person, "app": app, "loan": loan}


def test_eligibility_text_and_json(station: dict[str, str], home: Path) -> None:
    shown = doorstep(
        "eligibility", "--db", station["db"], "--id", station["person"], "--as-of", "2025-11-05", home=home
    )
    assert shown.returncode == 0, shown.stderr
    assert "张三" in shown.stdout and "截至 2025-11-05" in shown.stdout
    assert "示例，请按当地政策确认" in shown.stdout
    assert "✔ 孵化场地免费入驻：符合条件" in shown.stdout
    assert "已有申请" in shown.stdout
    # a failed alternative of a group that held reads "one of these holds", never as a failure
    moot = [line for line in shown.stdout.splitlines() if "满足其一即可" in line]
    assert moot and all(line.lstrip().startswith("○") for line in moot), shown.stdout
    as_json = doorstep(
        "eligibility",
        "--db",
        station["db"],
        "--id",
        station["person"],
        "--as-of",
        "2025-11-05",
        "--json",
        home=home,
    )
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    items = {item["code"]: item for item in report["items"]}
    assert report["as_of"] == "2025-11-05" and report["policy_set"]["example"] is True
    assert items["incubator_space"]["eligibility"] == "eligible"
    assert items["training_subsidy"]["eligibility"] == "not_eligible"
    assert "尚无创业培训结业记录" in items["training_subsidy"]["failed"]
    assert items["startup_subsidy"]["open_application"].startswith("330106001-SQ2025-")
    unknown = doorstep("eligibility", "--db", station["db"], "--id", "nobody", home=home)
    assert unknown.returncode == 1 and "找不到档案" in unknown.stderr


def test_print_forms_and_verify(station: dict[str, str], home: Path, tmp_path: Path) -> None:
    out = tmp_path / "startup.pdf"
    printed = doorstep(
        "print",
        "startup-subsidy",
        "--db",
        station["db"],
        "--id",
        station["app"],
        "--out",
        str(out),
        "--handler",
        "李敏",
        home=home,
    )
    assert printed.returncode == 0, printed.stderr
    assert "1 页" in printed.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "张三" in text and id_number(date(1995, 3, 8)) in text and "伍仟元整" in text
    assert "经办人：李敏" in "".join(text.split())  # who signs for the station (设置 or --handler)
    redacted = tmp_path / "redacted.pdf"
    result = doorstep(
        "print",
        "startup-subsidy",
        "--db",
        station["db"],
        "--id",
        station["app"],
        "--out",
        str(redacted),
        "--redacted",
        home=home,
    )
    assert result.returncode == 0, result.stderr
    masked = subprocess.run(
        ["pdftotext", str(redacted), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert id_number(date(1995, 3, 8)) not in masked and "138****8000" in masked
    # by the person's id: their latest application of that form
    loan_pdf = tmp_path / "loan.pdf"
    by_person = doorstep(
        "print",
        "guaranteed-loan",
        "--db",
        station["db"],
        "--id",
        station["person"],
        "--out",
        str(loan_pdf),
        home=home,
    )
    assert by_person.returncode == 0, by_person.stderr
    loan_text = subprocess.run(
        ["pdftotext", str(loan_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "壹拾万零壹元整" in "".join(loan_text.split())
    wrong = doorstep(
        "print",
        "training-subsidy",
        "--db",
        station["db"],
        "--id",
        station["app"],
        "--out",
        str(tmp_path / "x.pdf"),
        home=home,
    )
    assert wrong.returncode == 1 and "请使用 doorstep print startup-subsidy" in wrong.stderr
    assert not (tmp_path / "x.pdf").exists()

    ok = doorstep("verify", "--db", station["db"], str(out), home=home)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("✔ 一致")
    payload = next(line.split("识别码：")[1].strip() for line in text.splitlines() if "识别码：" in line)
    assert doorstep("verify", "--db", station["db"], payload, home=home).returncode == 0
    db = open_database(station["db"])
    update_application(
        db,
        default_actor(db),
        application_id=station["loan"],
        data=ApplicationInput(amount_fen=9_000_000),
        today=DAY,
    )
    db.close()
    changed = doorstep("verify", "--db", station["db"], str(loan_pdf), home=home)
    assert changed.returncode == 1
    assert changed.stdout.startswith("✘ 不一致") and "¥90,000.00" in changed.stdout
    garbage = doorstep("verify", "--db", station["db"], "not-a-code", home=home)
    assert garbage.returncode == 1 and "不是本系统打印的表格编码" in garbage.stderr


def test_print_approved_month_and_export(station: dict[str, str], home: Path, tmp_path: Path) -> None:
    out = tmp_path / "month.pdf"
    done = doorstep(
        "print-approved", "--db", station["db"], "--month", "2025-11", "--out", str(out), home=home
    )
    assert done.returncode == 0, done.stderr
    assert "1 份申请表" in done.stdout
    empty = doorstep(
        "print-approved",
        "--db",
        station["db"],
        "--month",
        "2025-10",
        "--out",
        str(tmp_path / "e.pdf"),
        home=home,
    )
    assert empty.returncode == 1 and "没有已批准的申请" in empty.stderr
    xlsx = tmp_path / "apps.xlsx"
    exported = doorstep("export-excel", "applications", "--db", station["db"], "--out", str(xlsx), home=home)
    assert exported.returncode == 0, exported.stderr
    assert "2 行" in exported.stdout
    sheet = load_workbook(xlsx).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("申请编号", "姓名", "身份证号码")
    ids = [row[2] for row in rows[2:]]
    assert all("*" in str(value) for value in ids)  # masked in the export
    statuses = sorted(str(row[7]) for row in rows[2:])
    assert statuses == ["已批准", "草稿"]


def test_policy_install_refuses_a_malformed_file(station: dict[str, str], home: Path, tmp_path: Path) -> None:
    from desktop.services.policy import DEFAULT_POLICY_FILE

    data = json.loads(DEFAULT_POLICY_FILE.read_text(encoding="utf-8"))
    data.update({"id": "hz-2026", "version": 1, "region": "330100", "effective_from": "2025-06-01"})
    good = tmp_path / "hz.json"
    good.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    bad = tmp_path / "hz-v2.json"
    bad.write_text(
        good.read_text(encoding="utf-8").replace('"version": 1,', '"version": 2', 1), encoding="utf-8"
    )
    refused = doorstep("policy", "install", str(bad), "--db", station["db"], home=home)
    assert refused.returncode == 1
    assert "hz-v2.json 第 6 行" in refused.stderr and "缺少逗号" in refused.stderr
    installed = doorstep("policy", "install", str(good), "--db", station["db"], home=home)
    assert installed.returncode == 0, installed.stderr
    listing = doorstep("policy", "list", "--db", station["db"], home=home)
    assert "hz-2026 第 1 版" in listing.stdout and "default 第 1 版" in listing.stdout
