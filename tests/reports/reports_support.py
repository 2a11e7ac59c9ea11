"""Helpers for the report status tests: real reports made through the engine, and the CLI on the test database.

Fixtures live here (not in a conftest.py, which would shadow the suite's own ``conftest`` module);
test modules import the ones they use.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
import time_machine
from sqlalchemy import select
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import get_settings
from bot.messages import Attachment
from bot.storage.models import OutboxMessage, Report
from conftest import Chat
from dialog import PLACE, verify_dialog, you

PHONE = "+447700900123"


def submit_shop_theft(chat: Chat) -> str:
    """A shop theft reported in full through the engine; its reference."""
    verify_dialog(chat, [("someone stole 2 bottles of gin worth £50 yesterday at 9am", "still there"),
                         ("no", "where did it happen"), (PLACE, "anything to add"), ("that's all", "describe"),
                         ("tall man in a grey hoodie", "cctv"), ("no", "anyone else"), ("no", "your name"), *you()])
    return reference_in(chat.say("submit"))


def submit_again(chat: Chat) -> str:
    """Another shop theft from a reporter who has reported before (their details are offered back)."""
    verify_dialog(chat, [("another shop theft today 11am", "still there"), ("no", "was this at kumar's"),
                         ("yes", "anything to add"), ("that's all", "what was taken"), ("2 razors", "worth"),
                         ("£10", "describe"), ("skip", "cctv"), ("no", "anyone else"),
                         ("no", "use your details from last time"), ("yes", "witness statement"),
                         ("yes", "here's your report")])
    return reference_in(chat.say("submit"))


def submit_damage(chat: Chat) -> str:
    """A criminal damage report (no goods), the way a shop on SMS or the web would send it."""
    verify_dialog(chat, [("someone smashed our window last night", "still there"), ("no", "where did it happen"),
                         (PLACE, "anything to add"), ("that's all", "repair"),
                         ("£200", "describe"), ("skip", "cctv"), ("no", "anyone else"), ("no", "your name"),
                         *you()])
    return reference_in(chat.say("submit"))


def submit_with_photo(chat: Chat) -> str:
    """Graffiti with one photo kept in the evidence store (size and hash), on a channel that takes photos."""
    verify_dialog(chat, [("graffiti on our shutter this morning", "still there"), ("no", "where did it happen"),
                         (PLACE, "anything to add"), ("that's all", "repair"),
                         ("don't know", "describe"), ("skip", "cctv"), ("no", "photos")])
    chat.say("", attachments=(Attachment(kind="photo", file_id="AgAD-1", content_type="image/jpeg",
                                         storage_key="ab" * 16, size=48213, sha256="c0ffee" + "0" * 58),))
    verify_dialog(chat, [("done", "anyone else see"), ("no", "your name"), *you()])
    return reference_in(chat.say("submit"))


def reference_in(reply: str) -> str:
    return reply.split("reference is ", 1)[1][:12]


def mistype(reference: str) -> str:
    """The reference with its last (check) character changed."""
    return reference[:-1] + ("A" if reference[-1] != "A" else "B")


@pytest.fixture
def cli(settings, sessions, monkeypatch) -> CliRunner:
    """The `bizwatch` command line on the test database."""
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def run(cli: CliRunner, *args: str, at: datetime | None = None) -> Result:
    """``bizwatch reports ARGS``, at the frozen moment ``at`` when given."""
    if at is None:
        return cli.invoke(app, ["reports", *args])
    with time_machine.travel(at, tick=False):
        return cli.invoke(app, ["reports", *args])


def run_json(cli: CliRunner, *args: str, at: datetime | None = None) -> Any:
    result = run(cli, *args, "--format", "json", at=at)
    return json.loads(result.stdout)


def outbox_about(sessions, reference: str) -> list[OutboxMessage]:
    """The messages queued about one report (by its key prefix), oldest first."""
    with sessions() as session:
        report_id = session.scalars(select(Report.id).where(Report.reference == reference)).one()
        return list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"report:{report_id}:%")).order_by(OutboxMessage.id)))
