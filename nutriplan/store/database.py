"""Opening the client store's database: a SQLite file by default or any SQLAlchemy URL (e.g.
``postgresql+psycopg://user@host/db``), brought to the newest schema by the bundled Alembic
migrations in one transaction.

SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (writers queue for the lock instead of
failing on an upgrade from reader to writer), waits up to ``BUSY_TIMEOUT_S`` for it, uses WAL
journaling (readers never block the writer) and enforces foreign keys. PostgreSQL: migrations
hold an advisory lock so two processes opening a new database do not both create it.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from nutriplan.store.errors import StoreError, StoreInputError

#: Seconds a SQLite writer waits for another process's transaction before failing.
BUSY_TIMEOUT_S = 60.0
#: Key of the PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK_KEY = 52_410_010


def database_url(db: str | Path) -> str:
    """Return the SQLAlchemy URL of ``db``: a URL (``scheme://...``) as given, a file path as
    ``sqlite:///ABSOLUTE_PATH``. Raises ``StoreInputError`` when the file's folder is missing."""
    text = str(db)
    if "://" in text:
        return text
    path = Path(text).expanduser().resolve()
    if not path.parent.is_dir():
        raise StoreInputError(f"--db: folder {str(path.parent)!r} does not exist")
    return f"sqlite:///{path}"


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's BEGIN below, not pysqlite's
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(db: str | Path) -> Engine:
    """Return a SQLAlchemy ``Engine`` for ``db`` (see ``database_url``), set up as the module
    docstring says. Raises ``StoreInputError`` for a URL SQLAlchemy cannot use."""
    url = database_url(db)
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_S})
            _sqlite_setup(engine)
        else:
            engine = create_engine(parsed, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ValueError) as error:
        raise StoreInputError(f"--db: cannot use {url!r} ({error}); give a file path or a URL such as "
                              "sqlite:///clients.db or postgresql+psycopg://user@host/dbname") from None
    except ImportError as error:
        raise StoreInputError(f"--db: the driver for {url.split('://')[0]!r} is not installed ({error})") from None
    return engine


def migrate(engine: Engine) -> None:
    """Bring ``engine``'s database to the newest schema (``alembic upgrade head``), in one
    transaction. Raises ``StoreError`` when the database cannot be reached."""
    config = Config()
    config.set_main_option("script_location", str(files("nutriplan.store") / "migrations"))
    try:
        with engine.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_KEY})")
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    except DBAPIError as error:
        where = engine.url.render_as_string(hide_password=True)
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        if engine.dialect.name == "sqlite" and "not a database" in reason:
            raise StoreInputError(f"--db: {engine.url.database} is not a nutriplan client store (a SQLite "
                                  "database); give a new file name or an existing store") from None
        raise StoreError(f"cannot open the client store {where}: {reason}") from None
