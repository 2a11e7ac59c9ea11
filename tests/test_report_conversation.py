"""Complete crime reports, one per crime type, from first message to reference number."""

from __future__ import annotations

import json
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.reports.export import report_to_dict
from bot.storage.models import Report
from dialog import WHERE, YOU, verify_dialog
from nlu.reference import normalise_reference

LONDON = ZoneInfo("Europe/London")
CCTV_LATER = [
    ("yes", "face"),
    ("yes", "clock"),
    ("5 minutes fast", "recorded over"),
    ("7 days", "link"),
    ("later", "anyone else see"),
]
NO_CCTV = [("no", "anyone else see")]


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


def test_shop_theft_uses_the_opening_message_and_does_not_ask_again(chat, sessions):
    verify_dialog(chat, [
        ("some lad nicked £80 of meat from the shop yesterday about 3pm", "i've noted: shop theft; £80; saturday 21 november 2026, 3:00pm"),
        ("no, it's over", "name of the business"),
        *WHERE,
        ("that's all", "what was taken?"),
        ("6 steaks, a leg of lamb", "describe them"),
        ("young lad, about 18, grey hoodie, scar on left cheek", "vehicle"),
        ("no", "cctv"),
        *CCTV_LATER,
        ("no", "your name"),
        *YOU,
    ])
    assert "When did it happen" not in chat.text
    report = submitted(chat, sessions)
    assert report.crime_type == "shop_theft"
    assert report.value_gbp == Decimal("80")
    assert report.occurred_at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M") == "2026-11-21 15:00"
    assert [(i.quantity, i.description) for i in report.items] == [(6, "steaks"), (None, "a leg of lamb")] or \
        [i.quantity for i in report.items][0] == 6
    assert report.business_postcode == "WS1 1QL"
    assert report.offenders[0]["description"].startswith("young lad")
    assert report.cctv_available and report.cctv_shows_face and report.cctv_clock_offset_minutes == 5
    assert report.cctv_overwrite_days == 7 and report.cctv_status == "pending"
    assert report.reporter_phone == "+447700900123" and report.reporter_email == "priya@kumarstores.co.uk"
    assert report.preferred_contact == "text" and report.willing_to_give_statement is True


def test_fuel_drive_off_asks_pump_registration_and_litres(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "is the person still there"),
        ("no", "what happened"),
        ("drive off", "when did it happen"),
        ("today 14:10", "2:10pm"),
        ("Shell Walsall Road", "address"),
        ("Walsall Road, Walsall", "postcode"),
        ("ws11ql", "in your own words"),
        ("Filled up a silver Golf and drove off without paying", "which pump"),  # a drive-off is fuel
        ("pump 4", "litres"),
        ("45 litres, £68.50", "describe them"),
        ("skip", "registration"),
        ("AB12CDE", "cctv"),
        *NO_CCTV,
        ("no", "your name"),
        *YOU,
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "making_off_without_payment"
    assert report.details["making_off_kind"] == "fuel"
    assert report.details["pump_number"] == 4 and report.details["litres"] == 45
    assert report.value_gbp == Decimal("68.50")
    assert report.vehicle_registrations == ["AB12 CDE"]
    assert report.business_postcode == "WS1 1QL"
    assert report.cctv_available is False and report.cctv_status == "none"


def test_criminal_damage_asks_what_and_repair_cost(chat, sessions):
    verify_dialog(chat, [
        ("someone smashed our front window last night", "criminal damage"),
        ("no", "name of the business"),
        *WHERE,
        ("Found it when I opened up, glass everywhere", "what was damaged"),
        ("front window smashed", "repair cost"),
        ("about £350", "describe them"),
        ("didn't see them", "vehicle"),
        ("no", "cctv"),
        ("yes", "face"),
        ("no", "clock"),
        ("it's right", "recorded over"),
        ("a month", "link"),
        ("https://www.dropbox.com/s/abc123/front-window.mp4?dl=0", "link saved"),
        ("no", "your name"),
        *YOU,
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "criminal_damage"
    assert report.details["damage"] == "front window smashed"
    assert report.value_gbp == Decimal("350")
    assert report.cctv_overwrite_days == 30 and report.cctv_clock_offset_minutes == 0
    assert report.cctv_status == "provided"
    assert [(a.kind, a.provider, a.url) for a in report.attachments] == [
        ("cctv_link", "dropbox", "https://www.dropbox.com/s/abc123/front-window.mp4?dl=0")]


def test_burglary(chat, sessions):
    verify_dialog(chat, [
        ("break in overnight", "burglary"),
        ("no", "when did it happen"),
        ("last night", "saturday 21 november 2026"),
        *WHERE,
        ("Back door forced, till and cigarettes gone", "what was taken"),
        ("cigarettes £1,200, till float £150", "describe them"),
        ("skip", "vehicle"),
        ("white van AB12 CDE", "cctv"),
        ("not sure", "anyone else see"),
        ("Jo next door heard it, 07700 900456", "your name"),
        *YOU,
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "burglary"
    assert report.value_gbp == Decimal("1350")
    assert [i.value_gbp for i in report.items] == [Decimal("1200"), Decimal("150")]
    assert report.vehicle_registrations == ["AB12 CDE"]
    assert report.cctv_available is None and report.cctv_status == "none"
    assert "Jo next door" in report.witnesses


def test_robbery_asks_about_injuries(chat, sessions):
    verify_dialog(chat, [
        ("we were robbed at the till", "robbery"),
        ("no", "when did it happen"),
        ("Saturday 14:30", "saturday 21 november 2026, 2:30pm"),
        *WHERE,
        ("Man threatened staff and took cash from the till", "what was taken"),
        ("£400 cash", "anyone hurt"),
        ("no", "describe them"),
        ("one man, 30s, black jacket", "vehicle"),
        ("no", "cctv"),
        *NO_CCTV,
        ("no", "your name"),
        *YOU,
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "robbery" and report.value_gbp == Decimal("400") and report.injuries == "none"
    assert report.offenders[0]["count"] == 1


def test_violence_against_staff_asks_injuries_and_staff(chat, sessions):
    verify_dialog(chat, [
        ("a customer assaulted one of my staff", "violence or abuse against staff"),
        ("no", "when did it happen"),
        ("yesterday at 17:45", "5:45pm"),
        *WHERE,
        ("He was refused alcohol and punched her", "anyone hurt"),
        ("bruised cheek, she was shaken", "which staff"),
        ("Sam, cashier", "describe them"),
        ("man in his 40s, red cap", "vehicle"),
        ("no", "cctv"),
        *NO_CCTV,
        ("no", "your name"),
        *YOU,
    ])
    report = submitted(chat, sessions)
    assert report.crime_type == "violence_against_staff"
    assert report.injuries == "bruised cheek, she was shaken"
    assert report.details["staff_involved"] == "Sam, cashier"


@pytest.mark.parametrize("opening, crime_type", [
    ("we've been hit by an invoice scam", "fraud"),
    ("our email was hacked", "cyber_crime"),
])
def test_fraud_and_cyber_point_to_action_fraud_and_skip_cctv(chat, sessions, opening, crime_type):
    verify_dialog(chat, [
        (opening, "action fraud"),
        ("no", "when did it happen"),
        ("last Tuesday", "tuesday 17 november 2026"),
        ("don't know", "name of the business"),
        *WHERE,
        ("We paid a supplier invoice to a new bank account", "how much has the business lost"),
        ("£4,250", "how did it happen"),
        ("An email that looked like our supplier asked us to change their bank details", ""),
    ])
    if crime_type == "fraud":
        verify_dialog(chat, [("no", "anyone else see")])  # CCTV matters for fraud at the till (counterfeit notes)
    verify_dialog(chat, [("no", "your name"), *YOU])
    assert "describe them" not in chat.text.lower()
    report = submitted(chat, sessions)
    assert report.crime_type == crime_type and report.value_gbp == Decimal("4250")
    assert report.occurred_time_known is False
    assert "bank details" in report.details["how_it_happened"]
    assert "Action Fraud" in chat.text


def test_export_has_the_agreed_schema(chat, sessions, settings):
    verify_dialog(chat, [
        ("someone stole 2 bottles of gin worth £50 this morning", "noted"),
        ("no", "name of the business"), *WHERE, ("that's all", "what was taken"), ("2 bottles of gin", "describe"),
        ("skip", "vehicle"), ("no", "cctv"), *NO_CCTV, ("no", "your name"), *YOU,
    ])
    report = submitted(chat, sessions)
    with sessions() as session:
        data = report_to_dict(session.get(Report, report.id), LONDON)
    json.dumps(data)
    for key in ("reference", "status", "crime_type", "occurred_at", "created_at", "channel", "business", "description",
                "items", "value_gbp", "offenders", "vehicle_registrations", "injuries", "witnesses", "cctv", "photos",
                "reporter", "willing_to_give_statement"):
        assert key in data
    assert data["occurred_at"] == "2026-11-22T09:00:00+00:00"
    assert data["business"] == {"name": "Kumar's Convenience Store", "address": "12 High Street, Walsall",
                                "postcode": "WS1 1QL"}
    assert data["items"] == [{"description": "bottles of gin", "quantity": 2, "value_gbp": None}]
    assert data["value_gbp"] == 50.0
    assert set(data["cctv"]) == {"available", "shows_face", "clock_offset_minutes", "overwrite_days", "links", "status"}
    assert data["reporter"]["preferred_contact"] == "text"


def test_details_in_the_story_are_used_and_not_asked_again(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
        ("yesterday 3pm", "3:00pm"), ("Kumar's", "address"), ("12 High Street", "postcode"), ("WS1 1QL", "own words"),
        ("Two lads took £120 of razors and got into AB12 CDE", "i've also noted: £120; vehicle ab12 cde"),
        ("razor blades", "describe them"),
        ("two lads, late teens", "cctv"),
    ])
    assert "worth" not in chat.text
    [draft] = [r for r in _drafts(sessions)]
    assert draft.value_gbp == Decimal("120") and draft.vehicle_registrations == ["AB12 CDE"]


def _drafts(sessions):
    with sessions() as session:
        return list(session.scalars(select(Report).where(Report.status == "draft")))


def test_details_given_in_any_answer_are_used(chat, sessions):
    verify_dialog(chat, [
        ("report a crime", "still there"), ("no, it was yesterday about 3pm", "i've also noted: saturday 21 november"),
    ])
    assert "When did it happen" not in chat.text
    verify_dialog(chat, [
        ("shop theft", "name of the business"), *WHERE, ("that's all", "what was taken"), ("razors £45", "describe"),
        ("2 lads, got into a silver Golf AB12 CDE", "i've also noted: vehicle ab12 cde"),
    ])
    assert "Do you have CCTV" in chat.text


def test_a_drive_off_told_in_one_breath_skips_fuel_and_pump_questions(chat, sessions):
    verify_dialog(chat, [
        ("had a drive off at pump 3 about 20 mins ago", "leaving without paying"),
        ("nah all good", "name of the business"), *WHERE,
        ("filled up £60 of diesel and drove off", "i've also noted: £60"),
        ("55 litres", "describe them"),
    ])
    assert "leave without paying for" not in chat.text and "Which pump" not in chat.text
    [draft] = _drafts(sessions)
    assert draft.details == {"making_off_kind": "fuel", "pump_number": 3, "litres": 55.0}
    assert draft.value_gbp == Decimal("60")


def test_the_pump_question_does_not_mistake_litres_for_a_pump(chat):
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"),
                         ("making_off_without_payment", "when"), ("today 9am", "9:00am"), *WHERE,
                         ("they left without paying", "leave without paying for"),
                         ("something else", "what was taken"), ("back", "leave without paying for"),
                         ("fuel", "which pump"), ("55 litres", "just the pump number"), ("pump 2", "litres")])


def test_every_reply_of_a_report_by_sms_is_gsm7(engine):
    from bot.advice.gsm7 import is_gsm7
    from bot.channels import render_plain
    from conftest import Chat

    sms = Chat(engine, channel="sms", address="+447700900123")
    script = ["someone nicked £80 of meat this morning", "1", "Kumar's Convenience Store",
              "12 High Street, Walsall WS1 1QL", "1", "6 steaks", "skip", "no", "1", "1", "5 minutes fast", "7 days",
              "1", "no", "Priya Kumar", "owner", "07700 900123", "2", "1", "1", "help", "submit"]
    for line in script:
        sms.say(line)
        for reply in sms.replies:
            text = render_plain(reply, compact=True)
            assert is_gsm7(text), f"after {line!r}: {[c for c in text if not is_gsm7(c)]} in {text!r}"
    assert "your reference is" in sms.text.lower()
