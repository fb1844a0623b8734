"""`doorstep sync …` and `doorstep hq …` as HQ and a station run them: real processes, real package
files on a "USB stick"; a bad package is refused in Chinese with exit 1 and the database unchanged."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_backup_cli import doorstep
from tests.sync.exchange import content


@pytest.fixture(scope="module")
def enrolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An HQ and an enrolled station with a few files, made once through the command line."""
    root = tmp_path_factory.mktemp("county")
    home, usb = root / "home", root / "usb"
    usb.mkdir()
    hq, station = root / "hq.sqlite", root / "station.sqlite"
    for args in (
        ("hq", "init", "--db", str(hq), "--name", "测试县总部"),
        (
            "hq",
            "enroll",
            "330106001",
            "--name",
            "文新街道服务站",
            "--db",
            str(hq),
            "--out",
            str(usb / "enrol.dsync"),
        ),
        ("init", "--db", str(station), "--enroll", str(usb / "enrol.dsync")),
        ("demo", "--db", str(station), "--entrepreneurs", "12", "--seed", "2"),
    ):
        done = doorstep(*args, home=home)
        assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def county(enrolled: Path, tmp_path: Path) -> dict[str, Path]:
    for name in ("hq.sqlite", "station.sqlite"):
        shutil.copyfile(enrolled / name, tmp_path / name)  # closed and checkpointed: one file each
    (tmp_path / "usb").mkdir()
    return {
        "home": tmp_path / "home",
        "usb": tmp_path / "usb",
        "hq": tmp_path / "hq.sqlite",
        "station": tmp_path / "station.sqlite",
    }


def run(county: dict[str, Path], *args: str) -> tuple[int, str, str]:
    done = doorstep(*args, home=county["home"])
    return done.returncode, done.stdout.strip(), done.stderr.strip()


def test_a_whole_exchange_from_the_command_line(county: dict[str, Path]) -> None:
    code, package, _ = run(
        county, "sync", "export", "--db", str(county["station"]), "--out", str(county["usb"])
    )
    assert code == 0 and Path(package).is_file()
    code, out, _ = run(county, "sync", "import", package, "--db", str(county["hq"]))
    assert code == 0 and "已导入第 1 号包" in out
    code, out, _ = run(county, "sync", "import", package, "--db", str(county["hq"]))
    assert code == 0 and "已经导入过" in out
    code, reply, _ = run(
        county, "hq", "reply", "330106001", "--db", str(county["hq"]), "--out", str(county["usb"])
    )
    assert code == 0
    code, out, _ = run(county, "sync", "import", reply, "--db", str(county["station"]))
    assert code == 0 and "来自 HQ" in out
    code, out, _ = run(county, "sync", "status", "--db", str(county["station"]), "--json")
    status = json.loads(out)
    assert status["role"] == "station" and status["peers"][0]["pending"] == 0


def _refused(county: dict[str, Path], package: Path, database: Path, words: str) -> None:
    before = content(database)
    code, _, err = run(county, "sync", "import", str(package), "--db", str(database))
    assert code == 1, err
    assert err.startswith("错误：") and words in err and "Traceback" not in err
    assert content(database) == before


def test_a_tampered_truncated_or_misaddressed_package_is_refused_and_nothing_changes(
    county: dict[str, Path], tmp_path: Path
) -> None:
    _, package, _ = run(county, "sync", "export", "--db", str(county["station"]), "--out", str(county["usb"]))
    good = Path(package).read_bytes()
    flipped = tmp_path / "flipped.dsync"
    data = bytearray(good)
    data[200] ^= 0x40
    flipped.write_bytes(bytes(data))
    _refused(county, flipped, county["hq"], "数据包")
    truncated = tmp_path / "truncated.dsync"
    truncated.write_bytes(good[: len(good) // 2])
    _refused(county, truncated, county["hq"], "数据包")
    _refused(county, Path(package), county["station"], "不是本站")  # a station's own package is for HQ


def test_a_package_with_a_member_it_does_not_list_is_refused(county: dict[str, Path], tmp_path: Path) -> None:
    _, package, _ = run(county, "sync", "export", "--db", str(county["station"]), "--out", str(county["usb"]))
    extra = tmp_path / "extra.dsync"
    extra.write_bytes(Path(package).read_bytes())
    with zipfile.ZipFile(extra, "a") as archive:
        archive.writestr("data/999999.jsonl.gz.age", b"not listed")
    _refused(county, extra, county["hq"], "999999")


def test_init_needs_a_code_and_name_or_an_enrolment_package(county: dict[str, Path], tmp_path: Path) -> None:
    code, _, err = run(county, "init", "--db", str(tmp_path / "new.sqlite"))
    assert code == 2 and "--enroll" in err
