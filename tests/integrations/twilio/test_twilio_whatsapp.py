"""bizwatch over WhatsApp through the fake Twilio: the 24-hour window (free-form inside it; outside it a
template, SMS, or waiting), Twilio's 63016, media, and opting out."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.delivery.outbox import Purpose, queue
from bot.messages import Outbound
from bot.storage.models import Consent, Contact
from integrations.twilio.fake import FakeTwilio, Media
from integrations.twilio.keywords import HELP_TEXT
from integrations.twilio.window import HOLD_PREFIX, WINDOW, Facts, Way, WindowLookup, whatsapp_route
from twilio_test_support import (  # noqa: F401 - fixtures
    USER,
    WHATSAPP,
    Bizwatch,
    _module_fake,
    bizwatch,
    fake,
    twilio_settings,
)

TEMPLATE = "HX" + "7" * 32
NOW = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# The decision, on its own
@pytest.mark.parametrize(("facts", "template", "way"), [
    (Facts(NOW - timedelta(hours=23, minutes=59)), None, Way.FREE_FORM),
    (Facts(NOW - WINDOW), TEMPLATE, Way.TEMPLATE),
    (Facts(NOW - WINDOW, sms_allowed=True), None, Way.SMS),
    (Facts(NOW - WINDOW, sms_allowed=True), TEMPLATE, Way.TEMPLATE),  # a template keeps them on WhatsApp
    (Facts(None), None, Way.HOLD),  # never wrote to us on WhatsApp
    (Facts(NOW - timedelta(days=3)), None, Way.HOLD),
    # Twilio said 63016 after their last message: closed, whatever our clock says...
    (Facts(NOW - timedelta(hours=1), closed_at=NOW - timedelta(minutes=5)), None, Way.HOLD),
    # ...until they write again.
    (Facts(NOW - timedelta(minutes=1), closed_at=NOW - timedelta(minutes=5)), None, Way.FREE_FORM),
])
def test_how_a_whatsapp_message_may_go(facts: Facts, template: str | None, way: Way) -> None:
    route = whatsapp_route(NOW, facts, template)
    assert route.way is way
    assert route.reason.startswith(HOLD_PREFIX) if way is Way.HOLD else route.reason == ""
    assert len(route.reason) <= 120


def test_the_window_is_looked_up_while_a_worker_holds_the_write_lock(settings, sessions) -> None:
    """A sender looks the window up beside the other senders' writes; on SQLite a lookup that queued for
    the write lock timed out under a campaign's load (and the message was tried again later)."""
    lookup = WindowLookup(settings.database_url)
    try:
        with sessions.begin() as session:
            queue(session, channel="sms", address=USER, key="holds-the-lock", purpose=Purpose.STATUS,
                  messages=[Outbound("Written while the lookup runs.")], now=NOW)  # the write lock is held from here
            facts = lookup(USER, sms_possible=False)
    finally:
        lookup.close()
    assert facts == Facts(None)


# Through the fake
def queue_update(bizwatch: Bizwatch, clock, text: str = "Your report BW-123 is with an officer.") -> None:
    with bizwatch.sessions.begin() as session:
        queue(session, channel="whatsapp", address=USER, key=f"update:{text}", purpose=Purpose.STATUS,
              messages=[Outbound(text)], now=clock())


def test_within_the_window_replies_are_free_form_whatsapp_messages(bizwatch: Bizwatch, fake: FakeTwilio) -> None:
    [reply] = bizwatch.whatsapp("hiya someone nicked £80 of meat this morning")

    assert "\nReply 1 No, it's over, 2 Yes, danger now" in reply
    [sent] = fake.sent
    assert (sent.to, sent.from_, sent.channel, sent.content_sid) == (WHATSAPP + USER, WHATSAPP + fake.settings.
                                                                       whatsapp_number, "whatsapp", None)
    [row] = bizwatch.rows()
    assert (row.channel, row.address, row.status) == ("whatsapp", USER, "delivered")  # read counts as delivered


def test_outside_the_window_a_configured_template_carries_the_message(settings, sessions, interpreter, clock,
                                                                      fake: FakeTwilio, tmp_path: Path) -> None:
    app_settings = twilio_settings(settings, fake, twilio_whatsapp_template_sid=TEMPLATE)
    with Bizwatch(app_settings, sessions, interpreter, clock, fake, tmp_path) as bizwatch:
        bizwatch.whatsapp("hello")
        clock.advance(hours=25)
        queue_update(bizwatch, clock, "Your report BW-123\n\nis with an officer.")
        bizwatch.deliver()

    sent = fake.sent[-1]
    assert (sent.content_sid, sent.body) == (TEMPLATE, "")
    assert json.loads(sent.content_variables or "") == {"1": "Your report BW-123 is with an officer."}
    assert bizwatch.rows(purpose="status")[0].status == "delivered"


def test_outside_the_window_it_goes_by_sms_to_someone_who_texts_us(bizwatch: Bizwatch, fake: FakeTwilio,
                                                                     clock) -> None:
    bizwatch.text("hello")  # they use SMS with us from the same phone, and have not texted STOP
    bizwatch.whatsapp("hello")
    clock.advance(hours=25)
    queue_update(bizwatch, clock)
    bizwatch.deliver()

    sent = fake.sent[-1]
    assert (sent.channel, sent.to, sent.body) == ("sms", USER, "Your report BW-123 is with an officer.")
    [row] = bizwatch.rows(purpose="status")
    assert (row.channel, row.status) == ("whatsapp", "delivered")  # the SMS's callbacks found the WhatsApp row


def test_outside_the_window_with_no_other_way_it_waits_until_they_write(bizwatch: Bizwatch, fake: FakeTwilio,
                                                                         clock) -> None:
    bizwatch.text("hello")
    bizwatch.text("STOP")  # no consent for SMS any more
    bizwatch.whatsapp("hello")
    clock.advance(hours=25)
    queue_update(bizwatch, clock)
    sent_before = len(fake.sent)
    bizwatch.deliver()

    [row] = bizwatch.rows(purpose="status")
    assert row.status == "held" and row.hold_reason.startswith(HOLD_PREFIX)
    assert len(fake.sent) == sent_before

    bodies = bizwatch.whatsapp("any news on my report?")  # opens the window: the update goes with the reply
    assert "Your report BW-123 is with an officer." in bodies
    assert bizwatch.rows(purpose="status")[0].status == "delivered"


@pytest.mark.parametrize(("template", "then"), [(None, "held"), (TEMPLATE, "delivered")])
def test_twilio_saying_63016_closes_the_window_we_thought_open(settings, sessions, interpreter, clock,
                                                                fake: FakeTwilio, tmp_path: Path,
                                                                template: str | None, then: str) -> None:
    app_settings = twilio_settings(settings, fake, twilio_whatsapp_template_sid=template)
    with Bizwatch(app_settings, sessions, interpreter, clock, fake, tmp_path) as bizwatch:
        bizwatch.whatsapp("hello")
        fake.settings.whatsapp_window = 0.0  # Twilio's clock says the window has closed; ours does not
        queue_update(bizwatch, clock)
        bizwatch.deliver()
        bizwatch.deliver()  # a requeued row goes again, now as a template

    [row] = bizwatch.rows(purpose="status")
    assert row.status == then
    outcomes = [(m.content_sid, m.status, m.error_code) for m in fake.sent[1:]]
    if template is None:
        assert outcomes == [(None, "failed", 63016)]
        assert row.hold_reason.startswith(HOLD_PREFIX) and row.provider_ids == []
    else:
        assert outcomes == [(None, "failed", 63016), (TEMPLATE, "read", None)]


def test_a_photo_on_whatsapp_is_fetched_into_the_evidence_store(bizwatch: Bizwatch, tmp_path: Path) -> None:
    import hashlib

    bizwatch.whatsapp("photo of the damage", media=(Media("image/png", PNG),))
    digest = hashlib.sha256(PNG).hexdigest()
    assert (tmp_path / "evidence" / digest[:2] / digest).read_bytes() == PNG


def test_stop_on_whatsapp_opts_out_of_whatsapp_and_start_says_we_are_back(bizwatch: Bizwatch, clock) -> None:
    bizwatch.whatsapp("someone nicked £80 of meat this morning")
    queue_update(bizwatch, clock)

    assert bizwatch.whatsapp("Stop") == []  # no carrier confirms on WhatsApp, and we send nothing to the stopped
    with bizwatch.sessions() as session:
        contact = session.scalars(select(Contact).filter_by(channel="whatsapp", address=USER)).one()
        [consent] = session.scalars(select(Consent)).all()
    assert contact.opted_out_at is not None and (consent.source, consent.action) == ("whatsapp_keyword", "opt_out")
    assert bizwatch.rows(purpose="status")[0].status == "cancelled"

    [back] = bizwatch.whatsapp("start")
    assert "WhatsApp messages from bizwatch again" in back
    assert "where did it happen" in bizwatch.whatsapp("no it's over")[0].lower()


def test_help_on_whatsapp_is_the_conversation_s_own_help(bizwatch: Bizwatch) -> None:
    bizwatch.whatsapp("someone nicked £80 of meat this morning")
    replies = bizwatch.whatsapp("help")
    assert HELP_TEXT not in replies
    assert "is anyone hurt or in danger right now?" in replies[-1]  # the question, asked again
