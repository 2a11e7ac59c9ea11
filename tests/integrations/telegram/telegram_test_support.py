"""Helpers for the Telegram adapter's tests: the fake Bot API, a service with the Telegram channel, the
outbox's replies sent through the channel, and a Telegram user whose turns read like a transcript.

No conftest.py here (it would shadow the suite's own `conftest` module): test modules import what
they need from this one, fixtures included.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import integrations.telegram
from bot.channels import CAPABILITIES
from bot.delivery.outbox import Status, from_body, turn_key
from bot.engine import Engine
from bot.evidence.store import FolderStore
from bot.service import Service, default_flows
from bot.storage.models import OutboxMessage, Report, ReportAttachment
from dialog import PLACE, verify_dialog
from integrations.telegram import CHANNEL
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit
from integrations.telegram.runtime import TelegramRuntime
from nlu.reference import normalise_reference

TOKEN = "123456:bizwatch-test-token"
SECRET = "webhook-Secret_7f3a"
# Roomy enough that a conversation's replies are never refused; flood tests set their own limits.
ROOMY = FloodLimits(overall=Limit(1000, 1.0), per_chat=Limit(100, 1.0), per_group=Limit(100, 1.0))
PRIYA = 1001
FIXTURES = Path(integrations.telegram.__file__).parent / "fixtures"
WAIT_SECONDS = 10.0


def recorded(name: str) -> dict[str, Any]:
    """An update as the Bot API sends it, from the adapter's fixtures."""
    return json.loads((FIXTURES / f"{name}.json").read_text())


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN, limits=ROOMY, webhook_retry_delay=0.05) as telegram:
        yield telegram


def telegram_service(sessions, interpreter, settings, clock, fake: FakeTelegram, tmp_path: Path,
                     **overrides: Any) -> Service:
    """A service whose engine and channels include Telegram, pointed at the fake."""
    settings = settings.model_copy(update={
        "telegram_token": fake.token, "telegram_api_base_url": fake.base_url,
        "evidence_dir": str(tmp_path / "evidence"), **overrides})
    channel = TelegramChannel.from_settings(settings)
    engine = Engine(sessions, interpreter, settings, flows=default_flows(),
                    capabilities={**CAPABILITIES, CHANNEL: channel.capabilities}, clock=clock)
    return Service(settings=settings, database=sessions.kw["bind"], sessions=sessions, interpreter=interpreter,
                   engine=engine, evidence=FolderStore(settings.evidence_dir), channels={CHANNEL: channel})


@pytest.fixture
def polling(sessions, interpreter, settings, clock, fake, tmp_path) -> Iterator[Service]:
    """The service receiving from the fake by long polling, as `bizwatch serve` runs it without a public URL."""
    service = telegram_service(sessions, interpreter, settings, clock, fake, tmp_path, telegram_mode="polling")
    runtime = TelegramRuntime(service, service.channels[CHANNEL], "polling")
    runtime.start().result(WAIT_SECONDS)
    yield service
    runtime.stop()


def with_public_url(service: Service, url: str) -> Service:
    return dataclasses.replace(service, settings=service.settings.model_copy(update={"public_base_url": url}))


def eventually(condition: Callable[[], Any], what: str, timeout: float = WAIT_SECONDS) -> Any:
    """Wait until ``condition()`` is truthy (the fake and the poller work in their own threads)."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not in {timeout} s")
        time.sleep(0.01)
    return result


def handled(service: Service, update_id: int) -> bool:
    """Whether the update's turn was saved (its reply row is the record)."""
    with service.sessions() as session:
        return session.scalar(select(OutboxMessage.id).where(
            OutboxMessage.channel == CHANNEL, OutboxMessage.idempotency_key == turn_key(str(update_id)))) is not None


def deliver_queued(service: Service) -> int:
    """Send the queued Telegram rows through the channel, as a sender worker would; parts sent."""
    channel = service.channels[CHANNEL]
    sent = 0
    with service.sessions.begin() as session:
        rows = session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == CHANNEL, OutboxMessage.status == Status.QUEUED.value).order_by(OutboxMessage.id))
        for row in rows:
            parts = [part for message in from_body(row.body) for part in channel.render(message)]
            ids = [channel.send(row.address, part) for part in parts[row.parts_sent:]]
            row.parts_sent, row.provider_ids, row.status = len(parts), [*row.provider_ids, *ids], Status.SENT.value
            sent += len(ids)
    return sent


class TelegramUser:
    """Someone on Telegram: each action waits for its turn, sends the queued replies and returns them."""

    def __init__(self, fake: FakeTelegram, service: Service, user_id: int = PRIYA) -> None:
        self.fake = fake
        self.service = service
        self.user_id = user_id

    def say(self, text: str) -> str:
        return self._reply_to(self.fake.inject_text(self.user_id, text))

    def tap(self, title: str) -> str:
        """Tap the button with this title on the latest keyboard."""
        data = dict(self.buttons)[title]
        return self._reply_to(self.fake.press_button(self.user_id, data))

    def send_photo(self, data: bytes, caption: str | None = None) -> str:
        return self._reply_to(self.fake.inject_photo(self.user_id, data, width=1600, height=1200, caption=caption))

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """The keyboard of the latest message that still shows one: (title, callback data)."""
        for sent in reversed(self.fake.sent_to(self.user_id)):
            markup = self.fake.message(self.user_id, sent.message_id).get("reply_markup")
            if markup:
                return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]
        return []

    def _reply_to(self, update: dict[str, Any]) -> str:
        eventually(lambda: handled(self.service, update["update_id"]), f"update {update['update_id']} handled")
        before = self.fake.sent_count(self.user_id)
        deliver_queued(self.service)
        return "\n".join(message.text or "" for message in self.fake.sent_to(self.user_id)[before:])


# A JPEG's first bytes and some body: the evidence store sniffs the type from them.
PHOTO = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 64 + b"\xff\xd9"
TAPS = 10  # buttons tapped in tell_a_whole_report


def tell_a_whole_report(priya: TelegramUser) -> str:
    """Criminal damage reported the way people use Telegram: commands, taps, text-speak and a photo.

    Returns the reference given at the end.
    """
    assert "I'm bizwatch" in priya.say("/start")
    assert [title for title, _ in priya.buttons] == ["Report a crime", "Prevention advice"]
    assert "still there" in priya.tap("Report a crime")
    assert "What happened?" in priya.tap("No, it's over")
    assert "When did it happen?" in priya.tap("Damage or graffiti")
    verify_dialog(priya, [
        ("last nite about 2am", "where did it happen"),
        (PLACE, "in your own words"),
        ("sum1 bent the shutter n sprayed tags all over it", "what was damaged"),
        ("shutter bent + graffiti", "repair"),
        ("bout 400 quid", "describe them"),
    ])
    assert "no description" in priya.tap("Didn't see them")
    assert "Send any photos" in priya.tap("No")
    assert "1 photo so far" in priya.send_photo(PHOTO, caption="the shutter this morning")
    assert "Did anyone else see it?" in priya.tap("Done")
    assert "your name and role" in priya.tap("No")
    verify_dialog(priya, [("Priya Kumar, owner, 07700 900123", "prefer")])
    assert "witness statement" in priya.tap("Text message")
    assert "Photos: 1" in priya.tap("Yes, both")
    reference = normalise_reference(priya.tap("Submit").split("reference is", 1)[1])
    assert reference is not None
    return reference


def check_the_report(service: Service, reference: str) -> None:
    """The report told in tell_a_whole_report is stored, with its photo kept as evidence."""
    with service.sessions() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        [photo] = session.scalars(select(ReportAttachment).where(ReportAttachment.kind == "photo")).all()
    assert report.crime_type == "criminal_damage" and report.channel == CHANNEL
    assert report.value_gbp == 400 and report.reporter_phone == "+447700900123"
    assert photo.report_id == report.id and photo.content_type == "image/jpeg"
    assert photo.sha256 == hashlib.sha256(PHOTO).hexdigest() and photo.size_bytes == len(PHOTO)
    stored = Path(service.settings.evidence_dir) / photo.storage_key[:2] / photo.storage_key
    assert stored.read_bytes() == PHOTO
