"""Headquarters' own tables (local at HQ: they never travel as records)."""
