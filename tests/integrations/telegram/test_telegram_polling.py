"""Reporting over Telegram with long polling, through python-telegram-bot against the fake Bot API.

The service polls the fake as `bizwatch serve` does without a public https address; the person's
side is the fake's (typing, tapping, sending a photo); replies reach them the way a sender worker
sends them, through the channel's `send` for each queued outbox row.
"""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from bot.storage.models import Contact, Conversation, OutboxMessage
from dialog import verify_dialog
from integrations.telegram.commands import COMMANDS
from integrations.telegram.fake import FakeTelegram
from integrations.telegram.runtime import TelegramRuntime
from telegram_test_support import (  # noqa: F401 - fixtures
    PRIYA,
    TAPS,
    TelegramUser,
    check_the_report,
    eventually,
    fake,
    polling,
    tell_a_whole_report,
    telegram_service,
)


def test_a_whole_report_over_telegram_with_taps_and_a_photo(polling, fake: FakeTelegram, sessions) -> None:
    reference = tell_a_whole_report(TelegramUser(fake, polling))
    check_the_report(polling, reference)
    # Every tap was answered, and its keyboard taken away once the turn was saved.
    eventually(lambda: len(fake.edits) == TAPS, "keyboards removed")
    assert len(fake.callback_answers) == TAPS and all(edit.reply_markup is None for edit in fake.edits)


def test_an_old_keyboard_tapped_later_answers_nothing(polling, fake: FakeTelegram, sessions) -> None:
    priya = TelegramUser(fake, polling)
    priya.say("/report")
    [first_question] = [m for m in fake.sent_to(PRIYA) if ("Yes, danger now", "yes, danger now") in m.buttons]
    assert "What happened?" in priya.say("no its over")  # typed: the first keyboard is still showing
    fake.press_button(PRIYA, "yes, danger now", message_id=first_question.message_id)
    eventually(lambda: fake.edits, "the old keyboard removed")
    [answer] = fake.callback_answers
    assert answer.text == "That was an earlier question. Please answer the latest one."
    assert [(e.message_id, e.reply_markup) for e in fake.edits] == [(first_question.message_id, None)]
    assert "999" not in priya.say("shop theft")  # the report carries on where it was
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 3  # three turns, no more


def test_the_command_menu_is_set_at_start_up(polling, fake: FakeTelegram) -> None:
    assert [entry["command"] for entry in fake.commands()] == [command.name for command in COMMANDS]
    assert all(entry["description"] for entry in fake.commands())


def test_commands_do_what_their_words_say(polling, fake: FakeTelegram) -> None:
    priya = TelegramUser(fake, polling)
    verify_dialog(priya, [
        ("/report", "is the person still there"),
        ("/cancel", "cancel this report?"),
    ])
    assert "Nothing has been sent to the police" in priya.tap("Yes, cancel it")
    verify_dialog(priya, [
        ("/start", "I'm bizwatch"),
        ("/status", "can't find any reports sent from this chat"),
        ("/advice@bizwatch_fake_bot", "what would you like advice on?"),
        ("/help", "ask about any crime worry in your own words"),
    ])


def test_blocking_and_unblocking_the_bot_marks_the_chat(polling, fake: FakeTelegram, sessions) -> None:
    priya = TelegramUser(fake, polling)
    priya.say("hiya")
    fake.block(PRIYA)

    def unreachable_at():
        with sessions() as session:
            return session.scalar(select(Contact.unreachable_at).where(Contact.address == str(PRIYA)))

    eventually(unreachable_at, "marked unreachable")
    fake.unblock(PRIYA)
    eventually(lambda: unreachable_at() is None, "marked reachable again")


def test_stopping_handles_what_was_fetched_and_leaves_no_thread(sessions, interpreter, settings, clock, fake,
                                                                 tmp_path) -> None:
    service = telegram_service(sessions, interpreter, settings, clock, fake, tmp_path)
    runtime = TelegramRuntime(service, service.channels["telegram"], "polling")
    runtime.start().result(10)
    updates = [fake.inject_text(PRIYA + n, "someone nicked my bike") for n in range(3)]
    eventually(lambda: fake.pending_updates == [] or fake.calls["getUpdates"] > 2, "fetched")
    runtime.stop()
    with sessions() as session:
        turns = session.scalar(select(func.count()).select_from(OutboxMessage))
        people = session.scalar(select(func.count()).select_from(Conversation))
    assert turns == people == len(updates)
    assert not [thread for thread in threading.enumerate() if thread.name == "telegram"]
