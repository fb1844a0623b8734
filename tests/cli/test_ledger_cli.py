"""`doorstep import-excel`, `import-template`, `export-excel entrepreneurs|monthly`, `freeze-month`:
real processes, real files, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.services.ledger.importing import import_ledger
from desktop.services.station import default_actor
from models.database import connect, open_database
from tests.data import ledgers as fx


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "desktop.app", *args], capture_output=True, text=True, env=env, check=False
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def people(db: Path) -> int:
    with connect(db) as connection:
        count: int = connection.execute("SELECT count(*) FROM entrepreneur").fetchone()[0]
    connection.close()
    return count


def test_import_dry_run_then_import_with_errors(db_path: Path, tmp_path: Path, home: Path) -> None:
    ledger = fx.station_ledger(tmp_path / "台账.xlsx")
    dry = doorstep("import-excel", str(ledger), "--db", str(db_path), "--dry-run", home=home)
    assert dry.returncode == 0, dry.stderr
    assert "预览（尚未写入）：将新增 8 人，将更新 0 人，4 行未导入" in dry.stdout
    assert "第 8 行 赵六：C 列“身份证号” 身份证号码" in dry.stdout
    assert "数据库没有任何改动" in dry.stdout
    assert people(db_path) == 0
    errors = tmp_path / "未导入.xlsx"
    done = doorstep("import-excel", str(ledger), "--db", str(db_path), "--errors", str(errors), home=home)
    assert done.returncode == 0, done.stderr
    assert "导入完成：新增 8 人，更新 0 人，4 行未导入" in done.stdout
    assert people(db_path) == 8
    assert load_workbook(errors)["未导入的行"].max_row == 6  # title, header, 4 rows


def test_hostile_file_exits_1_with_a_chinese_message(db_path: Path, tmp_path: Path, home: Path) -> None:
    bad = fx.renamed_xls(tmp_path / "旧台账.xlsx")
    result = doorstep("import-excel", str(bad), "--db", str(db_path), home=home)
    assert result.returncode == 1
    assert "旧版 Excel 97-2003 格式" in result.stderr and "Traceback" not in result.stderr
    assert people(db_path) == 0


def test_template_exports_and_freeze(db_path: Path, tmp_path: Path, home: Path) -> None:
    template = tmp_path / "模板.xlsx"
    made = doorstep("import-template", "--db", str(db_path), "--out", str(template), home=home)
    assert made.returncode == 0, made.stderr
    assert load_workbook(template).sheetnames == ["创业者台账", "填写说明"]
    ledger = fx.simple_ledger(
        tmp_path / "t.xlsx", [["张三", fx.ZHANG, "13812345678", "退役军人", "+SUM(A1)", None, None]]
    )
    db = open_database(db_path)
    import_ledger(db, default_actor(db), path=ledger)
    db.close()
    out = tmp_path / "名单.xlsx"
    exported = doorstep("export-excel", "entrepreneurs", "--db", str(db_path), "--out", str(out), home=home)
    assert exported.returncode == 0, exported.stderr
    assert "已导出" in exported.stdout and "（1 行）" in exported.stdout
    with zipfile.ZipFile(out) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()
    sheet = load_workbook(out).active
    assert sheet is not None and sheet["J3"].value == "+SUM(A1)" and sheet["E3"].value == "330***********1236"
    report = tmp_path / "月报.xlsx"
    month = doorstep(
        "export-excel", "monthly", "--db", str(db_path), "--out", str(report), "--month", "2025-03", home=home
    )
    assert month.returncode == 0, month.stderr
    assert "2025年3月" in str(load_workbook(report)["月报"]["A2"].value)
    frozen = doorstep("freeze-month", "--db", str(db_path), "--month", "2025-03", home=home)
    assert frozen.returncode == 0, frozen.stderr
    assert "已冻结 2025年3月 月报" in frozen.stdout
