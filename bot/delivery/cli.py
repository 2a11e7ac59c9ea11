"""`bizwatch outbox`: list, show and retry the messages the service sends (each with --format json)."""

from __future__ import annotations

import json
from typing import Any, Optional
from zoneinfo import ZoneInfo

import typer

from bot.cli_formats import Shown
from bot.config import get_settings
from bot.delivery import operator
from bot.delivery.outbox import Status
from bot.delivery.wakeup import Wakeup
from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import OutboxMessage
from bot.storage.types import utcnow

app = typer.Typer(help="Look at the messages the service sends, and send a failed one again.", no_args_is_help=True)
COLUMNS = (("Id", 8), ("Channel", 10), ("Status", 12), ("Purpose", 9), ("Tries", 6), ("Parts", 6),
           ("Due (UTC)", 20), ("Error", 0))


FORMAT_OPTION = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")


def _sessions():  # type: ignore[no-untyped-def]
    return make_session_factory(make_engine(get_settings().database_url))


def _row(*cells: str) -> str:
    return " ".join(f"{cell:<{width}}" if width else cell for cell, (_, width) in zip(cells, COLUMNS)).rstrip()


def _echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2, ensure_ascii=False))


@app.command("list")
def list_messages(
    status: Optional[list[Status]] = typer.Option(None, "--status", "-s",
                                                   help="Only these statuses (repeat for several)."),
    channel: Optional[str] = typer.Option(None, "--channel", "-c", help="Only this channel (telegram, sms, ...)."),
    limit: int = typer.Option(50, min=1, help="At most this many, newest first."),
    fmt: Shown = FORMAT_OPTION,
) -> None:
    """One line per message, newest first: id, channel, status, purpose, attempts, parts sent, due time, error."""
    with _sessions()() as session:
        found = operator.messages(session, statuses=[s.value for s in status or []], channel=channel, limit=limit)
        if fmt is Shown.json:
            _echo_json([operator.as_dict(message) for message in found])
            return
        if not found:
            typer.echo("No messages.")
            return
        typer.echo(_row(*(name for name, _ in COLUMNS)))
        for m in found:
            typer.echo(_row(str(m.id), m.channel, m.status, m.purpose, str(m.attempts), str(m.parts_sent),
                            m.due_at.strftime("%Y-%m-%d %H:%M:%S"), m.error_code or "-"))


@app.command("show")
def show(outbox_id: int = typer.Argument(..., metavar="ID", help="The message id (from `bizwatch outbox list`)."),
         fmt: Shown = FORMAT_OPTION) -> None:
    """One message: who it is for, its text, where it is, and everything that happened to it."""
    with _sessions()() as session:
        message = session.get(OutboxMessage, outbox_id)
        if message is None:
            typer.echo(f"There is no message {outbox_id}.", err=True)
            raise typer.Exit(1)
        shown = {**operator.as_dict(message), "messages": message.body, "events": operator.events(session, outbox_id)}
    if fmt is Shown.json:
        _echo_json(shown)
        return
    for name in operator.LIST_FIELDS:
        if shown[name] not in (None, [], ""):
            typer.echo(f"{name.replace('_', ' ').capitalize()}: {shown[name]}")
    for number, part in enumerate(shown["messages"], start=1):
        options = ", ".join(button["title"] for button in part.get("buttons", []))
        typer.echo(f"\nMessage {number}:\n{part['text']}" + (f"\n[{options}]" if options else ""))
    typer.echo("\nHistory:")
    for event in shown["events"]:
        extra = " ".join(f"{key}={event[key]}" for key in ("provider_id", "error_code") if event[key])
        typer.echo(f"  {event['at']}  {event['kind']:<8} {event['status']:<11} {extra} {event['detail'] or ''}".rstrip())


@app.command("retry")
def retry(outbox_id: int = typer.Argument(..., metavar="ID", help="The failed message's id."),
          fmt: Shown = FORMAT_OPTION) -> None:
    """Queue a failed message to be sent again now, or after the quiet hours if it can wait (the parts
    already sent are not sent again)."""
    settings = get_settings()
    with make_session_factory(make_engine(settings.database_url)).begin() as session:
        try:
            now = utcnow()
            message = operator.retry(session, outbox_id, now, settings)
        except operator.NotRetryable as refusal:
            typer.echo(str(refusal), err=True)
            raise typer.Exit(1) from None
        shown, channel, at = operator.as_dict(message), message.channel, message.next_attempt_at
    wakeup = Wakeup(settings.database_url)
    wakeup(channel)  # workers in other processes hear it at once on PostgreSQL
    wakeup.close()
    if fmt is Shown.json:
        _echo_json(shown)
    else:
        later = "" if at <= now else \
            f" at {at.astimezone(ZoneInfo(settings.timezone)):%H:%M on %a %d %b}, after the quiet hours"
        typer.echo(f"Message {outbox_id} is queued to be sent again{later}.")
