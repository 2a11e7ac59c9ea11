"""The ``bizwatch`` command line: serve, chat, db, reports, nlu, advice.

Each domain owns its own Typer sub-app; this module only wires them together.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import typer

from bot.config import get_settings

app = typer.Typer(help="bizwatch: report business crime and get prevention advice by chat and SMS.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema and housekeeping.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
def serve(host: str = typer.Option(None, help="Address to listen on (default from settings)."),
          port: int = typer.Option(None, help="Port to listen on (default from settings).")) -> None:
    """Upgrade the database and start the web service (chat page, webhooks, health check)."""
    import uvicorn

    from bot.service import build_service
    from bot.web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    service = build_service(settings)
    _purge(service)
    typer.echo(f"bizwatch is running: open http://{host or settings.host}:{port or settings.port}/ to chat.")
    uvicorn.run(create_app(service), host=host or settings.host, port=port or settings.port, log_level="info")


@app.command()
def chat(as_user: str = typer.Option(None, "--as", help="Who you are in this chat (default: your login).")) -> None:
    """Chat with bizwatch in this terminal (options are numbered; type the number or the words)."""
    from bot.service import build_service
    from bot.terminal import run_chat

    service = build_service(get_settings())
    run_chat(service.engine, address=as_user)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Create or upgrade the database schema."""
    from bot.storage.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    typer.echo("Database is up to date.")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision the database is at."""
    from bot.storage.migrate import current

    current(get_settings().database_url)


@db_app.command("purge")
def db_purge() -> None:
    """Delete abandoned report drafts and old duplicate-delivery records past their retention."""
    from bot.service import build_service

    service = build_service(get_settings())
    typer.echo(_purge(service))


def _purge(service) -> str:  # noqa: ANN001 - bot.service.Service, imported lazily
    from bot.housekeeping import purge

    with service.sessions.begin() as session:
        counts = purge(session, datetime.now(timezone.utc), service.settings)
    return f"Deleted {counts.drafts} old draft(s) and {counts.processed_messages} old delivery record(s)."


def main() -> None:
    """Console-script entry point."""
    app()


from bot.reports.cli import app as reports_app  # noqa: E402

app.add_typer(reports_app, name="reports")

from bot.advice.cli import app as advice_app  # noqa: E402

app.add_typer(advice_app, name="advice")

from nlu.cli import app as nlu_app  # noqa: E402

app.add_typer(nlu_app, name="nlu")
