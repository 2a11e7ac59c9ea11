"""The documents: `bizwatch statements isb|mg11 REF --format pdf|html`, opened and read back as a reader would.

PDFs are read with pypdf (text per page) and one page is drawn with pypdfium2 to check it is not blank.
Every test runs on SQLite and, with BIZWATCH_DATABASE_URL set, on PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.reports.summary import when
from bot.statements import documents, render
from bot.statements.dates import clock, day
from bot.statements.wording import DRAFT_MARK, ISB_DECLARATION
from bot.storage.models import ReportAttachment
from statement_support import declared_statement, pdf_pages, stored_report

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 23, 10, 30, tzinfo=timezone.utc)
HOSTILE = ("<script>alert('x')</script> <b>bold</b> {{ 7*7 }} {% for x in range(3) %}loop{% endfor %} "
           "\u202eevil\u202c caf\u0065\u0301 \U0001F600 &amp; \x07end")


@pytest.fixture
def cli(settings, sessions, monkeypatch):
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def flat(text: str) -> str:
    """Page text with line breaks joined, so wrapped sentences can be found whole."""
    return re.sub(r"\s+", " ", text)


def test_isb_pdf_has_references_sections_totals_declaration_and_page_numbers(sessions):
    with sessions.begin() as session:
        report = stored_report(session)
        other = stored_report(session, contact_id=report.contact_id)
        statement = declared_statement(session, report, covers="several_reports", covered=[other])
        declared_statement(session, report, supplements_id=statement.id, addition_text="We paid £350 for a new lock.",
                           addition_gbp=350, financial_text=None, financial_gbp=None, indirect_text=None,
                           indirect_gbp=None, damage_text=None, non_financial_text=None,
                           declared_at=datetime(2026, 12, 1, 11, 0, tzinfo=timezone.utc))
        references = (report.reference, other.reference)
        view = documents.isb(session, other.reference.lower(), LONDON, NOW)  # found from a covered report too
    pages = pdf_pages(render.isb_pdf(view))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert all(reference in text for reference in references)  # the running header names both
    whole = flat(" ".join(pages))
    for heading in ("1. Direct financial loss", "2. Damage to buildings and property", "3. Indirect costs",
                    "4. Non-financial impact", "Supplementary statement 1"):
        assert heading in whole
    assert "Amount: £80" in whole and "Amount: £600" in whole and "Total of the amounts stated £680" in whole
    assert "Total with the supplementary statements £1,030" in whole
    assert "Named point of contact Priya Kumar" in whole and "Read aloud in court Yes, read by the prosecutor" in whole
    assert whole.count(flat(ISB_DECLARATION)) == 2  # the original's and the supplement's
    assert "Date: Sunday 22 November 2026" in whole and "Date: Tuesday 1 December 2026" in whole
    assert "Produced Monday 23 November 2026, 10:30am" in whole
    assert "2. Damage to buildings and property Doors, windows, fittings, equipment or vehicles, and the cost of " \
           "repairs None" in whole


def test_a_page_drawn_to_an_image_is_not_blank(sessions):
    import pypdfium2

    with sessions.begin() as session:
        report = stored_report(session)
        declared_statement(session, report)
        data = render.isb_pdf(documents.isb(session, report.reference, LONDON, NOW))
    image = pypdfium2.PdfDocument(data)[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128]) / (image.width * image.height)
    assert image.getextrema() == (0, 255) or image.getextrema()[0] < 64
    assert 0.005 < dark < 0.5  # text on a white page: some ink, mostly paper


def test_hostile_text_is_shown_as_text(sessions):
    with sessions.begin() as session:
        report = stored_report(session, description=HOSTILE, reporter_name="Zo\u00eb <i>O'Neill</i>")
        declared_statement(session, report, non_financial_text=HOSTILE, contact_name="{{ config }}")
        isb_view = documents.isb(session, report.reference, LONDON, NOW)
        mg11_view = documents.mg11(session, report.reference, LONDON, NOW)
    for page in (render.isb_html(isb_view), render.mg11_html(mg11_view)):
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in page and "<script>" not in page
        assert "&lt;b&gt;bold&lt;/b&gt;" in page
        assert "{{ 7*7 }}" in page  # printed, not evaluated
        assert "{% for x in range(3) %}loop{% endfor %}" in page and "looploop" not in page
        assert "\u202e" not in page and "\x07" not in page and "caf\u00e9" in page and "\U0001F600" in page
        assert "&amp;amp;" in page
    assert "{{ config }}" in render.isb_html(isb_view)
    assert "Zoë &lt;i&gt;O&#39;Neill&lt;/i&gt;" in render.mg11_html(mg11_view)
    text = flat(" ".join(pdf_pages(render.isb_pdf(isb_view))))
    assert "<script>alert('x')</script> <b>bold</b> {{ 7*7 }}" in text and "evil" in text


def test_mg11_draft_from_a_report(sessions):
    start = datetime(2026, 11, 22, 6, 0, tzinfo=timezone.utc)
    with sessions.begin() as session:
        report = stored_report(
            session, occurred_at=start, occurred_time_known=False, occurred_until=start.replace(hour=12),
            crime_type="robbery", details={"weapon": "knife"}, injuries="cut to the hand", witnesses="none",
            cctv_available=True, cctv_shows_face=False, cctv_clock_offset_minutes=-60, cctv_overwrite_days=30,
            cctv_status="provided", description="He came to the till and demanded cash.\n" * 60)
        report.attachments = [
            ReportAttachment(kind="cctv_link", url="https://www.dropbox.com/s/abc/till.mp4", provider="dropbox"),
            ReportAttachment(kind="photo", storage_key="ab/cdef", size_bytes=245_123, content_type="image/jpeg",
                             sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
        ]
        session.flush()
        view = documents.mg11(session, report.reference, LONDON, NOW)
    pages = pdf_pages(render.mg11_pdf(view))
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert DRAFT_MARK in text and f"Page {number} of {len(pages)}" in text
    whole = flat(" ".join(pages))
    assert f"This statement (consisting of {len(pages)} page(s) each signed by me) is true" in whole
    assert "(not signed)" in whole and "Statement of Priya Kumar" in whole and "Occupation owner" in whole
    assert "My name is Priya Kumar. I am the owner of Kumar's Convenience Store." in whole
    # The vague time stays the window it was given as.
    assert "which happened on Sunday 22 November 2026, between 6:00am and 12:00pm" in whole
    assert "A weapon was involved: knife." in whole and "The injuries were: cut to the hand" in whole
    assert "The CCTV clock is 60 minutes slow: the time shown on the footage is 60 minutes earlier than the real " \
           "time." in whole
    assert "does not show the offender's face clearly" in whole and "keeps footage for 30 days" in whole
    assert "which I produce as exhibit PK/1" in whole and "I produce the other evidence I sent as exhibit PK/2" in whole
    assert "SHA-256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" in re.sub(r"\s", "", whole)
    assert "Size: 245,123 bytes" in whole and "Link: https://www.dropbox.com/s/abc/till.mp4" in whole
    assert "Witness contact details" in whole and "+447700900123" in whole


def test_mg11_html_leaves_the_page_count_to_fill_in_and_says_draft(sessions):
    with sessions.begin() as session:
        report = stored_report(session, cctv_available=True, cctv_status="pending", reporter_name=None)
        page = render.mg11_html(documents.mg11(session, report.reference, LONDON, NOW))
    assert page.count(DRAFT_MARK) >= 2 and "consisting of ___ page(s)" in page
    assert "I will provide a copy of the footage, which I will produce as exhibit EXH/1." in page


def test_initials_make_exhibit_references():
    assert documents.initials("Priya Kumar") == "PK"
    assert documents.initials("Mary Anne Smith-Jones") == "MJ"
    assert documents.initials("priya") == "P"
    assert documents.initials(None) == documents.initials("   ") == "EXH"


def test_statement_dates_read_like_the_report_summary():
    moment = datetime(2026, 7, 4, 13, 5, tzinfo=timezone.utc)  # British Summer Time: 2:05pm
    assert when(moment, LONDON) == f"{day(moment, LONDON)}, {clock(moment, LONDON)}" == "Saturday 4 July 2026, 2:05pm"


def test_cli_writes_pdf_and_html(cli, sessions, tmp_path):
    with sessions.begin() as session:
        report = stored_report(session)
        declared_statement(session, report)
        reference = report.reference
    target = tmp_path / "isb.pdf"
    made = cli.invoke(app, ["statements", "isb", reference, "--format", "pdf", "--output", str(target)])
    assert made.exit_code == 0, made.output
    assert target.read_bytes().startswith(b"%PDF") and "Impact Statement for Business" in pdf_pages(
        target.read_bytes())[0]
    shown = cli.invoke(app, ["statements", "mg11", reference.lower(), "--format", "html"])
    assert shown.exit_code == 0 and shown.stdout.startswith("<!DOCTYPE html>") and DRAFT_MARK in shown.stdout
    piped = cli.invoke(app, ["statements", "mg11", reference, "-o", "-"])
    assert piped.exit_code == 0 and piped.stdout_bytes.startswith(b"%PDF")
    assert len(pdf_pages(piped.stdout_bytes)) >= 1


def test_cli_says_clearly_when_there_is_nothing_to_make(cli, sessions):
    with sessions.begin() as session:
        reference = stored_report(session).reference
    unknown = cli.invoke(app, ["statements", "isb", "BW-2222-2222"])
    assert unknown.exit_code == 1 and "No report with reference BW-2222-2222" in unknown.output
    missing = cli.invoke(app, ["statements", "mg11", "nonsense", "--format", "html"])
    assert missing.exit_code == 1 and "No report" in missing.output
    none_yet = cli.invoke(app, ["statements", "isb", reference, "--format", "html"])
    assert none_yet.exit_code == 1 and f"Report {reference} has no Impact Statement for Business yet" in none_yet.output
    with sessions.begin() as session:  # a draft is not a statement
        from statement_support import report as load_report
        draft = declared_statement(session, load_report(sessions, reference), status="draft", declared_at=None)
        assert draft.id
    still = cli.invoke(app, ["statements", "isb", reference, "--format", "html"])
    assert still.exit_code == 1 and "no Impact Statement for Business yet" in still.output
