"""Helpers for the statement tests: a sent report in one call, the stored statements, their documents' text.

(Not a conftest.py: a second conftest module would shadow tests/conftest.py, which these tests import.)
"""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.storage.models import ImpactStatement, Report
from dialog import PLACE, verify_dialog, you
from nlu.reference import normalise_reference

THEFT = [
    ("some lad nicked £80 of meat from the shop yesterday about 3pm", "i've noted"),
    ("no, it's over", "where did it happen"),
    (PLACE, "anything to add"),
    ("he put 6 steaks and a leg of lamb in his coat and walked out", "describe them"),
    ("young lad, about 18, grey hoodie, scar on left cheek", "do you have cctv"),
    ("yes, you can see his face, the clock is 5 minutes fast and it keeps 7 days", "save a copy of the footage before"),
    ("https://www.dropbox.com/s/abc123/till.mp4?dl=0", "link saved"),
    ("no", "your name and role"),
    *you(),
]


# The same again from someone who has reported before: their business and details are offered for a yes.
THEFT_AGAIN = [
    ("some lad nicked £80 of meat from the shop yesterday about 3pm", "i've noted"),
    ("no, it's over", "was this at kumar's convenience store"),
    ("yes", "anything to add"),
    ("that's all", "describe them"),
    ("skip", "do you have cctv"),
    ("no", "anyone else see"),
    ("no", "use your details from last time"),
    ("yes", "witness statement"),
    ("yes", "here's your report"),
]


def send_report(chat) -> str:
    """Tell a whole report (a first one, or another from the same person) and submit it; its reference."""
    verify_dialog(chat, THEFT_AGAIN if "your reference is" in chat.transcript.lower() else THEFT)
    reply = chat.say("submit")
    reference = normalise_reference(reply.split("reference is", 1)[1])
    assert reference is not None, reply
    return reference


def statements(sessions) -> list[ImpactStatement]:
    """Every stored statement (drafts too), with its report and the reports it covers loaded."""
    with sessions() as session:
        return list(session.scalars(select(ImpactStatement).order_by(ImpactStatement.id).options(
            selectinload(ImpactStatement.report), selectinload(ImpactStatement.covered))))


def report(sessions, reference: str) -> Report:
    with sessions() as session:
        return session.scalars(select(Report).where(Report.reference == reference)).one()


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def stored_report(session, channel: str = "web", address: str | None = None, **fields) -> Report:
    """A sent report and the contact it came from (found or made), written straight to the database."""
    from datetime import datetime, timezone

    from bot.storage.models import Contact
    from nlu.reference import new_reference

    at = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)
    address = address or f"shop-{new_reference()}"
    contact = session.scalars(select(Contact).where(Contact.channel == channel, Contact.address == address)).first()
    if contact is None:
        contact = Contact(channel=channel, address=address, created_at=at, updated_at=at)
        session.add(contact)
        session.flush()
    values = dict(channel=channel, contact_id=contact.id, status="submitted", reference=new_reference(),
                  crime_type="shop_theft", occurred_at=at, occurred_time_known=True, created_at=at, updated_at=at,
                  submitted_at=at, business_name="Kumar's Convenience Store",
                  business_address="12 High Street, Walsall",
                  business_postcode="WS1 1QL", description="A man put 6 steaks in his coat and walked out.",
                  value_gbp=80, details={}, offenders=[{"description": "young lad, about 18, grey hoodie"}],
                  vehicle_registrations=[], reporter_name="Priya Kumar", reporter_role="owner",
                  reporter_phone="+447700900123", willing_to_give_statement=True, willing_to_attend_court=True)
    values.update(fields)
    report = Report(**values)
    session.add(report)
    session.flush()
    return report


def declared_statement(session, report: Report, **fields) -> ImpactStatement:
    """A declared Impact Statement for Business for ``report``."""
    from datetime import datetime, timezone

    at = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
    values = dict(report_id=report.id, contact_id=report.contact_id, channel="web", status="declared",
                  business_name=report.business_name, business_address=report.business_address,
                  business_postcode=report.business_postcode, contact_name="Priya Kumar", contact_role="owner",
                  authorised=True, covers="this_report", sites="one", financial_text="6 steaks taken",
                  financial_gbp=80, damage_text="", indirect_text="closed for the afternoon", indirect_gbp=600,
                  non_financial_text="Two of my staff are frightened to work evenings.", read_aloud=True,
                  read_aloud_by="the prosecutor", declared_name="Priya Kumar", declared_at=at, created_at=at,
                  updated_at=at)
    values.update(fields)
    statement = ImpactStatement(**values)
    session.add(statement)
    session.flush()
    return statement
