"""Sync with headquarters: the local tables that say who this node is, whom it exchanges packages with,
what it sent and received, and what a person must look at (conflicts, the waiting queue, notices);
and the one merge rule every node computes alike (:mod:`models.sync.merge`). See ``docs/sync.md``."""
