"""The dietitian's web page: ``create_app(db)`` builds the FastAPI app over the client store and
nutriplan's public API (``nutriplan serve`` runs it). Pages are Jinja templates in ``templates/``
(server-rendered; a little plain JavaScript in ``static/``, nothing fetched from a network); each
view module calls the library and renders. The JSON API under ``/api`` does the same operations
(OpenAPI at ``/openapi.json``, docs at ``/docs``).

- ``pages``: client list, client form (profile, preferences, labs), make a plan, the plan's week
  and nutrient totals, plan history, downloads (HTML report, JSON, CSV, shopping list).
- ``api``: the JSON API; 422 names the field, 404 for an unknown client or plan, 409 when no
  plan meets every rule (with the conflicts).

Only the CLI's ``serve`` command imports this package.
"""

from nutriplan.web.app import create_app

__all__ = ["create_app"]
