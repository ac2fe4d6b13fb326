"""Alembic environment of the client store. ``nutriplan.store.database.migrate`` runs it with a
connection already inside a transaction (``config.attributes["connection"]``), so the version
check and every change happen in that one transaction."""

from alembic import context

from nutriplan.store.schema import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the client store's migrations run through nutriplan.store.open_store")
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
