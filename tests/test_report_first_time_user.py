"""What a first-time user hit on the report conversation, as transcripts: each must now go right."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from bot.storage.models import Report
from dialog import PLACE, verify_dialog, you

START = [("someone nicked £80 of meat yesterday at 3pm", "still there"), ("no", "where did it happen")]


def draft(sessions) -> Report:
    with sessions() as session:
        report = session.scalars(select(Report).where(Report.status == "draft")).one()
        report.items  # noqa: B018 - load before the session closes
        return report


def to_review(chat) -> None:
    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("that's all", "describe them"),
                         ("tall man, black coat", "cctv"), ("no", "anyone else"), ("no", "your name"), *you()])


def test_skip_is_never_kept_as_an_answer(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("burglary", "when"), ("last night", "where"),
        (PLACE, "own words"), ("door forced overnight", "what was taken"),
        ("skip", "leave that out"),
        ("SKIP", "describe them"),
        ("pass", "cctv"), ("no", "anyone else"), ("no", "your name"),
        ("skip", "i need this one to send the report"),
    ])
    report = draft(sessions)
    assert report.items == [] and report.offenders == [] and report.reporter_name is None
    verify_dialog(chat, [("Priya, owner, 07700 900123", "prefer"), ("text", "statement"), ("yes", "your report")])
    assert "skip" not in chat.text.lower().split("say 'submit'")[0].split("here's your report")[1]


def test_required_questions_explain_why_instead_of_storing_skip(chat):
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"),
                         ("skip", "it tells me which questions matter"), ("fraud", "when"),
                         ("don't know", "a rough answer like 'yesterday' is fine")])


def test_going_back_to_the_story_keeps_what_was_added(chat, sessions):
    verify_dialog(chat, [*START, (PLACE, "anything to add"),
                         ("he also took two bottles of wine", "describe them"),
                         ("back", "so far: \"someone nicked £80 of meat yesterday at 3pm\nhe also took two bottles of wine\""),
                         ("that's all", "describe them")])
    assert "he also took two bottles of wine" in draft(sessions).description


def test_no_to_vehicle_and_witnesses_is_acknowledged_as_no_not_skipped(chat, sessions):
    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("that's all", "describe them"),
                         ("two lads, drove off in a blue car", "did you get the registration"),
                         ("no", "ok, registration not known"), ("no", "ok, no cctv"), ("no", "ok, no witnesses")])
    assert "skipped" not in chat.transcript.lower()
    assert draft(sessions).witnesses == "none"


def test_the_contact_question_offers_what_it_says_and_can_be_skipped(chat, sessions, engine):
    from conftest import Chat

    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("that's all", "describe"), ("skip", "cctv"),
                         ("no", "anyone else"), ("no", "your name"),
                         ("Priya Kumar, owner, 07700 900123", "phone call, text message?")])
    assert chat.buttons == ["Phone call", "Text message", "Any is fine"]
    verify_dialog(chat, [("skip", "ok, any way is fine"), ("no", "your report")])
    with_email = Chat(engine, address="emailer")
    verify_dialog(with_email, [*START, (PLACE, "anything to add"), ("that's all", "describe"), ("skip", "cctv"),
                               ("no", "anyone else"), ("no", "your name"),
                               ("Priya Kumar, owner, 07700 900123, priya@kumarstores.co.uk",
                                "phone call, text message, email?"), ("email", "statement")])
    only_email = Chat(engine, address="only-email")
    verify_dialog(only_email, [*START, (PLACE, "anything to add"), ("that's all", "describe"), ("skip", "cctv"),
                               ("no", "anyone else"), ("no", "your name"), ("Sam, manager, sam@shop.co.uk", "statement")])


def test_change_something_offers_every_part_and_back_returns_to_the_summary(chat):
    to_review(chat)
    verify_dialog(chat, [("change something", "which part would you like to change")])
    for part in ("Time", "Place", "What happened", "Offenders", "Cctv", "Witnesses", "Your details",
                 "Contact method", "Statement and court", "Nothing, go back"):
        assert part in chat.buttons, part
    verify_dialog(chat, [("back", "here's your report")])
    verify_dialog(chat, [("change something", "which part"), ("change cctv", "do you have cctv"),
                         ("yes, face is clear, clock right, 14 days", "link"), ("later", "here's your report")])
    assert "CCTV: yes, shows face, clock right, overwritten after 14 days" in chat.text
    verify_dialog(chat, [("change your details", "your name and role"),
                         ("Sam Patel, manager, 07700 900456", "prefer"), ("call", "here's your report")])
    assert "You: Sam Patel, manager - +447700900456 (prefers a phone call)" in chat.text


def test_an_answer_at_the_cancel_question_is_taken_not_refused(chat, sessions):
    verify_dialog(chat, [*START, ("cancel", "cancel this report?"),
                         (PLACE, "i haven't cancelled anything")])
    assert "anything to add" in chat.text.lower() and "please say yes or no" not in chat.text.lower()
    assert draft(sessions).business_name == "Kumar's Convenience Store"


def test_cancelling_advice_needs_no_confirmation_and_speaks_of_advice(chat):
    verify_dialog(chat, [("advice on shoplifting", "shop theft"), ("cancel", "closed the advice")])
    assert "report" not in chat.text.split(".")[0].lower()


def test_a_long_paste_is_kept_in_parts_not_cut_off(chat, sessions, settings):
    first = "They came in at opening. " + "They filled bags with meat and cheese. " * 120
    verify_dialog(chat, [*START, (PLACE, "anything to add"),
                         (first, "kept the first 4,000 characters"),
                         ("And then they ran towards the car park.", "added that"),
                         ])
    assert "describe them" in chat.text.lower()
    report = draft(sessions)
    assert report.description.endswith("And then they ran towards the car park.")


def test_a_long_paste_can_end_with_thats_all(chat, sessions):
    verify_dialog(chat, [*START, (PLACE, "anything to add"),
                         ("x " * 3000, "send the rest in your next message"), ("that's all", "describe them")])


def test_a_mistyped_reference_is_said_to_be_mistyped(chat):
    assert "doesn't look right" in chat.say("status of BW-L2W9-V8W8")
    assert "doesn't look right" in chat.say("show report BW-L2W9-V8WO")
    assert "can't find any reports" in chat.say("what's happening with my report?")


def test_an_absurd_amount_is_asked_about_not_stored(chat, sessions):
    verify_dialog(chat, [("someone nicked £999999999999 of meat yesterday at 3pm", "still there")])
    assert "999" not in chat.text.split("still there")[0].replace("999 ", "")
    assert draft(sessions).value_gbp is None
    verify_dialog(chat, [("no", "where"), (PLACE, "anything to add"), ("that's all", "roughly what was it all worth"),
                         ("£99999999999", "more than i'd expect"), ("£99", "describe them")])
    assert draft(sessions).value_gbp == Decimal("99")


def test_this_morning_stays_a_window_and_is_never_in_the_future(chat, sessions, clock):
    from datetime import datetime, timezone

    from bot.reports.export import report_to_dict
    from zoneinfo import ZoneInfo

    clock.now = datetime(2026, 11, 23, 8, 10, tzinfo=timezone.utc)  # Monday, 8:10am in London
    reply = chat.say("someone nicked £80 of meat this morning")
    assert "monday 23 november 2026, between 6:00am and 8:10am" in reply.lower() and "future" not in reply
    verify_dialog(chat, [("no", "where did it happen")])  # no "roughly what time?" for a window
    report = draft(sessions)
    assert report.occurred_time_known is False
    with sessions() as session:
        data = report_to_dict(session.get(Report, report.id), ZoneInfo("Europe/London"))
    assert data["occurred_at"] == "2026-11-23T06:00:00+00:00" and data["occurred_until"] == "2026-11-23T08:10:00+00:00"
    assert data["occurred_time_known"] is False


def test_a_part_of_the_day_given_as_the_answer_is_a_window_too(chat, sessions, clock):
    from datetime import datetime, timezone

    clock.now = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"), ("burglary", "when"),
                         ("last night", "between sunday 22 november 2026, 10:00pm and monday 23 november 2026, 6:00am"),
                         (PLACE, "in your own words"), ("change the time", "when did it happen"),
                         ("yesterday", "what time"), ("in the afternoon", "between 12:00pm and 6:00pm")])
    assert draft(sessions).occurred_until is not None


def test_the_crime_type_is_understood_in_other_words_at_its_question(chat):
    for words, label in (("fare dodger ran off", "leaving without paying"), ("smashing up the front", "criminal damage"),
                         ("breaking into the warehouse", "burglary")):
        chat.address = f"shop-{label}"
        verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"), (words, f"noted: {label}")])
