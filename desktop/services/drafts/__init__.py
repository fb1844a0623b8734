"""Drafts of half-typed dialogs (a visit, a file): kept as the worker types, offered back next time.

A dialog saves its input a moment after each edit (:func:`save_draft`), asks for it when it opens
(:func:`find_draft`) and removes it when the input is saved or thrown away (:func:`discard_draft`).
Drafts are the acting user's own and station-local (``models.drafts``): never journaled, never sent.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from desktop.services.gate import service
from models.actor import Actor
from models.base import utcnow
from models.database import Database
from models.drafts import Draft
from models.errors import ValidationError
from models.permissions import Permission

MAX_DRAFT_BYTES = 200_000  # a dialog's typing, never a document


@dataclass(frozen=True)
class DraftView:
    kind: str
    key: str
    title: str
    values: Mapping[str, Any]
    saved_at: datetime


def _find(session: Session, actor: Actor, kind: str, key: str) -> Draft | None:
    return session.exec(
        select(Draft).where(Draft.kind == kind, Draft.key == key, Draft.user_name == actor.user_name)
    ).first()


@service(Permission.VIEW_FILES)
def save_draft(
    db: Database, actor: Actor, /, *, kind: str, key: str = "", title: str = "", values: Mapping[str, Any]
) -> None:
    """Keep (or replace) the user's draft of a dialog: ``kind`` names the dialog, ``key`` its file."""
    try:
        size = len(json.dumps(dict(values), ensure_ascii=False))
    except (TypeError, ValueError):
        raise ValidationError("草稿", "", "草稿内容无法保存（含有不能保存的值）") from None
    if size > MAX_DRAFT_BYTES:
        raise ValidationError("草稿", size, "草稿太长，无法保存")
    with db.transaction() as session:
        draft = _find(session, actor, kind, key)
        if draft is None:
            draft = Draft(kind=kind, key=key, user_name=actor.user_name)
        draft.title = title[:100]
        draft.values = dict(values)
        draft.saved_at = utcnow()
        session.add(draft)


@service(Permission.VIEW_FILES)
def find_draft(db: Database, actor: Actor, /, *, kind: str, key: str = "") -> DraftView | None:
    """The user's draft of this dialog, if one was left behind."""
    with db.reading() as session:
        draft = _find(session, actor, kind, key)
        if draft is None:
            return None
        return DraftView(draft.kind, draft.key, draft.title, dict(draft.values), draft.saved_at)


@service(Permission.VIEW_FILES)
def discard_draft(db: Database, actor: Actor, /, *, kind: str, key: str = "") -> None:
    """Remove the user's draft of this dialog (its input was saved or thrown away)."""
    with db.transaction() as session:
        session.execute(
            delete(Draft).where(
                col(Draft.kind) == kind, col(Draft.key) == key, col(Draft.user_name) == actor.user_name
            )
        )
