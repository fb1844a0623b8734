"""The exchange with headquarters in a station worker's words: the state's lines, the record kinds, the
fields' labels and their values, and the columns of the page's four lists."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from models.clock import to_china
from models.enums import key_groups_from_bits
from models.money import format_yuan
from models.regions import region_name
from ui.style import Tone
from ui.widgets.rows_model import CENTER, ColumnSpec

if TYPE_CHECKING:
    from desktop.services.sync import ConflictView, NoticeView, QueueView
    from desktop.services.sync.review import PeerStatus, SyncStatus

EMPTY = "（空）"

KIND_WORDS = {
    "entrepreneur": "创业者档案",
    "venture": "创业项目",
    "visit": "走访记录",
    "agreed_action": "走访约定事项",
    "mentor": "导师",
    "mentor_assignment": "导师结对",
    "visit_template": "走访模板",
    "training_class": "培训班",
    "training_session": "培训课次",
    "training_enrolment": "培训报名",
    "training_attendance": "培训考勤",
    "course_type": "课程目录",
    "application": "补贴申请",
    "application_step": "申请办理步骤",
    "loan": "创业担保贷款",
    "policy_set": "政策",
    "key_project": "重点项目",
    "monthly_snapshot": "月报",
}

ACTION_WORDS = {"create": "新增", "update": "修改", "delete": "移到回收站", "restore": "从回收站恢复"}

NOTICE_WORDS = {
    "duplicate": "可能重复",
    "transfer_out": "转出",
    "transfer_in": "转入",
    "quarantine": "总部未接收",
    "task": "总部任务",
}

NOTICE_TONES = {
    "duplicate": Tone.AMBER,
    "transfer_out": Tone.GREY,
    "transfer_in": Tone.ACCENT,
    "quarantine": Tone.RED,
    "task": Tone.ACCENT,
}


def kind_word(kind: str) -> str:
    return KIND_WORDS.get(kind, kind)


def day(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d}" if moment is not None else ""


def minute(moment: datetime | None) -> str:
    return f"{to_china(moment):%Y-%m-%d %H:%M}" if moment is not None else ""


def field_label(labels: Mapping[str, Mapping[str, str]], kind: str, field: str) -> str:
    """The field's Chinese label from the areas' change labels; a deleted record's "field" is the record."""
    if field in ("", "deleted"):
        return "整条记录（已删除）"
    return labels.get(kind, {}).get(field) or field


def value_word(field: str, value: Any) -> str:
    """One stored value as the worker knows it (codes as their labels where the code says them)."""
    if value is None or value == "":
        return EMPTY
    if field == "deleted" and isinstance(value, bool):
        return "已删除" if value else "未删除"
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "key_groups" and isinstance(value, int):
        return "、".join(group.label for group in key_groups_from_bits(value)) or EMPTY
    if field == "household_region":
        name = region_name(str(value))
        return f"{value} {name}" if name else str(value)
    if field.endswith("_fen") and isinstance(value, int):
        return format_yuan(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(value_word(field, item) for item in value) or EMPTY
    return str(value)


# ------------------------------------------------------------------------------------------- the state
def summary(status: SyncStatus) -> tuple[str, Tone]:
    """The plain-language line at the top of the page (and in the status bar)."""
    peer = hq_of(status)
    if peer is None:
        return "还没有登记到总部", Tone.GREY
    if peer.status == "revoked":
        return "总部已停用本站的同步密钥，请联系总部", Tone.RED
    if peer.pending:
        return f"有 {peer.pending:,} 条变更尚未得到总部确认", Tone.AMBER
    if peer.sent_seq == 0:
        return "还没有向总部发送过同步包", Tone.AMBER
    return "总部已确认收到本站全部变更", Tone.GREEN


def hq_of(status: SyncStatus) -> PeerStatus | None:
    return status.peers[0] if status.peers else None


def sent_text(peer: PeerStatus) -> str:
    if peer.sent_seq == 0:
        return "还没有发送过"
    when = day(peer.sent_at)
    return f"第 {peer.sent_seq} 号包" + (f"，{when}" if when else "")


def received_text(peer: PeerStatus) -> str:
    if peer.received_seq == 0:
        return "还没有收到过"
    return f"第 {peer.received_seq} 号包，{minute(peer.received_at)}"


def acked_text(peer: PeerStatus) -> str:
    return f"本站第 1 至 {peer.acked_seq:,} 条变更" if peer.acked_seq else "还没有"


def pending_text(peer: PeerStatus) -> str:
    return f"{peer.pending:,} 条" if peer.pending else "没有"


def buckets_text(peer: PeerStatus) -> str:
    """The digest buckets HQ found different: they go again in the next package."""
    if not peer.resend_buckets:
        return "没有"
    parts = []
    for bucket in peer.resend_buckets:
        kind, _, part = bucket.partition(":")
        parts.append(f"{kind_word(kind)}（第 {part} 组）" if part else kind_word(kind))
    return "、".join(parts) + "：下次导出时重新发送"


def gaps_text(peer: PeerStatus) -> str:
    parts = [f"第 {n} 号包尚未收到" for n in peer.gaps]
    if peer.held:
        parts.append(f"{peer.held} 个包已收下，等前面的包到齐后应用")
    return "；".join(parts) or "没有"


def fingerprint_text(peer: PeerStatus) -> str:
    found = peer.fingerprint
    return str(found) if found else "（登记时已记下总部的密钥）"


def to_do_text(status: SyncStatus) -> str:
    """What waits for a person after the exchanges (only the lists that hold something)."""
    parts = [
        f"{label} {count:,} {unit}"
        for label, count, unit in (
            ("冲突", status.open_conflicts, "处"),
            ("等待", status.waiting, "条"),
            ("隔离", status.quarantined, "条"),
            ("通知", status.notices, "条"),
        )
        if count
    ]
    return "，".join(parts) if parts else "没有"


def bar_text(status: SyncStatus, today: date) -> tuple[str, str]:
    """The main window's status bar: "3 天前发送，待确认 42 条变更" (and its tooltip)."""
    if not status.enrolled:
        return "尚未与总部同步", "本站还没有登记到总部：见“数据同步”"
    if status.role == "hq":
        return "总部数据库", "这是总部的数据库"
    peer = hq_of(status)
    if peer is None:
        return "尚未与总部同步", ""
    sent = peer.sent_at
    when, moment = ("发送", sent) if sent is not None else ("收到总部回复", peer.received_at)
    if moment is not None:
        days = (today - to_china(moment).date()).days
        ago = "今天" if days <= 0 else "昨天" if days == 1 else f"{days} 天前"
        head = f"{ago}{when}"
    elif peer.sent_seq == 0:
        head = "还没有向总部发送过同步包"
    else:
        head = f"已发送第 {peer.sent_seq} 号包"
    if peer.pending:
        return f"{head}，待确认 {peer.pending:,} 条变更", summary(status)[0]
    return (head if peer.sent_seq == 0 else f"{head}，变更已全部确认"), summary(status)[0]


# ------------------------------------------------------------------------------------------- the lists


def conflict_columns(labels: Mapping[str, Mapping[str, str]]) -> list[ColumnSpec[ConflictView]]:
    def record(c: ConflictView) -> str:
        name = c.person
        return f"{name} · {kind_word(c.record_kind)}" if name else kind_word(c.record_kind)

    return [
        ColumnSpec("档案", 150, record, tip=found),
        ColumnSpec("内容", 96, lambda c: field_label(labels, c.record_kind, c.field), tip=found),
        ColumnSpec(
            "当前值",
            150,
            lambda c: value_word(c.field, c.winner_value),
            tip=lambda c: value_word(c.field, c.winner_value),
            color=lambda _c: Tone.GREEN.value[0],
        ),
        ColumnSpec("当前值由谁、在哪、何时修改", 270, lambda c: c.winner, tip=lambda c: c.winner),
        ColumnSpec(
            "另一方的值",
            150,
            lambda c: value_word(c.field, c.loser_value),
            tip=lambda c: value_word(c.field, c.loser_value),
            color=lambda _c: Tone.AMBER.value[0],
        ),
        ColumnSpec("另一方由谁、在哪、何时修改", 270, lambda c: c.loser, tip=lambda c: c.loser),
    ]


def found(conflict: ConflictView) -> str:
    return f"{kind_word(conflict.record_kind)}：{minute(conflict.found_at)} 发现两边同时修改"


def queue_columns(*, reason_title: str) -> list[ColumnSpec[QueueView]]:
    def record(q: QueueView) -> str:
        name = q.person
        return f"{name} · {kind_word(q.record_kind)}" if name else kind_word(q.record_kind)

    return [
        ColumnSpec("档案", 170, record, tip=lambda q: f"{kind_word(q.record_kind)} {q.record_id}"),
        ColumnSpec("变更", 90, lambda q: ACTION_WORDS.get(q.action, q.action), align=CENTER),
        ColumnSpec("来自", 90, lambda q: q.peer, align=CENTER),
        ColumnSpec("时间", 130, lambda q: minute(q.since), align=CENTER),
        ColumnSpec(reason_title, 420, lambda q: q.reason, tip=lambda q: q.reason),
    ]


def notice_columns() -> list[ColumnSpec[NoticeView]]:
    return [
        ColumnSpec(
            "类别",
            90,
            lambda n: NOTICE_WORDS.get(n.kind, n.kind),
            tone=lambda n: NOTICE_TONES.get(n.kind, Tone.GREY),
        ),
        ColumnSpec("相关服务站", 100, lambda n: n.other_station, align=CENTER),
        ColumnSpec("时间", 130, lambda n: minute(n.at), align=CENTER),
        ColumnSpec("内容", 520, notice_text, tip=notice_text),
    ]


def notice_text(notice: NoticeView) -> str:
    if notice.text:
        return notice.text
    if notice.kind == "transfer_out":
        return f"转出至 {notice.other_station}"
    return kind_word(notice.record_kind)
