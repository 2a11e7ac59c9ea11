"""What the fake Twilio remembers: every message the app sent, who has replied STOP, when each WhatsApp
user last wrote, what the network will do with messages to an address, media, 429s and callbacks.

One lock guards it all. Request handlers (on the server's event loop) and tests (on their own thread)
both go through these methods, each holding the lock for O(1) work, so two processes hammering the
API while a test reads counters see a consistent picture.
"""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from integrations.twilio.fake import errors
from integrations.twilio.fake.ratelimit import SlidingWindowLimiter
from integrations.twilio.fake.segments import Encoding
from integrations.twilio.fake.settings import Delivery

Channel = Literal["sms", "whatsapp"]
WHATSAPP = "whatsapp:"


def bare_number(address: str) -> str:
    """The phone number in an address (``whatsapp:+44...`` -> ``+44...``)."""
    return address.removeprefix(WHATSAPP)


def channel_of(address: str) -> Channel:
    return "whatsapp" if address.startswith(WHATSAPP) else "sms"


def new_sid(prefix: str) -> str:
    """A Twilio resource SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


@dataclass(frozen=True)
class SentMessage:
    """A message the app asked Twilio to send, with its delivery status as it stands now.

    ``from_`` is the sender that counts against the rate (the Messaging Service's number when the app
    named a service). ``received_at`` and ``date_*`` are times on the fake's clock (epoch seconds).
    """

    sid: str
    account_sid: str
    to: str
    from_: str
    body: str
    channel: Channel
    segments: int
    encoding: Encoding | None
    received_at: float
    status: str
    media_urls: tuple[str, ...] = ()
    messaging_service_sid: str | None = None
    content_sid: str | None = None
    content_variables: str | None = None
    status_callback: str | None = None
    error_code: int | None = None
    date_sent: float | None = None
    date_updated: float | None = None


@dataclass(frozen=True)
class Throttle:
    """One create refused with 429 / 20429."""

    at: float
    sender: str
    to: str
    segments: int


@dataclass(frozen=True)
class CallbackAttempt:
    """One status callback POST: what was signed for which URL, where it went and what came back."""

    message_sid: str
    status: str
    url: str
    posted_to: str
    params: dict[str, str]
    signature: str
    response_status: int | None
    error: str | None
    at: float


@dataclass(frozen=True)
class Media:
    content_type: str
    data: bytes


class Ledger:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._limiter = SlidingWindowLimiter()
        self._clear()

    def _clear(self) -> None:
        self._messages: dict[str, SentMessage] = {}
        self._stopped: set[str] = set()
        self._deliveries: dict[str, Delivery] = {}
        self._last_inbound: dict[str, float] = {}
        self._throttles: list[Throttle] = []
        self._callbacks: list[CallbackAttempt] = []
        self._media: dict[str, Media] = {}
        self._media_tokens: dict[str, str] = {}
        self._messages_by_sender: Counter[str] = Counter()
        self._segments_by_sender: Counter[str] = Counter()
        self._limiter.reset()

    def reset(self) -> None:
        with self.lock:
            self._clear()

    # Sending
    def admit(self, message: SentMessage, budget: float, window: float) -> None:
        """Record ``message`` unless its recipient has stopped (21610) or its sender is over budget (20429)."""
        with self.lock:
            if message.channel == "sms" and bare_number(message.to) in self._stopped:
                raise errors.unsubscribed()
            wait = self._limiter.acquire(message.from_, message.segments, budget, window, message.received_at)
            if wait is not None:
                self._throttles.append(Throttle(message.received_at, message.from_, message.to, message.segments))
                raise errors.too_many_requests(wait)
            self._messages[message.sid] = message
            self._messages_by_sender[message.from_] += 1
            self._segments_by_sender[message.from_] += message.segments

    def advance(self, sid: str, status: str, error_code: int | None, now: float) -> SentMessage | None:
        """Move a message to ``status``; None if it is gone (the fake was reset meanwhile)."""
        with self.lock:
            message = self._messages.get(sid)
            if message is None:
                return None
            sent_at = now if status == "sent" else message.date_sent
            message = dataclasses.replace(
                message, status=status, error_code=error_code, date_sent=sent_at, date_updated=now
            )
            self._messages[sid] = message
            return message

    def message(self, sid: str) -> SentMessage | None:
        with self.lock:
            return self._messages.get(sid)

    def sent(self) -> list[SentMessage]:
        with self.lock:
            return list(self._messages.values())

    # Opt-out, reachability and the WhatsApp window
    def stop(self, number: str) -> None:
        with self.lock:
            self._stopped.add(bare_number(number))

    def start(self, number: str) -> None:
        with self.lock:
            self._stopped.discard(bare_number(number))

    def is_stopped(self, number: str) -> bool:
        with self.lock:
            return bare_number(number) in self._stopped

    def set_delivery(self, address: str, delivery: Delivery) -> None:
        with self.lock:
            self._deliveries[address] = delivery

    def delivery_for(self, address: str) -> Delivery:
        with self.lock:
            return self._deliveries.get(address, Delivery())

    def heard_from(self, address: str, at: float) -> None:
        with self.lock:
            self._last_inbound[address] = at

    def last_heard(self, address: str) -> float | None:
        with self.lock:
            return self._last_inbound.get(address)

    # Media
    def add_media(self, media: Media) -> str:
        sid = new_sid("ME")
        with self.lock:
            self._media[sid] = media
        return sid

    def media(self, sid: str) -> Media | None:
        with self.lock:
            return self._media.get(sid)

    def media_link(self, sid: str) -> str:
        """A fresh unguessable token standing for a signed CDN link to media ``sid``."""
        token = secrets.token_urlsafe(24)
        with self.lock:
            self._media_tokens[token] = sid
        return token

    def media_by_link(self, token: str) -> Media | None:
        with self.lock:
            sid = self._media_tokens.get(token)
            return self._media.get(sid) if sid else None

    # Observations
    def record_callback(self, attempt: CallbackAttempt) -> None:
        with self.lock:
            self._callbacks.append(attempt)

    def callbacks(self) -> list[CallbackAttempt]:
        with self.lock:
            return list(self._callbacks)

    def throttles(self) -> list[Throttle]:
        with self.lock:
            return list(self._throttles)

    def stats(self) -> dict[str, object]:
        with self.lock:
            return {
                "messages": len(self._messages),
                "messages_by_sender": dict(self._messages_by_sender),
                "segments_by_sender": dict(self._segments_by_sender),
                "throttled": len(self._throttles),
                "callbacks": len(self._callbacks),
            }
