"""Deleting what we no longer need: abandoned drafts, idle contacts, old duplicate-delivery records.

Personal data is kept only as long as its purpose needs (UK GDPR storage limitation): a draft
nobody finished is deleted after ``draft_retention_days``; the record of a handled message only
has to outlive redelivery (hours for Telegram and Twilio), so it goes after a week; a contact
(name, phone, business remembered for next time) goes once no report points at it and nobody has
talked to us from that address for ``contact_retention_days``. The scheduler runs this daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from bot.reports.service import purge_drafts
from bot.storage.models import Contact, Conversation, ProcessedMessage, Report


class Retention(Protocol):
    """How long each kind of record is kept, in days (``Settings`` has these fields)."""

    draft_retention_days: int
    processed_message_retention_days: int
    contact_retention_days: int


@dataclass(frozen=True)
class Purged:
    drafts: int
    processed_messages: int
    contacts: int

    def __str__(self) -> str:
        return (f"Deleted {self.drafts} old draft(s), {self.contacts} idle contact(s) and "
                f"{self.processed_messages} old delivery record(s).")


def purge(session: Session, now: datetime, retention: Retention) -> Purged:
    drafts = purge_drafts(session, now, retention.draft_retention_days)
    cutoff = now - timedelta(days=retention.processed_message_retention_days)
    processed = session.execute(delete(ProcessedMessage).where(ProcessedMessage.created_at < cutoff)).rowcount or 0
    # Conversations idle past the draft retention hold nothing worth keeping either.
    session.execute(delete(Conversation).where(
        Conversation.last_active_at < now - timedelta(days=retention.draft_retention_days)))
    return Purged(drafts=drafts, processed_messages=processed, contacts=_purge_contacts(session, now, retention))


def _purge_contacts(session: Session, now: datetime, retention: Retention) -> int:
    """Contacts with no report left and no conversation since the cutoff."""
    cutoff = now - timedelta(days=retention.contact_retention_days)
    has_report = exists().where(Report.contact_id == Contact.id)
    recently_active = exists().where(and_(Conversation.channel == Contact.channel,
                                          Conversation.address == Contact.address,
                                          Conversation.last_active_at >= cutoff))
    idle = select(Contact.id).where(Contact.updated_at < cutoff, ~has_report, ~recently_active)
    return session.execute(delete(Contact).where(Contact.id.in_(idle))).rowcount or 0
