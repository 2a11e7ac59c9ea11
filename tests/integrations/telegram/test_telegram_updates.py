"""What each kind of update from Telegram becomes: the exact words, sender and files a turn is given.

A recording engine stands in for the dialogue here, so each test reads the ``Inbound`` itself;
the polling and webhook tests run the real dialogue.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import delete
from telegram import Update

from bot.channels.web import RETRY_TEXT
from bot.delivery.outbox import Purpose, queue
from bot.engine import DatabaseUnavailable
from bot.storage.types import utcnow
from bot.messages import Button, Inbound, Outbound
from bot.service import Service
from bot.storage.models import OutboxMessage
from conftest import LiveServer
from integrations.telegram.fake import FakeTelegram
from integrations.telegram.inbound import incoming
from integrations.telegram.keyboard import Sent, SentMessages
from integrations.telegram.runtime import TelegramRuntime
from telegram_test_support import (  # noqa: F401 - fixtures
    PRIYA,
    SECRET,
    deliver_queued,
    eventually,
    fake,
    recorded,
    telegram_service,
    with_public_url,
)

INVOICE = b"%PDF-1.4 invoice from 'Sparkle Cleaning Ltd' for work never done"


class Recorder:
    """Stands in for the engine: keeps what each turn was given; ``failing`` plays a database away."""

    def __init__(self) -> None:
        self.inbound: list[Inbound] = []
        self.failing = False
        self.clock = utcnow  # the engine's clock, which other routes of the app read
        self.on_queued = None  # the engine's wake-up for sender workers: none here

    def handle(self, inbound: Inbound) -> list[Outbound]:
        if self.failing:
            raise DatabaseUnavailable("OperationalError")
        self.inbound.append(inbound)
        return []

    def wait_for(self, count: int) -> list[Inbound]:
        eventually(lambda: len(self.inbound) >= count, f"{count} turns")
        return self.inbound


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


def recording_service(sessions, interpreter, settings, clock, fake, tmp_path, recorder, **overrides) -> Service:
    service = telegram_service(sessions, interpreter, settings, clock, fake, tmp_path, **overrides)
    return dataclasses.replace(service, engine=recorder)


@pytest.fixture
def polled(sessions, interpreter, settings, clock, fake, tmp_path, recorder) -> Iterator[Service]:
    service = recording_service(sessions, interpreter, settings, clock, fake, tmp_path, recorder,
                                evidence_max_bytes=4096)
    runtime = TelegramRuntime(service, service.channels["telegram"], "polling")
    runtime.start().result(10)
    yield service
    runtime.stop()


def test_commands_become_the_words_the_dialogue_knows(polled, fake: FakeTelegram, recorder: Recorder) -> None:
    said = ["/start", "/start ref-campaign-42", "/report", "/report@bizwatch_fake_bot", "/advice shoplifting",
            "/status", "/help", "/cancel", "/back", "/ nothing", "hello /report"]
    updates = [fake.inject_text(PRIYA, text) for text in said]
    turns = recorder.wait_for(len(said))
    assert [turn.text for turn in turns] == [
        "hello", "hello", "report a crime", "report a crime", "advice shoplifting",
        "what's happening with my report", "help", "cancel", "back", "/ nothing", "hello /report"]
    assert {(turn.channel, turn.address) for turn in turns} == {("telegram", str(PRIYA))}
    assert [turn.message_id for turn in turns] == [str(update["update_id"]) for update in updates]


def test_a_document_is_kept_as_evidence_with_its_caption_as_the_words(polled, fake, recorder) -> None:
    fake.inject_document(PRIYA, INVOICE, file_name="invoice.pdf", mime_type="image/png", caption="the fake invoice")
    [turn] = recorder.wait_for(1)
    [document] = turn.attachments
    assert turn.text == "the fake invoice"
    assert (document.kind, document.name, document.size) == ("document", "invoice.pdf", len(INVOICE))
    assert document.content_type == "application/pdf"  # from its bytes, not from what the sender's app claimed
    assert document.sha256 == document.storage_key == hashlib.sha256(INVOICE).hexdigest()
    stored = Path(polled.settings.evidence_dir) / document.storage_key[:2] / document.storage_key
    assert stored.read_bytes() == INVOICE


def test_the_largest_photo_size_is_the_one_kept(polled, fake, recorder) -> None:
    photo = b"\xff\xd8\xff\xe0" + bytes(200) + b"\xff\xd9"
    update = fake.inject_photo(PRIYA, photo, width=1280, height=960)
    [turn] = recorder.wait_for(1)
    [kept] = turn.attachments
    assert len(update["message"]["photo"]) > 1
    assert kept.file_id == update["message"]["photo"][-1]["file_id"] and kept.size == len(photo)
    assert turn.text == ""


def test_a_file_over_the_evidence_limit_is_passed_on_but_not_kept(polled, fake, recorder) -> None:
    fake.inject_document(PRIYA, b"\x00" * 5000, file_name="cctv-export.bin")  # the limit here is 4096 bytes
    [turn] = recorder.wait_for(1)
    [document] = turn.attachments
    assert document.file_id and document.name == "cctv-export.bin"
    assert (document.storage_key, document.sha256, document.size) == (None, None, None)
    assert not list(Path(polled.settings.evidence_dir).rglob("*"))


def test_a_tap_on_a_long_payload_gives_the_payload_back(polled, fake, recorder, sessions, clock) -> None:
    reports = ["show my report BW-7KQM-3XZ9 with the photos, the CCTV link and the witness details",
               "show every report sent from this chat, newest first, with their references and status"]
    with sessions.begin() as session:
        for number, payload in enumerate(reports):
            queue(session, channel="telegram", address=str(PRIYA), key=f"status:{number}", purpose=Purpose.STATUS,
                  messages=[Outbound("An officer has your report.", (Button(f"Show {number}", payload),))],
                  now=clock())
    deliver_queued(polled)
    first, latest = fake.sent_to(PRIYA)
    fake.press_button(PRIYA, latest.buttons[0][1])
    assert recorder.wait_for(1)[0].text == reports[1]
    with sessions.begin() as session:  # once the rows are purged, the button's title is the answer
        session.execute(delete(OutboxMessage))
    fake.press_button(PRIYA, first.buttons[0][1])
    assert recorder.wait_for(2)[1].text == "Show 0"
    assert all(len(data.encode()) <= 64 for message in (first, latest) for _, data in message.buttons)


def test_a_turn_that_cannot_be_saved_is_asked_again_when_polling(polled, fake, recorder) -> None:
    recorder.failing = True
    fake.inject_text(PRIYA, "someone nicked 2 bottles of vodka")
    [apology] = fake.wait_for_sent(1, chat_id=PRIYA)
    assert apology.text == RETRY_TEXT


def test_a_turn_that_cannot_be_saved_is_sent_again_by_telegram_with_a_webhook(
        sessions, interpreter, settings, clock, fake, tmp_path, recorder) -> None:
    from bot.web.app import create_app

    service = recording_service(sessions, interpreter, settings, clock, fake, tmp_path, recorder,
                                telegram_mode="webhook", telegram_webhook_secret=SECRET)
    recorder.failing = True
    with LiveServer(create_app(service)) as server:
        runtime = TelegramRuntime(with_public_url(service, server.url), service.channels["telegram"], "webhook")
        runtime.start().result(10)
        fake.inject_text(PRIYA, "hello?")
        eventually(lambda: fake.webhook_attempts, "a first delivery")
        recorder.failing = False  # the database is back
        [turn] = recorder.wait_for(1)
        runtime.stop()
    statuses = [attempt.status for attempt in fake.webhook_attempts]
    assert statuses[0] == 503 and statuses[-1] == 200 and set(statuses) == {503, 200}
    assert turn.text == "hello?" and fake.sent == []  # nothing sent from the handler


# -- updates as recorded ----------------------------------------------------------------------------


def parsed(name: str, **changes: object) -> Update:
    body = recorded(name)
    for path, value in changes.items():
        target = body
        *parents, last = path.split("__")
        for key in parents:
            target = target[key]
        target[last] = value
    return Update.de_json(body, None)


def test_recorded_updates_become_words_from_a_private_chat() -> None:
    text = incoming(parsed("text_message"))
    assert (text.address, text.text) == ("1001", "someone nicked 2 bottles of vodka from the shop this morning")
    assert incoming(parsed("command_report")).text == "report a crime"
    tap = incoming(parsed("callback_query"))
    assert (tap.address, tap.text, tap.tap.id) == ("1001", "no", "6801080119655311748")
    photo = incoming(parsed("photo"))
    assert photo.text == "this is him" and photo.message is not None and photo.message.photo
    assert incoming(parsed("document")).message.document.file_name == "invoice-march.pdf"


def test_groups_edits_and_membership_are_not_messages() -> None:
    assert incoming(parsed("text_message", message__chat={"id": -100200, "type": "group", "title": "Traders"})) is None
    edited = recorded("text_message")
    edited["edited_message"] = edited.pop("message")
    assert incoming(Update.de_json(edited, None)) is None
    assert incoming(parsed("my_chat_member_blocked")) is None


def test_only_a_newer_question_with_options_makes_a_keyboard_old() -> None:
    question = Outbound("Do you have CCTV of it?", (Button("Yes", "yes"), Button("No", "no")))
    reminder = Outbound("Please save your CCTV.", (Button("Done", "done"),))
    asked = SentMessages([Sent([Outbound("Noted.")], ["9"], reply=True), Sent([question], ["7", "8"], reply=True)])
    assert asked.superseded(6) and not asked.superseded(8)  # a keyboard before the question / the question's own
    reminded = SentMessages([Sent([reminder], ["12"], reply=False), *asked.rows])
    assert not reminded.superseded(8) and not reminded.superseded(12)  # a reminder asks nothing of the dialogue
    assert not SentMessages([Sent([question], [], reply=True)]).superseded(1)  # not sent yet: nothing to go by
