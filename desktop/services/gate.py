"""The one gate every service call passes (DESIGN.md): it checks the acting user's permission and
writes the audit entry of a refusal.

A service function is declared with the permission it needs::

    @service(Permission.EDIT_FILES)
    def update_entrepreneur(db: Database, actor: Actor, /, *, entrepreneur_id: str, ...) -> bool: ...

Its first two parameters are the database and the actor, positional-only, so that the UI's one
:class:`Services` object can bind both (``services(update_entrepreneur, entrepreneur_id=…)``) with
every other argument still type-checked. A refused call raises :class:`~models.errors.NotAllowed`,
writes one ``refused`` row to the access log in its own transaction, and changes nothing else.

Standard library only at import time: the first screen's list read passes the gate before SQLAlchemy
is loaded; only a refusal (rare) loads the ORM to write its audit row.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

from models.actor import Actor
from models.errors import NotAllowed
from models.permissions import Permission

if TYPE_CHECKING:
    from models.database import Database

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

PERMISSION_ATTRIBUTE = "__permission__"


def service(
    permission: Permission,
) -> Callable[[Callable[Concatenate[Database, Actor, P], R]], Callable[Concatenate[Database, Actor, P], R]]:
    """Declare a service function and the permission it needs; every call passes :func:`authorize`."""

    def declare(
        function: Callable[Concatenate[Database, Actor, P], R],
    ) -> Callable[Concatenate[Database, Actor, P], R]:
        name = f"{function.__module__}.{function.__qualname__}"

        @functools.wraps(function)
        def gated(db: Database, actor: Actor, /, *args: P.args, **kwargs: P.kwargs) -> R:
            authorize(db, actor, permission, name)
            return function(db, actor, *args, **kwargs)

        setattr(gated, PERMISSION_ATTRIBUTE, permission)
        return gated

    return declare


def permission_of(function: object) -> Permission | None:
    """The permission a service function was declared with (None: not a gated service)."""
    value = getattr(function, PERMISSION_ATTRIBUTE, None)
    return value if isinstance(value, Permission) else None


def authorize(db: Database, actor: Actor, permission: Permission, action: str) -> None:
    """Pass, or audit the refusal and raise :class:`NotAllowed` naming what the user may not do."""
    if not isinstance(actor, Actor):  # a caller that forgot who acts is a bug, never a pass
        raise TypeError(f"{action}: the acting user is missing (got {actor!r})")
    if actor.may(permission):
        return
    _audit_refusal(db, actor, permission, action)
    raise NotAllowed(f"用户“{actor.user_name}”没有“{permission.label}”的权限，操作未执行")


def _audit_refusal(db: Database, actor: Actor, permission: Permission, action: str) -> None:
    from models.audit import AccessLog

    log.warning("refused %s for %s: needs %s", action, actor.user_name, permission.value)
    with db.transaction() as session:
        session.add(
            AccessLog(
                user_name=actor.user_name,
                action="refused",
                record_kind="",
                record_id="",
                detail=f"{action.rsplit('.', 1)[-1]}：需要“{permission.label}”（{permission.value}）"[:500],
            )
        )


class Services:
    """The one way the GUI calls a service: the database and the acting user, bound once from the
    application context (the UI never passes ``actor=`` by hand)."""

    def __init__(self, db: Database, actor: Actor) -> None:
        self.db = db
        self.actor = actor

    def __call__(
        self, function: Callable[Concatenate[Database, Actor, P], R], /, *args: P.args, **kwargs: P.kwargs
    ) -> R:
        return function(self.db, self.actor, *args, **kwargs)

    def acting_as(self, actor: Actor) -> Services:
        """The same services for another acting user (a mentor's own workbench)."""
        return Services(self.db, actor)
