"""The web page's views: each calls the client store or nutriplan's public API and renders a
Jinja template of ``templates/``. Forms post back to the same views; bad input re-renders the form
with a message next to each bad field (status 422)."""

from __future__ import annotations

import csv
import io
from importlib.resources import files
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from nutriplan import (
    InfeasiblePlanError,
    InputError,
    NutriplanError,
    day_nutrients,
    format_amount,
    nutrient_table,
    plan_to_csv,
    plan_to_html,
    plan_to_json,
    target_kinds,
    verify_plan,
)
from nutriplan.store import ClientNotFoundError, PlanNotFoundError, plan_for_client
from nutriplan.web.forms import SECTIONS, allergens, form_values, options_from_form, profile_from_form

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(files("nutriplan.web") / "templates"))
templates.env.filters["amount"] = format_amount
templates.env.filters["q"] = lambda value: quote(str(value), safe="")


def _store(request: Request):
    return request.app.state.store


def _render(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=status)


def error_page(request: Request, error: NutriplanError) -> HTMLResponse:
    """Return the error page for a library error (404 for an unknown client or plan)."""
    status = 404 if isinstance(error, (ClientNotFoundError, PlanNotFoundError)) else \
        422 if isinstance(error, InputError) else 409 if isinstance(error, InfeasiblePlanError) else 500
    return _render(request, "error.html", status, message=str(error))


async def _form(request: Request) -> dict:
    form = await request.form()
    data = {key: form.get(key) for key in form.keys()}
    data["exclude_allergens"] = form.getlist("exclude_allergens")
    return data


# --- clients --------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse)
def client_list(request: Request):
    """The clients on record."""
    return _render(request, "clients.html", clients=_store(request).clients())


@router.get("/clients/new", response_class=HTMLResponse)
def new_client(request: Request):
    """The empty client form."""
    return _render(request, "client_form.html", client=None, name="", values=form_values(None), errors={},
                   sections=SECTIONS)


@router.post("/clients/new", response_class=HTMLResponse)
async def create_client(request: Request):
    """Add the client of the submitted form, or show the form again with the errors."""
    form = await _form(request)
    name = str(form.get("client_name", "")).strip()
    profile, errors = profile_from_form(form)
    if not name or "/" in name:
        errors["client_name"] = "a client needs a name" if not name else "a name may not contain '/'"
    elif any(c.name == name for c in _store(request).clients()):
        errors["client_name"] = f"{name!r} is already on record; choose another name"
    if errors:
        return _render(request, "client_form.html", 422, client=None, name=name, values=form, errors=errors,
                       sections=SECTIONS)
    record = _store(request).add_client(name, profile.model_copy(update={"name": profile.name or name}))
    return RedirectResponse(f"/clients/{quote(record.name, safe='')}", status_code=303)


def _client_page(request: Request, name: str, status: int = 200, values=None, errors=None,
                 plan_errors=None, plan_form=None) -> HTMLResponse:
    store = _store(request)
    record = store.client(name)
    options = record.plan_options
    return _render(request, "client.html", status, client=record, name=record.name,
                   values=values if values is not None else form_values(record.profile),
                   errors=errors or {}, sections=SECTIONS, plans=store.plans(name),
                   versions=store.profile_versions(name), plan_errors=plan_errors or {},
                   plan_form=plan_form or {"days": (options.days if options else 7),
                                           "diet": options.diet if options else "omnivore",
                                           "exclude_allergens": options.exclude_allergens if options else [],
                                           "allow_supplements": bool(options and options.allow_supplements),
                                           "weekly_average": bool(options and options.minimum_mode == "weekly_average")},
                   allergens=allergens())


@router.get("/clients/{name}", response_class=HTMLResponse)
def client_page(request: Request, name: str):
    """A client: the profile form (profile, preferences, labs), "make a plan" and the history."""
    return _client_page(request, name)


@router.post("/clients/{name}", response_class=HTMLResponse)
async def edit_client(request: Request, name: str):
    """Save the edited profile (a new version when it changed), or show the errors."""
    store = _store(request)
    record = store.client(name)
    form = await _form(request)
    profile, errors = profile_from_form(form, base=record.profile)
    if errors:
        return _client_page(request, name, 422, values=form, errors=errors)
    store.update_client(name, profile=profile)
    return RedirectResponse(f"/clients/{quote(name, safe='')}", status_code=303)


@router.post("/clients/{name}/plans", response_class=HTMLResponse)
async def make_plan(request: Request, name: str):
    """Make a plan for the client with the submitted options and show it; show why not when no
    plan meets every rule."""
    store = _store(request)
    record = store.client(name)
    form = await _form(request)
    options, errors = options_from_form(form, record.plan_options)
    if errors:
        return _client_page(request, name, 422, plan_errors=errors, plan_form=form)
    try:
        stored = await run_in_threadpool(plan_for_client, store, name, options, request.app.state.foods)
    except InfeasiblePlanError as error:
        return _client_page(request, name, 409, plan_errors={"plan": str(error)}, plan_form=form)
    return RedirectResponse(f"/plans/{stored.id}", status_code=303)


@router.post("/clients/{name}/remove")
def remove_client(request: Request, name: str):
    """Remove the client with its versions and plans, and go back to the list."""
    _store(request).remove_client(name)
    return RedirectResponse("/", status_code=303)


# --- plans ----------------------------------------------------------------------------------------

def _nutrient_rows(plan) -> list[dict]:
    table = nutrient_table()
    keys = list(plan.targets.nutrients)
    per_day = {d.day: {n.key: n for n in day_nutrients(plan, d, keys)} for d in plan.days}
    rows = []
    for key, target in plan.targets.nutrients.items():
        label = table.at[key, "label"] if key in table.index else key
        unit = table.at[key, "unit"] if key in table.index else ""
        cells = [{"day": day.day, "value": day.totals.get(key),
                  "status": per_day[day.day][key].css_class if key in day.totals else ""}
                 for day in plan.days]
        min_kind, max_kind = target_kinds(plan.targets, key)
        rows.append({"key": key, "label": label, "unit": unit, "cells": cells, "min": target.min,
                     "min_kind": min_kind or "", "max": target.max, "max_kind": max_kind or "",
                     "max_scope": target.max_scope})
    return rows


@router.get("/plans/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: int):
    """A stored plan: the week as a grid, daily totals against targets, the rule check, charts
    (the HTML report's), downloads and print."""
    stored = _store(request).plan(plan_id)
    plan = stored.plan
    problems = verify_plan(plan, request.app.state.foods)
    slots = list(dict.fromkeys(m.slot for d in plan.days for m in d.meals))
    grid = [{"slot": slot, "days": [next((m for m in d.meals if m.slot == slot), None) for d in plan.days]}
            for slot in slots]
    return _render(request, "plan.html", stored=stored, plan=plan, grid=grid, rows=_nutrient_rows(plan),
                   problems=problems)


def _download(text: str, media: str, filename: str) -> Response:
    return Response(text, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _stem(stored) -> str:
    return "".join(c if (c.isascii() and c.isalnum()) or c in "-_" else "_" for c in stored.client) + f"-plan{stored.id}"


@router.get("/plans/{plan_id}/report.html", response_class=HTMLResponse)
def plan_report(request: Request, plan_id: int):
    """The plan's self-contained, printable HTML report (charts, totals, shopping list)."""
    return HTMLResponse(plan_to_html(_store(request).plan(plan_id).plan))


@router.get("/plans/{plan_id}/plan.json")
def plan_json(request: Request, plan_id: int):
    """The plan's JSON (``plan_to_json``) as a download."""
    stored = _store(request).plan(plan_id)
    return _download(plan_to_json(stored.plan) + "\n", "application/json", f"{_stem(stored)}.json")


@router.get("/plans/{plan_id}/plan.csv")
def plan_csv(request: Request, plan_id: int):
    """The plan's items as CSV (``plan_to_csv``, nutrients per item) as a download."""
    stored = _store(request).plan(plan_id)
    return _download(plan_to_csv(stored.plan, request.app.state.foods), "text/csv", f"{_stem(stored)}.csv")


@router.get("/plans/{plan_id}/shopping.csv")
def shopping_csv(request: Request, plan_id: int):
    """The plan's shopping list as CSV: food_id, name, food_group, grams, servings, household."""
    stored = _store(request).plan(plan_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["food_id", "name", "food_group", "grams", "servings", "household"])
    for item in stored.plan.shopping_list:
        writer.writerow([item.food_id, item.name, item.food_group or "", f"{item.grams:g}", f"{item.servings:g}",
                         item.household or ""])
    return _download(out.getvalue(), "text/csv", f"{_stem(stored)}-shopping.csv")
