"""The MG11 draft states the CCTV facts truthfully in every case an officer meets: footage uploaded as files or
given as a link (exhibited, with hashes), footage to follow, recorded over, no footage at all, kept back, or no
longer needed; and uploaded footage is exhibited as footage, not as other evidence."""

from __future__ import annotations

import html
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.evidence.cctv import (NO_FOOTAGE, RATHER_NOT, RECORDED_OVER, REPORT_CLOSED, SAID_RECORDED_OVER, WHEN_SENT,
                               CctvStatus, record)
from bot.statements import documents, render
from bot.storage.models import ReportAttachment
from statement_support import pdf_pages, stored_report

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 1, 10, 30, tzinfo=timezone.utc)
SENT = datetime(2026, 11, 21, 16, 0, tzinfo=timezone.utc)
FRONT, TILL = "1f" * 32, "2e" * 32


def video(sha256: str, size: int) -> ReportAttachment:
    return ReportAttachment(kind="cctv_file", provider="upload_page", content_type="video/mp4", storage_key=sha256,
                            size_bytes=size, sha256=sha256)


def photo() -> ReportAttachment:
    return ReportAttachment(kind="photo", content_type="image/jpeg", size_bytes=48_211, sha256="3d" * 32)


def link() -> ReportAttachment:
    return ReportAttachment(kind="cctv_link", url="https://www.dropbox.com/s/abc/till.mp4", provider="dropbox")


def mg11_text(sessions, *, status: CctvStatus, reasons: tuple[str, ...], cctv_available: bool = True,
              attachments: tuple[ReportAttachment, ...] = ()) -> str:
    """The MG11 draft's words (HTML tags dropped) for a report whose CCTV came to ``status``: sent in that
    status (one reason), or sent with CCTV to follow and moved to it a day later (two reasons)."""
    with sessions.begin() as session:
        report = stored_report(session, cctv_available=cctv_available, cctv_shows_face=True,
                               cctv_clock_offset_minutes=0, cctv_overwrite_days=7)
        report.attachments = list(attachments)
        if len(reasons) == 2:
            record(report, CctvStatus.PENDING, SENT, reasons[0])
        record(report, status, SENT + timedelta(days=len(reasons) - 1), reasons[-1])
        session.flush()
        page = render.mg11_html(documents.mg11(session, report.reference, LONDON, NOW))
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def test_two_uploaded_videos_are_the_footage_exhibited_with_their_hashes(sessions):
    with sessions.begin() as session:
        report = stored_report(session, cctv_available=True, cctv_status="provided")
        report.attachments = [video(FRONT, 52_428_800), video(TILL, 8_400_000), photo()]
        record(report, CctvStatus.PROVIDED, SENT, "uploaded on the upload page")
        session.flush()
        view = documents.mg11(session, report.reference, LONDON, NOW)
    whole = re.sub(r"\s+", " ", " ".join(pdf_pages(render.mg11_pdf(view))))
    assert "I have provided a copy of the footage, which I produce as exhibits PK/1, PK/2." in whole
    assert "I produce the other evidence I sent as exhibit PK/3." in whole
    assert [(e.reference, e.what) for e in view.exhibits] == [
        ("PK/1", "CCTV footage (file)"), ("PK/2", "CCTV footage (file)"), ("PK/3", "Photograph")]
    assert ("SHA-256", FRONT) in view.exhibits[0].details and ("Size", "52,428,800 bytes") in view.exhibits[0].details
    assert ("SHA-256", TILL) in view.exhibits[1].details
    assert "copy to follow" not in whole and "I will provide" not in whole and "Cctv file" not in whole


@pytest.mark.parametrize(("case", "says", "never"), [
    (dict(status=CctvStatus.PROVIDED, reasons=(WHEN_SENT, "sent in the chat"), attachments=(link(),)),
     ["which recorded the incident", "I have provided a copy of the footage, which I produce as exhibit PK/1.",
      "PK/1 CCTV footage (link)", "Link: https://www.dropbox.com/s/abc/till.mp4"],
     ["copy to follow", "I will provide"]),
    (dict(status=CctvStatus.PENDING, reasons=(WHEN_SENT,)),
     ["which recorded the incident", "I will provide a copy of the footage, which I will produce as exhibit PK/1.",
      "PK/1 CCTV footage (copy to follow)"],
     ["I have provided"]),
    (dict(status=CctvStatus.OVERWRITTEN, reasons=(WHEN_SENT, SAID_RECORDED_OVER)),
     ["The footage has since been recorded over, so I cannot provide a copy."],
     ["I will provide", "copy to follow", "I have provided"]),
    (dict(status=CctvStatus.OVERWRITTEN, reasons=(WHEN_SENT, RECORDED_OVER)),
     ["I did not send a copy of the footage before the system was due to record over it, on Saturday 28 "
      "November 2026."],
     ["I will provide", "copy to follow", "I have provided"]),
    (dict(status=CctvStatus.NONE, reasons=(WHEN_SENT,), cctv_available=False),
     ["There is no CCTV of the incident."],
     ["which recorded the incident", "I will provide", "copy to follow"]),
    (dict(status=CctvStatus.DECLINED, reasons=(WHEN_SENT, NO_FOOTAGE)),
     ["The premises has CCTV, but it has no footage of the incident."],
     ["which recorded the incident", "shows the offender", "I have not shared", "I will provide", "copy to follow"]),
    (dict(status=CctvStatus.DECLINED, reasons=(WHEN_SENT, RATHER_NOT)),
     ["which recorded the incident", "I have not shared the footage."],
     ["I will provide", "copy to follow"]),
    (dict(status=CctvStatus.NOT_NEEDED, reasons=(WHEN_SENT, REPORT_CLOSED)),
     ["I have not provided a copy of the footage: the report was closed before I sent it."],
     ["I will provide", "copy to follow"]),
], ids=["link", "to follow", "recorded over (said)", "recorded over (not sent in time)", "no cctv", "no footage",
        "rather not", "report closed"])
def test_the_cctv_facts_are_true_to_what_became_of_the_footage(sessions, case, says, never):
    text = mg11_text(sessions, **case)
    for words in says:
        assert words in text
    for words in never:
        assert words not in text
