"""Alembic migrations of the client store (run by ``nutriplan.store.open_store``)."""
