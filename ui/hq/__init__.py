"""The headquarters workspace (总部, issue 14): the pages the main window shows on an HQ database."""
