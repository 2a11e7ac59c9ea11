"""`bizwatch reports set-status`: an officer moves a real report on, and the reporter is told once, at a decent hour."""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.advice.gsm7 import is_gsm7, segments
from bot.reports.status import Status
from bot.reports.service import Refused
from bot.reports.updates import Change, set_status
from bot.storage.models import Contact, Report, ReportStatusChange
from conftest import Chat
from nlu.reference import new_reference
from reports_support import cli  # noqa: F401 (a fixture)
from reports_support import PHONE, mistype, outbox_about, run, run_json, submit_damage, submit_shop_theft

LONDON = ZoneInfo("Europe/London")
MONDAY_EVENING = datetime(2026, 11, 23, 21, 30, tzinfo=LONDON)
TUESDAY_8AM = datetime(2026, 11, 24, 8, 0, tzinfo=LONDON)


@pytest.fixture
def sms_reference(engine) -> str:
    return submit_damage(Chat(engine, channel="sms", address=PHONE))


def history(sessions, reference: str) -> list[ReportStatusChange]:
    with sessions() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        return list(report.status_changes)


def test_a_crime_number_given_at_half_past_nine_reaches_the_reporter_at_eight(cli, sessions, sms_reference):
    result = run(cli, "set-status", sms_reference, "crime reference issued", "--crime-number", "43/12345/26",
                 "--by", "DC Patel", at=MONDAY_EVENING)
    assert result.exit_code == 0, result.output
    assert "now crime reference issued" in result.stdout and "8:00am" in result.stdout
    assert "quiet hours" in result.stdout
    [received, issued] = history(sessions, sms_reference)
    assert (received.status, received.told) == ("received", "in_chat")
    assert (issued.seq, issued.status, issued.crime_number, issued.changed_by) == (2, "crime_reference_issued",
                                                                                  "43/12345/26", "DC Patel")
    assert issued.at == MONDAY_EVENING and issued.told == "message"
    [message] = outbox_about(sessions, sms_reference)
    assert (message.channel, message.address, message.purpose, message.status) == ("sms", PHONE, "status", "queued")
    assert message.idempotency_key == issued.notice_key and message.idempotency_key.endswith(":status:2")
    assert message.due_at == TUESDAY_8AM == issued.notice_due_at and message.urgent is False
    [body] = message.body
    text = body["text"]
    assert sms_reference in text and "criminal damage" in text and "43/12345/26" in text and "101" in text
    assert is_gsm7(text) and segments(text) <= 2 and body["buttons"] == []


def test_a_minute_before_eight_waits_a_minute_and_urgent_goes_now(cli, sessions, sms_reference):
    early = datetime(2026, 11, 24, 7, 59, tzinfo=LONDON)
    assert run(cli, "set-status", sms_reference, "under_review", "--by", "PC Jones", at=early).exit_code == 0
    midnight = datetime(2026, 11, 24, 23, 50, tzinfo=LONDON)
    urgent = run(cli, "set-status", sms_reference, "officer-assigned", "--officer", "PC 1234 Smith", "--urgent",
                 "--by", "PC Jones", at=midnight)
    assert urgent.exit_code == 0, urgent.output
    review, assigned = outbox_about(sessions, sms_reference)
    assert review.due_at == datetime(2026, 11, 24, 8, 0, tzinfo=LONDON) and not review.urgent
    assert assigned.due_at == midnight and assigned.urgent
    assert "PC 1234 Smith" in assigned.body[0]["text"]


@pytest.mark.parametrize(("evening", "morning_utc"), [
    (datetime(2026, 10, 24, 21, 30, tzinfo=LONDON), datetime(2026, 10, 25, 8, 0, tzinfo=timezone.utc)),  # BST -> GMT
    (datetime(2026, 3, 28, 21, 30, tzinfo=LONDON), datetime(2026, 3, 29, 7, 0, tzinfo=timezone.utc)),    # GMT -> BST
], ids=["october", "march"])
def test_quiet_hours_across_the_clock_changes(cli, sessions, engine, clock, evening, morning_utc):
    clock.now = evening.replace(hour=10)
    reference = submit_damage(Chat(engine, channel="sms", address=PHONE))
    assert run(cli, "set-status", reference, "review", "--by", "PC Jones", at=evening).exit_code == 0
    [message] = outbox_about(sessions, reference)
    assert message.due_at == morning_utc and message.due_at.astimezone(LONDON).hour == 8


def test_the_same_change_twice_is_refused_kindly_and_told_once(cli, sessions, sms_reference):
    args = ("set-status", sms_reference, "crime_reference_issued", "--crime-number", "43/12345/26", "--by", "DC Patel")
    assert run(cli, *args, at=MONDAY_EVENING).exit_code == 0
    again = run(cli, *args, at=MONDAY_EVENING.replace(minute=45))
    assert again.exit_code == 1
    assert "already crime reference issued" in again.stderr and "not told again" in again.stderr
    assert len(history(sessions, sms_reference)) == 2 and len(outbox_about(sessions, sms_reference)) == 1
    # News with the same status is an update, told once more.
    noted = run(cli, *args, "--note", "CCTV has been viewed.", at=MONDAY_EVENING.replace(minute=50))
    assert noted.exit_code == 0, noted.output
    assert [m.idempotency_key.rsplit(":", 1)[1] for m in outbox_about(sessions, sms_reference)] == ["2", "3"]
    assert "Note: CCTV has been viewed." in outbox_about(sessions, sms_reference)[-1].body[0]["text"]


def test_two_officers_at_once_make_one_change(sessions, settings, sms_reference):
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def officer(name: str) -> None:
        start.wait()
        try:
            with sessions.begin() as session:
                set_status(session, sms_reference, Change(Status.UNDER_REVIEW, by=name), MONDAY_EVENING, settings)
            outcomes.append("recorded")
        except Refused as refused:
            outcomes.append(refused.code)

    threads = [threading.Thread(target=officer, args=(name,)) for name in ("PC Jones", "PC Ali")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["recorded", "unchanged"]
    assert [c.status for c in history(sessions, sms_reference)] == ["received", "under_review"]
    assert len(outbox_about(sessions, sms_reference)) == 1


def test_an_unknown_status_lists_the_choices_and_changes_nothing(cli, sessions, sms_reference):
    result = run(cli, "set-status", sms_reference, "under reveiw")
    assert result.exit_code == 1
    assert "Did you mean under_review?" in result.stderr
    for status in Status:
        assert status.value in result.stderr
    assert run_json(cli, "set-status", sms_reference, "arrested")["code"] == "unknown_choice"
    assert len(history(sessions, sms_reference)) == 1 and outbox_about(sessions, sms_reference) == []


@pytest.mark.parametrize(("args", "words"), [
    (("crime_reference_issued",), "needs the crime number"),
    (("crime_reference_issued", "--crime-number", "see email"), "doesn't look like a crime number"),
    (("closed",), "needs an outcome"),
    (("closed", "--outcome", "jailed"), "Unknown outcome"),
    (("closed", "--outcome", "other"), "say what it was in --note"),
    (("under_review", "--outcome", "charged"), "only goes with the status closed"),
    (("under_review", "--note", "Thanks \U0001f44d"), "cannot carry"),
    (("under_review", "--note", "We have looked at everything. " * 12), "shorten the note"),
])
def test_a_change_missing_what_it_needs_is_refused_with_what_to_add(cli, sessions, sms_reference, args, words):
    result = run(cli, "set-status", sms_reference, *args, at=MONDAY_EVENING)
    assert result.exit_code == 1 and words in result.stderr, result.output
    assert len(history(sessions, sms_reference)) == 1 and outbox_about(sessions, sms_reference) == []


def test_a_mistyped_or_unknown_reference_is_caught(cli, sms_reference):
    typo = run(cli, "set-status", mistype(sms_reference), "under_review")
    assert typo.exit_code == 1 and "doesn't look right" in typo.stderr and "check character" in typo.stderr
    absent = run_json(cli, "set-status", new_reference(), "under_review")
    assert absent["code"] == "not_found" and "No report with reference" in absent["error"]
    assert run_json(cli, "set-status", "yesterday's", "under_review")["code"] == "not_a_reference"


def test_closing_tells_the_outcome_in_plain_words_typed_the_way_officers_type(cli, sessions, sms_reference):
    result = run(cli, "set-status", sms_reference, "CLOSED", "--outcome", "Not-Enough-Evidence",
                 "--note", "\u201cNo clear image\u201d \u2013 we\u2019ll keep it on file\u2026", "--by", "PC Jones",
                 at=MONDAY_EVENING)
    assert result.exit_code == 0, result.output
    [message] = outbox_about(sessions, sms_reference)
    text = message.body[0]["text"]
    assert "closed. Outcome: there was not enough evidence to take it further" in text
    assert "Note: \"No clear image\" - we'll keep it on file..." in text and is_gsm7(text)
    assert history(sessions, sms_reference)[-1].outcome == "not_enough_evidence"


def test_a_reporter_who_opted_out_is_not_messaged_and_the_officer_is_told(cli, sessions, sms_reference):
    with sessions.begin() as session:
        contact = session.scalars(select(Contact).where(Contact.address == PHONE)).one()
        contact.opted_out_at = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    result = run(cli, "set-status", sms_reference, "under_review", "--by", "PC Jones", at=MONDAY_EVENING)
    assert result.exit_code == 0 and "opted out" in result.stdout and "another way" in result.stdout
    assert outbox_about(sessions, sms_reference) == []
    change = history(sessions, sms_reference)[-1]
    assert (change.told, change.not_told_reason, change.notice_key) == ("not_told", "opted_out", None)


def test_every_status_and_outcome_fits_two_text_messages_with_the_longest_crime(engine, sessions, settings):
    reference = submit_shop_theft(Chat(engine, address="web-long"))
    with sessions.begin() as session:
        report = session.scalars(select(Report).where(Report.reference == reference)).one()
        report.crime_type = "making_off_without_payment"
    from bot.reports.status import Outcome

    changes = [Change(Status.UNDER_REVIEW, by="x"), Change(Status.CRIME_REFERENCE_ISSUED, by="x",
                                                           crime_number="20BE/123456A/26 CRI-0001234"),
               Change(Status.OFFICER_ASSIGNED, by="x", officer="Detective Constable 12345 Alexandra Montgomery-Smythe"),
               Change(Status.EVIDENCE_RECEIVED, by="x"), Change(Status.RECEIVED, by="x")]
    changes += [Change(Status.CLOSED, by="x", outcome=outcome, note="See the letter." if outcome.value == "other"
                       else None) for outcome in Outcome]
    for number, change in enumerate(changes):
        with sessions.begin() as session:
            recorded = set_status(session, reference, change, MONDAY_EVENING.replace(minute=number), settings)
        assert is_gsm7(recorded.text) and segments(recorded.text) <= 2, recorded.text


def test_set_status_json_for_other_tools(cli, sms_reference):
    data = run_json(cli, "set-status", sms_reference, "officer_assigned", "--officer", "PC 1234 Smith",
                    "--by", "Sgt Khan", at=MONDAY_EVENING)
    assert data["reference"] == sms_reference and sms_reference in data["message"]
    change = data["change"]
    assert change == {
        "n": 2, "status": "officer_assigned", "at": "2026-11-23T21:30:00+00:00", "note": None, "crime_number": None,
        "officer": "PC 1234 Smith", "outcome": None, "by": "Sgt Khan", "urgent": False,
        "reporter_told": {"how": "message", "key": change["reporter_told"]["key"],
                          "due_at": "2026-11-24T08:00:00+00:00"},
    }
    assert change["reporter_told"]["key"].startswith("report:") and change["reporter_told"]["key"].endswith(":status:2")
    refused = run_json(cli, "set-status", sms_reference, "officer_assigned", "--officer", "PC 1234 Smith",
                       at=MONDAY_EVENING)
    assert refused["code"] == "unchanged" and "already officer assigned" in refused["error"]
