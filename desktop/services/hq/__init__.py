"""Headquarters' services (总部, issue 14): the stations, review, reference data, data quality,
duplicates across stations and the county's statistics — every entry gated, read over all stations."""
