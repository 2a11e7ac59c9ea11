"""What an operator can look at and do in the outbox: list messages, see one with its history, retry a failure."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery import ledger
from bot.delivery.outbox import Status
from bot.delivery.quiet_hours import QuietHoursSettings, arrival_time
from bot.storage.models import DeliveryEvent, OutboxMessage

LIST_FIELDS = ("id", "channel", "address", "purpose", "status", "urgent", "attempts", "parts_sent", "provider_ids",
               "error_code", "error", "hold_reason", "due_at", "next_attempt_at", "created_at", "sent_at",
               "delivered_at")


class NotRetryable(ValueError):
    """The message is missing, or not failed (only a failed message can be sent again)."""


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def as_dict(message: OutboxMessage) -> dict[str, Any]:
    """A row as plain JSON-ready values (no message text: ``show`` adds that)."""
    return {name: _iso(getattr(message, name)) for name in LIST_FIELDS}


def messages(session: Session, *, statuses: list[str] | None = None, channel: str | None = None,
             limit: int = 50) -> list[OutboxMessage]:
    """The newest messages first, optionally only some statuses or one channel."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if statuses:
        query = query.where(OutboxMessage.status.in_(statuses))
    if channel:
        query = query.where(OutboxMessage.channel == channel)
    return list(session.scalars(query))


def events(session: Session, outbox_id: int) -> list[dict[str, Any]]:
    """Everything that happened to one message, oldest first."""
    rows = session.scalars(select(DeliveryEvent).where(DeliveryEvent.outbox_id == outbox_id)
                           .order_by(DeliveryEvent.at, DeliveryEvent.id))
    return [{"at": _iso(e.at), "kind": e.kind, "status": e.status, "provider_id": e.provider_id,
             "error_code": e.error_code, "detail": e.detail} for e in rows]


def retry(session: Session, outbox_id: int, now: datetime, quiet_hours: QuietHoursSettings) -> OutboxMessage:
    """Queue a failed message again, with a fresh set of attempts; the parts already sent stay sent.

    It goes now, or at the end of the quiet hours if it can wait: an operator's retry at 23:00 is
    still the reminder or update it was, and the person is still asleep.
    """
    message = session.get(OutboxMessage, outbox_id, with_for_update=True, populate_existing=True)
    if message is None:
        raise NotRetryable(f"There is no message {outbox_id}.")
    if message.status != Status.FAILED.value:
        raise NotRetryable(f"Message {outbox_id} is {message.status}: only failed messages can be retried.")
    at = arrival_time(now, urgent=message.urgent, purpose=message.purpose, settings=quiet_hours)
    message.status, message.next_attempt_at, message.attempts, message.updated_at = Status.QUEUED.value, at, 0, now
    message.error_code = message.error = message.lease_owner = message.lease_until = None
    session.flush()
    ledger.event(session, outbox_id, now, Status.QUEUED.value, kind="operator", detail="retried by an operator")
    return message
