"""Alembic revision files of the client store, oldest first."""
