"""``Store``: the client store's operations, each one transaction (all or nothing).

Clients are found by name. Editing a profile adds a new profile version (old ones are kept, and
each stored plan names the version it was made from); removing a client removes its versions and
plans with it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from nutriplan import (
    InputError,
    MealPlan,
    PlanOptions,
    Profile,
    client_request,
    plan_from_dict,
    plan_to_dict,
    read_clients,
)
from nutriplan.store.database import make_engine, migrate
from nutriplan.store.errors import ClientExistsError, ClientNotFoundError, PlanNotFoundError, StoreError
from nutriplan.store.records import ClientRecord, PlanSummary, ProfileVersion, StoredPlan
from nutriplan.store.schema import ClientRow, PlanRow, ProfileVersionRow


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _profile_json(profile: Profile) -> dict:
    return profile.model_dump(mode="json", exclude_none=True)


def _load_profile(data: dict) -> Profile:
    return Profile(**data)


class Store:
    """The client store over one database (see ``open_store``). Use it as a context manager or
    call ``close()``."""

    def __init__(self, db: str | Path):
        self.engine = make_engine(db)
        migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def url(self) -> str:
        """Return the database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- plumbing -------------------------------------------------------------------------------

    def _session(self) -> Session:
        return self._sessions()

    def _write(self, work):
        """Run ``work(session)`` in one transaction and return its result; a database failure is a
        ``StoreError``, and nothing of the transaction is kept."""
        try:
            with self._session() as session, session.begin():
                return work(session)
        except IntegrityError:
            raise
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"the client store {self.url} could not be written: {reason}") from None

    def _read(self, work):
        try:
            with self._session() as session, session.begin():
                return work(session)
        except DBAPIError as error:
            reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
            raise StoreError(f"the client store {self.url} could not be read: {reason}") from None

    @staticmethod
    def _client_row(session: Session, name: str, lock: bool = False) -> ClientRow:
        query = select(ClientRow).where(ClientRow.name == name)
        if lock:
            query = query.with_for_update()
        row = session.scalars(query).first()
        if row is None:
            known = session.scalars(select(ClientRow.name).order_by(ClientRow.name)).all()
            raise ClientNotFoundError(name, list(known))
        return row

    @staticmethod
    def _latest(session: Session, client_id: int) -> ProfileVersionRow:
        return session.scalars(select(ProfileVersionRow).where(ProfileVersionRow.client_id == client_id)
                               .order_by(ProfileVersionRow.version.desc()).limit(1)).one()

    def _record(self, session: Session, row: ClientRow) -> ClientRecord:
        latest = self._latest(session, row.id)
        count = session.scalar(select(func.count()).select_from(PlanRow).where(PlanRow.client_id == row.id))
        return ClientRecord(
            name=row.name, created_at=_utc(row.created_at), profile=_load_profile(latest.profile),
            profile_version=latest.version,
            plan_options=PlanOptions.model_validate(row.plan_options) if row.plan_options else None,
            target_options=row.target_options or {}, plans=count or 0)

    @staticmethod
    def _add_version(session: Session, row: ClientRow, profile: Profile, version: int) -> None:
        session.add(ProfileVersionRow(client_id=row.id, version=version, profile=_profile_json(profile),
                                      created_at=_now()))

    # --- clients --------------------------------------------------------------------------------

    def add_client(self, name: str, profile: Profile, plan_options: PlanOptions | None = None,
                   target_options: dict[str, float] | None = None) -> ClientRecord:
        """Add a client named ``name`` with ``profile`` (version 1) and return the record. Raises
        ``ClientExistsError`` when the name is taken, ``InputError`` for a blank name."""
        name = _clean_name(name)

        def work(session: Session) -> ClientRecord:
            if session.scalars(select(ClientRow.id).where(ClientRow.name == name)).first() is not None:
                raise ClientExistsError(name)
            row = ClientRow(name=name, created_at=_now(),
                            plan_options=plan_options.model_dump(mode="json") if plan_options else None,
                            target_options=dict(target_options or {}) or None)
            session.add(row)
            session.flush()
            self._add_version(session, row, profile.model_copy(update={"name": profile.name or name}), 1)
            session.flush()
            return self._record(session, row)

        try:
            return self._write(work)
        except IntegrityError:  # another process added the same name at the same moment
            raise ClientExistsError(name) from None

    def clients(self) -> list[ClientRecord]:
        """Return every client on record, by name."""
        return self._read(lambda s: [self._record(s, r) for r in s.scalars(select(ClientRow).order_by(ClientRow.name))])

    def client(self, name: str) -> ClientRecord:
        """Return the record of client ``name``; raises ``ClientNotFoundError``."""
        return self._read(lambda s: self._record(s, self._client_row(s, name)))

    def update_client(self, name: str, profile: Profile | None = None, plan_options: PlanOptions | None = None,
                      target_options: dict[str, float] | None = None, new_name: str | None = None) -> ClientRecord:
        """Change client ``name`` and return the new record: a ``profile`` different from the
        current one becomes a new profile version; ``plan_options`` / ``target_options`` replace
        the defaults; ``new_name`` renames. Raises ``ClientNotFoundError``, ``ClientExistsError``."""
        target = _clean_name(new_name) if new_name is not None else None

        def work(session: Session) -> ClientRecord:
            row = self._client_row(session, name, lock=True)
            if target is not None and target != row.name:
                if session.scalars(select(ClientRow.id).where(ClientRow.name == target)).first() is not None:
                    raise ClientExistsError(target)
                row.name = target
            if plan_options is not None:
                row.plan_options = plan_options.model_dump(mode="json")
            if target_options is not None:
                row.target_options = dict(target_options) or None
            if profile is not None:
                latest = self._latest(session, row.id)
                if _profile_json(profile) != latest.profile:
                    self._add_version(session, row, profile, latest.version + 1)
            session.flush()
            return self._record(session, row)

        return self._write(work)

    def remove_client(self, name: str) -> None:
        """Remove client ``name`` with its profile versions and plans; raises ``ClientNotFoundError``."""

        def work(session: Session) -> None:
            row = self._client_row(session, name, lock=True)
            for model in (PlanRow, ProfileVersionRow):
                for item in session.scalars(select(model).where(model.client_id == row.id)):
                    session.delete(item)
            session.flush()
            session.delete(row)

        self._write(work)

    def profile_versions(self, name: str) -> list[ProfileVersion]:
        """Return every profile version of client ``name``, oldest first."""

        def work(session: Session) -> list[ProfileVersion]:
            row = self._client_row(session, name)
            versions = session.scalars(select(ProfileVersionRow).where(ProfileVersionRow.client_id == row.id)
                                       .order_by(ProfileVersionRow.version))
            return [ProfileVersion(version=v.version, profile=_load_profile(v.profile), created_at=_utc(v.created_at))
                    for v in versions]

        return self._read(work)

    # --- plans ----------------------------------------------------------------------------------

    def save_plan(self, name: str, plan: MealPlan, profile_version: int,
                  derived_from: int | None = None) -> StoredPlan:
        """Store ``plan`` on client ``name``'s record as made from profile version
        ``profile_version`` (and replanned from stored plan ``derived_from``, if given); return it
        with its id. Raises ``ClientNotFoundError`` and ``InputError`` for a version the client
        does not have or a ``derived_from`` plan that is not the client's."""

        def work(session: Session) -> StoredPlan:
            row = self._client_row(session, name)
            version = session.scalars(select(ProfileVersionRow).where(
                ProfileVersionRow.client_id == row.id, ProfileVersionRow.version == profile_version)).first()
            if version is None:
                raise InputError(f"profile_version: client {name!r} has no profile version {profile_version}")
            if derived_from is not None:
                source = session.get(PlanRow, derived_from)
                if source is None or source.client_id != row.id:
                    raise InputError(f"derived_from: client {name!r} has no plan {derived_from}")
            stored = PlanRow(client_id=row.id, profile_version_id=version.id, days=len(plan.days),
                             options=plan.options.model_dump(mode="json"), plan=plan_to_dict(plan),
                             created_at=_now(), derived_from_id=derived_from)
            session.add(stored)
            session.flush()
            return StoredPlan(id=stored.id, client=row.name, created_at=_utc(stored.created_at), days=stored.days,
                              profile_version=profile_version, options=plan.options, plan=plan,
                              derived_from=derived_from)

        return self._write(work)

    def plans(self, name: str) -> list[PlanSummary]:
        """Return the summaries of client ``name``'s stored plans, newest first."""

        def work(session: Session) -> list[PlanSummary]:
            row = self._client_row(session, name)
            rows = session.execute(
                select(PlanRow.id, PlanRow.created_at, PlanRow.days, ProfileVersionRow.version,
                       PlanRow.derived_from_id)
                .join(ProfileVersionRow, PlanRow.profile_version_id == ProfileVersionRow.id)
                .where(PlanRow.client_id == row.id).order_by(PlanRow.id.desc()))
            return [PlanSummary(id=i, client=row.name, created_at=_utc(at), days=days, profile_version=version,
                                derived_from=source) for i, at, days, version, source in rows]

        return self._read(work)

    def plan(self, plan_id: int) -> StoredPlan:
        """Return stored plan ``plan_id``; raises ``PlanNotFoundError``."""

        def work(session: Session) -> StoredPlan:
            found = session.execute(
                select(PlanRow, ClientRow.name, ProfileVersionRow.version)
                .join(ClientRow, PlanRow.client_id == ClientRow.id)
                .join(ProfileVersionRow, PlanRow.profile_version_id == ProfileVersionRow.id)
                .where(PlanRow.id == plan_id)).first()
            if found is None:
                raise PlanNotFoundError(plan_id)
            row, client, version = found
            return StoredPlan(id=row.id, client=client, created_at=_utc(row.created_at), days=row.days,
                              profile_version=version, options=PlanOptions.model_validate(row.options),
                              plan=plan_from_dict(row.plan, recompute=False), derived_from=row.derived_from_id)

        return self._read(work)

    # --- import and export ----------------------------------------------------------------------

    def import_clients(self, clients: str | Path) -> list[ClientRecord]:
        """Add the clients of a batch clients CSV (``nutriplan.batch``'s format: id, profile and
        plan option columns; the options become each client's default plan options) and return
        their records. A client already on record gets a new profile version (when it changed)
        and the row's options. All rows or none: any bad row raises ``InputError`` listing every
        bad row (``row N (client): field: ...``) and nothing is written."""
        requests, problems = [], []
        for row in read_clients(clients):
            try:
                requests.append(client_request(row))
            except InputError as error:
                problems.append(f"row {row.row} ({row.client or 'no id'}): {error}")
        names = [r.client for r in requests]
        problems += [f"client {n!r} appears more than once" for n in sorted({n for n in names if names.count(n) > 1})]
        if problems:
            raise InputError(f"{clients}: nothing imported, {len(problems)} problem(s):\n"
                             + "\n".join(f"  - {p}" for p in problems))

        def work(session: Session) -> list[ClientRecord]:
            records = []
            for request in requests:
                row = session.scalars(select(ClientRow).where(ClientRow.name == request.client)).first()
                options = request.options.model_dump(mode="json")
                targets = {k: float(v) for k, v in request.target_options.items()} or None
                if row is None:
                    row = ClientRow(name=request.client, created_at=_now(), plan_options=options,
                                    target_options=targets)
                    session.add(row)
                    session.flush()
                    self._add_version(session, row, request.profile, 1)
                else:
                    row.plan_options, row.target_options = options, targets
                    latest = self._latest(session, row.id)
                    if _profile_json(request.profile) != latest.profile:
                        self._add_version(session, row, request.profile, latest.version + 1)
                session.flush()
                records.append(self._record(session, row))
            return records

        return self._write(work)

    def export_client(self, name: str) -> dict[str, Any]:
        """Return client ``name``'s whole record as JSON-ready data: ``{"client", "created_at",
        "plan_options", "target_options", "profile_versions": [{"version", "created_at",
        "profile"}], "plans": [{"id", "created_at", "profile_version", "options", "plan"}]}``
        (plans oldest first, each in ``plan_to_dict``'s shape)."""

        def work(session: Session) -> dict[str, Any]:
            row = self._client_row(session, name)
            versions = session.scalars(select(ProfileVersionRow).where(ProfileVersionRow.client_id == row.id)
                                       .order_by(ProfileVersionRow.version)).all()
            number = {v.id: v.version for v in versions}
            plans = session.scalars(select(PlanRow).where(PlanRow.client_id == row.id).order_by(PlanRow.id)).all()
            return {
                "client": row.name,
                "created_at": _utc(row.created_at).isoformat(),
                "plan_options": row.plan_options,
                "target_options": row.target_options or {},
                "profile_versions": [{"version": v.version, "created_at": _utc(v.created_at).isoformat(),
                                      "profile": v.profile} for v in versions],
                "plans": [{"id": p.id, "created_at": _utc(p.created_at).isoformat(),
                           "profile_version": number[p.profile_version_id], "options": p.options, "plan": p.plan}
                          for p in plans],
            }

        return self._read(work)


def _clean_name(name: str) -> str:
    text = (name or "").strip()
    problem = ("a client needs a name" if not text else f"at most 200 characters (got {len(text)})"
               if len(text) > 200 else "may not contain '/'" if "/" in text else None)
    if problem:
        error = InputError(f"name: {problem}")
        error.field_messages = [("name", problem)]
        raise error
    return text


def open_store(db: str | Path) -> Store:
    """Return the client ``Store`` in ``db``: a SQLite file path (created if missing) or a
    SQLAlchemy database URL (e.g. ``postgresql+psycopg://user@host/db``), migrated to the newest
    schema. Raises ``StoreInputError`` for a bad path or URL and ``StoreError`` when the database
    cannot be reached."""
    return Store(db)
