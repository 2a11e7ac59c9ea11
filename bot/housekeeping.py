"""Deleting what we no longer need: abandoned drafts, idle contacts, old replies and delivery records.

Personal data is kept only as long as its purpose needs (UK GDPR storage limitation): a draft
nobody finished is deleted after ``draft_retention_days``; a reply (which also records that the
message it answers was handled) only has to outlive redelivery (hours for Telegram and Twilio), so
it goes after a week; other sent messages (reminders, alerts) are kept for the delivery reports
for ``delivery_record_retention_days``, and nothing still waiting to be sent is deleted; a contact
(name, phone, business remembered for next time) goes once no report points at it and nobody has
talked to us from that address for ``contact_retention_days``. The scheduler runs this daily.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import and_, delete, exists, select
from sqlalchemy.orm import Session

from bot.delivery.outbox import FINAL, Purpose
from bot.reports.service import purge_drafts
from bot.storage.models import Contact, Conversation, OutboxMessage, Report


class Retention(Protocol):
    """How long each kind of record is kept, in days (``Settings`` has these fields)."""

    draft_retention_days: int
    processed_message_retention_days: int
    delivery_record_retention_days: int
    contact_retention_days: int


@dataclass(frozen=True)
class Purged:
    drafts: int
    messages: int
    contacts: int

    def __str__(self) -> str:
        return (f"Deleted {self.drafts} old draft(s), {self.contacts} idle contact(s) and "
                f"{self.messages} old message record(s).")


def purge(session: Session, now: datetime, retention: Retention) -> Purged:
    drafts = purge_drafts(session, now, retention.draft_retention_days)
    messages = _purge_messages(session, now, retention)
    # Conversations idle past the draft retention hold nothing worth keeping either.
    session.execute(delete(Conversation).where(
        Conversation.last_active_at < now - timedelta(days=retention.draft_retention_days)))
    return Purged(drafts=drafts, messages=messages, contacts=_purge_contacts(session, now, retention))


def _purge_messages(session: Session, now: datetime, retention: Retention) -> int:
    """Replies past redelivery, and other messages past their delivery reports; never one still to send."""
    finished = OutboxMessage.status.in_([status.value for status in FINAL])
    replies = and_(OutboxMessage.purpose == Purpose.REPLY.value,
                   OutboxMessage.created_at < now - timedelta(days=retention.processed_message_retention_days))
    others = and_(OutboxMessage.purpose != Purpose.REPLY.value,
                  OutboxMessage.created_at < now - timedelta(days=retention.delivery_record_retention_days))
    return session.execute(delete(OutboxMessage).where(finished, replies | others)).rowcount or 0


def _purge_contacts(session: Session, now: datetime, retention: Retention) -> int:
    """Contacts with no report left, no conversation since the cutoff, and no opt-out to remember."""
    cutoff = now - timedelta(days=retention.contact_retention_days)
    has_report = exists().where(Report.contact_id == Contact.id)
    recently_active = exists().where(and_(Conversation.channel == Contact.channel,
                                          Conversation.address == Contact.address,
                                          Conversation.last_active_at >= cutoff))
    # An opted-out contact is kept: it is the record that stops anything more going to that address.
    idle = select(Contact.id).where(Contact.updated_at < cutoff, Contact.opted_out_at.is_(None), ~has_report,
                                    ~recently_active)
    return session.execute(delete(Contact).where(Contact.id.in_(idle))).rowcount or 0
