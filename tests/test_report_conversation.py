"""Complete crime reports, one per crime type, from first message to reference number."""

from __future__ import annotations

import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.reports.export import report_to_dict
from bot.storage.models import Report
from dialog import PLACE, verify_dialog, you
from nlu.reference import normalise_reference

LONDON = ZoneInfo("Europe/London")


def submitted(chat, sessions) -> Report:
    """Submit at the review and return the stored report, checking the reference shown is the stored one."""
    reply = chat.say("submit")
    assert "your reference is" in reply.lower()
    reference = normalise_reference(reply.split("reference is", 1)[1])
    assert reference is not None, reply
    with sessions() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        report.items, report.attachments  # noqa: B018 - load before the session closes
        return report


def drafts(sessions) -> list[Report]:
    with sessions() as session:
        return list(session.scalars(select(Report).where(Report.status == "draft")))


def test_a_typical_shop_theft_takes_twelve_turns_and_keeps_everything(chat, sessions):
    verify_dialog(chat, [
        ("some lad nicked £80 of meat from the shop yesterday about 3pm",
         "i've noted: shop theft; £80; saturday 21 november 2026, 3:00pm; taken: meat"),
        ("no, it's over", "where did it happen"),
        (PLACE, "anything to add"),
        ("he put 6 steaks and a leg of lamb in his coat and walked out", "describe them"),
        ("young lad, about 18, grey hoodie, scar on left cheek", "do you have cctv"),
        ("yes, you can see his face, the clock is 5 minutes fast and it keeps 7 days",
         "save a copy of the footage before"),
        ("later", "anyone else see"),
        ("no", "your name and role"),
        *you(),
    ])
    assert len(chat.history) == 11
    report = submitted(chat, sessions)
    assert len(chat.history) == 12
    assert "When did it happen" not in chat.transcript and "What was taken" not in chat.transcript
    assert report.crime_type == "shop_theft"
    assert report.value_gbp == Decimal("80")
    assert report.occurred_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == "2026-11-21 15:00"
    assert [(i.quantity, i.description) for i in report.items] == [(6, "steaks"), (None, "a leg of lamb")]
    assert report.business_name == "Kumar's Convenience Store"
    assert report.business_address == "12 High Street, Walsall" and report.business_postcode == "WS1 1QL"
    assert "6 steaks" in report.description and report.description.startswith("some lad nicked")
    assert report.offenders[0]["description"].startswith("young lad")
    assert report.cctv_available and report.cctv_shows_face and report.cctv_clock_offset_minutes == 5
    assert report.cctv_overwrite_days == 7 and report.cctv_status == "pending"
    assert report.witnesses == "none"
    assert report.reporter_name == "Priya Kumar" and report.reporter_role == "owner"
    assert report.reporter_phone == "+447700900123" and report.reporter_email == "priya@kumarstores.co.uk"
    assert report.preferred_contact == "text"
    assert report.willing_to_give_statement is True and report.willing_to_attend_court is True


def test_fuel_drive_off_asks_pump_litres_and_registration(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "is the person still there"),
        ("no", "what happened"),
        ("drive off", "when did it happen"),
        ("today 14:10", "2:10pm"),
        ("Shell Walsall Road", "address of shell walsall road"),
        ("Walsall Road, Walsall", "postcode"),
        ("ws11ql", "in your own words"),
        ("Filled up a silver Golf and drove off without paying", "which pump"),  # a drive-off is fuel
        ("pump 4", "litres"),
        ("45 litres, £68.50", "describe them"),
        ("skip", "registration"),
        ("AB12CDE", "cctv"),
        ("no", "anyone else see"),
        ("no", "your name"),
        *you(),
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "making_off_without_payment"
    assert report.details["making_off_kind"] == "fuel"
    assert report.details["pump_number"] == 4 and report.details["litres"] == 45
    assert report.value_gbp == Decimal("68.50")
    assert report.vehicle_registrations == ["AB12 CDE"]
    assert report.business_name == "Shell Walsall Road" and report.business_postcode == "WS1 1QL"
    assert report.cctv_available is False and report.cctv_status == "none"


def test_criminal_damage_notes_what_the_story_says_was_damaged_and_asks_repair_cost(chat, sessions):
    verify_dialog(chat, [
        ("someone smashed our front window last night", "criminal damage"),
        ("no", "where did it happen"),
        (PLACE, "anything to add"),
        ("Found it when I opened up, glass everywhere", "repair cost"),
        ("about £350", "describe them"),
        ("didn't see them", "cctv"),
        ("yes", "tell me about the footage"),
        ("face not clear, clock is right, a month", "link"),
        ("https://www.dropbox.com/s/abc123/front-window.mp4?dl=0", "link saved"),
        ("no", "your name"),
        *you(),
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "criminal_damage"
    assert "damage: smashed our front window" in chat.history[0][1]
    assert "What was damaged" not in chat.transcript
    assert report.details["damage"] == "smashed our front window"
    assert report.value_gbp == Decimal("350")
    assert report.offenders == []
    assert report.cctv_shows_face is False
    assert report.cctv_overwrite_days == 30 and report.cctv_clock_offset_minutes == 0
    assert report.cctv_status == "provided"
    assert [(a.kind, a.provider, a.url) for a in report.attachments] == [
        ("cctv_link", "dropbox", "https://www.dropbox.com/s/abc123/front-window.mp4?dl=0")]


def test_burglary(chat, sessions):
    verify_dialog(chat, [
        ("break in overnight", "between saturday 21 november 2026, 10:00pm and sunday 22 november 2026, 6:00am"),
        ("no", "where did it happen"),
        (PLACE, "in your own words"),
        ("Back door forced, till and cigarettes gone", "what was taken"),
        ("cigarettes £1,200, till float £150", "describe them"),
        ("skip", "cctv"),
        ("not sure", "anyone else see"),
        ("Jo next door heard it, 07700 900456", "your name"),
        *you(),
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "burglary"
    assert report.value_gbp == Decimal("1350")
    assert [i.value_gbp for i in report.items] == [Decimal("1200"), Decimal("150")]
    assert report.cctv_available is None and report.cctv_status == "none"
    assert "Jo next door" in report.witnesses


def test_robbery_asks_about_injuries(chat, sessions):
    verify_dialog(chat, [
        ("we were robbed at the till", "robbery"),
        ("no", "when did it happen"),
        ("Saturday 14:30", "saturday 21 november 2026, 2:30pm"),
        (PLACE, "anything to add"),
        ("Man threatened staff and took £400 from the till", "anyone hurt"),
        ("no", "describe them"),
        ("one man, 30s, black jacket, got into a white van", "registration"),
        ("didn't see it", "cctv"),
        ("no", "anyone else see"),
        ("no", "your name"),
        *you(),
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "robbery" and report.value_gbp == Decimal("400") and report.injuries == "none"
    assert [(i.description, i.value_gbp) for i in report.items] == [("cash", Decimal("400"))]
    assert report.offenders[0]["count"] == 1
    assert "white van" in report.details["vehicle_description"]


def test_violence_against_staff_asks_injuries_and_staff(chat, sessions):
    verify_dialog(chat, [
        ("a customer assaulted one of my staff", "violence or abuse against staff"),
        ("no", "when did it happen"),
        ("yesterday at 17:45", "5:45pm"),
        (PLACE, "anything to add"),
        ("He was refused alcohol and punched her", "anyone hurt"),
        ("bruised cheek, she was shaken", "which staff"),
        ("Sam, cashier", "describe them"),
        ("man in his 40s, red cap", "cctv"),
        ("no", "anyone else see"),
        ("no", "your name"),
        *you(),
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "violence_against_staff"
    assert report.injuries == "bruised cheek, she was shaken"
    assert report.details["staff_involved"] == "Sam, cashier"
    assert "Total value" not in chat.transcript


def test_invoice_fraud_points_to_action_fraud_and_asks_nothing_about_cameras(chat, sessions):
    verify_dialog(chat, [
        ("we've been hit by an invoice scam", "action fraud"),
        ("no", "when did it happen"),
        ("last Tuesday", "tuesday 17 november 2026"),
        ("don't know", "where did it happen"),
        (PLACE, "anything to add"),
        ("We paid a supplier invoice to a new bank account", "how much has the business lost"),
        ("£4,250", "how did it happen"),
        ("An email that looked like our supplier asked us to change their bank details", "your name"),
        *you(),
    ])
    opening = chat.history[0][1]
    assert ".." not in opening and "before you send" not in opening
    transcript = chat.transcript.lower()
    assert "cctv" not in transcript and "describe them" not in transcript and "anyone else see" not in transcript
    report = submitted(chat, sessions)
    assert report.crime_type == "fraud" and report.value_gbp == Decimal("4250")
    assert report.occurred_time_known is False
    assert "bank details" in report.details["how_it_happened"]
    assert "Please also report it to Action Fraud" in chat.text and "show my report" in chat.text
    assert "before you send" not in chat.text
    shown = chat.say("show my report")
    assert report.reference in shown and "How it happened" in shown and "£4,250" in shown


def test_a_scam_phone_call_is_not_asked_about_cctv_but_a_fake_note_at_the_till_is(chat, engine):
    from conftest import Chat

    verify_dialog(chat, [
        ("a man phoned pretending to be our card company and got £300", "fraud"),
        ("no", "when did it happen"), ("this morning at 10", "where did it happen"), (PLACE, "anything to add"),
        ("that's all", "how did it happen"), ("he said our card was blocked and asked for the code", "your name"),
    ])
    till = Chat(engine, address="till")
    verify_dialog(till, [
        ("someone paid with a fake £20 note at the till yesterday", "fraud"),
        ("no", "what time"), ("don't know", "where did it happen"), (PLACE, "anything to add"), ("that's all", "how did it happen"), ("it felt wrong and failed the pen test", "describe them"),
        ("woman, 50s, blue coat", "cctv"),
    ])


def test_cyber_crime_skips_cameras_offenders_and_witnesses(chat, sessions):
    verify_dialog(chat, [
        ("our email was hacked", "action fraud"), ("no", "when did it happen"), ("yesterday", "what time"),
        ("don't know", "where did it happen"), (PLACE, "anything to add"), ("that's all", "how much"),
        ("nothing yet", "how did it happen"), ("someone logged in from abroad and sent invoices", "your name"),
    ])
    transcript = chat.transcript.lower()
    assert "cctv" not in transcript and "describe them" not in transcript and "anyone else" not in transcript


def test_export_has_the_agreed_schema(chat, sessions):
    verify_dialog(chat, [
        ("someone stole 2 bottles of gin worth £50 yesterday at 9am", "noted"),
        ("no", "where did it happen"), (PLACE, "anything to add"), ("that's all", "describe"),
        ("skip", "cctv"), ("no", "anyone else"), ("no", "your name"), *you(),
    ])
    report = submitted(chat, sessions)
    with sessions() as session:
        data = report_to_dict(session.get(Report, report.id), LONDON)
    json.dumps(data)
    for key in ("reference", "status", "crime_type", "occurred_at", "occurred_time_known", "occurred_until",
                "created_at", "channel", "business", "description", "items", "value_gbp", "offenders",
                "vehicle_registrations", "injuries", "witnesses", "cctv", "photos", "reporter",
                "willing_to_give_statement"):
        assert key in data
    assert data["occurred_at"] == "2026-11-21T09:00:00+00:00" and data["occurred_until"] is None
    assert data["business"] == {"name": "Kumar's Convenience Store", "address": "12 High Street, Walsall",
                                "postcode": "WS1 1QL"}
    assert data["items"] == [{"description": "bottles of gin", "quantity": 2, "value_gbp": None}]
    assert data["value_gbp"] == 50.0
    assert set(data["cctv"]) == {"available", "shows_face", "clock_offset_minutes", "overwrite_days", "links", "files",
                                 "status", "status_reason", "history"}
    assert data["reporter"]["preferred_contact"] == "text"


def test_details_in_the_story_are_used_and_not_asked_again(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
        ("yesterday 3pm", "3:00pm"), ("Kumar's", "address"), ("12 High Street", "postcode"), ("WS1 1QL", "own words"),
        ("Two lads took £120 of razors and got into AB12 CDE", "noted: taken: razors, £120. i've also noted: "
                                                              "vehicle ab12 cde"),
        ("two lads, late teens", "cctv"),
    ])
    assert "worth" not in chat.text and "What was taken" not in chat.transcript
    [draft] = drafts(sessions)
    assert draft.value_gbp == Decimal("120") and draft.vehicle_registrations == ["AB12 CDE"]


def test_details_given_in_any_answer_are_used(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no, it was yesterday about 3pm", "i've also noted: saturday 21 november"),
    ])
    assert "When did it happen" not in chat.text
    verify_dialog(chat, [
        ("shop theft", "where did it happen"), (PLACE, "in your own words"),
        ("he took razors", "roughly what was it all worth"), ("£45", "describe"),
        ("2 lads, got into a silver Golf AB12 CDE", "noted: vehicle ab12 cde"),
    ])
    assert "Do you have CCTV" in chat.text


def test_a_drive_off_told_in_one_breath_skips_fuel_and_pump_questions(chat, sessions):
    verify_dialog(chat, [
        ("had a drive off at pump 3 about 20 mins ago", "leaving without paying"),
        ("nah all good", "where did it happen"), (PLACE, "anything to add"),
        ("filled up £60 of diesel and drove off", "i've also noted: £60"),
        ("55 litres", "describe them"),
    ])
    assert "leave without paying for" not in chat.transcript and "Which pump" not in chat.transcript
    [draft] = drafts(sessions)
    assert draft.details == {"making_off_kind": "fuel", "pump_number": 3, "litres": 55.0}
    assert draft.value_gbp == Decimal("60")


def test_the_pump_question_does_not_mistake_litres_for_a_pump(chat):
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"),
                         ("making_off_without_payment", "when"), ("today 9am", "9:00am"), (PLACE, "own words"),
                         ("they left without paying", "leave without paying for"),
                         ("something else", "what was taken"), ("back", "leave without paying for"),
                         ("fuel", "which pump"), ("55 litres", "just the pump number"), ("pump 2", "litres")])


def test_every_reply_of_a_report_by_sms_is_gsm7(engine):
    from bot.advice.gsm7 import is_gsm7
    from bot.channels import render_plain
    from conftest import Chat

    sms = Chat(engine, channel="sms", address="+447700900123")
    script = ["someone nicked £80 of meat this morning", "1", PLACE, "he put 6 steaks in his bag", "skip", "1",
              "face clear, clock 5 minutes fast, 7 days", "1", "no", "Priya Kumar, owner, 07700 900123", "2", "1",
              "help", "change something", "back", "submit"]
    for line in script:
        sms.say(line)
        for reply in sms.replies:
            text = render_plain(reply, compact=True)
            assert is_gsm7(text), f"after {line!r}: {[c for c in text if not is_gsm7(c)]} in {text!r}"
    assert "your reference is" in sms.text.lower()


def test_the_end_of_a_report_gives_the_real_cctv_deadline_and_the_way_to_an_impact_statement(chat):
    deadline = "Please save a copy of the footage before Tuesday 1 December 2026, 3:00pm, when it will be recorded over."
    verify_dialog(chat, [
        ("someone nicked £80 of meat yesterday at 3pm", "still there"), ("no", "where did it happen"),
        (PLACE, "anything to add"), ("he put steaks in his coat and walked out", "describe them"),
        ("young lad, grey hoodie", "cctv"),
        ("yes, face is clear, clock right, keeps 10 days", deadline.lower()),  # the CCTV question's warning
        ("later", "anyone else see"), ("no", "your name"), *you(),
    ])
    done = chat.say("submit")
    assert deadline in done and "within 10 days" not in done  # the same deadline, from the incident's time
    assert "choose 'Make an impact statement' below, or say 'impact statement' at any time" in done
    assert "Ask the officer" not in done and "Make an impact statement" in chat.buttons
