"""Transcripts of the report as people really type it (audit 7): text-speak, courtesies and other phrasings.

Each test uses wording the code was not written around and checks what the user sees: the reply,
the summary line, and the stored row.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.storage.models import Report
from dialog import PLACE, verify_dialog

START = [("someone nicked £80 of meat yesterday at 3pm", "still there"), ("no", "where did it happen")]


def draft(sessions) -> Report:
    with sessions() as session:
        report = session.scalars(select(Report).where(Report.status == "draft")).one()
        report.items  # noqa: B018 - load before the session closes
        return report


def summary(chat) -> list[str]:
    """The lines of the last summary shown."""
    return chat.text.split("Here's your report:", 1)[1].split("Say 'submit'", 1)[0].strip().splitlines()


def test_skip_none_and_dont_know_however_typed_are_acknowledged_never_stored(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
        ("yesterday 3pm", "where"), (PLACE, "own words"), ("two lads came in and ran off", "what was taken"),
        ("skip that one plz", "leave that out"),
        ("soz no idea", "value not known"),
        ("none at all", "ok, no description"),
        ("no", "ok, no cctv"), ("Nope.", "ok, no witnesses"),
        ("Priya Kumar, owner, 07700 900123", "prefer"), ("text", "statement"), ("yes", "here's your report"),
    ])
    shown = "\n".join(summary(chat)).lower()
    assert "taken:" not in shown and "offenders:" not in shown and "skip" not in shown and "soz" not in shown
    report = draft(sessions)
    assert report.items == [] and report.offenders == [] and report.value_gbp is None


def test_tapping_thats_all_twice_is_no_description_not_an_offender(chat, sessions):
    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("That's all", "describe them"),
                         ("That's all", "ok, no description")])
    assert draft(sessions).offenders == []


def test_nothing_to_add_at_the_story_moves_on_without_adding_it(chat, sessions):
    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("nah nothing", "describe them")])
    assert draft(sessions).description == "someone nicked £80 of meat yesterday at 3pm"


def test_no_at_a_detail_question_is_acknowledged_not_stored(chat, sessions, engine):
    from conftest import Chat

    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("damage", "when"), ("yesterday 3pm", "where"),
        (PLACE, "own words"), ("came in to find it like that", "what was damaged"),
        ("nah", "your description will do"),
        ("not yet, later", "cost not known yet"),
    ])
    assert "damage" not in draft(sessions).details
    staff = Chat(engine, address="staff")
    verify_dialog(staff, [
        ("report a crime", "still there"), ("no", "what happened"), ("violence or abuse to staff", "when"),
        ("yesterday 3pm", "where"), (PLACE, "own words"), ("customer shouted and shoved my cashier", "anyone hurt"),
        ("No.", "no one hurt"), ("nope", "leave that out"),
    ])
    fraud = Chat(engine, address="fraud")
    verify_dialog(fraud, [
        ("report a crime", "still there"), ("no", "what happened"), ("fraud", "when"), ("yesterday 3pm", "where"),
        (PLACE, "own words"), ("bloke said he was from the bank", "how much"), ("£300", "how did it happen"),
        ("no sorry", "your description will do"),
    ])
    with sessions() as session:
        rows = {r.crime_type: r.details for r in session.scalars(select(Report))}
    assert "staff_involved" not in rows["violence_against_staff"] and "how_it_happened" not in rows["fraud"]


def test_no_or_later_at_number_questions_moves_on(chat, engine):
    from conftest import Chat

    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("leaving without paying", "when"),
        ("today 2pm", "where"), (PLACE, "own words"), ("filled up and drove off", "which pump"),
        ("dont no", "pump not known"),
    ])
    cctv = Chat(engine, address="cctv")
    verify_dialog(cctv, [*START, (PLACE, "anything to add"), ("that's all", "describe them"),
                         ("tall man, black coat", "cctv"), ("yeah", "tell me about the footage"),
                         ("l8r", "the officer can check the footage")])


def to_review(chat) -> None:
    verify_dialog(chat, [*START, (PLACE, "anything to add"), ("that's all", "describe them"),
                         ("tall man, black coat", "cctv"), ("no", "anyone else"), ("no", "your name"),
                         ("Priya Kumar, owner, 07700 900123, priya@kumarstores.co.uk", "prefer"), ("text", "statement"),
                         ("yes", "here's your report")])


def you_line(chat) -> str:
    return next(line for line in summary(chat) if line.startswith("You:"))


def test_changing_the_number_changes_only_the_number(chat):
    to_review(chat)
    verify_dialog(chat, [("change my mobile", "what phone number or email"),
                         ("07700 900888 is the new one", "here's your report")])
    assert you_line(chat) == "You: Priya Kumar, owner - +447700900888, priya@kumarstores.co.uk (prefers a text message)"
    verify_dialog(chat, [("edit my details", "your name and role"), ("new number 07700 900777", "here's your report")])
    assert you_line(chat) == "You: Priya Kumar, owner - +447700900777, priya@kumarstores.co.uk (prefers a text message)"


def test_a_stray_word_is_not_taken_as_a_name_and_change_goes_where_asked(chat, sessions):
    to_review(chat)
    verify_dialog(chat, [("correct my name", "your name"), ("txt", "your name, for example"),
                         ("amend the statement", "witness statement"), ("nah", "your name"),
                         ("Sam", "here's your report")])
    assert you_line(chat) == "You: Sam, owner - +447700900123, priya@kumarstores.co.uk (prefers a text message)"
    assert "Willing to give a statement: no" in summary(chat)


def test_after_999_guidance_in_the_change_menu_it_comes_back_to_the_menu(chat):
    to_review(chat)
    verify_dialog(chat, [("change something", "which part"), ("HES GOT A KNIFE", "999"),
                         ("he's gone now, all safe", "which part would you like to change")])
    assert "Nothing, go back" in chat.buttons


def test_hesitation_after_cancel_carries_on_and_is_never_kept_as_the_answer(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
        ("yesterday 3pm", "where did it happen"),
        ("cancel", "cancel this report?"), ("umm hang on", "i haven't cancelled anything"),
        ("cancel", "cancel this report?"), ("oh wait noooo", "where did it happen"),
        ("cancel", "cancel this report?"), ("i didnt mean that", "where did it happen"),
        ("hmmm", "name of the business or its address"),
    ])
    assert draft(sessions).business_name is None
    verify_dialog(chat, [("cancel", "cancel this report?"), (PLACE, "i haven't cancelled anything")])
    assert "own words" in chat.text.lower()
    assert draft(sessions).business_name == "Kumar's Convenience Store"


def test_a_vague_week_stays_a_week_in_the_reply_summary_and_export(chat, sessions, clock):
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from bot.reports.export import report_to_dict

    clock.now = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)  # Monday 3pm
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
        ("some time last wk", "between monday 16 november 2026 and sunday 22 november 2026"),
        (PLACE, "own words"), ("took crisps", "worth"), ("£5", "describe"), ("skip", "cctv"), ("no", "anyone else"),
        ("no", "your name"), ("Priya Kumar, owner, 07700 900123", "prefer"), ("text", "statement"),
        ("yes", "here's your report"),
    ])
    assert "When: between Monday 16 November 2026 and Sunday 22 November 2026" in summary(chat)
    with sessions() as session:
        data = report_to_dict(session.scalars(select(Report)).one(), ZoneInfo("Europe/London"))
    assert (data["occurred_at"], data["occurred_until"], data["occurred_time_known"]) == (
        "2026-11-16T00:00:00+00:00", "2026-11-23T00:00:00+00:00", False)


@pytest.mark.parametrize("said, shown", [
    ("over night", "between sunday 22 november 2026, 10:00pm and monday 23 november 2026, 6:00am"),
    ("at the wkend", "between saturday 21 november 2026 and sunday 22 november 2026"),
    ("lunch time", "monday 23 november 2026, between 12:00pm and 2:00pm"),
    ("this avo", "monday 23 november 2026, between 12:00pm and 3:00pm"),
    ("2day mornin", "monday 23 november 2026, between 6:00am and 12:00pm"),
])
def test_vague_times_are_windows_not_refused_or_made_exact(chat, sessions, clock, said, shown):
    from datetime import datetime, timezone

    clock.now = datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
                         (said, f"got it: {shown}"), (PLACE, "own words")])  # no "roughly what time?"
    report = draft(sessions)
    assert report.occurred_time_known is False and report.occurred_until is not None


def test_a_fraud_by_phone_is_not_asked_about_cameras_even_when_it_mentions_a_customer(chat, engine):
    from conftest import Chat

    verify_dialog(chat, [
        ("bloke rang us claiming he was a regular customer owed a refund yesterday at 2pm, we sent him £250",
         "action fraud"), ("nope", "where did it happen"), (PLACE, "anything to add"),
    ])
    chat.say("that's all")
    chat.say("he wanted it by bank transfer")
    terminal = Chat(engine, address="terminal")
    verify_dialog(terminal, [
        ("scammer phoned saying he was from the card machine firm this morning, had us read out codes and £400 went",
         "action fraud"), ("nope", "where did it happen"), (PLACE, "anything to add"),
    ])
    terminal.say("that's all")
    terminal.say("skip")
    for asked in (chat.transcript.lower(), terminal.transcript.lower()):
        assert "describe them" not in asked and "cctv" not in asked and "anyone else see" not in asked
        assert "your name and role" in asked
    till = Chat(engine, address="till")
    verify_dialog(till, [("she handed over a dodgy tenner at the counter yesterday at 3pm", "fraud"),
                         ("nope", "where did it happen"), (PLACE, "anything to add"), ("that's all", "how did it happen"),
                         ("it failed the pen test", "describe them")])


def test_only_real_goods_are_noted_from_the_opening_and_otherwise_asked(chat, sessions, engine):
    from conftest import Chat

    reply = chat.say("some kid swiped off the counter earlier on")
    assert "shop theft" in reply.lower() and "taken:" not in reply.lower()
    verify_dialog(chat, [("nope", "when did it happen"), ("about an hour ago", "where"), (PLACE, "anything to add"),
                         ("that's all", "what was taken")])
    assert draft(sessions).items == []
    beer = Chat(engine, address="beer")
    reply = beer.say("they nicked a box of mars bars sometime yesterday")
    assert "taken: a box of mars bars." in reply.lower()


def test_what_the_story_says_was_damaged_or_hurt_is_confirmed_not_asked_again(chat, sessions, engine):
    from conftest import Chat

    reply = chat.say("some yobs kicked in the shutter on our back door yesterday afternoon")
    assert "damage: kicked in the shutter on our back door" in reply.lower()
    verify_dialog(chat, [("nope", "where"), (PLACE, "anything to add"), ("that's all", "repair cost")])
    assert "What was damaged" not in chat.transcript
    punch = Chat(engine, address="punch")
    reply = punch.say("drunk lad headbutted my barman at 10pm yesterday, he's got a broken nose")
    assert "injuries: broken nose" in reply.lower()
    verify_dialog(punch, [("nah", "where"), (PLACE, "anything to add"), ("that's all", "which staff")])
    assert "was anyone hurt" not in punch.transcript.lower()


def test_a_fraud_story_that_says_how_is_confirmed_and_dont_know_is_accepted(chat, sessions):
    verify_dialog(chat, [
        ("we were emailed a bogus invoice last tuesday and paid £1,800", "action fraud"),
        ("nope", "what time"), ("dunno", "where"), (PLACE, "anything to add"),
        ("that's all", "how did it happen? you said it was a fake invoice, by email"),
        ("no idea tbh", "noted: a fake invoice, by email"),
    ])
    assert "your name" in chat.text.lower()
    assert draft(sessions).details["how_it_happened"] == "a fake invoice, by email"


def test_a_reference_with_a_character_missing_or_extra_is_said_to_be_mistyped(chat):
    reply = chat.say("any news on bw-7k3m-q9x")
    assert "BW-7K3M-Q9X doesn't look right: it has 7 characters after BW, and references have 8" in reply
    assert "BW-7KQM-3XZ9" in reply and "can't find any reports" not in reply
    reply = chat.say("BW7K3MQ9X33")
    assert "BW-7K3M-Q9X33 doesn't look right: it has 9 characters after BW, and references have 8" in reply
