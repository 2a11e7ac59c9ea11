"""bizwatch over SMS, end to end: people text the fake Twilio, which posts signed webhooks to the app
(served by uvicorn on 127.0.0.1 behind a "proxy" at https://bizwatch.example); replies leave through the
outbox and the real twilio client, and the fake posts status callbacks back."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.advice.gsm7 import is_gsm7
from bot.channels.base import Part
from bot.delivery.errors import RecipientGone
from bot.delivery.outbox import Purpose, Status, from_body, queue
from bot.messages import Outbound
from bot.sender_limit import SLOW_DOWN
from bot.storage.models import Consent, Contact, Conversation, DeliveryEvent, OutboxMessage, Report
from dialog import PLACE
from integrations.twilio import MESSAGES_PATH, STATUS_PATH
from integrations.twilio.capabilities import SEGMENTS_PER_PART
from integrations.twilio.encoding import cost
from integrations.twilio.fake import FakeTwilio, Media
from integrations.twilio.keywords import HELP_TEXT, OPT_OUT_WORDS
from integrations.twilio.status import StatusUpdates
from twilio_test_support import (  # noqa: F401 - fixtures
    PUBLIC,
    USER,
    Bizwatch,
    _module_fake,
    bizwatch,
    fake,
    twilio_settings,
)

JPEG = b"\xff\xd8\xff\xe0" + b"smashed glass by the till" * 50 + b"\xff\xd9"
# A whole report by text, with numbers for the options, a HELP and a change at the review.
REPORT = ["someone nicked £80 of meat this morning", "1", PLACE, "he put 6 steaks in his bag", "skip", "1",
          "face clear, clock 5 minutes fast, 7 days", "1", "no", "Priya Kumar, owner, 07700 900123", "2", "1",
          "help", "change something", "back", "submit"]
_QUOTED = re.compile(r"""['"]\s*([A-Za-z]+)\s*['"]""")
_TOLD = re.compile(r"\b(?:say|text|reply|send|type|write)\s+([A-Za-z]+)\b", re.IGNORECASE)
_OPTIONS = re.compile(r"^Reply (.+)$", re.MULTILINE)


def offered_opt_out_words(text: str) -> set[str]:
    """Carrier opt-out words the text tells people to send: quoted, after 'say'/'text'/..., or leading an
    option ("3 Cancel it" invites "cancel")."""
    words = {w.upper() for w in _QUOTED.findall(text)} | {w.upper() for w in _TOLD.findall(text)}
    for options in _OPTIONS.findall(text):
        words |= {re.sub(r"^\d+\s+", "", option).split(" ")[0].upper() for option in options.split(", ")}
    return words & OPT_OUT_WORDS


def conversation(bizwatch: Bizwatch) -> Conversation:
    with bizwatch.sessions() as session:
        return session.scalars(select(Conversation).filter_by(channel="sms", address=USER)).one()


def test_the_checks_on_wording_can_fail() -> None:
    assert offered_opt_out_words("To abandon it, say 'cancel'.") == {"CANCEL"}
    assert offered_opt_out_words("Text STOP to stop.") == {"STOP"}
    assert offered_opt_out_words("Is it over?\nReply 1 Yes, 2 Quit") == {"QUIT"}
    assert offered_opt_out_words("Carry on?\nReply 1 Carry on, 2 Cancel it") == {"CANCEL"}
    assert offered_opt_out_words("You can stop at any point; the end of the report is near.") == set()


def test_a_whole_report_by_text_is_short_plain_gsm7_and_never_offers_a_carrier_word(bizwatch: Bizwatch,
                                                                                   fake: FakeTwilio) -> None:
    replies = [bizwatch.text(line) for line in REPORT]

    assert "your reference is" in replies[-1][-1].lower()
    assert replies[12] == [HELP_TEXT]  # HELP is the carrier's word: our help text, and the report goes on
    sent = [m for m in fake.sent if m.to == USER]
    assert len(sent) == len(REPORT)  # one text per turn
    assert any("\nReply 1 " in m.body for m in sent)  # options are numbered, on one line
    for message in sent:
        assert message.encoding == "GSM-7", message.body
        assert message.segments <= SEGMENTS_PER_PART
        assert (cost(message.body).encoding, cost(message.body).segments) == ("GSM-7", message.segments)
        assert bizwatch.channels["sms"].segments(Part(message.body)) == message.segments  # what rate limits count
        if message.body != HELP_TEXT:
            assert offered_opt_out_words(message.body) == set(), message.body
    # What the flows wrote, before any rendering, is GSM-7 too (rendering is not hiding anything).
    for row in bizwatch.rows(channel="sms"):
        for outbound in from_body(row.body):
            assert is_gsm7(outbound.text) and all(is_gsm7(b.title) for b in outbound.buttons), outbound.text
    # The status callbacks took every message to delivered; each attempt and report is an event.
    rows = [row for row in bizwatch.rows(channel="sms") if row.purpose == "reply"]
    assert {row.status for row in rows} == {Status.DELIVERED.value}
    later = [row for row in bizwatch.rows(channel="sms") if row.purpose != "reply"]
    assert {row.purpose for row in later} <= {"reminder"} and all(row.status == "queued" for row in later)
    with bizwatch.sessions() as session:
        events = session.execute(select(DeliveryEvent.kind, DeliveryEvent.status)).all()
    assert events.count(("attempt", "sent")) == len(sent)
    assert events.count(("status", "delivered")) == len(sent)


def test_an_mms_photo_is_kept_as_evidence_with_its_hash(settings, sessions, interpreter, clock, fake: FakeTwilio,
                                                        tmp_path: Path) -> None:
    app_settings = twilio_settings(settings, fake, twilio_sms_media=True)  # a number that takes MMS
    with Bizwatch(app_settings, sessions, interpreter, clock, fake, tmp_path / "evidence") as bizwatch:
        for line in REPORT[:7]:
            bizwatch.text(line)
        assert "photos" in bizwatch.text("later")[-1]
        [reply] = bizwatch.text("", media=(Media("image/jpeg", JPEG),))
        assert "1 photo" in reply
        bizwatch.text("done")

    with sessions() as session:
        report = session.scalars(select(Report)).one()
        [photo] = [a for a in report.attachments if a.kind == "photo"]
    digest = hashlib.sha256(JPEG).hexdigest()
    assert (photo.sha256, photo.size_bytes, photo.content_type) == (digest, len(JPEG), "image/jpeg")
    assert (tmp_path / "evidence" / digest[:2] / digest).read_bytes() == JPEG
    assert photo.url.startswith(fake.base_url)  # where Twilio kept it (fetched with the account's credentials)


def test_stop_mid_report_stops_everything_at_once_and_start_carries_on(bizwatch: Bizwatch, fake: FakeTwilio,
                                                                      clock) -> None:
    bizwatch.text(REPORT[0])
    bizwatch.text("1")
    bizwatch.text(PLACE)
    fake.send_sms(USER, "he put 6 steaks in his bag")  # its reply is still queued when STOP comes
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="cctv-reminder", purpose=Purpose.REMINDER,
              messages=[Outbound("Reminder: please save your CCTV.")], now=clock(), due_at=clock() + timedelta(hours=1))
    sent_before = len(fake.sent)

    assert bizwatch.text(" Stop ") == []

    with bizwatch.sessions() as session:
        contact = session.scalars(select(Contact).filter_by(channel="sms", address=USER)).one()
        [consent] = session.scalars(select(Consent)).all()
    assert contact.opted_out_at == clock()
    assert (consent.channel, consent.address, consent.action, consent.scope, consent.source, consent.wording,
            consent.at) == ("sms", USER, "opt_out", "all", "sms_keyword", "STOP", clock())
    waiting = [row for row in bizwatch.rows(channel="sms") if row.parts_sent == 0]
    assert [(row.purpose, row.status) for row in waiting] == [
        ("reply", "cancelled"), ("reminder", "cancelled"), ("reply", "cancelled")]  # the last: the STOP itself
    assert waiting[-1].body == []
    assert conversation(bizwatch).flow == "report"  # the report is kept, not cancelled
    assert fake.is_stopped(USER)

    # Nothing more is sent: not the queued messages, not replies to what they text now, not HELP.
    assert bizwatch.text("hello? anyone there") == []
    assert bizwatch.text("HELP") == []
    assert len(fake.sent) == sent_before
    with pytest.raises(RecipientGone) as refused:  # the attempt a worker must never make
        bizwatch.channels["sms"].send(USER, Part("Are you still there?"))
    assert (refused.value.code, refused.value.opted_out) == ("21610", True)

    assert bizwatch.text("START") == []  # Twilio confirms START itself; we add nothing
    with bizwatch.sessions() as session:
        assert session.scalars(select(Contact.opted_out_at).filter_by(channel="sms", address=USER)).one() is None
        actions = session.scalars(select(Consent.action).order_by(Consent.id)).all()
    assert actions == ["opt_out", "opt_in"]
    # The report carries on from the question they were last asked (to describe the offender).
    [reply] = bizwatch.text("young lad about 18, grey hoodie")
    assert "do you have cctv" in reply.lower()


@pytest.mark.parametrize("word", ["STOP", "stop", "Unsubscribe.", "  end  ", "QUIT!", "cancel", "Revoke",
                                  "optout", "StopAll"])
def test_every_opt_out_word_stops_the_number_whatever_the_question(bizwatch: Bizwatch, word: str) -> None:
    bizwatch.text(REPORT[0])
    assert bizwatch.text(word) == []
    with bizwatch.sessions() as session:
        assert session.scalars(select(Contact.opted_out_at).filter_by(address=USER)).one() is not None
    assert bizwatch.text("1") == []


@pytest.mark.parametrize("text", ["stop it please", "please cancel the report", "can't stop now", "end of story"])
def test_a_carrier_word_inside_a_sentence_is_an_ordinary_message(bizwatch: Bizwatch, text: str) -> None:
    bizwatch.text(REPORT[0])
    assert bizwatch.text(text) != []
    with bizwatch.sessions() as session:
        assert session.scalars(select(Contact.opted_out_at).filter_by(address=USER)).one() is None
        assert session.scalars(select(Consent)).all() == []


def test_yes_is_an_answer_unless_the_number_opted_out(bizwatch: Bizwatch) -> None:
    bizwatch.text("someone nicked £80 of meat this morning")
    [reply] = bizwatch.text("yes")  # "is anyone in danger now?" - yes: the 999 guidance, not an opt-in
    assert "999" in reply
    bizwatch.text("STOP")
    assert bizwatch.text("Yes") == []  # one of Twilio's opt-in words: they are back
    with bizwatch.sessions() as session:
        assert session.scalars(select(Consent.wording).where(Consent.action == "opt_in")).all() == ["YES"]


@pytest.mark.parametrize("word", ["HELP", "help", "Info?"])
def test_help_gets_our_help_text_and_the_report_goes_on(bizwatch: Bizwatch, fake: FakeTwilio, word: str) -> None:
    bizwatch.text(REPORT[0])
    assert bizwatch.text(word) == [HELP_TEXT]
    assert fake.sent[-1].segments == 1 and fake.sent[-1].encoding == "GSM-7"
    for needed in ("bizwatch", "999", "STOP", "report"):
        assert needed in HELP_TEXT
    [reply] = bizwatch.text("1")  # the report's question is still the one waiting
    assert "where did it happen" in reply.lower()


@pytest.mark.parametrize("forge", ["token", "url", "params", "missing"])
def test_a_forged_or_misdirected_webhook_gets_403_and_nothing_is_stored(bizwatch: Bizwatch, fake: FakeTwilio,
                                                                       forge: str) -> None:
    answer = fake.send_sms(USER, "STOP" if forge == "params" else "someone nicked £80 of meat", forge=forge)
    status = bizwatch.post(STATUS_PATH, {"MessageSid": "SM" + "1" * 32, "MessageStatus": "delivered", "To": USER},
                           token="not-our-token")

    assert (answer.status_code, status.status_code) == (403, 403)
    with bizwatch.sessions() as session:
        for model in (Conversation, Contact, OutboxMessage, Consent, DeliveryEvent):
            assert session.scalars(select(model)).all() == []


def test_a_signature_for_another_of_our_urls_is_refused(bizwatch: Bizwatch) -> None:
    form = {"MessageSid": "SM" + "2" * 32, "From": USER, "To": "+447700900000", "Body": "hello"}
    assert bizwatch.post(MESSAGES_PATH, form, signed_for=PUBLIC + STATUS_PATH).status_code == 403
    assert bizwatch.post(MESSAGES_PATH, form, signed_for=bizwatch.server.url + MESSAGES_PATH).status_code == 403
    assert bizwatch.rows() == []


def test_behind_the_proxy_the_public_url_with_its_query_is_what_counts(bizwatch: Bizwatch) -> None:
    form = {"MessageSid": "SM" + "3" * 32, "From": USER, "To": "+447700900000", "Body": "hello"}
    path = MESSAGES_PATH + "?area=walsall"
    answer = bizwatch.post(path, form, signed_for=PUBLIC + path)  # posted to 127.0.0.1, signed for https://...
    assert answer.status_code == 200
    assert answer.text == '<?xml version="1.0" encoding="UTF-8"?><Response/>'  # replies go through the outbox
    assert [row.idempotency_key for row in bizwatch.rows()] == ["turn:" + form["MessageSid"]]
    assert bizwatch.post(path, {**form, "MessageSid": "SM" + "4" * 32}, signed_for=PUBLIC + MESSAGES_PATH
                         ).status_code == 403


def test_the_same_message_posted_twice_is_one_turn(bizwatch: Bizwatch) -> None:
    first = {"MessageSid": "SM" + "5" * 32, "From": USER, "To": "+447700900000", "Body": REPORT[0]}
    stop = {**first, "MessageSid": "SM" + "6" * 32, "Body": "STOP"}
    for form in (first, first, stop, stop):
        assert bizwatch.post(MESSAGES_PATH, form).status_code == 200

    assert [row.idempotency_key for row in bizwatch.rows()] == ["turn:" + first["MessageSid"],
                                                                "turn:" + stop["MessageSid"]]
    with bizwatch.sessions() as session:
        assert len(session.scalars(select(Consent)).all()) == 1
    assert conversation(bizwatch).step == "danger"


def test_status_callbacks_shuffled_and_doubled_only_move_forward(bizwatch: Bizwatch, fake: FakeTwilio) -> None:
    fake.settings.shuffle_callbacks, fake.settings.duplicate_callbacks, fake.settings.seed = True, 1.0, 3
    fake.reset()
    for line in REPORT[:6]:
        bizwatch.text(line)

    rows = bizwatch.rows(channel="sms")
    assert {row.status for row in rows} == {"delivered"}
    sids = {sid for row in rows for sid in row.provider_ids}
    callbacks = [c for c in fake.callbacks if c.message_sid in sids]
    assert len(callbacks) == 4 * len(sids) and all(c.response_status == 204 for c in callbacks)
    orders = [[c.status for c in callbacks if c.message_sid == sid] for sid in sids]
    assert any(order.index("delivered") < order.index("sent") for order in orders)  # some came early
    with bizwatch.sessions() as session:
        reports = session.scalars(select(DeliveryEvent.status).where(DeliveryEvent.kind == "status")).all()
    assert sorted(reports) == sorted(c.status for c in callbacks)  # every callback is on record

    # A late "sent" or "queued" after "delivered" changes nothing.
    row = rows[-1]
    for late in ("sent", "queued", "sending"):
        form = {"MessageSid": row.provider_ids[0], "MessageStatus": late, "To": USER}
        assert bizwatch.post(STATUS_PATH, form).status_code == 204
    assert bizwatch.rows(id=row.id)[0].status == "delivered"


def test_a_long_message_is_split_and_delivered_when_every_part_is(bizwatch: Bizwatch, fake: FakeTwilio,
                                                                  clock) -> None:
    text = " ".join(["Check the cameras cover the till, the door and the car park, and that the clock is right."] * 25)
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="advice", purpose=Purpose.CAMPAIGN,
              messages=[Outbound(text)], now=clock())
    bodies = bizwatch.deliver(USER)

    assert len(bodies) == 2 and all(len(body) <= 1530 for body in bodies)
    assert " ".join(bodies) == text
    assert [m.segments for m in fake.sent] == [10, cost(bodies[1]).segments]
    [row] = bizwatch.rows()
    assert (row.status, row.parts_sent, len(row.provider_ids)) == ("delivered", 2, 2)


@pytest.mark.parametrize(("purpose", "after"), [(Purpose.REMINDER, "queued"), (Purpose.REPLY, "undelivered")])
def test_an_unreachable_phone_gets_a_reminder_again_later_but_not_a_stale_reply(
        bizwatch: Bizwatch, fake: FakeTwilio, clock, purpose: Purpose, after: str) -> None:
    fake.set_delivery(USER, "undelivered", 30003)
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="k", purpose=purpose, messages=[Outbound("Hello")],
              now=clock())
    bizwatch.deliver()

    [row] = bizwatch.rows()
    assert (row.status, row.error_code) == (after, "30003")
    if after == "queued":
        assert row.next_attempt_at == clock() + timedelta(minutes=30) and row.provider_ids == []
        fake.set_delivery(USER, "delivered")
        clock.advance(minutes=31)
        bizwatch.deliver()
        [row] = bizwatch.rows()
        assert row.status == "delivered" and len(row.provider_ids) == 1
        assert len([m for m in fake.sent if m.to == USER]) == 2


@pytest.mark.parametrize("urgent", [False, True])
def test_an_unreachable_phone_in_the_evening_gets_the_reminder_again_after_the_quiet_hours(
        bizwatch: Bizwatch, fake: FakeTwilio, clock, urgent: bool) -> None:
    clock.advance(hours=4, minutes=25)  # Sunday 20:25 (GMT)
    fake.set_delivery(USER, "undelivered", 30003)
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="k", purpose=Purpose.REMINDER, messages=[Outbound("Hello")],
              now=clock(), urgent=urgent)
    bizwatch.deliver()
    [row] = bizwatch.rows()
    assert row.next_attempt_at == clock() + timedelta(minutes=30)  # 20:55: still the evening

    clock.advance(minutes=30)
    bizwatch.deliver()
    [row] = bizwatch.rows()
    two_hours_on = clock() + timedelta(hours=2)  # 22:55
    next_morning = clock().replace(hour=8, minute=0) + timedelta(days=1)
    assert (row.status, row.error_code) == ("queued", "30003")
    assert row.next_attempt_at == (two_hours_on if urgent else next_morning)


def test_a_landline_fails_for_good_and_is_not_tried_again(bizwatch: Bizwatch, fake: FakeTwilio, clock) -> None:
    fake.set_delivery(USER, "undelivered", 30006)
    bizwatch.text(REPORT[0])

    [row] = bizwatch.rows()
    assert (row.status, row.error_code) == ("undelivered", "30006")
    with bizwatch.sessions() as session:
        assert session.scalars(select(Contact.unreachable_at).filter_by(address=USER)).one() == clock()


def test_a_landline_that_never_wrote_to_us_is_marked_too(bizwatch: Bizwatch, fake: FakeTwilio, clock) -> None:
    """A campaign subscriber imported from a list has no contact row until something marks one."""
    fake.set_delivery(USER, "undelivered", 30006)
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="campaign:1:1", purpose=Purpose.CAMPAIGN,
              messages=[Outbound("Christmas advice for your shop.")], now=clock())
    bizwatch.deliver()

    assert [(row.status, row.error_code) for row in bizwatch.rows()] == [("undelivered", "30006")]
    with bizwatch.sessions() as session:
        assert session.scalars(select(Contact.unreachable_at).filter_by(address=USER)).one() == clock()


def test_reports_that_overtake_the_worker_are_folded_in_when_it_marks_the_row_sent(bizwatch: Bizwatch,
                                                                                 clock) -> None:
    sid = "SM" + "8" * 32
    with bizwatch.sessions.begin() as session:
        queue(session, channel="sms", address=USER, key="k", purpose=Purpose.STATUS, messages=[Outbound("Hi")],
              now=clock())
        row = session.scalars(select(OutboxMessage)).one()
        row.status, row.provider_ids, row.parts_sent = "sending", [sid], 1  # the worker has sent it, not yet marked
    for status in ("sent", "delivered"):
        assert bizwatch.post(STATUS_PATH, {"MessageSid": sid, "MessageStatus": status, "To": USER}).status_code == 204
    assert bizwatch.rows()[0].status == "sending"  # the worker's row, until it says otherwise

    with bizwatch.sessions.begin() as session:
        row = session.get(OutboxMessage, row.id, with_for_update=True)
        row.status = "sent"
        StatusUpdates(bizwatch.channels, bizwatch.service.settings).refresh(session, row, clock())
    assert bizwatch.rows()[0].status == "delivered"


def test_a_report_for_a_message_we_never_sent_is_let_go(bizwatch: Bizwatch) -> None:
    form = {"MessageSid": "SM" + "9" * 32, "MessageStatus": "delivered", "To": USER}
    assert bizwatch.post(STATUS_PATH, form).status_code == 204
    assert bizwatch.rows() == []


def test_abandoning_or_coming_back_by_text_never_offers_a_carrier_word(bizwatch: Bizwatch, clock) -> None:
    bizwatch.text("report a crime")
    asked = bizwatch.text("delete")  # SMS's word for cancelling (CANCEL alone would unsubscribe them)
    assert any("Yes, delete it" in text for text in asked), asked
    assert all(offered_opt_out_words(text) == set() for text in asked)
    bizwatch.text("2")  # No, carry on
    clock.advance(hours=3)
    offer = bizwatch.text("hello")
    assert any("Delete it" in text for text in offer), offer
    assert all(offered_opt_out_words(text) == set() for text in offer)


def test_a_sender_over_the_rate_limit_is_taken_not_read_and_told_once(settings, sessions, interpreter, clock, fake,
                                                                      tmp_path):
    limited = twilio_settings(settings, fake, rate_limit_per_sender="2/minute")
    with Bizwatch(limited, sessions, interpreter, clock, fake, tmp_path / "evidence") as bizwatch:
        assert "still there" in bizwatch.text("someone nicked £80 of meat this morning")[0]
        assert "Where did it happen" in bizwatch.text("1")[0]
        # Each answered 200 (Bizwatch.text checks), so Twilio has no reason to post them again.
        flood = [bizwatch.text(body) for body in (PLACE, "hello?", "are you there?")]
        bizwatch.text("STOP")  # opting out is never limited
    assert flood == [[SLOW_DOWN], [], []]
    with sessions() as session:
        assert session.scalars(select(Contact.opted_out_at).filter_by(address=USER)).one() is not None
        assert session.scalars(select(Report.business_name)).one() is None  # the place was not read
