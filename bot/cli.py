"""The ``bizwatch`` command line: serve, worker, chat, db, outbox, reports, advice, statements, subscribers,
campaigns, alerts, nlu.

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
dev_app = typer.Typer(help="Local stand-ins for outside services, for demos and development.", no_args_is_help=True)
app.add_typer(dev_app, name="dev")


@app.command()
def serve(host: str = typer.Option(None, help="Address to listen on (default from settings)."),
          port: int = typer.Option(None, help="Port to listen on (default from settings).")) -> None:
    """Upgrade the database and start the web service (chat page, webhooks, health check), the scheduler and
    (unless BIZWATCH_DELIVERY_WORKERS_IN_SERVE=false) the sender workers."""
    import uvicorn

    from bot.scheduling.jobs import scheduled_jobs
    from bot.scheduling.runner import ElectedScheduler
    from bot.service import build_service
    from bot.web.app import create_app
    from integrations.telegram.runtime import telegram_runtime

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    service = build_service(settings)
    scheduler = ElectedScheduler(service.sessions, scheduled_jobs(settings), settings.timezone)
    if settings.scheduler:
        scheduler.start()
    if settings.delivery_workers_in_serve:
        service.start_workers()
    telegram = telegram_runtime(service)  # None without BIZWATCH_TELEGRAM_TOKEN
    if telegram is not None:
        telegram.start()  # the command menu, then the webhook or polling, in the background
    typer.echo(f"bizwatch is running: open http://{host or settings.host}:{port or settings.port}/ to chat.")
    try:
        # The app reads X-Forwarded-For itself, only from BIZWATCH_TRUSTED_PROXIES: uvicorn's own
        # proxy handling (which trusts 127.0.0.1 by default) is turned off.
        uvicorn.run(create_app(service), host=host or settings.host, port=port or settings.port, log_level="info",
                    proxy_headers=False, server_header=False)
    finally:
        service.stop_workers()  # first: a worker may be sending through the Telegram channel
        if telegram is not None:
            telegram.stop()
        scheduler.stop()


@app.command()
def worker() -> None:
    """Send queued messages on the configured channels (Telegram, SMS, WhatsApp) until stopped (Ctrl-C or
    SIGTERM: the part in hand is finished and the rest handed back). Run as many as you like on PostgreSQL."""
    from bot.delivery.runner import run_until_stopped
    from bot.service import sending_channels
    from bot.storage.migrate import upgrade

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    channels = sending_channels(settings)
    if not channels:
        typer.echo("No sending channels are configured: set the Telegram or Twilio settings first.", err=True)
        raise typer.Exit(1)
    upgrade(settings.database_url)
    typer.echo(f"Sending on {', '.join(sorted(channels))} until stopped.")
    run_until_stopped(settings, channels)


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


@dev_app.command("fake-telegram")
def dev_fake_telegram(port: int = typer.Option(8081, help="Port on 127.0.0.1."),
                      token: str = typer.Option(None, help="The bot token the fake accepts (default: a demo token)."),
                      user: int = typer.Option(1001, help="The Telegram user id you type as."),
                      no_limits: bool = typer.Option(False, "--no-limits", help="Switch the flood limits off.")) -> None:
    """Run a fake Telegram Bot API and type as a Telegram user; point `bizwatch serve` at it (see README)."""
    from integrations.telegram.fake import DEFAULT_TOKEN
    from integrations.telegram.fake.__main__ import main as fake_main

    arguments = ["--port", str(port), "--token", token or DEFAULT_TOKEN, "--user", str(user)]
    raise typer.Exit(fake_main(arguments + (["--no-limits"] if no_limits else [])))


@dev_app.command("fake-twilio", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def fake_twilio(ctx: typer.Context,
                port: int = typer.Option(8401, help="Port on 127.0.0.1 for the fake Twilio API.")) -> None:
    """Run a fake Twilio API for a local demo: texts you play arrive at this service's messaging webhook.

    It uses the Twilio settings when they are set (else demo credentials it prints). Options of
    `python -m integrations.twilio.fake` may follow (--rate, --shuffle-callbacks, ...).
    """
    from integrations.twilio import MESSAGES_PATH
    from integrations.twilio.fake.__main__ import DEMO_ACCOUNT_SID, DEMO_AUTH_TOKEN, main as run_fake

    settings = get_settings()
    account, token = settings.twilio_account_sid or DEMO_ACCOUNT_SID, settings.twilio_auth_token or DEMO_AUTH_TOKEN
    number = settings.twilio_from_number if (settings.twilio_from_number or "").startswith("+") else "+447700900000"
    whatsapp = (settings.twilio_whatsapp_from or number).removeprefix("whatsapp:")
    typer.echo("Start bizwatch with:\n"
               f"  BIZWATCH_TWILIO_ACCOUNT_SID={account} BIZWATCH_TWILIO_AUTH_TOKEN={token} "
               f"BIZWATCH_TWILIO_FROM_NUMBER={number} BIZWATCH_TWILIO_WHATSAPP_FROM={whatsapp} "
               f"BIZWATCH_TWILIO_API_BASE_URL=http://127.0.0.1:{port} bizwatch serve", err=True)
    run_fake(["--port", str(port), "--account-sid", account, "--auth-token", token, "--phone-number", number,
              "--whatsapp-number", whatsapp,
              "--inbound-url", settings.public_base_url.rstrip("/") + MESSAGES_PATH, *ctx.args])


def main() -> None:
    """Console-script entry point."""
    app()


from bot.delivery.cli import app as outbox_app  # noqa: E402

app.add_typer(outbox_app, name="outbox")

from bot.reports.cli import app as reports_app  # noqa: E402

app.add_typer(reports_app, name="reports")

from bot.advice.cli import app as advice_app  # noqa: E402

app.add_typer(advice_app, name="advice")

from bot.campaigns.subscribers_cli import app as subscribers_app  # noqa: E402

app.add_typer(subscribers_app, name="subscribers")

from bot.campaigns.cli import alerts_app, app as campaigns_app  # noqa: E402

app.add_typer(campaigns_app, name="campaigns")
app.add_typer(alerts_app, name="alerts")

from nlu.cli import app as nlu_app  # noqa: E402

app.add_typer(nlu_app, name="nlu")

from bot.statements.cli import app as statements_app  # noqa: E402

app.add_typer(statements_app, name="statements")
