"""Twilio's REST errors: the codes, HTTP statuses and wording the fake answers with.

Every error body has the shape of the 2010-04-01 API, ``{"code", "message", "more_info", "status"}``,
which the twilio library turns into ``TwilioRestException(status, uri, msg, code)``. Delivery errors
(30003, 30006, 63016, ...) are not here: Twilio reports those later, on the message and in status
callbacks, and ``DELIVERY_ERRORS`` gives the text the message resource carries for them.
"""

from __future__ import annotations

from typing import Any

MORE_INFO = "https://www.twilio.com/docs/errors/{code}"


class TwilioApiError(Exception):
    """A refusal the REST API answers with instead of a resource."""

    def __init__(self, status: int, code: int, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": MORE_INFO.format(code=self.code),
            "status": self.status,
        }


def authenticate() -> TwilioApiError:
    return TwilioApiError(401, 20003, "Authenticate")


def not_found(path: str) -> TwilioApiError:
    return TwilioApiError(404, 20404, f"The requested resource {path} was not found")


def to_required() -> TwilioApiError:
    return TwilioApiError(400, 21604, "A 'To' phone number is required.")


def from_required() -> TwilioApiError:
    return TwilioApiError(400, 21603, "A 'From' phone number is required.")


def body_required() -> TwilioApiError:
    return TwilioApiError(400, 21602, "Message body is required.")


def body_too_long() -> TwilioApiError:
    return TwilioApiError(400, 21617, "The concatenated message body exceeds the 1600 character limit.")


def invalid_to(to: str) -> TwilioApiError:
    return TwilioApiError(400, 21211, f"The 'To' number {to} is not a valid phone number.")


def region_not_enabled(to: str) -> TwilioApiError:
    return TwilioApiError(
        400, 21408, f"Permission to send an SMS has not been enabled for the region indicated by the 'To' number: {to}."
    )


def channel_mismatch() -> TwilioApiError:
    return TwilioApiError(400, 21910, "Invalid From and To pair. From and To should be of the same channel")


def unsubscribed() -> TwilioApiError:
    return TwilioApiError(400, 21610, "Attempt to send to unsubscribed recipient")


def too_many_requests(retry_after: float) -> TwilioApiError:
    return TwilioApiError(429, 20429, "Too Many Requests", retry_after)


DELIVERY_ERRORS = {
    30003: "Unreachable destination handset",
    30005: "Unknown destination handset",
    30006: "Landline or unreachable carrier",
    30007: "Carrier violation",
    30008: "Unknown error",
    63016: (
        "Failed to send freeform message because you are outside the allowed window. "
        "If you are using WhatsApp, please use a Message Template."
    ),
}
