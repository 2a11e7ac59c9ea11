"""A sender worker: claims due outbox rows for its channels and sends them, part by part.

One claimer thread keeps ``concurrency`` sender threads per channel busy, claiming up to twice that
many rows of each channel so that a sender coming free finds the next row waiting (fewer, larger
claims); it claims again when woken (a message was queued; a sender came free, so more may be due,
or the next message to the same person) or after ``poll_seconds``. Each channel has its own senders
because each has its own rate: a campaign's SMS, waiting for room under the SMS limit, must not hold
up its Telegram messages (with shared senders, every channel went at the slowest one's pace). The
claim's transaction also reads whether each recipient may be sent to; a sender reads it again if
the row waited long before its turn. It renders the messages with the
channel and sends the parts not sent before, waiting for room under the channel's rate limits
first; after each part it records the provider's id and renews the lease, so a retry or another
worker carries on from the next part and never sends one twice. A long wait for room renews the
lease before the send, so a row is never sent by two workers because one of them waited.

What a channel raises decides what happens next (``bot.delivery.errors``):

- ``Hold``: set aside as held with the reason, until the person's next message releases it;
- ``RetryLater``: back to the queue after a backoff (or the provider's Retry-After), failed after
  ``max_attempts``;
- ``RecipientGone``: the contact is marked unreachable or opted out, and this and everything else
  waiting for that address on the channel fails;
- ``PermanentFailure``: failed at once;
- anything else: retried like ``RetryLater``, logged by its class name only (an exception's text may
  quote the message or the number).

Logs name the outbox id, channel, status and error code; never the text or the address.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import socket
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.channels.base import Part, SendingChannel
from bot.delivery import ledger
from bot.delivery.claim import Claimed, claim, release
from bot.delivery.errors import Hold, PermanentFailure, RecipientGone, RetryLater
from bot.delivery.outbox import from_body
from bot.delivery.rates import SendRates, Stopped
from bot.delivery.recipients import mark_gone, refusals, refused
from bot.delivery.retry import RetryPolicy
from bot.delivery.wakeup import Wakeup
from bot.storage.types import utcnow

log = logging.getLogger(__name__)
T = TypeVar("T")
WRITE_ATTEMPTS = 3
STOP_SECONDS = 30.0
RECHECK_SECONDS = 1.0  # a recipient read longer ago than this is read again just before sending


def worker_name() -> str:
    """Who holds a lease: host, process and a random tag (several workers may share a process)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Sends the outbox rows of ``channels`` (name -> channel) until stopped."""

    def __init__(self, sessions: sessionmaker[Session], channels: Mapping[str, SendingChannel], rates: SendRates,
                 policy: RetryPolicy, *, wakeup: Wakeup | None = None, concurrency: int = 4,
                 lease_seconds: float = 60.0, poll_seconds: float = 5.0,
                 clock: Callable[[], datetime] = utcnow, owner: str | None = None) -> None:
        if not channels:
            raise ValueError("a worker needs at least one sending channel")
        self.sessions = sessions
        self.channels = dict(channels)
        self.rates = rates
        self.policy = policy
        self.wakeup = wakeup or Wakeup()
        self.concurrency = concurrency
        self.lease_seconds = lease_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.owner = owner or worker_name()
        self._stopping = threading.Event()
        self._woken = self.wakeup.subscribe()
        self._lock = threading.Lock()
        self._in_flight: Counter[str] = Counter()  # rows claimed and not yet done with, per channel
        self._next_retry: float | None = None  # monotonic time of the soonest retry this worker scheduled
        self._claimer: threading.Thread | None = None
        self._senders: dict[str, ThreadPoolExecutor] = {}

    # --- running ------------------------------------------------------------------------------
    def start(self) -> None:
        """Claim and send in background threads until ``stop``."""
        self._senders = {name: ThreadPoolExecutor(self.concurrency, thread_name_prefix=f"bizwatch-sender-{name}")
                         for name in self.channels}
        self._claimer = threading.Thread(target=self._claim_loop, name="bizwatch-claimer", daemon=True)
        self._claimer.start()
        log.info("sender worker %s started for %s", self.owner, ", ".join(sorted(self.channels)))

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        """Stop claiming, let each sender finish the part in hand, and give back every row still held."""
        self._stopping.set()
        self._woken.set()
        if self._claimer is not None:
            self._claimer.join(timeout)
        for senders in self._senders.values():
            senders.shutdown(wait=True)
        try:
            self._write(lambda session: release(session, self.owner, self.clock()))
        except SQLAlchemyError as error:
            log.warning("sender worker %s could not give its rows back: %s", self.owner, type(error).__name__)
        self.wakeup.unsubscribe(self._woken)
        log.info("sender worker %s stopped", self.owner)

    def run_once(self, limit: int | None = None) -> int:
        """Claim up to ``limit`` due rows of each channel and send them in this thread; how many were claimed
        (tests, tools)."""
        rows = self._claim(dict.fromkeys(self.channels, limit or self.concurrency))
        for row in rows:
            self.send(row)
        return len(rows)

    def drain(self) -> int:
        """``run_once`` until nothing is due; how many rows were handled."""
        handled = 0
        while (claimed := self.run_once()):
            handled += claimed
        return handled

    def _claim(self, room: Mapping[str, int]) -> list[Claimed]:
        """Claim up to ``room[channel]`` due rows of each channel, in one transaction."""
        def claim_and_check(session: Session) -> list[Claimed]:
            moment = self.clock()
            rows = [row for channel, limit in room.items() if limit > 0
                    for row in claim(session, channel, self.owner, moment, self.lease_seconds, limit)]
            known, now = refusals(session, ((r.channel, r.address) for r in rows)), time.monotonic()
            return [dataclasses.replace(r, refusal=refused(known.get((r.channel, r.address)), r.purpose, r.created_at),
                                        checked_at=now) for r in rows]

        return self._write(claim_and_check)

    def _claim_loop(self) -> None:
        while not self._stopping.is_set():
            self._woken.clear()
            with self._lock:  # per channel: running, and one waiting per sender
                free = {name: 2 * self.concurrency - self._in_flight[name] for name in self.channels}
            rows: list[Claimed] = []
            if any(room > 0 for room in free.values()):
                try:
                    rows = self._claim(free)
                except SQLAlchemyError as error:
                    log.warning("sender worker %s could not claim: %s", self.owner, type(error).__name__)
            with self._lock:
                self._in_flight.update(row.channel for row in rows)
            for row in rows:
                self._senders[row.channel].submit(self._send_then_free, row)
            self._woken.wait(self._pause())

    def _pause(self) -> float:
        """Until the next poll, or sooner when a retry this worker scheduled falls due."""
        with self._lock:
            soonest, now = self._next_retry, time.monotonic()
            if soonest is not None and soonest <= now:
                self._next_retry = None  # due now: this round's claim takes it
                return 0.0
        return self.poll_seconds if soonest is None else min(self.poll_seconds, soonest - now)

    def _send_then_free(self, row: Claimed) -> None:
        try:
            self.send(row)
        except Exception as error:  # noqa: BLE001 - one row's trouble must not end the worker
            log.error("outbox %d: sending failed unexpectedly: %s", row.id, type(error).__name__)
        finally:
            with self._lock:
                self._in_flight[row.channel] -= 1
            # A sender came free: claim again (more may be due, or the next message to the same person).
            self._woken.set()

    # --- one row ------------------------------------------------------------------------------
    def send(self, row: Claimed) -> None:
        """Send what is left of ``row``, then record how it ended."""
        channel = self.channels[row.channel]
        try:
            parts = [part for message in from_body(row.body) for part in channel.render(message)]
        except Exception as error:  # noqa: BLE001 - a rendering fault: retried, then failed with its name
            self._retry(row, RetryLater(type(error).__name__, "the message could not be rendered"))
            return
        reason = row.refusal
        if time.monotonic() - row.checked_at > RECHECK_SECONDS:  # it waited: they may have said STOP since
            known = self._write(lambda session: refusals(session, [(row.channel, row.address)]))
            reason = refused(known.get((row.channel, row.address)), row.purpose, row.created_at)
        if reason is not None:
            self._finish(row, ledger.failed, code=reason, detail=f"not sent: the recipient is {reason}")
            return
        if not parts:
            self._finish(row, ledger.failed, code="empty", detail="nothing to send")
            return
        provider_ids = list(row.provider_ids)
        held_since = [time.monotonic()]
        for index in range(row.parts_sent, len(parts)):
            if not self._send_part(row, channel, parts, index, provider_ids, held_since):
                return
        log.info("outbox %d sent on %s (%d part(s), attempt %d)", row.id, row.channel, len(parts), row.attempts)

    def _send_part(self, row: Claimed, channel: SendingChannel, parts: list[Part], index: int,
                   provider_ids: list[str], held_since: list[float]) -> bool:
        """Send part ``index`` and record it; False when the row is done with for now (an error, a stop).

        ``held_since`` is when the lease was last taken or renewed (monotonic), renewed here if old.
        """
        try:
            if self._stopping.is_set():
                raise Stopped
            self.rates.acquire(row.channel, row.address, parts[index], self._stopping)
        except Stopped:
            self._write(lambda session: release(session, self.owner, self.clock(), [row.id]))
            return False
        if time.monotonic() - held_since[0] > self.lease_seconds / 2:
            if not self._write(lambda session: ledger.renew(session, row.id, self.owner, self.clock(),
                                                            self.lease_seconds)):
                log.warning("outbox %d: lease lost while waiting to send; another worker has it", row.id)
                return False
            held_since[0] = time.monotonic()
        try:
            provider_id = channel.send(row.address, parts[index])
        except RecipientGone as error:
            self._gone(row, error)
            return False
        except Hold as error:
            log.info("outbox %d on %s held: %s", row.id, row.channel, error.code)
            self._finish(row, ledger.held, code=error.code, detail=error.reason)
            return False
        except PermanentFailure as error:
            log.info("outbox %d failed on %s: %s", row.id, row.channel, error.code)
            self._finish(row, ledger.failed, code=error.code, detail=error.detail or "refused by the provider")
            return False
        except RetryLater as error:
            self._retry(row, error)
            return False
        except Exception as error:  # noqa: BLE001 - unknown trouble is taken as passing
            log.warning("outbox %d on %s: %s while sending; will retry", row.id, row.channel, type(error).__name__)
            self._retry(row, RetryLater(type(error).__name__))
            return False
        provider_ids.append(str(provider_id))
        held = self._write(lambda session: ledger.part_sent(
            session, row.id, self.owner, self.clock(), number=index + 1, total=len(parts),
            provider_ids=provider_ids, lease_seconds=self.lease_seconds))
        if not held:
            log.warning("outbox %d: lease lost after part %d; another worker has it", row.id, index + 1)
        held_since[0] = time.monotonic()
        return held

    def _retry(self, row: Claimed, error: RetryLater) -> None:
        decision = self.policy.after(error, row.attempts)
        if decision.delay is None:
            log.info("outbox %d failed on %s after %d attempts: %s", row.id, row.channel, row.attempts, error.code)
            self._finish(row, ledger.failed, code=error.code,
                         detail=f"gave up after {row.attempts} attempts: {error.detail or error.code}")
            return
        now = self.clock()
        when = self.policy.retry_time(now, decision.delay, urgent=row.urgent, purpose=row.purpose)
        wait = (when - now).total_seconds()
        log.info("outbox %d on %s: %s, retry in %.1f s", row.id, row.channel, error.code, wait)
        self._finish(row, ledger.retry_at, now=now, when=when, code=error.code,
                     detail=error.detail or error.code, counted=decision.counted)
        due = time.monotonic() + wait
        with self._lock:
            if self._next_retry is None or due < self._next_retry:
                self._next_retry = due

    def _gone(self, row: Claimed, error: RecipientGone) -> None:
        log.info("outbox %d on %s: recipient gone (%s)", row.id, row.channel, error.code)

        def record(session: Session) -> None:
            now = self.clock()
            ledger.failed(session, row.id, self.owner, now, code=error.code,
                          detail=error.detail or ("opted out" if error.opted_out else "unreachable"))
            mark_gone(session, row.channel, row.address, error, now)

        self._write(record)

    def _finish(self, row: Claimed, write: Callable[..., bool], *, now: datetime | None = None, **values: Any) -> None:
        if not self._write(lambda session: write(session, row.id, self.owner, now or self.clock(), **values)):
            log.warning("outbox %d: lease lost before its outcome was recorded; another worker has it", row.id)

    def _write(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in its own short transaction, trying again if the database is briefly away."""
        for attempt in range(1, WRITE_ATTEMPTS + 1):
            try:
                with self.sessions.begin() as session:
                    return work(session)
            except SQLAlchemyError as error:
                if attempt == WRITE_ATTEMPTS:
                    raise
                log.warning("outbox write failed (attempt %d): %s", attempt, type(error).__name__)
                time.sleep(0.1 * 2 ** attempt)
        raise AssertionError("unreachable")
