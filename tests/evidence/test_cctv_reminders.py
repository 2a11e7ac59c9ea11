"""CCTV promised "later" is chased: reminders at the right London times (never in quiet hours, right across
the clock changes), each naming the report and carrying a working upload link; they stop the moment the
footage arrives, is refused or the report is closed; footage recorded over unsent is marked so."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import func, select

from bot.advice.gsm7 import is_gsm7, segments
from bot.channels.web import collect_messages
from bot.delivery.outbox import from_body
from bot.evidence.attach import footage_arrived
from bot.evidence.cctv import NO_FOOTAGE, CctvStatus, change_status, stop_reminders
from bot.evidence.chase import queue_reminders, sweep
from bot.evidence.upload_links import Opened, open_link
from bot.reports.export import report_to_dict
from bot.scheduling.jobs import scheduled_jobs
from bot.scheduling.runner import ElectedScheduler
from bot.storage.models import OutboxMessage, Report
from conftest import Chat
from dialog import PLACE, verify_dialog, you
from evidence_support import LONDON, cctv_history, cctv_status, due_times, london, reminder_rows, sent_report


# --- when they go ----------------------------------------------------------------------------------------
def test_an_afternoon_report_is_chased_that_evening_next_morning_and_two_days_before_it_is_recorded_over(
        sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 23, 13),
                       overwrite_days=7)
    assert due_times(sessions, made.report_id) == ["Mon 23 Nov 17:00 GMT", "Tue 24 Nov 09:00 GMT",
                                                   "Sat 28 Nov 13:00 GMT"]
    keys = [key for key, _, _ in reminder_rows(sessions, made.report_id)]
    assert keys == [f"report:{made.report_id}:cctv-reminder:{slot}" for slot in (1, 2, 3)]


def test_a_report_at_half_past_eight_at_night_is_first_chased_at_eight_next_morning(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 20, 30),
                       occurred_at=london(2026, 11, 23, 19, 30), overwrite_days=7)
    # "A few hours later" would be 23:30: quiet, so 08:00; the 09:00 one would follow an hour later: dropped.
    assert due_times(sessions, made.report_id) == ["Tue 24 Nov 08:00 GMT", "Sat 28 Nov 19:30 GMT"]


def test_the_saturday_before_the_clocks_go_back(sessions, settings):
    # Saturday 24 October 2026, 7pm BST; the clocks go back at 2am on Sunday; footage kept 3 days.
    evening = sent_report(sessions, settings, sent_at=london(2026, 10, 24, 19), occurred_at=london(2026, 10, 24, 18),
                          overwrite_days=3)
    assert due_times(sessions, evening.report_id) == ["Sun 25 Oct 08:00 GMT", "Sun 25 Oct 17:00 GMT"]
    morning = sent_report(sessions, settings, sent_at=london(2026, 10, 24, 10), occurred_at=london(2026, 10, 24, 9),
                          overwrite_days=14, address="+447700900999")
    assert due_times(sessions, morning.report_id) == ["Sat 24 Oct 13:00 BST", "Sun 25 Oct 09:00 GMT",
                                                      "Thu 05 Nov 08:00 GMT"]


def test_the_saturday_before_the_clocks_go_forward(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2027, 3, 27, 20, 30), occurred_at=london(2027, 3, 27, 19, 30),
                       overwrite_days=5)
    assert due_times(sessions, made.report_id) == ["Sun 28 Mar 08:00 BST", "Tue 30 Mar 20:30 BST"]


def test_nothing_is_sent_after_the_footage_is_gone_and_unknown_keeping_means_no_last_reminder(sessions, settings):
    soon = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 23, 13),
                       overwrite_days=1)
    assert due_times(sessions, soon.report_id) == ["Mon 23 Nov 17:00 GMT", "Tue 24 Nov 09:00 GMT"]
    unknown = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), overwrite_days=None,
                          address="+447700900998")
    assert due_times(sessions, unknown.report_id) == ["Mon 23 Nov 17:00 GMT", "Tue 24 Nov 09:00 GMT"]
    with sessions() as session:
        texts = [from_body(row.body)[0].text for row in session.scalars(select(OutboxMessage))]
    assert sum(text.startswith("Last reminder") for text in texts) == 1  # only the one whose footage has a date


def test_intervals_are_settings(sessions, settings):
    settings = settings.model_copy(update={"cctv_reminder_hours": 1.5, "cctv_reminder_morning": "10:30",
                                           "cctv_reminder_days_before_overwrite": 3})
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 11), occurred_at=london(2026, 11, 23, 10),
                       overwrite_days=10)
    assert due_times(sessions, made.report_id) == ["Mon 23 Nov 12:30 GMT", "Tue 24 Nov 10:30 GMT",
                                                   "Mon 30 Nov 10:00 GMT"]


def test_queueing_twice_queues_nothing_more(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14))
    with sessions.begin() as session:
        assert queue_reminders(session, settings, session.get(Report, made.report_id), london(2026, 11, 23, 14)) == []
    assert len(reminder_rows(sessions, made.report_id)) == 3


# --- what they say -------------------------------------------------------------------------------------------
def test_each_reminder_names_the_report_and_sends_the_footage_in_one_step(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 21, 15),
                       overwrite_days=14)
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.due_at)))
        assert [(row.channel, row.address, row.purpose, row.urgent) for row in rows] == \
            [("sms", "+447700900123", "reminder", False)] * 3
        texts = [from_body(row.body)[0].text for row in rows]
        for row, text in zip(rows, texts):
            assert made.reference in text and "shop theft" in text and "Saturday 21 November 2026, 3:00pm" in text
            assert "recorded over on Saturday 5 December" in text
            assert "reply with a sharing link" in text and "'no footage'" in text
            assert is_gsm7(text) and segments(text) <= 3, text
            url = next(word for word in text.split() if "/upload/" in word)
            # The link in each reminder works when it arrives, and for three days after.
            token = url.rsplit("/", 1)[1]
            assert isinstance(open_link(session, settings, token, row.due_at), Opened)
            assert isinstance(open_link(session, settings, token, row.due_at + timedelta(hours=71)), Opened)
        assert texts[-1].startswith("Last reminder") and not texts[0].startswith("Last")
        assert len({text.split("/upload/")[1].split()[0] for text in texts}) == 3  # a link of its own each


# --- when they stop ---------------------------------------------------------------------------------------
def statuses(sessions, report_id: int) -> list[str]:
    return [status for _, status, _ in reminder_rows(sessions, report_id)]


def test_reminders_stop_when_the_footage_arrives(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14))
    with sessions.begin() as session:
        footage_arrived(session, session.get(Report, made.report_id), london(2026, 11, 23, 15), "test upload")
    assert statuses(sessions, made.report_id) == ["cancelled"] * 3
    assert cctv_status(sessions, made.report_id) == "provided"
    assert cctv_history(sessions, made.report_id) == [("pending", "when the report was sent"),
                                                      ("provided", "test upload")]


def test_reminders_stop_when_they_say_there_is_none_and_the_reason_is_kept(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14))
    with sessions.begin() as session:
        change_status(session, session.get(Report, made.report_id), CctvStatus.DECLINED, london(2026, 11, 23, 18),
                      NO_FOOTAGE)
    assert statuses(sessions, made.report_id) == ["cancelled"] * 3
    assert cctv_history(sessions, made.report_id)[-1] == ("declined", "no footage")


def test_a_sent_reminder_is_left_alone_and_only_waiting_ones_are_cancelled(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14))
    with sessions.begin() as session:
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.due_at)).first()
        first.status = "delivered"
    with sessions.begin() as session:
        assert stop_reminders(session, session.get(Report, made.report_id), london(2026, 11, 24, 10)) == 2
    assert statuses(sessions, made.report_id) == ["delivered", "cancelled", "cancelled"]


def close(report: Report, at) -> None:
    """The police status "closed", as the officer's command records it."""
    from bot.storage.models import ReportStatusChange

    seq = max((change.seq for change in report.status_changes), default=0) + 1
    report.status_changes.append(ReportStatusChange(seq=seq, status="closed", at=at, outcome="no_suspect",
                                                    changed_by="test", urgent=False, told="not_told"))


def test_closing_the_report_stops_them_and_the_sweep_stops_any_left(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14))
    other = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), address="+447700900777")
    with sessions.begin() as session:
        report = session.get(Report, made.report_id)
        close(report, london(2026, 11, 23, 16))
        stop_reminders(session, report, london(2026, 11, 23, 16))  # what closing a report calls
        close(session.get(Report, other.report_id), london(2026, 11, 23, 16))  # by a path that did not call it
    assert statuses(sessions, made.report_id) == ["cancelled"] * 3
    with sessions.begin() as session:
        swept = sweep(session, london(2026, 11, 23, 16, 50), timedelta(minutes=20))
    assert swept.cancelled == 1  # only the one due before the next sweep; the others on later sweeps
    assert statuses(sessions, other.report_id) == ["cancelled", "queued", "queued"]


# --- footage lost -----------------------------------------------------------------------------------------
def test_footage_recorded_over_unsent_is_marked_with_the_time_and_shown_to_the_officer(sessions, settings):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 23, 13),
                       overwrite_days=3)
    arrived = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 23, 13),
                          overwrite_days=3, address="+447700900555")
    with sessions.begin() as session:
        footage_arrived(session, session.get(Report, arrived.report_id), london(2026, 11, 24, 10), "test")
    with sessions.begin() as session:
        assert sweep(session, london(2026, 11, 26, 12, 59), timedelta(minutes=20)).overwritten == 0
    with sessions.begin() as session:
        assert sweep(session, london(2026, 11, 26, 13, 0), timedelta(minutes=20)).overwritten == 1
    with sessions.begin() as session:
        assert sweep(session, london(2026, 11, 26, 13, 15), timedelta(minutes=20)).overwritten == 0
    assert cctv_status(sessions, made.report_id) == "overwritten"
    assert cctv_status(sessions, arrived.report_id) == "provided"
    with sessions() as session:
        changes = [(c.status, c.at.astimezone(LONDON)) for c in session.get(Report, made.report_id).cctv_changes]
        shown = report_to_dict(session.get(Report, made.report_id), LONDON)
    assert changes == [("pending", london(2026, 11, 23, 14)), ("overwritten", london(2026, 11, 26, 13))]
    assert shown["cctv"]["status"] == "overwritten"


# --- a report in conversation ---------------------------------------------------------------------------------
def test_a_report_with_cctv_later_ends_with_an_upload_link_and_the_promise_of_reminders(engine, sessions):
    sms = Chat(engine, channel="sms", address="+447700900321")
    verify_dialog(sms, [
        ("some lad nicked £80 of meat yesterday at 3pm", "still there"),
        ("no", "where did it happen"),
        (PLACE, "anything to add"),
        ("he put steaks in his coat and walked out", "describe them"),
        ("young lad, grey hoodie", "cctv"),
        ("yes, face is clear, clock right, keeps 14 days", "link"),
        ("l8r", "anyone else see"),
        ("no", "your name"),
        *you(),
    ])
    done = sms.say("submit")
    assert "upload it here" in done.lower() and "/upload/" in done and "remind you" in done
    assert is_gsm7(done)
    with sessions() as session:
        report = session.scalars(select(Report).where(Report.status == "submitted")).one()
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "reminder")))
        assert {(row.channel, row.address) for row in rows} == {("sms", "+447700900321")}
        assert len(rows) == 3
        assert [change.status for change in report.cctv_changes] == ["pending"]


def test_no_reminders_are_promised_when_none_can_go_before_the_footage_is_gone(chat, sessions):
    verify_dialog(chat, [
        ("someone nicked £80 of meat yesterday at 3pm", "still there"),
        ("no", "where did it happen"),
        (PLACE, "anything to add"),
        ("he put steaks in his coat and walked out", "describe them"),
        ("young lad, grey hoodie", "cctv"),
        ("yes, face is clear, clock right, keeps 1 day", "link"),
        ("later", "anyone else see"),
        ("no", "your name"),
        *you(),
    ])
    done = chat.say("submit")
    assert "/upload/" in done and "remind" not in done
    assert "may already have been recorded over: if you still have it, please save a copy now" in done
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.purpose == "reminder")) == 0


def test_a_report_with_the_cctv_link_given_queues_no_reminders(chat, sessions):
    verify_dialog(chat, [
        ("someone smashed our front window last night", "criminal damage"),
        ("no", "where did it happen"),
        (PLACE, "anything to add"),
        ("Found it when I opened up", "repair cost"),
        ("about £350", "describe them"),
        ("didn't see them", "cctv"),
        ("yes, face not clear, clock right, a month", "link"),
        ("https://www.dropbox.com/s/abc123/front-window.mp4?dl=0", "link saved"),
        ("no", "your name"),
        *you(),
    ])
    done = chat.say("submit")
    assert "/upload/" not in done
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)
                              .where(OutboxMessage.purpose == "reminder")) == 0


# --- a restart --------------------------------------------------------------------------------------------
def run_job(runner: ElectedScheduler, job_id: str) -> str:
    """Run one of the leader's jobs now, through APScheduler, and wait for it."""
    done = threading.Event()
    outcome: dict[str, object] = {}

    def listen(event) -> None:
        if event.job_id == job_id:
            outcome["event"] = event
            done.set()

    runner.scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
    runner.scheduler.modify_job(job_id, next_run_time=datetime.now(timezone.utc))
    assert done.wait(timeout=60), f"{job_id} did not run"
    runner.scheduler.remove_listener(listen)
    event = outcome["event"]
    assert event.exception is None, event.traceback
    return str(event.retval)


def test_a_restart_mid_way_loses_no_reminder_and_sends_none_twice(sessions, settings, service):
    made = sent_report(sessions, settings, sent_at=london(2026, 11, 23, 14), occurred_at=london(2026, 11, 23, 13),
                       overwrite_days=3, channel="web", address="web-shop-1")
    assert due_times(sessions, made.report_id) == ["Mon 23 Nov 17:00 GMT", "Tue 24 Nov 09:00 GMT",
                                                   "Tue 24 Nov 13:00 GMT"]
    jobs = scheduled_jobs(settings)
    seen: list[str] = []

    def collect() -> None:
        seen.extend(message.text for _, messages in collect_messages(service, "web-shop-1") for message in messages)

    with time_machine.travel(london(2026, 11, 23, 16, 59), tick=False):
        first = ElectedScheduler(sessions, jobs, settings.timezone, holder="web-1")
        assert first.tick()
        run_job(first, "evidence.chase_cctv")
        collect()
        assert seen == []  # nothing before its time
    with time_machine.travel(london(2026, 11, 23, 17, 5), tick=False):
        run_job(first, "evidence.chase_cctv")
        collect()
        assert len(seen) == 1 and seen[0].startswith("Reminder")
        first.stop()  # the process stops mid-way through the chase
    with time_machine.travel(london(2026, 11, 24, 9, 5), tick=False):
        second = ElectedScheduler(sessions, jobs, settings.timezone, holder="web-2")
        try:
            assert second.tick() and second.leading
            run_job(second, "evidence.chase_cctv")
            collect()
            collect()  # asking again changes nothing
            assert len(seen) == 2
        finally:
            second.stop()
    with time_machine.travel(london(2026, 11, 24, 13, 5), tick=False):
        third = ElectedScheduler(sessions, jobs, settings.timezone, holder="web-3")
        try:
            assert third.tick()
            collect()
            assert len(seen) == 3 and seen[2].startswith("Last reminder")
        finally:
            third.stop()
    with time_machine.travel(london(2026, 11, 26, 13, 5), tick=False):
        fourth = ElectedScheduler(sessions, jobs, settings.timezone, holder="web-4")
        try:
            assert fourth.tick()
            assert run_job(fourth, "evidence.chase_cctv").startswith("Marked 1 report")
            assert run_job(fourth, "evidence.chase_cctv").startswith("Marked 0 report")
            collect()
        finally:
            fourth.stop()
    assert len(seen) == len(set(seen)) == 3
    assert statuses(sessions, made.report_id) == ["delivered"] * 3
    assert [status for status, _ in cctv_history(sessions, made.report_id)] == ["pending", "overwritten"]
