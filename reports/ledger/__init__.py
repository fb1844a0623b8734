"""Ledger files (台账), no database: reading a workbook within limits and finding its header
(:mod:`~reports.ledger.limits`, :mod:`~reports.ledger.workbook`, :mod:`~reports.ledger.reading`), and
writing the errors workbook (:mod:`~reports.ledger.errors_workbook`) and the import template
(:mod:`~reports.ledger.template`)."""
