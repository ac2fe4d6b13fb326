"""Planning for a client on record: the plan is made from the client's current profile and saved
on the record with its options and the profile version it used."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pydantic import ValidationError

from nutriplan import InputError, PlanOptions, plan_week
from nutriplan.store.records import StoredPlan
from nutriplan.store.store import Store


def plan_for_client(store: Store, name: str, options: PlanOptions | dict | None = None,
                    foods: pd.DataFrame | str | Path | None = None, **target_options) -> StoredPlan:
    """Return the ``StoredPlan`` made for client ``name`` and saved on the record.

    ``options`` default to the client's stored plan options (else ``PlanOptions()``); a dict of
    ``PlanOptions`` fields changes only those fields of the stored options;
    ``target_options`` (e.g. ``vitamin_d_override_iu``) to the client's stored ones. The profile
    version read before planning is the one recorded with the plan, even if the profile is edited
    while the plan is being made. The solving happens outside any database transaction; only the
    save is one. Raises what ``plan_week`` raises (``InfeasiblePlanError``...) and
    ``ClientNotFoundError``; nothing is stored when no plan is made."""
    record = store.client(name)
    if isinstance(options, dict):
        fields = {**(record.plan_options or PlanOptions()).model_dump(), **options}
        try:
            options = PlanOptions(**fields)
        except ValidationError as error:
            raise InputError("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                       for e in error.errors(include_url=False))) from None
    options = options or record.plan_options or PlanOptions()
    chosen = {**record.target_options, **{k: v for k, v in target_options.items() if v is not None}}
    plan = plan_week(record.profile, options, foods, **chosen)
    return store.save_plan(record.name, plan, record.profile_version)


def replan_for_client(store: Store, plan_id: int, locks=(), replace=(), regenerate=(), swap=None,
                      foods: pd.DataFrame | str | Path | None = None) -> StoredPlan:
    """Return the ``StoredPlan`` made from stored plan ``plan_id`` by ``nutriplan.replan`` (locks,
    replace, regenerate) or, with ``swap`` (a dict of ``day``, ``slot``, ``food_id``,
    ``new_food_id``, ``servings``), by ``nutriplan.apply_swap``; saved on the same client's record
    as a new plan linked to ``plan_id`` (``derived_from``). The client's current profile is used
    (new dislikes count); its targets are recomputed when the profile changed since the plan.
    Raises ``PlanNotFoundError``, ``InputError`` and ``InfeasiblePlanError``; nothing is stored
    when no plan is made."""
    from nutriplan import apply_swap, replan, targets_for

    stored = store.plan(plan_id)
    record = store.client(stored.client)
    plan = stored.plan
    if record.profile != plan.profile:
        targets = targets_for(record.profile, energy_window=plan.options.energy_window,
                              **{k: v for k, v in record.target_options.items() if v is not None})
        plan = plan.model_copy(update={"profile": record.profile, "targets": targets})
    if swap is not None:
        missing = [k for k in ("day", "slot", "food_id", "new_food_id", "servings") if k not in swap]
        if missing:
            raise InputError(f"swap: missing {', '.join(missing)}")
        new = apply_swap(plan, int(swap["day"]), str(swap["slot"]), str(swap["food_id"]),
                         str(swap["new_food_id"]), float(swap["servings"]), foods)
    else:
        new = replan(plan, locks=locks, replace=replace, regenerate=regenerate, foods=foods)
    return store.save_plan(record.name, new, record.profile_version, derived_from=plan_id)
