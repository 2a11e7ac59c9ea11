"""How long a statement document takes to make, and the memory it takes.

Run from the repository root (about a minute on a 2-core machine):

    python benchmarks/statements_benchmark.py [--runs 40] [--long]

A temporary SQLite database gets one sent shop-theft report (CCTV link, two photos with hashes) and a
declared Impact Statement for Business with one supplementary statement, as the conversation leaves
them. Each document is then built from the database and rendered the way `bizwatch statements`
does, ``--runs`` times after one warm-up. Printed per document: pages, PDF size, render time p50/p99
(database read + template + PDF; the MG11 renders twice to write its own page count into the
declaration) and the HTML alone for comparison; then the peak Python allocation of one render
(tracemalloc) and the process's peak RSS (the kernel's high-water mark, which includes Pango's
memory). ``--long`` makes every free-text answer the longest the chat keeps (4,000 characters), for
a many-page worst case.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.statements import documents, render  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Contact, ImpactStatement, Report, ReportAttachment  # noqa: E402
from nlu.reference import new_reference  # noqa: E402

LONDON = ZoneInfo("Europe/London")
AT = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)
STORY = ("He came in, filled a rucksack with steaks, lamb and two bottles of gin from the aisle by the door, "
         "pushed past Sam at the till and ran towards the bus station. ")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def seed(url: str, long: bool) -> str:
    """One report with evidence, its declared statement and a supplementary one; the report's reference."""
    words = (lambda text: (text + " ") * (4000 // (len(text) + 1))) if long else (lambda text: text)
    sessions = make_session_factory(make_engine(url))
    with sessions.begin() as session:
        contact = Contact(channel="web", address="bench", created_at=AT, updated_at=AT)
        session.add(contact)
        session.flush()
        report = Report(channel="web", contact_id=contact.id, status="submitted", reference=new_reference(),
                        crime_type="shop_theft", occurred_at=AT, occurred_time_known=True, submitted_at=AT,
                        created_at=AT, updated_at=AT, business_name="Kumar's Convenience Store",
                        business_address="12 High Street, Walsall", business_postcode="WS1 1QL",
                        description=words(STORY * 2), value_gbp=Decimal("180"), details={"weapon": "knife"},
                        offenders=[{"description": words("young man, about 18, grey hoodie, scar on left cheek")}],
                        vehicle_registrations=[], injuries="none", witnesses="Jo from the shop next door",
                        cctv_available=True, cctv_shows_face=True, cctv_clock_offset_minutes=5,
                        cctv_overwrite_days=7, cctv_status="provided", reporter_name="Priya Kumar",
                        reporter_role="owner", reporter_phone="+447700900123", preferred_contact="text",
                        willing_to_give_statement=True, willing_to_attend_court=True)
        report.attachments = [
            ReportAttachment(kind="cctv_link", url="https://www.dropbox.com/s/abc123/till.mp4?dl=0",
                             provider="dropbox"),
            *(ReportAttachment(kind="photo", storage_key=f"ab/{n}", size_bytes=2_345_678 + n, content_type="image/jpeg",
                               sha256=f"{n:x}" * 64) for n in (1, 2)),
        ]
        session.add(report)
        session.flush()
        original = ImpactStatement(
            report_id=report.id, contact_id=contact.id, channel="web", status="declared",
            business_name=report.business_name, business_address=report.business_address, business_postcode="WS1 1QL",
            contact_name="Priya Kumar", contact_role="owner", authorised=True, covers="repeat_offender",
            repeat_offending=words("The same man, about 12 times since June."), sites="one",
            financial_text=words("6 steaks, a leg of lamb and 2 bottles of gin"), financial_gbp=Decimal("180"),
            damage_text=words("the door closer was broken"), damage_gbp=Decimal("240"),
            indirect_text=words("closed for the afternoon and paid a guard for two weeks"),
            indirect_gbp=Decimal("1400"),
            non_financial_text=words("Two of my staff are frightened to work evenings now and one has left."),
            read_aloud=True, read_aloud_by="the prosecutor", declared_name="Priya Kumar", declared_at=AT,
            created_at=AT, updated_at=AT)
        session.add(original)
        session.flush()
        session.add(ImpactStatement(
            report_id=report.id, supplements_id=original.id, contact_id=contact.id, channel="web",
            status="declared", contact_name="Priya Kumar", addition_text=words("He came back; a new lock cost £350."),
            addition_gbp=Decimal("350"), declared_name="Priya Kumar", declared_at=AT, created_at=AT, updated_at=AT))
        return report.reference or ""


def timed(runs: int, make) -> tuple[list[float], object]:  # noqa: ANN001 - a no-argument callable
    make()  # warm-up: fonts loaded, templates compiled
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = make()
        times.append((time.perf_counter() - started) * 1000)
    return times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--long", action="store_true", help="every free-text answer 4,000 characters long")
    options = parser.parse_args()
    from pypdf import PdfReader

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        reference = seed(url, options.long)
        sessions = make_session_factory(make_engine(url))
        now = datetime.now(timezone.utc)

        def view(kind: str):  # noqa: ANN202
            with sessions() as session:
                return (documents.isb if kind == "isb" else documents.mg11)(session, reference, LONDON, now)

        makers = {
            "isb": (lambda: render.isb_pdf(view("isb")), lambda: render.isb_html(view("isb"))),
            "mg11": (lambda: render.mg11_pdf(view("mg11")), lambda: render.mg11_html(view("mg11"))),
        }
        print(f"statements benchmark: {options.runs} runs each{', long answers' if options.long else ''}")
        for kind, (make_pdf, make_html) in makers.items():
            pdf_times, data = timed(options.runs, make_pdf)
            html_times, _ = timed(options.runs, make_html)
            pages = len(PdfReader(io.BytesIO(data)).pages)
            tracemalloc.start()
            make_pdf()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{kind:>5} PDF: {pages} pages, {len(data) / 1024:.0f} kB; render p50 "
                  f"{percentile(pdf_times, 0.5):.0f} ms, p99 {percentile(pdf_times, 0.99):.0f} ms "
                  f"(mean {statistics.mean(pdf_times):.0f}); "
                  f"HTML only p50 {percentile(html_times, 0.5):.1f} ms; peak Python allocation "
                  f"{peak / 1024 / 1024:.1f} MB")
        print(f"process peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
