"""Alembic environment: run by :func:`models.database.open_database`, which hands over a connection."""

from __future__ import annotations

from alembic import context

import models.tables  # noqa: F401
from models.base import metadata
from models.database import make_engine

config = context.config


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # `alembic revision --autogenerate` from the command line
        url = config.get_main_option("sqlalchemy.url") or "autogen.sqlite"
        engine, _ = make_engine(url)  # the one connection factory, as for every other connection
        with engine.connect() as fresh:
            _run(fresh)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
