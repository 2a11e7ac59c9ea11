"""Opting out and back in: the contact's flag, the consent record, and the messages still waiting.

PECR asks us to honour an opt-out at once and to keep a record of consent (when, how, what for):
``opt_out`` sets ``contacts.opted_out_at``, writes a ``consents`` row, ends the address's alert
subscriptions and cancels everything still queued or held for it, in the same transaction, so
nothing more goes out; ``opt_in`` clears the flag and records that too. Both act on one channel and
address, whatever the channel: SMS STOP stops every text to that phone (as Twilio's block does),
WhatsApp STOP every WhatsApp message, Telegram /stop every Telegram message we would send first.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.campaigns.subscriptions import end_everything
from bot.delivery.outbox import Status
from bot.storage.models import Consent, Contact, DeliveryEvent, OutboxMessage

log = logging.getLogger(__name__)
SCOPE_ALL = "all"
WAITING = (Status.QUEUED.value, Status.HELD.value)


def contact_of(session: Session, channel: str, address: str, now: datetime) -> Contact:
    """The contact for this address, made if they have never written before (locked for the change)."""
    contact = session.scalars(select(Contact).where(Contact.channel == channel, Contact.address == address)
                              .with_for_update()).first()
    if contact is None:
        contact = Contact(channel=channel, address=address, created_at=now, updated_at=now)
        session.add(contact)
        session.flush()
    return contact


def is_opted_out(session: Session, channel: str, address: str) -> bool:
    return session.scalar(select(Contact.opted_out_at).where(
        Contact.channel == channel, Contact.address == address)) is not None


def opt_out(session: Session, channel: str, address: str, *, source: str, wording: str, now: datetime) -> int:
    """Stop everything to this address now; the number of waiting messages cancelled."""
    contact = contact_of(session, channel, address, now)
    if contact.opted_out_at is None:
        contact.opted_out_at = now
    session.add(Consent(channel=channel, address=address, action="opt_out", scope=SCOPE_ALL, source=source,
                        wording=wording, at=now))
    end_everything(session, channel, address, now)
    cancelled = cancel_waiting(session, channel, address, now, f"opted out ({wording})")
    log.info("%s address opted out (%s); %d waiting messages cancelled", channel, source, cancelled)
    return cancelled


def opt_in(session: Session, channel: str, address: str, *, source: str, wording: str, now: datetime) -> None:
    """They asked for messages again: nothing stops them from now on."""
    contact = contact_of(session, channel, address, now)
    contact.opted_out_at = None
    session.add(Consent(channel=channel, address=address, action="opt_in", scope=SCOPE_ALL, source=source,
                        wording=wording, at=now))
    log.info("%s address opted back in (%s)", channel, source)


def cancel_waiting(session: Session, channel: str, address: str, now: datetime, reason: str) -> int:
    """Cancel the messages not yet handed to the provider (a row a worker is sending is past recall:
    the sender worker checks the contact, and Twilio refuses a STOPped number with 21610)."""
    ids = list(session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.channel == channel, OutboxMessage.address == address, OutboxMessage.status.in_(WAITING))))
    if not ids:
        return 0
    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status.in_(WAITING))
                    .values(status=Status.CANCELLED.value, error_code="opted_out", error=reason[:300],
                            updated_at=now))
    session.add_all([DeliveryEvent(outbox_id=row_id, at=now, kind="status", status=Status.CANCELLED.value,
                                   detail=reason[:300]) for row_id in ids])
    return len(ids)
