"""Imports every area's service module so their workbench sources and registries are in place.

The GUI and the CLI import this once at start-up.
"""

from __future__ import annotations

from desktop.services import entrepreneurs, mentors, timeline, tracking, visits, workbench

__all__ = ["entrepreneurs", "mentors", "timeline", "tracking", "visits", "workbench"]
