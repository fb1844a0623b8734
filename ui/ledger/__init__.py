"""台账导入 and list export in the GUI: the import wizard, the export dialog, and the entry points the
entrepreneur list's 导入 / 导出 buttons call."""

from __future__ import annotations

from ui.ledger.export_dialog import ExportDialog, export_list
from ui.ledger.import_wizard import ImportWizard, open_import_wizard

__all__ = ["ExportDialog", "ImportWizard", "export_list", "open_import_wizard"]
