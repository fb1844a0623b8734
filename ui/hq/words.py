"""HQ's workspace in an HQ worker's words: dates, a station's state, the status bar's line."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from models.clock import to_china
from ui.style import Tone

if TYPE_CHECKING:
    from desktop.context import AppContext
    from desktop.services.hq.stations import StationRow


def day_text(moment: datetime | date | None) -> str:
    """2026年12月3日 (a moment in China's time)."""
    if moment is None:
        return ""
    value = to_china(moment).date() if isinstance(moment, datetime) else moment
    return f"{value.year}年{value.month}月{value.day}日"


def status_word(row: StationRow) -> tuple[str, Tone]:
    if row.revoked:
        return "已吊销", Tone.RED
    if row.status == "enrolled":
        return "已登记，未发包", Tone.GREY
    return "正常", Tone.GREEN


def last_text(row: StationRow) -> str:
    if row.last_seq == 0:
        return "尚未收到"
    return f"第 {row.last_seq} 号包 · {day_text(row.last_at)}"


def lag_text(row: StationRow) -> str:
    if row.lag_days is None:
        return "—"
    if row.lag_days == 0:
        return "今天"
    return f"{row.lag_days} 天前"


def lag_tone(row: StationRow) -> Tone | None:
    return Tone.AMBER if row.quiet else None


def gaps_text(row: StationRow) -> str:
    parts = []
    if row.gaps:
        parts.append("缺 " + "、".join(str(n) for n in row.gaps[:5]) + (" 等" if len(row.gaps) > 5 else ""))
    if row.held:
        parts.append(f"{row.held} 个包待补齐")
    return "；".join(parts)


def digest_word(row: StationRow) -> tuple[str, Tone]:
    from desktop.services.hq.stations import AGREED, DISAGREEING

    if row.digest == AGREED:
        return "一致", Tone.GREEN
    if row.digest == DISAGREEING:
        return f"{len(row.buckets)} 个分组不一致", Tone.AMBER
    return "尚未比对", Tone.GREY


def digest_tip(row: StationRow) -> str:
    from desktop.services.hq.stations import AGREED, DISAGREEING

    if row.digest == AGREED:
        return "服务站导入总部上一个回复包后比对：两边的数据一致"
    if row.digest == DISAGREEING:
        return "两边的数据有出入：服务站的下一个包和总部的下一个回复包会重新发送这些分组的全部记录"
    return "服务站还没有导入总部的回复包并发回下一个包，尚未比对"


def count_text(value: int) -> str:
    return str(value) if value else ""


def bar_text(context: AppContext) -> tuple[str, str]:
    """The status bar's line at HQ: how many stations, how many quiet, what waits for HQ."""
    from desktop.services.hq.stations import hq_summary

    quiet_days = context.preferences.hq_quiet_days
    summary = context.services(hq_summary, quiet_days=quiet_days)
    text = f"{summary.stations} 个服务站"
    if summary.quiet:
        text += f"，{summary.quiet} 个超过 {quiet_days} 天未同步"
    waiting = summary.conflicts + summary.quarantined + summary.waiting
    if waiting:
        text += f"，待处理 {waiting} 条"
    tip = (
        f"冲突 {summary.conflicts} 条，隔离 {summary.quarantined} 条，等待队列 {summary.waiting} 条："
        "见“冲突与隔离”"
    )
    return text, tip
