"""A private PostgreSQL server for the store tests: ``initdb`` in a temporary folder, started on
a free localhost port with trust authentication (Debian's ``postgresql`` package; as root the
server runs as the ``postgres`` user). ``start_postgres`` returns a ``PostgresServer`` or raises
``PostgresUnavailable`` saying why it cannot start, for the tests to skip with that reason.

``NUTRIPLAN_TEST_POSTGRES_URL`` (e.g. ``postgresql+psycopg://user@host:5432/postgres``) uses an
existing server instead."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path


class PostgresUnavailable(Exception):
    """Why no PostgreSQL server could be started."""


@dataclass
class PostgresServer:
    """A running server: ``admin_url`` (a SQLAlchemy URL to its ``postgres`` database)."""

    admin_url: str
    folder: Path | None = None
    pg_ctl: list[str] | None = None

    def new_database(self) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        name = f"nutriplan_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def stop(self) -> None:
        """Stop the server (if this module started it) and remove its folder."""
        if self.pg_ctl is not None:
            subprocess.run([*self.pg_ctl, "stop", "-m", "immediate"], capture_output=True, timeout=60)
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _bindir() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parent.parent.name))
    if not versions:
        raise PostgresUnavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return versions[-1].parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_postgres() -> PostgresServer:
    """Start a private server (or use ``NUTRIPLAN_TEST_POSTGRES_URL``); see the module docstring."""
    url = os.environ.get("NUTRIPLAN_TEST_POSTGRES_URL")
    if url:
        return PostgresServer(admin_url=url)
    try:
        import psycopg  # noqa: F401
    except ImportError as error:
        raise PostgresUnavailable(f"the psycopg driver is not installed ({error})") from None
    bindir = _bindir()
    prefix: list[str] = []
    if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
        runuser = shutil.which("runuser")
        if runuser is None:
            raise PostgresUnavailable("running as root without runuser to start PostgreSQL as another user")
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable("running as root and there is no postgres user to run the server") from None
        prefix = [runuser, "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="nutriplan-pg-"))
    data, log = folder / "data", folder / "server.log"
    if prefix:
        shutil.chown(folder, "postgres")
    os.chmod(folder, 0o755)
    init = subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "nutriplan",
                           "-E", "UTF8", "--no-sync"], capture_output=True, text=True, timeout=120)
    if init.returncode != 0:
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"initdb failed: {init.stderr.strip()[-300:]}")
    port = _free_port()
    pg_ctl = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log)]
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
    start = subprocess.run([*pg_ctl, "-o", options, "-w", "-t", "60", "start"], capture_output=True, text=True,
                           timeout=90)
    if start.returncode != 0:
        detail = log.read_text(errors="replace")[-300:] if log.exists() else start.stderr
        shutil.rmtree(folder, ignore_errors=True)
        raise PostgresUnavailable(f"the PostgreSQL server did not start: {detail.strip()}")
    return PostgresServer(admin_url=f"postgresql+psycopg://nutriplan@127.0.0.1:{port}/postgres", folder=folder,
                          pg_ctl=pg_ctl)
