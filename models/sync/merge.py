"""The one merge rule every node computes alike (docs/sync.md "Merging").

A record's state is a function of the *set* of its change rows, not of the order they arrived in: each
field holds the value of the change with the greatest **stamp** among the changes that wrote it. A stamp
is ``(version, baseline?, station, change id)``:

- ``version`` is a Lamport clock per record. A node makes a change at one more than the highest version
  it holds, and a received change raises the record's version to its own if higher; so a change made
  after seeing another always has the greater version and wins over it.
- Two changes made without seeing each other (concurrent) may have the same version: then a baseline
  (migration 0007's whole record) wins, then the greater station code, then the greater change id.
  Every node compares the same values.

A create or a baseline writes every field; an update the fields it names; a delete or a restore the
tombstone (``deleted``). ``updated_at``/``updated_by`` come from the record's greatest stamp.

Whether a received change meets a *concurrent* edit of the same field (a conflict a person should see)
is told by its before-value: a change whose author saw the value now stored is a fast-forward; one whose
author saw another value raced with the change that wrote it, and the value that lost goes to the
conflict list — unless the loser's value is still there, or the winner was written over the loser's
value (its author saw it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Stamp = tuple[int, int, str, str]
FIELD_ACTIONS = frozenset({"update"})
WHOLE_ACTIONS = frozenset({"create", "baseline"})
TOMBSTONE = "deleted"
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "updated_by", "version"})


def stamp_of(change: Mapping[str, Any]) -> Stamp:
    # a baseline (the whole record as it stood at its version) outranks the older rows of that version
    rank = 1 if change["action"] == "baseline" else 0
    return (int(change["version"]), rank, str(change["station_code"]), str(change["id"]))


def written_values(change: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What a change writes, field by field: (before, after), as JSON values. A create or a baseline
    writes the fields it names (a create leaves out those that were empty), the record's station and
    its tombstone; a delete or restore writes the tombstone."""
    action = change["action"]
    diff: Mapping[str, Any] = change["changes"]
    if action in WHOLE_ACTIONS:
        # the fields it names; one it leaves out was empty (or is newer than the row: its default)
        written = {key: (None, pair[1]) for key, pair in diff.items() if key not in BOOKKEEPING}
        written["station_code"] = (
            None,
            diff["station_code"][1] if "station_code" in diff else change["station_code"],
        )
        written[TOMBSTONE] = (None, bool(diff.get(TOMBSTONE, [None, False])[1]))
        return written
    if action in ("delete", "restore"):
        return {TOMBSTONE: (action == "restore", action == "delete")}
    return {key: (pair[0], pair[1]) for key, pair in diff.items() if key not in BOOKKEEPING}


@dataclass
class Writer:
    """The change that wrote a field's current value."""

    stamp: Stamp
    before: Any
    change: Mapping[str, Any]


@dataclass
class Loss:
    """A value that lost to a concurrent write of the same field."""

    field: str
    winner: Mapping[str, Any]
    winner_value: Any
    loser: Mapping[str, Any]
    loser_value: Any


@dataclass
class RecordState:
    """One record as a node holds it: its values (as JSON values) and who wrote each."""

    values: dict[str, Any] = field(default_factory=dict)
    writers: dict[str, Writer] = field(default_factory=dict)
    top: Stamp | None = None  # the greatest stamp of any change of the record
    top_change: Mapping[str, Any] | None = None
    created: Mapping[str, Any] | None = None  # the earliest create seen (its time is created_at)

    @property
    def version(self) -> int:
        return 0 if self.top is None else self.top[0]

    def merge(self, change: Mapping[str, Any], *, detect: bool = False) -> list[Loss]:
        """Fold one change in (in any order: the result depends only on the set). With ``detect``, say
        which values lost to a concurrent write of the same field."""
        incoming = stamp_of(change)
        if not self.writers and change["action"] in WHOLE_ACTIONS:
            self._found(change, incoming)  # the common case, a record's first change: no comparisons
            return []
        losses: list[Loss] = []
        if self._founds(change, incoming):
            self.created = change
        whole = change["action"] in WHOLE_ACTIONS
        for key, (before, after) in written_values(change).items():
            writer = self.writers.get(key)
            current = self.values.get(key)
            if writer is None or incoming > writer.stamp:
                raced = writer is not None and current not in (before, after)
                if detect and raced and not whole and writer and writer.change["action"] not in WHOLE_ACTIONS:
                    losses.append(Loss(key, change, after, writer.change, current))
                self.values[key] = after
                self.writers[key] = Writer(incoming, before, change)
            elif detect and not whole and incoming < writer.stamp and after not in (current, writer.before):
                losses.append(Loss(key, writer.change, current, change, after))
        if self.top is None or incoming > self.top:
            self.top, self.top_change = incoming, change
        return losses

    def _found(self, change: Mapping[str, Any], incoming: Stamp) -> None:
        self.values = {key: after for key, (_, after) in written_values(change).items()}
        self.writers = dict.fromkeys(self.values, Writer(incoming, None, change))
        self.top, self.top_change, self.created = incoming, change, change

    def _founds(self, change: Mapping[str, Any], incoming: Stamp) -> bool:
        """Whether ``change`` says when the record was made: a baseline (the whole record as it stood,
        its creation time among its columns) before any create, else the first create."""
        action, known = change["action"], self.created
        if action == "baseline":
            return known is None or known["action"] != "baseline" or incoming > stamp_of(known)
        if action == "create":
            return known is None or (known["action"] == "create" and incoming < stamp_of(known))
        return False
