"""The JSON API under ``/api``: clients, their profile versions and plans, planning for a client
or a bare profile, and checking a plan. Request and response bodies are nutriplan's pydantic
models, so the OpenAPI schema (``/openapi.json``) is generated from them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from nutriplan import (
    InputError,
    Lock,
    MealPlan,
    PlanOptions,
    Profile,
    Regenerate,
    Replace,
    SwapSuggestion,
    plan_from_dict,
    plan_week,
    recompute_plan,
    swap_suggestions,
    verify_plan,
)
from nutriplan.store import ClientRecord, PlanSummary, ProfileVersion, StoredPlan, plan_for_client, replan_for_client

router = APIRouter(prefix="/api", tags=["api"])


class NewClient(BaseModel):
    """A client to add: a unique name, the profile, and optional default plan options."""

    name: str = Field(min_length=1, max_length=200)
    profile: Profile
    plan_options: PlanOptions | None = None


class ClientChange(BaseModel):
    """Changes to a client: a new profile (saved as a new version when it differs), new default
    plan options, a new name; fields left out are not changed."""

    profile: Profile | None = None
    plan_options: PlanOptions | None = None
    new_name: str | None = Field(default=None, min_length=1, max_length=200)


class PlanRequest(BaseModel):
    """Options of a plan for a client (left out: the client's stored options)."""

    options: PlanOptions | None = None


class ProfilePlanRequest(BaseModel):
    """A plan for a profile that is not on record (nothing is stored)."""

    profile: Profile
    options: PlanOptions = Field(default_factory=PlanOptions)


class VerifyRequest(BaseModel):
    """A plan to check, in the shape of ``plan_to_dict`` (a plan's JSON export), perhaps edited."""

    plan: dict[str, Any]


class Verification(BaseModel):
    """The rules a plan breaks (``problems`` in words; ``ok`` when there are none), recomputed
    from the food table, and the plan's recomputed daily totals (per day, units in the keys)."""

    ok: bool
    problems: list[str]
    totals: list[dict[str, float]]


def _store(request: Request):
    return request.app.state.store


def _foods(request: Request):
    return request.app.state.foods


@router.get("/clients", response_model=list[ClientRecord])
def list_clients(request: Request):
    """Every client on record, by name."""
    return _store(request).clients()


@router.post("/clients", response_model=ClientRecord, status_code=201)
def add_client(body: NewClient, request: Request):
    """Add a client (profile version 1). 409 when the name is taken."""
    profile = body.profile if body.profile.name else body.profile.model_copy(update={"name": body.name})
    return _store(request).add_client(body.name, profile, body.plan_options)


@router.get("/clients/{name}", response_model=ClientRecord)
def get_client(name: str, request: Request):
    """A client's record: current profile and version, default options, number of plans."""
    return _store(request).client(name)


@router.put("/clients/{name}", response_model=ClientRecord)
def change_client(name: str, body: ClientChange, request: Request):
    """Change a client's profile (a new version), default plan options or name."""
    return _store(request).update_client(name, profile=body.profile, plan_options=body.plan_options,
                                         new_name=body.new_name)


@router.delete("/clients/{name}", status_code=204)
def remove_client(name: str, request: Request):
    """Remove a client with its profile versions and plans."""
    _store(request).remove_client(name)
    return Response(status_code=204)


@router.get("/clients/{name}/profile-versions", response_model=list[ProfileVersion])
def profile_versions(name: str, request: Request):
    """Every version of a client's profile, oldest first."""
    return _store(request).profile_versions(name)


@router.get("/clients/{name}/plans", response_model=list[PlanSummary])
def client_plans(name: str, request: Request):
    """A client's plan history, newest first."""
    return _store(request).plans(name)


@router.post("/clients/{name}/plans", response_model=StoredPlan, status_code=201)
def make_client_plan(name: str, request: Request, body: PlanRequest | None = None):
    """Make a plan for a client from the current profile and keep it on the record. 409 with the
    conflicting rules when no plan meets every rule."""
    options = body.options if body is not None else None
    return plan_for_client(_store(request), name, options, _foods(request))


@router.get("/plans/{plan_id}", response_model=StoredPlan)
def get_plan(plan_id: int, request: Request):
    """A stored plan with its options and the profile version it was made from."""
    return _store(request).plan(plan_id)


@router.get("/plans/{plan_id}/verify", response_model=Verification)
def verify_stored_plan(plan_id: int, request: Request):
    """Check a stored plan against every rule, recomputed from the food table."""
    return _verification(_store(request).plan(plan_id).plan, request)


@router.post("/plan", response_model=MealPlan)
def make_plan(body: ProfilePlanRequest, request: Request):
    """Make a plan for a profile without storing it. 409 when no plan meets every rule."""
    return plan_week(body.profile, body.options, _foods(request))


@router.post("/verify", response_model=Verification)
def verify(body: VerifyRequest, request: Request):
    """Check a plan (a plan's JSON, perhaps edited by hand) against every rule: its totals are
    recomputed from the food table and every broken rule is listed."""
    plan = plan_from_dict(body.plan, _foods(request))
    return _verification(plan, request)


def _verification(plan: MealPlan, request: Request) -> Verification:
    problems = verify_plan(plan, _foods(request))
    recomputed = recompute_plan(plan, _foods(request))
    return Verification(ok=not problems, problems=problems, totals=[d.totals for d in recomputed.days])

# --- replan / swaps (issue 10) -------------------------------------------------------------------


class SwapChoice(BaseModel):
    """A swap to apply exactly (one of ``GET /api/plans/{id}/swaps``): ``servings`` of
    ``new_food_id`` in place of ``food_id`` in day ``day``'s ``slot``."""

    day: int = Field(ge=1)
    slot: str
    food_id: str
    new_food_id: str
    servings: float = Field(gt=0)


class ReplanRequest(BaseModel):
    """Changes to a stored plan: ``locks`` kept exactly, ``replace`` foods taken out of their
    day, ``regenerate`` days or meals made afresh; or one ``swap`` applied exactly (the rest of
    the plan unchanged). The result is saved as a new plan linked to the one it came from."""

    locks: list[Lock] = Field(default_factory=list)
    replace: list[Replace] = Field(default_factory=list)
    regenerate: list[Regenerate] = Field(default_factory=list)
    swap: SwapChoice | None = None


@router.post("/plans/{plan_id}/replan", response_model=StoredPlan, status_code=201)
def replan_stored_plan(plan_id: int, body: ReplanRequest, request: Request):
    """Replan a stored plan (locks, replace, regenerate) or apply one swap; the new plan is kept
    on the client's record with ``derived_from`` = ``plan_id``. 409 naming the lock and the rule
    it conflicts with when no plan keeps the locks; 422 for a day, meal or food the plan lacks."""
    if body.swap is None and not (body.locks or body.replace or body.regenerate):
        raise InputError("nothing to change: give locks, replace, regenerate or swap")
    return replan_for_client(_store(request), plan_id, body.locks, body.replace, body.regenerate,
                             body.swap.model_dump() if body.swap else None, _foods(request))


@router.get("/plans/{plan_id}/swaps", response_model=list[SwapSuggestion])
def plan_swaps(plan_id: int, request: Request, day: int = Query(ge=1), slot: str = Query(min_length=1),
               food_id: str = Query(min_length=1), limit: int = Query(default=10, ge=1, le=50)):
    """The foods that could take one item's place in its meal, best first, each checked by
    applying it and verifying the whole plan against every rule."""
    return swap_suggestions(_store(request).plan(plan_id).plan, day, slot, food_id, limit=limit,
                            foods=_foods(request))
