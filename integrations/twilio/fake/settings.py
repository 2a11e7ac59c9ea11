"""How the fake Twilio behaves: credentials, our numbers, where inbound messages go, throughput, and
how status callbacks arrive. Tests may change any field while the fake runs; requests read them live."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Literal

DEFAULT_NUMBER = "+447700900000"  # Ofcom's drama range: never a real person's phone


def new_account_sid() -> str:
    return "AC" + secrets.token_hex(16)


DeliveryStatus = Literal["delivered", "undelivered", "failed"]


@dataclass(frozen=True)
class Delivery:
    """What the network does with messages to one address: deliver them, or not, with which error code.

    ``undelivered`` is reported after ``sent`` (the carrier gave up, e.g. 30003 unreachable, 30006
    landline); ``failed`` is reported alone (Twilio could not send it at all).
    """

    status: DeliveryStatus = "delivered"
    error_code: int | None = None


@dataclass
class FakeSettings:
    account_sid: str = field(default_factory=new_account_sid)
    auth_token: str = field(default_factory=lambda: secrets.token_hex(16))
    # Our Twilio phone number (the To of inbound SMS) and our WhatsApp sender (without "whatsapp:").
    phone_number: str = DEFAULT_NUMBER
    whatsapp_number: str = DEFAULT_NUMBER
    # Messaging Service SID -> the sender Twilio picks from its pool (phone_number when not listed).
    messaging_services: dict[str, str] = field(default_factory=dict)
    # The app's messaging webhook as configured at Twilio: the public URL that inbound messages are signed for.
    inbound_url: str | None = None
    # A TLS-terminating proxy in front of the app: public URL prefix -> where the fake actually posts.
    # Signatures always cover the public URL; posts go to the mapped one with X-Forwarded-* headers.
    proxy: dict[str, str] = field(default_factory=dict)
    # Segments per second per sender (a UK long code manages about 10, a short code about 100);
    # sender_rates is keyed by the From address ("whatsapp:+44..." for a WhatsApp sender).
    rate: float = 10.0
    sender_rates: dict[str, float] = field(default_factory=dict)
    rate_window: float = 1.0
    # Real Twilio is not known to send Retry-After with 20429; turn this on to test a client that honours it.
    retry_after_header: bool = False
    # Country codes (ISO 3166, e.g. "GB") SMS may go to; None allows all. Others get 21408.
    sms_regions: frozenset[str] | None = None
    whatsapp_window: float = 24 * 3600.0
    whatsapp_read_receipts: bool = True
    # Status callbacks: pause between status changes, order, and the chance each one is posted twice.
    callback_delay: float = 0.01
    shuffle_callbacks: bool = False
    duplicate_callbacks: float = 0.0
    seed: int | None = None
    # Media URLs answer with a redirect to a short-lived unauthenticated URL, as Twilio's CDN does.
    media_redirect: bool = True
    webhook_timeout: float = 15.0

    def budget(self, sender: str) -> float:
        """Segments ``sender`` may send in one rate window."""
        return self.sender_rates.get(sender, self.rate) * self.rate_window
