"""Issue 12 at the command line: `doorstep import-excel` names what it needs where the wizard would ask
(--value for a category word, --column for a required column, or a --mapping file), and a whole import
is listed and undone (`import-history`, `undo-import`). Real processes, real files."""

from __future__ import annotations

from pathlib import Path

from tests.data.ledgers import district as dx

from .test_ledger_cli import doorstep, people


def test_unknown_words_are_asked_by_name_then_taken_from_options(db_path: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ledger = dx.chengdong_ledger(tmp_path / "城东街道创业人员台账.xlsx")
    asked = doorstep("import-excel", str(ledger), "--db", str(db_path), home=home)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert "有 2 种类别写法无法识别" in asked.stderr and "没有导入任何内容" in asked.stderr
    assert "--value 人员类别=低保户:类别" in asked.stderr and "2 行" in asked.stderr
    assert "--value 主体类型=家庭农场:类别" in asked.stderr
    assert people(db_path) == 0
    done = doorstep(
        "import-excel",
        str(ledger),
        "--db",
        str(db_path),
        "--value",
        "人员类别=低保户:其他",
        "--value",
        "主体类型=家庭农场:农民专业合作社",
        home=home,
    )
    assert done.returncode == 0, done.stderr
    summary = "导入完成：新增 8 人，更新 0 人，跳过 4 行（合计、说明或重复行，其中表尾合计、签名 4 行）"
    assert summary in done.stdout
    assert "经营实体情况/名称” → 创业项目/经营主体名称" in done.stdout
    assert people(db_path) == 8
    # Remembered with the column mapping: the same ledger again needs no option.
    again = doorstep("import-excel", str(ledger), "--db", str(db_path), "--dry-run", home=home)
    assert again.returncode == 0, again.stderr
    assert "8 人无变化" in again.stdout

    history = doorstep("import-history", "--db", str(db_path), home=home)
    assert history.returncode == 0, history.stderr
    assert "1. " in history.stdout and "导入台账 城东街道创业人员台账.xlsx (8 人)" in history.stdout
    undone = doorstep("undo-import", "1", "--yes", "--db", str(db_path), home=home)
    assert undone.returncode == 0, undone.stderr
    assert "8 人的档案已移到回收站" in undone.stdout
    listed = doorstep("import-history", "--db", str(db_path), home=home)
    assert "（已撤销）" in listed.stdout
    twice = doorstep("undo-import", "1", "--yes", "--db", str(db_path), home=home)
    assert twice.returncode == 1 and "已经撤销过了" in twice.stderr
    redo = doorstep("import-excel", str(ledger), "--db", str(db_path), home=home)
    assert redo.returncode == 0, redo.stderr
    assert "导入完成：新增 8 人" in redo.stdout and people(db_path) == 8  # brought back, not refused


def test_a_missing_column_is_named_and_taken_from_a_mapping_file(db_path: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ledger = dx.xihu_ledger(tmp_path / "西湖镇个体工商户台账.xlsx")
    named = doorstep("import-excel", str(ledger), "--db", str(db_path), home=home)
    assert named.returncode == 1 and "Traceback" not in named.stderr
    assert "没有找到“姓名”对应的列" in named.stderr and "B 列“业主”" in named.stderr
    assert "--column 业主=姓名" in named.stderr
    assert people(db_path) == 0
    mapping = tmp_path / "西湖镇.txt"
    mapping.write_text("# 西湖镇的台账\n业主=姓名\n人员身份=待业青年:其他\n", encoding="utf-8")
    done = doorstep("import-excel", str(ledger), "--db", str(db_path), "--mapping", str(mapping), home=home)
    assert done.returncode == 0, done.stderr
    assert "导入完成：新增 4 人" in done.stdout and people(db_path) == 4
    bad = doorstep("import-excel", str(ledger), "--db", str(db_path), "--column", "业主", home=home)
    assert bad.returncode == 1 and "表头=字段" in bad.stderr
