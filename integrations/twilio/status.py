"""Twilio's status callbacks onto the outbox: each one recorded, the row's status only moving forward.

A row is one logical message, sent as one or more parts, each with its own Twilio SID in
``provider_ids``. Every callback becomes a ``delivery_events`` row; the row's status is then worked
out from all its parts' reports (``row_status``) and changed only if that moves it forward
(``bot.delivery.outbox.moves_forward``), so callbacks that come late, twice or out of order change
nothing. Only a row the sender worker has finished handing over (``sent``) is moved: one it is still
sending is its own (it folds the reports in when it marks the row sent, ``refresh``), and one waiting
for a worker again has no parts out. Twilio's words map onto ours: accepted, queued and sending are
``sending``; sent; delivered and WhatsApp's read are ``delivered``; undelivered; failed.

What an error code then decides:

- 30003 (handset unreachable: switched off, out of signal): a reminder, update or alert is tried
  again, twice at most (after 30 minutes, then 2 hours, or at the end of the quiet hours if that
  falls in them and the message can wait), when none of its parts got through, so nothing is ever
  received twice. A reply is not: by then the conversation has moved on, and the person's next
  message gets a fresh one.
- 30006 (a landline) and 30007 (filtered by the carrier) are final. A landline never takes a text,
  so 30006 also marks the SMS contact unreachable (as a provider's refusal does: the contact made if
  need be, whatever else waits for the number failed) and nothing more is tried there.
- 63016 (WhatsApp, outside the 24-hour window): Twilio knows the window better than we do. The row
  goes again as ``window`` decides now that it is closed (a template, or SMS), or is held until the
  person writes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import SendingChannel
from bot.delivery.errors import RecipientGone
from bot.delivery.outbox import RANK, Purpose, Status, from_body, moves_forward
from bot.delivery.quiet_hours import QuietHoursSettings, arrival_time
from bot.delivery.recipients import mark_gone
from bot.storage.models import DeliveryEvent, OutboxMessage
from integrations.twilio.channels import WhatsAppChannel
from integrations.twilio.window import OUTSIDE_WINDOW, Way, facts_for

log = logging.getLogger(__name__)
PROVIDER_STATUS = {
    "accepted": Status.SENDING, "queued": Status.SENDING, "sending": Status.SENDING, "sent": Status.SENT,
    "delivered": Status.DELIVERED, "read": Status.DELIVERED, "undelivered": Status.UNDELIVERED,
    "failed": Status.FAILED,
}
UNREACHABLE = "30003"
LANDLINE = "30006"
RETRY_AFTER = (timedelta(minutes=30), timedelta(hours=2))
LOOKBACK_ROWS = 200  # rows of one number searched for a SID before asking the event log
LOOKUP_PAUSES = (0.1, 0.2, 0.4)  # seconds between looks for a SID the worker may not have committed yet


@dataclass(frozen=True)
class StatusReport:
    sid: str
    status: str  # Twilio's word, as posted
    error_code: str | None
    to: str


def report_from(form: Mapping[str, str]) -> StatusReport | None:
    sid, status = form.get("MessageSid", ""), form.get("MessageStatus", "")
    if not sid or not status:
        return None
    return StatusReport(sid, status.lower(), form.get("ErrorCode") or None, form.get("To", ""))


def part_status(reported: list[Status]) -> Status | None:
    """One part's status from its reports: the furthest along; a failure beats a delivery at the end."""
    if not reported:
        return None
    furthest = max(RANK[status] for status in reported)
    at_end = [status for status in reported if RANK[status] == furthest]
    for status in (Status.FAILED, Status.UNDELIVERED):
        if status in at_end:
            return status
    return at_end[0]


def row_status(parts: list[Status | None], total: int) -> Status:
    """A row's status from its sent parts' statuses (None: handed over, no report yet) and its part count.

    Any part failed or undelivered makes the row so; otherwise the row is as far along as its
    least advanced part, and ``sending`` while parts remain unsent.
    """
    for failure in (Status.FAILED, Status.UNDELIVERED):
        if failure in parts:
            return failure
    if len(parts) < total:
        return Status.SENDING
    return min((status or Status.SENT for status in parts), key=lambda status: RANK[status], default=Status.SENT)


def parts_of(row: OutboxMessage, channels: Mapping[str, SendingChannel]) -> int:
    """How many parts the row is sent in (rendering is deterministic)."""
    channel = channels.get(row.channel)
    if channel is None:
        return len(row.provider_ids)
    return sum(len(channel.render(message)) for message in from_body(row.body))


class StatusUpdates:
    """Applies Twilio status callbacks to the outbox of one service (whose quiet hours a message sent
    again keeps to)."""

    def __init__(self, channels: Mapping[str, SendingChannel], quiet_hours: QuietHoursSettings) -> None:
        self.channels = channels
        self.quiet_hours = quiet_hours

    def record(self, sessions: sessionmaker[Session], report: StatusReport, clock: Callable[[], datetime]) -> bool:
        """Apply one callback in its own transaction; False if its message is not in the outbox.

        A callback can overtake the sender worker: Twilio may report "sent" before the worker has
        committed the SID it was just given. So a SID not found is looked for again a few times,
        each in a new transaction (holding nothing while it waits), before it is given up.
        """
        for pause in (*LOOKUP_PAUSES, None):
            with sessions.begin() as session:
                if self.apply(session, report, clock()):
                    return True
            if pause is not None:
                time.sleep(pause)
        log.info("status %s for a message not in the outbox", report.status)
        return False

    def apply(self, session: Session, report: StatusReport, now: datetime) -> bool:
        """Record the callback on its row and move the row on; False if no row has that SID."""
        row = find_row(session, report)
        if row is None:
            return False
        session.add(DeliveryEvent(outbox_id=row.id, at=now, kind="status", status=report.status[:16],
                                  provider_id=report.sid, error_code=report.error_code))
        session.flush()
        if report.sid in row.provider_ids:
            self.refresh(session, row, now)
        return True

    def refresh(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        """Move the row as far as its parts' reports take it.

        A sender worker calls this after marking a row sent, holding the row's lock (as callbacks take
        it too), for the reports that came in while the row was still ``sending``.
        """
        if row.status != Status.SENT.value:
            return
        parts = self._parts(session, row)
        new = row_status([status for status, _ in parts], parts_of(row, self.channels))
        if not moves_forward(row.status, new.value):
            return
        row.status, row.updated_at = new.value, now
        if new is Status.SENT and row.sent_at is None:
            row.sent_at = now
        if new is Status.DELIVERED:
            row.delivered_at = now
        if new in (Status.UNDELIVERED, Status.FAILED):
            row.error_code = next((code for status, code in parts if status is new and code), row.error_code)
            self._after_failure(session, row, now)
        log.info("outbox %d (%s) is %s%s", row.id, row.channel, new.value,
                 f" ({row.error_code})" if new in (Status.UNDELIVERED, Status.FAILED) else "")

    def _parts(self, session: Session, row: OutboxMessage) -> list[tuple[Status | None, str | None]]:
        """Each part handed over: its status from the reports on its current SID, and the error code
        Twilio gave with a failure."""
        reported: dict[str, list[Status]] = {sid: [] for sid in row.provider_ids}
        codes: dict[str, str] = {}
        for sid, status, code in session.execute(
                select(DeliveryEvent.provider_id, DeliveryEvent.status, DeliveryEvent.error_code).where(
                    DeliveryEvent.outbox_id == row.id, DeliveryEvent.kind == "status",
                    DeliveryEvent.provider_id.in_(row.provider_ids)).order_by(DeliveryEvent.id)):
            if status in PROVIDER_STATUS:
                reported[sid].append(PROVIDER_STATUS[status])
                if code:
                    codes[sid] = code
        return [(part_status(reported[sid]), codes.get(sid)) for sid in row.provider_ids]

    def _after_failure(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        if row.error_code == str(OUTSIDE_WINDOW) and row.channel == "whatsapp":
            self._outside_window(session, row, now)
        elif row.error_code == UNREACHABLE and row.purpose != Purpose.REPLY.value:
            self._unreachable(session, row, now)
        elif row.error_code == LANDLINE and row.channel == "sms":
            # The contact is made if there is none: a subscriber imported for campaigns may never have written.
            mark_gone(session, "sms", row.address, RecipientGone(LANDLINE, "a landline: it cannot take texts"), now)

    def _outside_window(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        channel = self.channels.get("whatsapp")
        if not isinstance(channel, WhatsAppChannel):
            return
        # Decided in this transaction: it holds the 63016 just recorded, which closes the window.
        route = channel.decide(facts_for(session, row.address, channel.sms_possible))
        failed = self._first_failed_part(session, row)
        if route.way is Way.HOLD:
            row.status, row.hold_reason = Status.HELD.value, route.reason
            row.parts_sent, row.provider_ids = failed, row.provider_ids[:failed]
            return
        requeue(session, row, now, from_part=failed, at=now, detail=f"63016: again as {route.way.value}",
                quiet_hours=self.quiet_hours)

    def _first_failed_part(self, session: Session, row: OutboxMessage) -> int:
        parts = self._parts(session, row)
        return next((i for i, (status, _) in enumerate(parts) if status in (Status.FAILED, Status.UNDELIVERED)),
                    len(parts))

    def _unreachable(self, session: Session, row: OutboxMessage, now: datetime) -> None:
        if any(status not in (Status.UNDELIVERED, Status.FAILED) for status, _ in self._parts(session, row)):
            return  # part of it got through: sending it again would repeat that part
        tries = session.scalar(select(func.count()).select_from(DeliveryEvent).where(
            DeliveryEvent.outbox_id == row.id, DeliveryEvent.kind == "requeue")) or 0
        if tries < len(RETRY_AFTER):
            requeue(session, row, now, from_part=0, at=now + RETRY_AFTER[tries], detail="30003: tried again later",
                    quiet_hours=self.quiet_hours)


def requeue(session: Session, row: OutboxMessage, now: datetime, *, from_part: int, at: datetime,
            detail: str, quiet_hours: QuietHoursSettings) -> None:
    """Give the row back to the sender workers from part ``from_part`` (earlier parts got through),
    to go at ``at`` or, if it can wait and that is in quiet hours, when they end.

    Status goes back to queued by our decision, not a provider's report; the old SIDs leave
    ``provider_ids``, so their late callbacks are kept as events and move nothing.
    """
    at = arrival_time(at, urgent=row.urgent, purpose=row.purpose, settings=quiet_hours)
    row.status, row.next_attempt_at, row.updated_at = Status.QUEUED.value, at, now
    row.parts_sent, row.provider_ids = from_part, row.provider_ids[:from_part]
    session.add(DeliveryEvent(outbox_id=row.id, at=now, kind="requeue", status=Status.QUEUED.value,
                              error_code=row.error_code, detail=detail[:300]))


def find_row(session: Session, report: StatusReport) -> OutboxMessage | None:
    """The outbox row a SID belongs to, locked: among the recent rows to that number, else by the event
    log (an earlier attempt's SID, or an old row)."""
    number = report.to.removeprefix("whatsapp:")
    row_id = None
    for candidate, provider_ids in session.execute(
            select(OutboxMessage.id, OutboxMessage.provider_ids)
            .where(OutboxMessage.address == number, OutboxMessage.channel.in_(("sms", "whatsapp")))
            .order_by(OutboxMessage.id.desc()).limit(LOOKBACK_ROWS)):
        if report.sid in (provider_ids or []):
            row_id = candidate
            break
    if row_id is None:
        row_id = session.scalar(select(DeliveryEvent.outbox_id).where(DeliveryEvent.provider_id == report.sid)
                                .limit(1))
    if row_id is None:
        return None
    return session.scalars(select(OutboxMessage).where(OutboxMessage.id == row_id).with_for_update()
                           .execution_options(populate_existing=True)).one()
