"""The Chinese names of the visits area's columns, as the change history shows them."""

from __future__ import annotations

VISIT_LABELS: dict[str, str] = {
    "entrepreneur_id": "创业者",
    "mentor_id": "导师",
    "venture_id": "创业项目",
    "key_project_id": "陪跑项目",
    "visit_date": "走访日期",
    "mode": "走访方式",
    "duration_minutes": "时长（分钟）",
    "topics": "走访内容",
    "problems": "发现的问题",
    "advice": "指导建议",
    "next_visit_date": "下次走访日期",
    "stage_before": "原阶段",
    "stage_after": "新阶段",
    "jobs_before": "原带动就业人数",
    "jobs_after": "新带动就业人数",
    "new_venture_id": "新创业项目",
}
ACTION_LABELS: dict[str, str] = {"text": "跟进事项", "due_date": "完成期限", "done_on": "完成日期"}
KEY_PROJECT_LABELS: dict[str, str] = {
    "reason": "入库理由",
    "entered_on": "入库日期",
    "period_months": "陪跑期（月）",
    "cadence_days": "走访频次（天）",
    "cadence_months": "走访频次（月）",
    "planned_end": "陪跑期至",
    "next_due": "下次应访日期",
    "last_visit_date": "上次走访日期",
    "left_on": "出库日期",
    "outcome": "出库结果",
    "outcome_note": "出库说明",
    "mentor_id": "联系导师",
}
MENTOR_LABELS: dict[str, str] = {
    "name": "姓名",
    "phone": "联系电话",
    "organisation": "工作单位",
    "kind": "导师类别",
    "instructor_level": "指导师等级",
    "expertise": "擅长领域",
    "service_regions": "服务区域",
    "active": "在库",
    "notes": "备注",
}
