"""The ``bizwatch`` command line: serve, chat, db, reports, nlu, advice, campaigns, alerts.

Each domain owns its own Typer sub-app; this module only wires them together.
"""

from __future__ import annotations

import logging
import typer

from bot.config import get_settings

app = typer.Typer(help="bizwatch: report business crime and get prevention advice by chat and SMS.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema and housekeeping.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@app.command()
def serve(host: str = typer.Option(None, help="Address to listen on (default from settings)."),
          port: int = typer.Option(None, help="Port to listen on (default from settings).")) -> None:
    """Upgrade the database and start the web service (chat page, webhooks, health check) and the scheduler."""
    import uvicorn

    from bot.scheduling.jobs import scheduled_jobs
    from bot.scheduling.runner import ElectedScheduler
    from bot.service import build_service
    from bot.web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    service = build_service(settings)
    scheduler = ElectedScheduler(service.sessions, scheduled_jobs(settings), settings.timezone)
    if settings.scheduler:
        scheduler.start()
    typer.echo(f"bizwatch is running: open http://{host or settings.host}:{port or settings.port}/ to chat.")
    try:
        # The app reads X-Forwarded-For itself, only from BIZWATCH_TRUSTED_PROXIES: uvicorn's own
        # proxy handling (which trusts 127.0.0.1 by default) is turned off.
        uvicorn.run(create_app(service), host=host or settings.host, port=port or settings.port, log_level="info",
                    proxy_headers=False, server_header=False)
    finally:
        scheduler.stop()


@app.command()
def chat(as_user: str = typer.Option(None, "--as", help="Who you are in this chat (default: your login).")) -> None:
    """Chat with bizwatch in this terminal (options are numbered; type the number or the words)."""
    from bot.service import build_service
    from bot.channels.terminal import run_chat

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
    """Delete abandoned drafts, idle contacts and old delivery records past their retention (the scheduler
    does this daily at 03:30)."""
    from bot.scheduling.jobs import purge_arguments, purge_expired

    typer.echo(purge_expired(**purge_arguments(get_settings())))


def main() -> None:
    """Console-script entry point."""
    app()


from bot.reports.cli import app as reports_app  # noqa: E402

app.add_typer(reports_app, name="reports")

from bot.advice.cli import app as advice_app  # noqa: E402

app.add_typer(advice_app, name="advice")

from bot.campaigns.cli import alerts_app, app as campaigns_app  # noqa: E402

app.add_typer(campaigns_app, name="campaigns")
app.add_typer(alerts_app, name="alerts")

from nlu.cli import app as nlu_app  # noqa: E402

app.add_typer(nlu_app, name="nlu")
