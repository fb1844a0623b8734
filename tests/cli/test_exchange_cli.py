"""`doorstep hq exchange-export` and `doorstep hq exchange-import` through the installed `doorstep` console
script: real processes and files. Exit 0 done; 1 refused with the reason in Chinese on stderr and the
database unchanged; 2 a usage error (README "命令行")."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.sync.exchange import content


def doorstep(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    script = shutil.which("doorstep", path=str(Path(sys.executable).parent)) or "doorstep"
    env = dict(os.environ, DOORSTEP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([script, *args], capture_output=True, text=True, env=env, check=False)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo station and an empty HQ, made once through the command line."""
    root = tmp_path_factory.mktemp("cli")
    home = root / "home"
    for args in (
        (
            "init",
            "--db",
            str(root / "station.sqlite"),
            "--station",
            "330106001",
            "--station-name",
            "文新街道服务站",
        ),
        ("demo", "--db", str(root / "station.sqlite"), "--entrepreneurs", "15", "--seed", "4"),
        ("hq", "init", "--db", str(root / "hq.sqlite"), "--name", "测试县总部"),
    ):
        done = doorstep(*args, home=home)
        assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def root(made: Path, tmp_path: Path) -> Path:
    for name in ("station.sqlite", "hq.sqlite"):
        shutil.copyfile(made / name, tmp_path / name)
    return tmp_path


def test_export_then_import_then_again_changes_nothing(root: Path) -> None:
    home, out, hq = root / "home", root / "交换.xlsx", root / "hq.sqlite"
    exported = doorstep(
        "hq", "exchange-export", "--db", str(root / "station.sqlite"), "--out", str(out), home=home
    )
    assert exported.returncode == 0, exported.stderr
    assert "已导出交换工作簿 交换.xlsx：创业者 15" in exported.stdout
    assert load_workbook(out, read_only=True).sheetnames[:3] == ["说明", "创业者", "创业项目"]
    first = doorstep("hq", "exchange-import", "--db", str(hq), str(out), home=home)
    assert first.returncode == 0, first.stderr
    assert "创业者 新增 15、更新 0、未变 0" in first.stdout
    before = content(hq)
    again = doorstep("hq", "exchange-import", "--db", str(hq), str(out), home=home)
    assert again.returncode == 0, again.stderr
    assert "创业者 新增 0、更新 0、未变 15" in again.stdout
    assert content(hq) == before
    at_hq = doorstep(
        "hq",
        "exchange-export",
        "--db",
        str(hq),
        "--out",
        str(root / "站.xlsx"),
        "--station",
        "330106001",
        home=home,
    )
    assert at_hq.returncode == 0, at_hq.stderr
    assert "创业者 15" in at_hq.stdout


def test_refused_workbooks_exit_1_in_chinese_and_change_nothing(root: Path) -> None:
    home, hq = root / "home", root / "hq.sqlite"
    masked = root / "遮蔽.xlsx"
    done = doorstep(
        "hq",
        "exchange-export",
        "--db",
        str(root / "station.sqlite"),
        "--out",
        str(masked),
        "--masked",
        home=home,
    )
    assert done.returncode == 0, done.stderr
    assert "已遮蔽" in done.stdout
    not_a_workbook = root / "名单.xlsx"
    not_a_workbook.write_text("姓名,身份证号码\n张三,1\n", encoding="utf-8")
    before = content(hq)
    for bad, words in (
        (masked, "遮蔽"),
        (not_a_workbook, "不是 Excel 工作簿"),
        (root / "没有.xlsx", "找不到"),
    ):
        refused = doorstep("hq", "exchange-import", "--db", str(hq), str(bad), home=home)
        assert refused.returncode == 1, refused.stdout
        assert refused.stderr.startswith("错误：") and words in refused.stderr
        assert "Traceback" not in refused.stderr
    assert content(hq) == before


def test_a_usage_error_exits_2(root: Path) -> None:
    done = doorstep("hq", "exchange-export", "--db", str(root / "hq.sqlite"), home=root / "home")
    assert done.returncode == 2
    assert "--out" in done.stderr
