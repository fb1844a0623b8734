"""Subsidy and loan applications: create from an eligible item, fill in, tick the checklist, move through
the workflow, record the loan, print, export.

Every write is one service call: one transaction, one operation in the change log (on the person's file,
so it shows in the file's history and Ctrl+Z undoes it); each application, step and loan it writes gets
its change row. Rules: a person holds at most one open application per item; a one-time subsidy is
received once (5号文 (十五)); amounts stay within the ceiling of the policy set in force; a loan's
extension is at most one year and a renewal without repayment needs the person to be eligible still
(5号文 (十六), 推进行动 计划5).

The modules, by responsibility: :mod:`.inputs` and :mod:`.views` (what the forms edit, what reads
return), :mod:`.drafts` (propose, create, save, checklist), :mod:`.workflow` (advance, delete, restore),
:mod:`.loans`, :mod:`.queries`, :mod:`.printing`, :mod:`.verify`, :mod:`.export`, :mod:`.workbench`
(tasks, figures, timeline; :func:`register` runs on import) and :mod:`.demo`. Callers import this
package and use its names.
"""

from __future__ import annotations

from desktop.services.applications.drafts import (
    create_application,
    item_in_force,
    propose_application,
    set_document,
    training_choices,
    update_application,
    venture_options,
)
from desktop.services.applications.export import EXPORT_COLUMNS, export_applications
from desktop.services.applications.inputs import ApplicationInput, LoanInput
from desktop.services.applications.loans import extend_loan, renew_loan, repay_loan, save_loan
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
    loan_tasks,
    month_figures,
    register,
    timeline_entries,
    waiting_tasks,
)
from desktop.services.applications.workflow import (
    advance_application,
    delete_application,
    restore_application,
)
from reports.pdf.verify import PAYLOAD_PATTERN, VerifyResult, payloads_in

register()

__all__ = [
    "EXPORT_COLUMNS",
    "KIND",
    "PAYLOAD_PATTERN",
    "PROCESSING_DAYS",
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
    "application_forms",
    "applications_of",
    "approved_in_month",
    "count_by_status",
    "create_application",
    "delete_application",
    "export_applications",
    "extend_loan",
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
    "register",
    "renew_loan",
    "repay_loan",
    "restore_application",
    "save_loan",
    "search_application_ids",
    "set_document",
    "timeline_entries",
    "training_choices",
    "update_application",
    "venture_options",
    "verify_payload",
    "verify_pdf",
    "waiting_tasks",
]
