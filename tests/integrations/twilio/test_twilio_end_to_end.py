"""SMS the whole way round: a person texting, Twilio's signed webhook, the engine, the outbox, the real
sender workers (woken by the turn), the twilio client, and the fake Twilio receiving what we send and
posting its status callbacks back. STOP mid-report stops everything; START lets the report go on.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.service import Service
from bot.storage.models import Consent, OutboxMessage
from conftest import LiveServer, service_with_workers
from dialog import PLACE
from integrations.twilio.channels import build_channels
from integrations.twilio.fake import FakeTwilio
from integrations.twilio.window import WindowLookup
from twilio_test_support import PUBLIC, USER, _module_fake, fake, twilio_settings  # noqa: F401 - fixtures

WAIT = 15.0


@pytest.fixture
def texting(settings, sessions, interpreter, fake: FakeTwilio, tmp_path: Path) -> Iterator[Service]:
    settings = twilio_settings(settings, fake, delivery_poll_seconds=30.0)
    channels = build_channels(settings, window=WindowLookup(sessions=sessions))
    service = service_with_workers(settings, sessions, interpreter, channels, tmp_path / "evidence")
    from bot.web.app import create_app

    with LiveServer(create_app(service)) as server:
        fake.settings.proxy[PUBLIC] = server.url
        try:
            yield service
        finally:
            service.stop_workers()
            fake.wait_idle()


def texts(fake: FakeTwilio, body: str, words: str) -> str:
    """The person texts ``body``; wait for our text containing ``words`` (sent by a worker, not a helper)."""
    before = len(fake.sent)
    assert fake.send_sms(USER, body).status_code == 200
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = [m.body for m in fake.sent[before:] if m.to == USER and words.lower() in m.body.lower()]
        if found:
            return found[-1]
        time.sleep(0.02)
    raise AssertionError(f"no text with {words!r} after {body!r}: got {[m.body for m in fake.sent[before:]]}")


def test_a_report_by_text_goes_through_the_workers_and_stop_then_start_is_honoured(texting, fake, sessions):
    texts(fake, "someone nicked £80 of meat yesterday at 3pm", "still there")
    texts(fake, "no", "where did it happen")
    texts(fake, PLACE, "anything to add")
    sent_before_stop = len(fake.sent)
    assert fake.send_sms(USER, "STOP").status_code == 200
    time.sleep(1.0)  # the workers are awake: nothing may reach a STOPped number (the carrier answers STOP)
    assert [m for m in fake.sent[sent_before_stop:] if m.to == USER] == []
    with sessions() as session:
        consent = session.scalars(select(Consent).where(Consent.address == USER)).one()
    assert (consent.action, consent.source) == ("opt_out", "sms_keyword")

    assert fake.send_sms(USER, "START").status_code == 200
    texts(fake, "he put 6 steaks in his coat", "describe them")  # the report carries on where it was
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:  # the status callbacks take every reply to delivered
        with sessions() as session:
            rows = session.execute(select(OutboxMessage.status, OutboxMessage.error, OutboxMessage.body).where(
                OutboxMessage.purpose == "reply", OutboxMessage.channel == "sms")).all()
        answered = {status for status, _, body in rows if body}
        if answered == {"delivered"}:
            break
        time.sleep(0.05)
    assert answered == {"delivered"}
    # STOP and START were the carrier's words: recorded as handled, with nothing of ours to send.
    assert sorted(error for status, error, body in rows if not body) == ["nothing to send: carrier word START",
                                                                         "nothing to send: carrier word STOP"]
