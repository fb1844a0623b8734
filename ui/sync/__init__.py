"""数据同步 area of the GUI (station side): the page (``ui.sync.page``), its words and its dialogs.

The page is registered in :mod:`ui.pages`; it needs the areas' registry (the fields' labels)."""
