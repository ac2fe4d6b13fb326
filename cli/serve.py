"""``nutriplan serve``: the dietitian's web page over the client store (FastAPI app of
``nutriplan.web``, served by uvicorn; both imported only when the command runs)."""

from __future__ import annotations

import click

from nutriplan_cli.clients import db_option


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is this computer only; 0.0.0.0 opens it to the network).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--foods", "foods_source", default="curated", show_default=True, metavar="curated|full|PATH",
              help="Food table plans are made from.")
def serve(db: str, host: str, port: int, foods_source: str) -> None:
    """Start the web page for the dietitian: clients, their profiles, preferences and labs,
    "make a plan", the week as a grid with nutrient charts, the plan history and downloads, and
    the same operations as a JSON API under /api (OpenAPI at /docs). Stop it with Ctrl+C.

    \b
    Example:
      nutriplan serve --db practice.db
      (then open http://127.0.0.1:8000/)
    """
    try:
        import uvicorn

        from nutriplan.web import create_app
    except ImportError as error:
        raise click.UsageError(f"the web page needs the 'web' extra: pip install 'nutriplan[web]' ({error})") from None
    app = create_app(db, foods=foods_source)
    click.echo(f"nutriplan: serving {db} on http://{host}:{port}/ (Ctrl+C stops)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
