"""Headquarters' own tables (总部): what HQ keeps about the county and never sends to a station."""
