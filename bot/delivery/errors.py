"""What can go wrong when sending, by what the sender worker should do about it.

Adapters translate their provider's errors into these (Telegram's 429 and 403, Twilio's codes),
so the worker's decisions (wait and retry, stop for good, mark the person unreachable) are made in
one place, whatever the channel.
"""

from __future__ import annotations


class DeliveryError(Exception):
    """Base: ``code`` is the provider's error code or status, kept on the outbox row."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class RetryLater(DeliveryError):
    """A passing condition (429, 20429, 30003, a network error): try again after ``after_seconds``."""

    def __init__(self, code: str, detail: str = "", after_seconds: float | None = None) -> None:
        super().__init__(code, detail)
        self.after_seconds = after_seconds


class RecipientGone(DeliveryError):
    """The person cannot or will not receive anything here (blocked the bot, replied STOP): never retry,
    and send nothing more to this address until they come back."""

    def __init__(self, code: str, detail: str = "", opted_out: bool = False) -> None:
        super().__init__(code, detail)
        self.opted_out = opted_out  # True: they said STOP (a consent matter); False: unreachable


class PermanentFailure(DeliveryError):
    """This message cannot be delivered as it is (an invalid number, a landline, a bad request)."""


class Hold(DeliveryError):
    """Not now, and not by retrying: the message waits for something the person's next message brings
    (WhatsApp's 24-hour window). The row is set aside as ``held`` with ``reason``; the channel's
    inbound side releases it."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(code, reason)
        self.reason = reason
