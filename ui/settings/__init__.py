"""设置: the station, who signs, folders and backups (ui/settings/page.py)."""
