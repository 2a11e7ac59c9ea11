"""Deleting what we no longer need: abandoned drafts and old duplicate-delivery records.

Personal data is kept only as long as its purpose needs (UK GDPR storage limitation): a draft
nobody finished is deleted after ``draft_retention_days``; the record of a handled message only
has to outlive redelivery (hours for Telegram and Twilio), so it goes after a week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.reports.service import purge_drafts
from bot.storage.models import Conversation, ProcessedMessage


@dataclass(frozen=True)
class Purged:
    drafts: int
    processed_messages: int


def purge(session: Session, now: datetime, settings: Settings) -> Purged:
    drafts = purge_drafts(session, now, settings.draft_retention_days)
    cutoff = now - timedelta(days=settings.processed_message_retention_days)
    processed = session.execute(delete(ProcessedMessage).where(ProcessedMessage.created_at < cutoff)).rowcount or 0
    # Conversations idle past the draft retention hold nothing worth keeping either.
    session.execute(delete(Conversation).where(
        Conversation.last_active_at < now - timedelta(days=settings.draft_retention_days)))
    return Purged(drafts=drafts, processed_messages=processed)
