"""What the client store returns: pydantic models of a client's record, its profile versions and
its stored plans (times are timezone-aware UTC)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from nutriplan import MealPlan, PlanOptions, Profile


class ProfileVersion(BaseModel):
    """One saved version of a client's profile (``version`` counts from 1)."""

    version: int
    profile: Profile
    created_at: datetime


class ClientRecord(BaseModel):
    """A client on record: the current profile and its version, the default plan options and
    target options of the client's plans, and how many plans are stored."""

    name: str
    created_at: datetime
    profile: Profile
    profile_version: int
    plan_options: PlanOptions | None = None
    target_options: dict[str, float] = Field(default_factory=dict)
    plans: int = 0


class PlanSummary(BaseModel):
    """A stored plan without its content: id, client, when, days, the profile version used."""

    id: int
    client: str
    created_at: datetime
    days: int
    profile_version: int
    derived_from: int | None = None  # the id of the plan this one was replanned from


class StoredPlan(PlanSummary):
    """A stored plan: its summary, the options it was made with and the plan itself."""

    options: PlanOptions
    plan: MealPlan
