"""The client store's errors (all ``NutriplanError``; the CLI turns them into ``Error: ...``)."""

from __future__ import annotations

from nutriplan import InputError, NutriplanError


class StoreError(NutriplanError):
    """The store cannot be opened or written (bad URL, server down, locked too long). Exit code 1."""


class StoreInputError(StoreError, InputError):
    """A store request a user can fix: a missing folder for ``--db``, a bad database URL. Exit 2."""


class ClientNotFoundError(StoreInputError):
    """No client of that name is on record."""

    def __init__(self, name: str, known: list[str] | None = None):
        self.name = name
        hint = f"; clients on record: {', '.join(known[:20])}" if known else "; the store has no clients yet"
        super().__init__(f"client {name!r} not found{hint}")


class ClientExistsError(StoreInputError):
    """A client of that name is already on record."""

    def __init__(self, name: str):
        self.name = name
        super().__init__(f"client {name!r} already exists; choose another name or edit it")


class PlanNotFoundError(StoreInputError):
    """No stored plan has that id."""

    def __init__(self, plan_id: int):
        self.plan_id = plan_id
        super().__init__(f"plan {plan_id} not found")
