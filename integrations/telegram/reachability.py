"""Whether a Telegram chat can be sent to: ``contacts.unreachable_at``, from what Telegram tells us.

Blocking the bot arrives as a my_chat_member update ("kicked"); sender workers also mark the chat
when a send gets 403. Unblocking arrives the same way ("member"), and so does any message the
person sends, since Telegram only lets someone write to a bot they have unblocked. Only contacts
we already know are changed: blocking before ever writing leaves nothing to record.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from bot.storage.models import Contact
from integrations.telegram import CHANNEL


def set_reachable(sessions: sessionmaker[Session], address: str, reachable: bool, at: datetime) -> None:
    """Mark the chat reachable again, or unreachable since ``at`` (kept if already marked earlier)."""
    known = (Contact.channel == CHANNEL, Contact.address == address)
    if reachable:
        change = update(Contact).where(*known, Contact.unreachable_at.is_not(None)).values(unreachable_at=None)
    else:
        change = update(Contact).where(*known, Contact.unreachable_at.is_(None)).values(unreachable_at=at)
    with sessions.begin() as session:
        session.execute(change.values(updated_at=at).execution_options(synchronize_session=False))
