"""统计 at HQ: the county's monthly statistics page."""
