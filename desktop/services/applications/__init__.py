"""Subsidy and loan applications: create from an eligible item, fill in, tick the checklist, move through
the workflow, record the loan, print, export.

Every public function is a gated service call (:func:`desktop.services.gate.service`): reads need
查看档案, writes 办理补贴和贷款申请, prints 打印表单, the ledger 导出名单和报表. Every write is one service
call: one transaction, one operation in the change log (on the person's file, so it shows in the file's
history and Ctrl+Z undoes it); each application, step and loan it writes gets its change row. Rules: a
person holds at most one open application per item; a one-time subsidy is received once (5号文 (十五));
amounts stay within the ceiling of the policy set in force; a loan's extension is at most one year and a
renewal without repayment needs the person to be eligible still
(5号文 (十六), 推进行动 计划5).

The modules, by responsibility: :mod:`.inputs` and :mod:`.views` (what the forms edit, what reads
return), :mod:`.drafts` (propose, create, save, checklist), :mod:`.workflow` (advance, delete, restore),
:mod:`.loans`, :mod:`.queries`, :mod:`.printing`, :mod:`.verify`, :mod:`.export` and :mod:`.workbench`
(tasks, figures, timeline); the demo data is :mod:`desktop.demo.applications`. Each write has a core
``<name>_in(session, actor, …)`` that another area's use case can compose inside its own transaction.
:func:`area` describes the area to the registry (:mod:`desktop.services.areas`). Callers import this
package and use its names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from desktop.services.applications.drafts import (
    create_application,
    create_application_in,
    item_in_force,
    propose_application,
    set_document,
    set_document_in,
    training_choices,
    update_application,
    update_application_in,
    venture_options,
)
from desktop.services.applications.export import EXPORT_COLUMNS, export_applications
from desktop.services.applications.inputs import ApplicationInput, LoanInput
from desktop.services.applications.loans import (
    extend_loan,
    extend_loan_in,
    renew_loan,
    renew_loan_in,
    repay_loan,
    repay_loan_in,
    save_loan,
    save_loan_in,
)
from desktop.services.applications.printing import (
    application_forms,
    print_application,
    print_applications,
    print_approved_month,
)
from desktop.services.applications.queries import (
    applications_of,
    approved_in_month,
    count_by_status,
    fetch_application_rows,
    get_application,
    loans_due,
    search_application_ids,
)
from desktop.services.applications.records import KIND
from desktop.services.applications.verify import verify_payload, verify_pdf
from desktop.services.applications.views import (
    ApplicationQuery,
    ApplicationRow,
    ApplicationView,
    LoanDue,
    LoanView,
    Proposal,
    StepView,
    TrainingChoice,
    VentureChoice,
)
from desktop.services.applications.workbench import (
    PROCESSING_DAYS,
    STEP_LABELS,
    draft_tasks,
    loan_tasks,
    month_figures,
    timeline_entries,
    waiting_tasks,
)
from desktop.services.applications.workflow import (
    advance_application,
    advance_application_in,
    delete_application,
    delete_application_in,
    restore_application,
    restore_application_in,
)
from reports.pdf.verify import PAYLOAD_PATTERN, VerifyResult, payloads_in

if TYPE_CHECKING:
    from sqlmodel import Session

    from desktop.services.areas import Area
    from models.base import TravellingRecord


def draft_dependents(session: Session, entrepreneur_id: str) -> list[tuple[TravellingRecord, str]]:
    """A file's application drafts: deleting the file takes them along (docs/undo.md)."""
    from sqlmodel import col, select

    from models.applications import Application, ApplicationStatus

    rows = session.exec(
        select(Application).where(
            Application.entrepreneur_id == entrepreneur_id,
            col(Application.deleted).is_(False),
            Application.status == ApplicationStatus.DRAFT.value,
        )
    ).all()
    return [(draft, f"{draft.item_name}申请草稿 {draft.number}") for draft in rows]


def area() -> Area:
    """Subsidy and loan applications: the applications, their workflow steps and their loans."""
    from desktop.services.areas import Area, RecordKind
    from desktop.services.monthly.applications import applications_section
    from models.applications import APPLICATION_LABELS, LOAN_LABELS

    return Area(
        name="applications",
        records=(RecordKind(KIND), RecordKind("application_step"), RecordKind("loan")),
        task_sources=(loan_tasks, waiting_tasks, draft_tasks),
        figure_sources=(month_figures,),
        timeline_sources=(timeline_entries,),
        own_entry_kinds=frozenset({KIND, "application_step"}),
        change_labels={KIND: APPLICATION_LABELS, "loan": LOAN_LABELS, "application_step": STEP_LABELS},
        monthly_sections=(applications_section,),
        dependents={"entrepreneur": draft_dependents},
        demo_module="desktop.demo.applications",
    )


__all__ = [
    "EXPORT_COLUMNS",
    "KIND",
    "PAYLOAD_PATTERN",
    "PROCESSING_DAYS",
    "STEP_LABELS",
    "ApplicationInput",
    "ApplicationQuery",
    "ApplicationRow",
    "ApplicationView",
    "LoanDue",
    "LoanInput",
    "LoanView",
    "Proposal",
    "StepView",
    "TrainingChoice",
    "VentureChoice",
    "VerifyResult",
    "advance_application",
    "advance_application_in",
    "application_forms",
    "applications_of",
    "approved_in_month",
    "area",
    "count_by_status",
    "create_application",
    "create_application_in",
    "delete_application",
    "delete_application_in",
    "draft_tasks",
    "export_applications",
    "extend_loan",
    "extend_loan_in",
    "fetch_application_rows",
    "get_application",
    "item_in_force",
    "loan_tasks",
    "loans_due",
    "month_figures",
    "payloads_in",
    "print_application",
    "print_applications",
    "print_approved_month",
    "propose_application",
    "renew_loan",
    "renew_loan_in",
    "repay_loan",
    "repay_loan_in",
    "restore_application",
    "restore_application_in",
    "save_loan",
    "save_loan_in",
    "search_application_ids",
    "set_document",
    "set_document_in",
    "timeline_entries",
    "training_choices",
    "update_application",
    "update_application_in",
    "venture_options",
    "verify_payload",
    "verify_pdf",
    "waiting_tasks",
]
