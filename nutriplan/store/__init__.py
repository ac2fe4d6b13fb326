"""The client store: clients, their profile versions (preferences and dated labs included) and
every plan made for them, in a SQLite file or any SQLAlchemy database (PostgreSQL for a practice),
with the schema kept by bundled Alembic migrations run on open.

- ``open_store(db)`` -> ``Store``: ``add_client``, ``clients``, ``client``, ``update_client``,
  ``remove_client``, ``profile_versions``, ``save_plan``, ``plans``, ``plan``,
  ``import_clients`` (a batch clients CSV), ``export_client`` (a client's whole record as JSON).
- ``plan_for_client(store, name, options)``: plan from the current profile and keep it on record.
- ``replan_for_client(store, plan_id, locks, replace, regenerate, swap)``: a stored plan changed by
  ``nutriplan.replan`` (or a swap), kept on record as a new plan linked to the one it came from.

Only the CLI's ``clients``/``plan --client``/``serve`` commands and ``nutriplan.web`` import this
package (the rest of nutriplan does not know it exists).
"""

from nutriplan.store.database import database_url
from nutriplan.store.errors import (
    ClientExistsError,
    ClientNotFoundError,
    PlanNotFoundError,
    StoreError,
    StoreInputError,
)
from nutriplan.store.planning import plan_for_client, replan_for_client
from nutriplan.store.records import ClientRecord, PlanSummary, ProfileVersion, StoredPlan
from nutriplan.store.store import Store, open_store


__all__ = [
    "ClientExistsError", "ClientNotFoundError", "ClientRecord", "PlanNotFoundError", "PlanSummary",
    "ProfileVersion", "Store", "StoreError", "StoreInputError", "StoredPlan", "database_url", "open_store",
    "plan_for_client", "replan_for_client",
]
