"""数据同步 page on real databases: a real HQ (SQLite) and an enrolled station exchange packages through
the page; a conflict is settled with its buttons; a tampered package is refused and changes nothing; a
waiting change is forced; an HQ or unenrolled database says so; the first-run wizard enrols a station."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop.context import AppContext
from desktop.services import entrepreneurs as svc
from desktop.services import sync
from desktop.services.station import StationInfo, default_actor, operator, station_info
from desktop.services.sync.hq_side import hq_actor
from desktop.settings import Preferences
from models.audit import Actor
from models.database import Database, open_database
from tests.conftest import STATION_CODE
from tests.ui.conftest import ZHANG_SAN, Answers, make_id
from ui.areas import load_areas
from ui.sync.page import SyncPage
from ui.wizard import FirstRunWizard

load_areas()  # the fields' labels come from every area's registry, as in the application

PERSON = {"name": "张三", "id_number": ZHANG_SAN, "phone": "13812345678", "address": "文一路 1 号"}


@dataclass
class HQ:
    db: Database
    actor: Actor
    out: Path

    def take(self, package: Path) -> None:
        sync.import_package(self.db, self.actor, path=package)

    def reply(self) -> Path:
        return sync.write_hq_reply(self.db, self.actor, code=STATION_CODE, out_dir=self.out).path


@pytest.fixture
def hq(tmp_path: Path) -> Iterator[HQ]:
    db = open_database(tmp_path / "hq.sqlite")
    actor = hq_actor("HQ")
    sync.init_hq(db, actor, code="HQ", name="测试县总部")
    out = tmp_path / "hq-out"
    out.mkdir()
    yield HQ(db, actor, out)
    db.close()


@pytest.fixture
def enrolled(hq: HQ, db: Database, tmp_path: Path) -> Database:
    """The test's station, enrolled with HQ's package."""
    package = sync.enroll_station(
        hq.db, hq.actor, code=STATION_CODE, name="文新街道服务站", out=tmp_path / "e.dsync"
    )
    sync.enrol_station(db, operator(), path=package)
    return db


@dataclass
class Station:
    context: AppContext
    db: Database
    answers: Answers
    opened: list[Path]  # the folders the page opened in the system's file manager
    scratch: Path


@pytest.fixture
def station(context: AppContext, enrolled: Database, answers: Answers, tmp_path: Path) -> Station:
    return Station(context, enrolled, answers, [], tmp_path)


def _page(qtbot: QtBot, context: AppContext, opened: list[Path] | None = None) -> SyncPage:
    page = SyncPage(context)
    qtbot.addWidget(page)
    page.resize(1280, 720)
    if opened is not None:
        page.open_folder = opened.append
    page.refresh()
    return page


def _export(qtbot: QtBot, page: SyncPage, folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    page.choose_folder = lambda: folder
    before = page.last_written
    page.export_button.click()
    qtbot.waitUntil(lambda: page.last_written is not before, timeout=20000)
    assert page.last_written is not None
    return page.last_written.path


def _import(qtbot: QtBot, page: SyncPage, package: Path) -> list[str]:
    page.choose_package = lambda: package
    before = page.last_receipt
    page.import_button.click()
    qtbot.waitUntil(lambda: page.last_receipt is not before, timeout=20000)
    assert page.last_receipt is not None
    lines = page.last_receipt.lines
    page.last_receipt.accept()
    return lines


def test_exchange_through_the_page_and_settle_the_conflicts_with_its_buttons(
    qtbot: QtBot, station: Station, hq: HQ
) -> None:
    context, enrolled, answers, opened = station.context, station.db, station.answers, station.opened
    actor = context.actor
    person_id = svc.create_entrepreneur(enrolled, actor, person=PERSON)
    page = _page(qtbot, context, opened)
    assert page.values["hq"].text() == "测试县总部（HQ）"
    assert page.summary.text().startswith("有 ") and page.summary.text().endswith("条变更尚未得到总部确认")
    assert page.values["sent"].text() == "还没有发送过"

    # 导出同步包: to the folder chosen, under its final name only, then 打开所在文件夹
    usb = station.scratch / "U盘"
    package = _export(qtbot, page, usb)
    assert package.parent == usb and package.suffix == ".dsync"
    assert [p.name for p in usb.iterdir()] == [package.name]  # no temporary file left beside it
    assert answers.asked[-1].startswith("导出完成|已导出第 1 号同步包") and opened == [usb]
    assert page.values["sent"].text().startswith("第 1 号包")
    hq.take(package)
    assert _import(qtbot, page, hq.reply())[0].startswith("已导入第 1 号包（来自 HQ）")
    assert page.summary.text() == "总部已确认收到本站全部变更"
    assert page.values["received"].text().startswith("第 1 号包，")

    # the same two fields edited at the station and, concurrently, at HQ
    svc.update_entrepreneur(
        enrolled,
        actor,
        entrepreneur_id=person_id,
        person={**PERSON, "phone": "13900000001", "address": "本站改的地址"},
    )
    svc.update_entrepreneur(
        hq.db,
        hq.actor,
        entrepreneur_id=person_id,
        person={**PERSON, "phone": "13900000002", "address": "总部改的地址"},
    )
    hq.take(_export(qtbot, page, usb))
    lines = _import(qtbot, page, hq.reply())
    assert any("同一字段被两边同时修改" in line for line in lines)
    assert page.tabs.tabText(0) == "冲突（2）"
    rows = {page.conflicts.model.index(r, 1).data(): r for r in range(page.conflicts.model.rowCount())}
    assert set(rows) == {"联系电话", "现居住地址"}
    phone = rows["联系电话"]
    cells = [page.conflicts.model.index(phone, c).data() for c in range(page.conflicts.model.columnCount())]
    assert cells[0] == "张三 · 创业者档案"
    assert cells[2] == "13900000002" and cells[4] == "13900000001"  # HQ's value won by the rule
    assert cells[3].startswith("总部工作人员（HQ，") and "（330106001，" in cells[5]
    assert svc.get_file(enrolled, actor, entrepreneur_id=person_id).phone == "13900000002"

    # 恢复另一方的值 asks first: 取消 changes nothing
    assert page.conflicts.select_where(lambda c: c.field == "phone")
    answers.reply = False
    page.reinstate_button.click()
    assert answers.asked[-1].startswith(
        "恢复另一方的值|把张三 的“联系电话”从“13900000002”改回另一方的值“13900000001”"
    )
    assert svc.get_file(enrolled, actor, entrepreneur_id=person_id).phone == "13900000002"
    answers.reply = True
    page.reinstate_button.click()
    assert svc.get_file(enrolled, actor, entrepreneur_id=person_id).phone == "13900000001"
    assert page.tabs.tabText(0) == "冲突（1）"
    # 保留当前值 (here from the row's right-click menu): the address stays as HQ made it
    assert page.conflicts.select_where(lambda c: c.field == "address")
    menu = {action.text(): action for action in page.conflicts.table.actions()}
    assert list(menu) == ["保留当前值", "恢复另一方的值"]
    menu["保留当前值"].trigger()
    assert svc.get_file(enrolled, actor, entrepreneur_id=person_id).address == "总部改的地址"
    assert page.tabs.tabText(0) == "冲突（0）" and not page.keep_button.isEnabled()
    settled = sync.list_conflicts(enrolled, actor, include_settled=True)
    assert sorted(c.status for c in settled) == ["kept", "reinstated"]
    # the reinstated value is a new change: it goes to HQ with the next package and wins there
    assert page.summary.text().endswith("条变更尚未得到总部确认")
    hq.take(_export(qtbot, page, usb))
    assert svc.get_file(hq.db, hq.actor, entrepreneur_id=person_id).phone == "13900000001"


def test_a_tampered_package_is_refused_in_words_and_changes_nothing(
    qtbot: QtBot, station: Station, hq: HQ
) -> None:
    context, enrolled, tmp_path = station.context, station.db, station.scratch
    svc.create_entrepreneur(enrolled, context.actor, person=PERSON)
    page = _page(qtbot, context, [])
    hq.take(_export(qtbot, page, tmp_path / "out"))
    reply = hq.reply()
    data = bytearray(reply.read_bytes())
    data[len(data) // 2] ^= 0x01
    tampered = tmp_path / "tampered.dsync"
    tampered.write_bytes(bytes(data))
    before = sync.sync_status(enrolled, context.actor)
    lines = _import(qtbot, page, tampered)
    assert page.last_receipt is not None and page.last_receipt.refused
    assert page.last_receipt.windowTitle() == "数据包未导入"
    assert lines[-1] == "数据库没有任何改动。"
    assert "tampered.dsync" in lines[0] and "Traceback" not in lines[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])  # said in Chinese
    assert sync.sync_status(enrolled, context.actor) == before
    assert page.values["received"].text() == "还没有收到过"
    # the untouched reply still imports
    assert _import(qtbot, page, reply)[0].startswith("已导入第 1 号包")


def test_a_waiting_change_is_forced_by_an_explicit_audited_decision(
    qtbot: QtBot, station: Station, db_path: Path, hq: HQ
) -> None:
    """A station restored from an old backup: HQ's correction of a file the restore lost waits for it."""
    enrolled, answers, tmp_path = station.db, station.answers, station.scratch
    actor = default_actor(enrolled)
    svc.create_entrepreneur(enrolled, actor, person=PERSON)
    out = tmp_path / "out"
    out.mkdir()
    hq.take(sync.export_package(enrolled, actor, out_dir=out).path)
    sync.import_package(enrolled, actor, path=hq.reply())
    restored_path = tmp_path / "restored.sqlite"
    with sqlite3.connect(db_path) as source, sqlite3.connect(restored_path) as target:
        source.backup(target)  # the backup the station will be restored from
    later = {"name": "李四", "id_number": make_id("36042619910102001"), "phone": "13700000000"}
    lost = svc.create_entrepreneur(enrolled, actor, person=later)
    hq.take(sync.export_package(enrolled, actor, out_dir=out).path)
    svc.update_entrepreneur(hq.db, hq.actor, entrepreneur_id=lost, person={**later, "phone": "13700000009"})
    reply = hq.reply()
    restored = open_database(restored_path)
    try:
        info = station_info(restored)
        assert info is not None
        context = AppContext(db=restored, actor=actor, station=info, preferences=Preferences())
        page = _page(qtbot, context, [])
        lines = _import(qtbot, page, reply)
        assert any("等待" in line for line in lines)
        assert page.values["epoch"].text() == "第 2 轮"
        assert page.tabs.tabText(1) == "等待队列（1）"
        assert page.waiting.model.index(0, 4).data() == "记录本身尚未收到（它的建档变更还没有到达）"
        answers.reply = False
        page.force_button.click()
        assert (
            answers.asked[-1].startswith("强制应用|强制应用这条创业者档案变更？")
            and "操作日志" in answers.asked[-1]
        )
        assert page.tabs.tabText(1) == "等待队列（1）"
        answers.reply = True
        page.force_button.click()
        assert answers.told[-1].startswith("强制应用|依据的记录仍未到达：已改为隔离保存")
        assert page.tabs.tabText(1) == "等待队列（0）" and page.tabs.tabText(2) == "隔离（1）"
        assert page.quarantine.model.index(0, 4).data().startswith("人工处理：")
    finally:
        restored.close()


def test_an_unenrolled_station_and_an_hq_database_say_so(qtbot: QtBot, context: AppContext, hq: HQ) -> None:
    page = _page(qtbot, context)
    assert page.pages.currentWidget() is page.empty
    assert page.empty.title.text() == "本站还没有登记到总部"
    assert "用总部的登记包建立服务站" in page.empty.text.text()
    assert not page.export_button.isEnabled() and not page.import_button.isEnabled()
    hq_context = AppContext(
        db=hq.db, actor=hq.actor, station=StationInfo("HQ", "测试县总部", False), preferences=Preferences()
    )
    page = _page(qtbot, hq_context)
    assert page.empty.title.text() == "这是总部的数据库"
    assert not page.export_button.isEnabled()


def test_the_page_is_in_the_navigation_with_its_keys(
    qtbot: QtBot, context: AppContext, enrolled: Database
) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(context, remember=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    QTest.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key == "sync"
    page = window.pages["sync"]
    assert isinstance(page, SyncPage)
    assert page.summary.text() == "还没有向总部发送过同步包"
    assert window.page_status.text() == "待处理：没有"
    assert window.sync_status.text() == "还没有向总部发送过同步包"
    chosen: list[str] = []

    def choose(what: str) -> None:
        chosen.append(what)  # and the worker closes the dialog without choosing

    page.choose_folder = lambda: choose("export")
    page.choose_package = lambda: choose("import")
    QTest.keyClick(page, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(page, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    assert chosen == ["export", "import"]


# ------------------------------------------------------------------------------------------- the wizard
def test_the_first_run_wizard_creates_the_station_from_an_enrolment_package(
    qtbot: QtBot, hq: HQ, answers: Answers, tmp_path: Path
) -> None:
    package = sync.enroll_station(
        hq.db, hq.actor, code="330106002", name="古荡街道服务站", out=tmp_path / "e.dsync"
    )
    empty = open_database(tmp_path / "new.sqlite")
    try:
        wizard = FirstRunWizard(empty, tmp_path / "demo.sqlite")
        qtbot.addWidget(wizard)
        wizard.show()
        qtbot.waitExposed(wizard)
        # a file that is not an enrolment package: said in words, nothing created
        not_enrolment = tmp_path / "坏的.dsync"
        not_enrolment.write_bytes(b"PK\x03\x04 not a package")
        wizard.choose_enrolment = lambda: not_enrolment
        QTest.mouseClick(wizard.enrol_choice, Qt.MouseButton.LeftButton)
        assert answers.told and answers.told[-1].startswith("无法用登记包建立服务站|")
        assert answers.told[-1].endswith("没有建立服务站，数据库没有任何改动。")
        assert station_info(empty) is None and wizard.isVisible()
        wizard.choose_enrolment = lambda: package
        with qtbot.waitSignal(wizard.accepted):
            QTest.mouseClick(wizard.enrol_choice, Qt.MouseButton.LeftButton)
        station = station_info(empty)
        assert station is not None and (station.code, station.name) == ("330106002", "古荡街道服务站")
        assert wizard.database is empty and wizard.station == station
        status = sync.sync_status(empty, default_actor(empty))
        assert status.enrolled and status.role == "station" and status.peers[0].code == "HQ"
    finally:
        empty.close()
