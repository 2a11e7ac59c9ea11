"""Show, change, pause, resume and stop alerts in the conversation, by web and by SMS, in people's own words."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from alerts_support import consents, subscription
from bot.advice.gsm7 import is_gsm7
from bot.campaigns import subscriptions as subs
from bot.campaigns.vocabulary import TOPIC_CODES
from bot.channels import render_plain
from conftest import START, Chat
from dialog import verify_dialog

PHONE = "+447700900123"
LONDON = ZoneInfo("Europe/London")


def signed_up_on_web(chat: Chat) -> None:
    chat.script("sign me up for alerts", "here", "shop theft", "done", "WS1", "retail", "2 a week", "yes")


def signed_up_by_sms(engine) -> Chat:
    sms = Chat(engine, channel="sms", address=PHONE)
    sms.script("get crime alerts", "all of them", "WS1", "other", "2", "yes", "YES")
    assert "have started" in sms.text
    return sms


def test_show_change_pause_resume_and_stop_in_the_web_chat(chat, sessions, clock):
    signed_up_on_web(chat)
    verify_dialog(chat, [("show my alerts", "your crime alerts are on.\nby: messages in this chat\n"
                                            "about: shop theft\narea: ws1")])
    assert chat.buttons == ["Change topics", "Change area", "Change how many", "Pause alerts", "Stop alerts"]
    verify_dialog(chat, [("Change area", "which area"), ("walsall", "done, i've changed that"),
                         ("change alert topics", "what would you like alerts about"),
                         ("All of these", "about: all topics")])
    with sessions() as session:
        row = subscription(session, "web", "shop-1")
        assert (row.areas, row.topics) == (["walsall"], list(TOPIC_CODES))
        first, changed = consents(session, "shop-1")
        assert changed.action == "opt_in" and "About: all topics" in changed.wording
    verify_dialog(chat, [("pause my alerts for 2 weeks", "paused: no alerts until sunday 6 december")])
    with sessions() as session:
        row = subscription(session, "web", "shop-1")
        assert row.status == "paused"
        assert row.paused_until == datetime(2026, 12, 6, tzinfo=LONDON)
        assert not subs.is_receiving(session, row, START)
        assert subs.is_receiving(session, row, START + timedelta(days=14))  # the pause ends by itself
    verify_dialog(chat, [("my alerts", "paused until sunday 6 december"), ("resume alerts", "back on")])
    verify_dialog(chat, [("stop sending me alerts", "you won't get any more crime alerts")])
    stopped = chat.text
    with sessions() as session:
        row = subscription(session, "web", "shop-1")
        assert row.status == "unsubscribed" and row.unsubscribed_at == START
        opt_out = consents(session, "shop-1")[-1]
        assert (opt_out.action, opt_out.scope, opt_out.wording) == ("opt_out", "alerts", stopped)
        assert not subs.is_receiving(session, row, START)
    verify_dialog(chat, [("my alerts", "you're not signed up for crime alerts")])


def test_manage_by_sms_with_numbered_options(engine, sessions):
    sms = signed_up_by_sms(engine)
    sms.say("my alerts")
    text = render_plain(sms.replies[-1], compact=True)
    assert "Reply 1 Change topics, 2 Change area, 3 Change how many, 4 Pause alerts, 5 Stop alerts" in text
    assert is_gsm7(text) and "By: texts to this number" in text
    verify_dialog(sms, [("4", "how long should i pause"), ("till January", "no alerts until friday 1 january 2027")])
    verify_dialog(sms, [("my alerts", "paused until friday 1 january 2027")])
    assert "4 Resume alerts, 5 Stop alerts" in render_plain(sms.replies[-1], compact=True)
    verify_dialog(sms, [("4", "back on")])
    verify_dialog(sms, [("my alerts", "alerts are on"), ("3", "how many alerts a week"), ("1", "at most: 1 a week")])
    verify_dialog(sms, [("stop alerts", "you won't get any more crime alerts (texts to this number)")])
    assert all(is_gsm7(render_plain(r, compact=True)) for r in sms.replies)
    with sessions() as session:
        assert subscription(session, "sms", PHONE).status == "unsubscribed"


@pytest.mark.parametrize("said", ["sign me up for alerts", "alrets pls", "alerts pls", "i want the crime warnings",
                                  "can i get alerts for my area", "subscibe me"])
def test_ways_of_asking_to_sign_up(engine, said):
    verify_dialog(Chat(engine, address=said), [(said, "let's set up your crime alerts")])


@pytest.mark.parametrize("said", ["stop sending me alerts", "unsuscribe", "no more alerts please", "turn alerts off",
                                  "unsubscribe", "opt out", "i dont want alerts anymore"])
def test_ways_of_asking_to_stop(engine, sessions, said):
    chat = Chat(engine, address="shop")
    signed_up_on_web(chat)
    verify_dialog(chat, [(said, "you won't get any more crime alerts")])
    with sessions() as session:
        assert subscription(session, "web", "shop").status == "unsubscribed"


@pytest.mark.parametrize("said, expected", [
    ("pause alerts till the new year", "until friday 1 january 2027"),
    ("mute alerts for a month", "until tuesday 22 december"),
    ("pause for 2 weeks", "until sunday 6 december"),
    ("pause alerts until the 3rd of feb", "until wednesday 3 february 2027"),
    ("can you pause them", "how long should i pause"),
    ("pause alerts until i say", "until you say 'resume alerts'"),
    ("pause my alerts for 2 years", "up to 26 weeks"),
])
def test_ways_of_asking_to_pause(engine, said, expected):
    chat = Chat(engine, address="shop")
    signed_up_on_web(chat)
    verify_dialog(chat, [(said, expected)])


def test_too_many_alerts_offers_fewer_before_stopping(chat, sessions):
    signed_up_on_web(chat)
    verify_dialog(chat, [("too many alerts", "you can choose fewer a week, or say 'stop alerts'"),
                         ("one a week", "at most: 1 a week")])
    with sessions() as session:
        assert subscription(session, "web", "shop-1").max_per_week == 1


def test_how_long_to_pause_asked_and_answered_with_a_date(chat):
    signed_up_on_web(chat)
    verify_dialog(chat, [("can you pause them", "how long should i pause"),
                         ("until the 3rd of feb", "no alerts until wednesday 3 february 2027")])


def test_a_pause_ends_by_itself(chat, clock):
    signed_up_on_web(chat)
    verify_dialog(chat, [("pause for a week", "no alerts until sunday 29 november")])
    clock.advance(days=8)
    verify_dialog(chat, [("my alerts", "your crime alerts are on")])
    assert "Pause alerts" in chat.buttons


def test_a_subscriber_need_not_say_alerts(chat):
    signed_up_on_web(chat)
    verify_dialog(chat, [("change my area", "which area"), ("B1", "area: b1")])
    verify_dialog(chat, [("pause for a week", "paused")])


def test_nothing_to_show_pause_or_stop_without_a_subscription(chat, sessions):
    verify_dialog(chat, [("show my alerts", "you're not signed up for crime alerts yet")])
    assert chat.buttons == ["Get crime alerts"]
    verify_dialog(chat, [("stop sending me alerts", "you're not signed up for any crime alerts")])
    verify_dialog(chat, [("change my area", "nothing under way to change")])  # not a subscriber: not about alerts
    with sessions() as session:
        assert consents(session, "shop-1") == []


def test_asking_to_sign_up_again_shows_the_alerts_they_have(chat):
    signed_up_on_web(chat)
    verify_dialog(chat, [("sign me up for alerts", "you already get crime alerts")])


def test_stop_alerts_part_way_through_a_change(chat, sessions):
    signed_up_on_web(chat)
    verify_dialog(chat, [("change area", "which area"), ("stop alerts", "you won't get any more")])
    with sessions() as session:
        assert subscription(session, "web", "shop-1").status == "unsubscribed"


def test_stop_or_slash_stop_on_the_channel_ends_alerts_whatever_the_rows_say(engine, sessions):
    """The SMS and Telegram adapters mark the contact opted out; no alert reaches it after that."""
    sms = signed_up_by_sms(engine)
    from bot.storage.models import Contact
    from sqlalchemy import select

    with sessions.begin() as session:
        contact = session.scalars(select(Contact).where(Contact.address == PHONE)).one()
        contact.opted_out_at = START + timedelta(minutes=1)
        row = subscription(session, "sms", PHONE)
        assert row.status == "active" and not subs.is_receiving(session, row, START + timedelta(minutes=2))
    assert sms.address == PHONE
