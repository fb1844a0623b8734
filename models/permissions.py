"""What an acting user may do: the permissions every service call states (DESIGN.md "one gate").

Standard library only, like :mod:`models.actor`, so the first screen can know them before the ORM loads.
Roles arrive with login (the users issue); until then the station user holds every permission, and a
restricted actor is made by naming the permissions it holds.
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """One thing a user may do; the value is stored in the audit log, the label shown to the user."""

    VIEW_FILES = "view_files"
    EDIT_FILES = "edit_files"
    VIEW_PERSONAL_DATA = "view_personal_data"
    RECORD_VISITS = "record_visits"
    MANAGE_MENTORS = "manage_mentors"
    MANAGE_TRAINING = "manage_training"
    HANDLE_APPLICATIONS = "handle_applications"
    IMPORT_DATA = "import_data"
    EXPORT_DATA = "export_data"
    PRINT_FORMS = "print_forms"
    VIEW_STATISTICS = "view_statistics"
    MANAGE_STATION = "manage_station"
    SYNC = "sync"
    MANAGE_HQ = "manage_hq"

    @property
    def label(self) -> str:
        return PERMISSION_LABELS[self]


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW_FILES: "查看档案",
    Permission.EDIT_FILES: "建档和修改档案",
    Permission.VIEW_PERSONAL_DATA: "查看完整的身份证号码和电话",
    Permission.RECORD_VISITS: "记录走访和跟踪陪跑",
    Permission.MANAGE_MENTORS: "管理导师库",
    Permission.MANAGE_TRAINING: "管理培训班和考勤",
    Permission.HANDLE_APPLICATIONS: "办理补贴和贷款申请",
    Permission.IMPORT_DATA: "导入台账和签到表",
    Permission.EXPORT_DATA: "导出名单和报表",
    Permission.PRINT_FORMS: "打印表单",
    Permission.VIEW_STATISTICS: "查看统计报表",
    Permission.MANAGE_STATION: "管理服务站设置和政策参数",
    Permission.SYNC: "与总部交换数据包",
    Permission.MANAGE_HQ: "总部：登记服务站、调档和处理冲突",
}

EVERY_PERMISSION: frozenset[Permission] = frozenset(Permission)
