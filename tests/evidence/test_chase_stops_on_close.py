"""Closing a report through the officer's command stops its CCTV reminders, and the summary says how the
footage came: a file uploaded, or recorded over before it was sent."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.reports.summary import cctv_line
from bot.reports.updates import Change, set_status
from bot.reports.status import Outcome, Status
from bot.storage.models import OutboxMessage, Report, ReportAttachment
from dialog import PLACE, verify_dialog, you


def test_closing_a_report_cancels_its_cctv_reminders(chat, sessions, settings, clock):
    verify_dialog(chat, [("someone nicked £80 of meat yesterday at 3pm", "still there"), ("no", "where"),
                         (PLACE, "anything to add"), ("that's all", "describe"), ("skip", "cctv"),
                         ("yes, face clear, clock right, 14 days", "link"), ("later", "anyone else"),
                         ("no", "your name"), *you(), ("submit", "reference")])
    with sessions() as session:
        reference = session.scalars(select(Report.reference).where(Report.status == "submitted")).one()
        waiting = session.scalars(select(OutboxMessage.status).where(OutboxMessage.purpose == "reminder")).all()
    assert waiting and set(waiting) == {"queued"}
    with sessions.begin() as session:
        set_status(session, reference, Change(status=Status.CLOSED, outcome=list(Outcome)[0], note="Filed.",
                                              by="PC Test"), clock.now, settings)
    with sessions() as session:
        statuses = set(session.scalars(select(OutboxMessage.status).where(OutboxMessage.purpose == "reminder")))
    assert statuses == {"cancelled"}


def test_the_summary_counts_uploaded_files_and_says_when_footage_was_lost():
    report = Report(cctv_available=True, cctv_status="overwritten")
    report.attachments = []
    assert cctv_line(report).endswith("recorded over before it was sent")
    report.attachments = [ReportAttachment(kind="cctv_file", sha256="a" * 64, size_bytes=10)]
    assert cctv_line(report).endswith("1 file uploaded")
    assert ZoneInfo("Europe/London")  # the summary is timezone-free here
