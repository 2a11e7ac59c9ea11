"""'What's happening with my report?': a reporter's own reports, their status and updates, on the web and by SMS."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.advice.gsm7 import is_gsm7, segments
from bot.channels import render_plain
from bot.config import Settings
from bot.reports.status import Outcome, Status
from bot.reports.updates import Change, set_status
from conftest import Chat
from reports_support import PHONE, mistype, submit_again, submit_damage, submit_shop_theft

LONDON = ZoneInfo("Europe/London")


def officer(sessions: sessionmaker[Session], settings: Settings, reference: str, at: datetime, status: Status,
            **facts) -> None:
    """An officer's change, as `bizwatch reports set-status` makes it."""
    with sessions.begin() as session:
        set_status(session, reference, Change(status, by="DC Patel", **facts), at, settings)


def test_on_the_web_the_list_gives_the_latest_update_and_a_reference_the_history(engine, sessions, settings, clock):
    shop = Chat(engine, address="shop-a")
    reference = submit_damage(shop)  # Sunday 22 November
    assert "no update yet" in shop.say("any news on my report").lower()
    officer(sessions, settings, reference, datetime(2026, 11, 23, 10, 0, tzinfo=LONDON), Status.UNDER_REVIEW)
    officer(sessions, settings, reference, datetime(2026, 12, 2, 9, 30, tzinfo=LONDON),
            Status.CRIME_REFERENCE_ISSUED, crime_number="43/12345/26")
    officer(sessions, settings, reference, datetime(2026, 12, 3, 15, 0, tzinfo=LONDON), Status.OFFICER_ASSIGNED,
            officer="PC 1234 Smith", note="I will ring you on Friday.")
    clock.now = datetime(2026, 12, 4, 9, 0, tzinfo=LONDON)
    listed = shop.say("wots happenin wiv my report")
    assert listed.startswith(f"{reference}: criminal damage, sent 22 Nov. Update yesterday: an officer was assigned, "
                             "PC 1234 Smith. Crime reference 43/12345/26.")
    assert "Send a reference" in listed and "I will ring you" not in listed
    history = shop.say(f"whats the latest on {reference.lower().replace('-', ' ')}").splitlines()
    assert history == [f"{reference}: criminal damage, sent 22 Nov.",
                       "22 Nov: received by the business crime team.",
                       "23 Nov: the police are reviewing it.",
                       "Wednesday: a crime reference was issued, 43/12345/26.",
                       "Yesterday: an officer was assigned, PC 1234 Smith. Note: I will ring you on Friday."]


def test_by_sms_every_reply_is_plain_gsm7_and_short(engine, sessions, settings, clock):
    sms = Chat(engine, channel="sms", address=PHONE)
    reference = submit_damage(sms)
    officer(sessions, settings, reference, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON),
            Status.CRIME_REFERENCE_ISSUED, crime_number="43/12345/26")
    officer(sessions, settings, reference, datetime(2026, 11, 26, 16, 0, tzinfo=LONDON), Status.CLOSED,
            outcome=Outcome.NO_SUSPECT, note="We will reopen it if they are seen again.")
    clock.now = datetime(2026, 11, 27, 12, 0, tzinfo=LONDON)
    closed = "it was closed. Outcome: no suspect could be identified."
    for asked, expected in (("has anyone looked at my report yet", f"Update yesterday: {closed} Crime reference "
                                                                   "43/12345/26."),
                            (reference, f"Yesterday: {closed} Note: We will reopen it if they are seen again.")):
        reply = sms.say(asked)
        assert expected in reply, reply
        assert reference in reply and "Sunday" in reply  # sent five days ago: the weekday is enough
        for message in sms.replies:
            text = render_plain(message, compact=True)
            assert is_gsm7(text) and segments(text) <= 3, text


def test_someone_elses_reference_reveals_nothing_on_any_channel(engine, sessions, settings):
    reference = submit_damage(Chat(engine, channel="sms", address=PHONE))
    officer(sessions, settings, reference, datetime(2026, 11, 23, 11, 0, tzinfo=LONDON),
            Status.CRIME_REFERENCE_ISSUED, crime_number="43/12345/26")
    for stranger in (Chat(engine, channel="sms", address="+447700900999"), Chat(engine, channel="web", address=PHONE)):
        for asked in (reference, f"status of {reference}", f"show my report {reference}"):
            reply = stranger.say(asked)
            assert "can't find" in reply, reply
            assert "43/12345/26" not in reply and "criminal damage" not in reply and "Kumar" not in reply
        assert "can't find any reports" in stranger.say("what's happening with my report?")


def test_a_mistyped_reference_is_pointed_out(engine):
    shop = Chat(engine, address="shop-a")
    reference = submit_damage(shop)
    reply = shop.say(f"any news on {mistype(reference)}")
    assert "doesn't look right" in reply and mistype(reference) in reply and "criminal damage" not in reply


def test_many_reports_show_the_latest_three_and_say_how_to_see_the_rest(engine, clock):
    shop = Chat(engine, address="shop-a")
    references = [submit_shop_theft(shop)]
    for _ in range(3):
        clock.advance(days=1)
        references.append(submit_again(shop))
    clock.advance(days=1)
    listed = shop.say("any update on my reports?")
    assert [r for r in references if r in listed] == references[1:]
    assert "latest 3 of 4" in listed and "Send a reference" in listed
    assert "sent yesterday" in listed and "sent today" not in listed


def test_show_my_report_ends_with_its_latest_news(engine, sessions, settings):
    shop = Chat(engine, address="shop-a")
    reference = submit_shop_theft(shop)
    officer(sessions, settings, reference, datetime(2026, 11, 22, 17, 0, tzinfo=LONDON), Status.EVIDENCE_RECEIVED)
    reply = shop.say("show my report")
    assert "Kumar's Convenience Store" in reply and reply.endswith("Update today: the police received your evidence.")
