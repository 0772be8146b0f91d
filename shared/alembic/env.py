"""Alembic environment shared by every service; each service keeps its own versions folder."""

from __future__ import annotations

from alembic import context

from shared.db import PlumbingBase, make_engine
from shared.service import load_definition

config = context.config
definition = config.attributes.get("definition") or load_definition(
    context.get_x_argument(as_dictionary=True)["service"]
)
target_metadata = [definition.metadata, PlumbingBase.metadata]


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, render_as_batch=True
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
