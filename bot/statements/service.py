"""Impact statements over their life: a draft while being told, declared once, then only added to.

Only a person's own reports (made from the same channel address) can carry their statement, so a
reference alone (guessed or overheard) never opens someone else's report. A declared statement
is never changed (the model refuses it); what comes later is a supplementary statement linked to
the original, with its own declaration and date.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.storage.models import ImpactStatement, Report, impact_statement_reports

DRAFT = "draft"
DECLARED = "declared"


def own_reports(session: Session, contact_id: int, limit: int | None = None) -> list[Report]:
    """This person's sent reports, newest first."""
    query = select(Report).where(Report.contact_id == contact_id, Report.status != "draft") \
        .order_by(Report.submitted_at.desc(), Report.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def own_report(session: Session, contact_id: int, reference: str) -> Report | None:
    """One of this person's sent reports by its (canonical) reference; None for anyone else's."""
    return session.scalars(select(Report).where(Report.contact_id == contact_id, Report.status != "draft",
                                                Report.reference == reference)).one_or_none()


def declared_original(session: Session, report: Report) -> ImpactStatement | None:
    """The declared statement (not a supplementary one) made for ``report`` or covering it, latest first."""
    covering = select(impact_statement_reports.c.statement_id).where(impact_statement_reports.c.report_id == report.id)
    return session.scalars(
        select(ImpactStatement)
        .where(ImpactStatement.status == DECLARED, ImpactStatement.supplements_id.is_(None),
               or_(ImpactStatement.report_id == report.id, ImpactStatement.id.in_(covering)))
        .order_by(ImpactStatement.declared_at.desc(), ImpactStatement.id.desc())
        .limit(1)
    ).first()


def supplements(session: Session, original: ImpactStatement) -> list[ImpactStatement]:
    """The declared supplementary statements to ``original``, in the order they were made."""
    return list(session.scalars(
        select(ImpactStatement)
        .where(ImpactStatement.supplements_id == original.id, ImpactStatement.status == DECLARED)
        .order_by(ImpactStatement.declared_at, ImpactStatement.id)))


def new_draft(session: Session, contact_id: int, channel: str, now: datetime) -> ImpactStatement:
    statement = ImpactStatement(contact_id=contact_id, channel=channel, status=DRAFT, created_at=now, updated_at=now)
    session.add(statement)
    session.flush()
    return statement


def supplement(statement: ImpactStatement, original: ImpactStatement) -> None:
    """Make the draft a supplementary statement to ``original``: same business and point of contact."""
    statement.supplements_id = original.id
    statement.business_name, statement.business_address = original.business_name, original.business_address
    statement.business_postcode = original.business_postcode
    statement.contact_name, statement.contact_role = original.contact_name, original.contact_role
    statement.authorised = original.authorised


def declare(statement: ImpactStatement, name: str, now: datetime) -> None:
    """Make the statement: the typed name and the date. From here on it never changes."""
    statement.declared_name = name
    statement.declared_at = now
    statement.status = DECLARED


def references(statement: ImpactStatement) -> list[str]:
    """The references of every report the statement speaks for, its own report first."""
    found = [statement.report.reference] if statement.report is not None and statement.report.reference else []
    found += [r.reference for r in statement.covered if r.reference and r.reference not in found]
    return found
