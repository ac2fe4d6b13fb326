"""``create_app``: one FastAPI app over one client store and one food table."""

from __future__ import annotations

from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

import pandas as pd
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from nutriplan import InfeasiblePlanError, InputError, NutriplanError, load_foods
from nutriplan.store import ClientExistsError, ClientNotFoundError, PlanNotFoundError, open_store
from nutriplan.web import api, pages


def _field_errors(errors: list[dict]) -> list[dict]:
    """Return FastAPI's validation errors with a ``field`` key naming the field at fault (dotted,
    without ``body``); a model-level message ``"field: ..."`` names its field too."""
    result = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        head, sep, rest = message.partition(": ")
        if sep and head.replace("_", "").replace(".", "").isalnum() and head.islower():
            loc, message = [*loc, head] if head not in loc else loc, rest
        result.append({"loc": error.get("loc"), "field": ".".join(loc), "msg": message,
                       "type": error.get("type")})
    return result


def create_app(db: str | Path, foods: pd.DataFrame | str | Path | None = None) -> FastAPI:
    """Return the web app over the client store ``db`` (a SQLite path or a database URL, opened
    and migrated now) planning with ``foods`` (default the curated table, loaded once)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.store.close()

    app = FastAPI(title="nutriplan", version="1", lifespan=lifespan, description=(
        "Weekly meal plans that meet the Dietary Reference Intakes, for clients on record. "
        "The same operations as the web page."))
    app.state.store = open_store(db)
    app.state.foods = foods if isinstance(foods, pd.DataFrame) else load_foods("curated" if foods is None else foods)
    app.mount("/static", StaticFiles(directory=str(files("nutriplan.web") / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, error: RequestValidationError):
        return JSONResponse({"detail": _field_errors(list(error.errors()))}, status_code=422)

    @app.exception_handler(NutriplanError)
    async def _nutriplan_error(request: Request, error: NutriplanError):
        if not request.url.path.startswith("/api/"):
            return pages.error_page(request, error)
        if isinstance(error, (ClientNotFoundError, PlanNotFoundError)):
            return JSONResponse({"detail": str(error)}, status_code=404)
        if isinstance(error, ClientExistsError):
            return JSONResponse({"detail": [{"loc": ["body", "name"], "field": "name", "msg": str(error)}]},
                                status_code=409)
        if isinstance(error, InfeasiblePlanError):
            return JSONResponse({"detail": str(error), "conflicts": [
                {"name": c.name, "message": c.message, "suggestion": c.suggestion} for c in error.conflicts]},
                status_code=409)
        if isinstance(error, InputError):
            fields = getattr(error, "field_messages", None) or [(None, str(error))]
            return JSONResponse({"detail": [{"loc": ["body", f] if f else ["body"], "field": f or "", "msg": m}
                                            for f, m in fields]}, status_code=422)
        return JSONResponse({"detail": str(error)}, status_code=500)

    return app
