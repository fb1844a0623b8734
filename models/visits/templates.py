"""Templates for frequent kinds of visit, and the ones the program ships."""

from __future__ import annotations

from dataclasses import dataclass

from models.visits.vocabulary import Topic, VisitMode


@dataclass(frozen=True)
class TemplateData:
    """A template for a frequent visit type; ``actions`` are (text, days after the visit)."""

    name: str
    mode: VisitMode
    duration_minutes: int = 30
    topics: frozenset[Topic] = frozenset()
    problems: str = ""
    advice: str = ""
    actions: tuple[tuple[str, int], ...] = ()
    id: str | None = None

    @property
    def shipped(self) -> bool:
        return self.id is None


SHIPPED_TEMPLATES: tuple[TemplateData, ...] = (
    TemplateData(
        "陪跑例行走访",
        VisitMode.ONSITE,
        60,
        frozenset({Topic.MANAGEMENT, Topic.FINANCING}),
        "经营情况：\n困难与需求：",
        "",
        (("反馈本次需求的办理进展", 14),),
    ),
    TemplateData(
        "创业担保贷款咨询",
        VisitMode.PHONE,
        15,
        frozenset({Topic.FINANCING, Topic.POLICY}),
        "咨询创业担保贷款申请条件与额度。",
        "已告知申请条件、所需材料和办理流程（5号文 (十六)）。",
        (("提交贷款申请材料", 14),),
    ),
    TemplateData(
        "开业前指导",
        VisitMode.ONSITE,
        45,
        frozenset({Topic.PREMISES, Topic.POLICY, Topic.TAX}),
        "筹备开业，选址、登记注册与税务事项待确定。",
        "",
        (("办理市场主体登记", 30),),
    ),
    TemplateData(
        "用工招聘对接",
        VisitMode.ONSITE,
        30,
        frozenset({Topic.HIRING}),
        "招聘需求：",
        "推荐参加服务站招聘对接活动（推进行动 计划3）。",
        (("推送岗位信息", 7),),
    ),
    TemplateData(
        "集中服务日",
        VisitMode.GROUP,
        90,
        frozenset({Topic.POLICY}),
        "",
        "集中宣讲创业扶持政策，现场答疑（5号文 (五) 集中服务）。",
        (),
    ),
)
