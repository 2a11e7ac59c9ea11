"""Sending through the real twilio client, and what its refusals mean for the sender worker.

``TwilioSender.create`` hands one message to ``Client.messages.create`` (with our status callback)
and returns its SID, or raises one of ``bot.delivery.errors``, decided by Twilio's error code:

| Twilio says | raised | why |
|---|---|---|
| 21610 (the recipient texted STOP) | ``RecipientGone(opted_out=True)`` | never retry; a consent matter |
| 21211 (not a valid number), 30006 (landline) | ``PermanentFailure`` | the same request can never work |
| HTTP 429 / 20429 (over the rate), 30003 (unreachable) | ``RetryLater`` (Retry-After if sent) | passes |
| 20003 (our credentials refused) | ``RetryLater`` | our configuration: fixing it must not lose the queue |
| any other 5xx, or no answer at all | ``RetryLater`` | Twilio or the network is having a moment |
| any other 4xx | ``PermanentFailure`` | the request itself is wrong |

``BIZWATCH_TWILIO_API_BASE_URL`` points the client at another server (the fake Twilio, or a proxy)
through a custom ``http_client``, the library's extension point for how requests go out: requests
meant for ``https://*.twilio.com`` keep their path and query and go to that base instead, so every
resource and page link works unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.delivery.errors import DeliveryError, PermanentFailure, RecipientGone, RetryLater

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 10.0
CREDENTIALS_PAUSE_SECONDS = 300.0
RETRY = frozenset({20429, 30003})
PERMANENT = frozenset({21211, 30006})
OPTED_OUT = 21610
CREDENTIALS = 20003


class ApiHttpClient(TwilioHttpClient):
    """The twilio library's own HTTP client, optionally sending Twilio API requests to ``base_url``.

    It also keeps each thread's last response headers: the library's exception does not carry them,
    and a 429's ``Retry-After`` is worth honouring. (Per thread, because sender workers share one
    channel across threads.)
    """

    def __init__(self, base_url: str | None = None, timeout: float = TIMEOUT_SECONDS) -> None:
        super().__init__(timeout=timeout)
        self.base = urlsplit(base_url) if base_url else None
        self._local = threading.local()

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        parts = urlsplit(url)
        host = parts.hostname or ""
        if self.base is not None and (host == "twilio.com" or host.endswith(".twilio.com")):
            url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        self._local.headers = {}
        response = super().request(method, url, *args, **kwargs)
        self._local.headers = {name.lower(): value for name, value in (response.headers or {}).items()}
        return response

    def last_headers(self) -> Mapping[str, str]:
        """The headers of this thread's last response (lower-case names)."""
        return getattr(self._local, "headers", {})


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: rare from an API; the worker's own backoff is as good


def translate(error: TwilioRestException, retry_after: str | None = None) -> DeliveryError:
    """The sender worker's view of a refusal from Twilio's REST API."""
    code = error.code
    name = str(code) if code is not None else f"http-{error.status}"
    detail = str(error.msg or "")[:200]
    if code == OPTED_OUT:
        return RecipientGone(name, detail, opted_out=True)
    if code in PERMANENT:
        return PermanentFailure(name, detail)
    if error.status == 429 or code in RETRY:
        return RetryLater(name, detail, _seconds(retry_after))
    if code == CREDENTIALS:
        log.error("Twilio refused our credentials (20003): check BIZWATCH_TWILIO_ACCOUNT_SID and _AUTH_TOKEN")
        return RetryLater(name, detail, CREDENTIALS_PAUSE_SECONDS)
    if error.status >= 500:
        return RetryLater(name, detail, _seconds(retry_after))
    return PermanentFailure(name, detail)


class TwilioSender:
    """Creates messages on one Twilio account, each with our status callback, raising delivery errors."""

    def __init__(self, account_sid: str, auth_token: str, status_callback: str, base_url: str | None = None) -> None:
        self.http = ApiHttpClient(base_url)
        self.client = Client(account_sid, auth_token, http_client=self.http)
        self.status_callback = status_callback

    def create(self, **params: Any) -> str:
        """The new message's SID; ``params`` are ``messages.create``'s (to, from_, body, content_sid...)."""
        try:
            message = self.client.messages.create(status_callback=self.status_callback, **params)
        except TwilioRestException as error:
            raise translate(error, self.http.last_headers().get("retry-after")) from error
        except requests.RequestException as error:
            raise RetryLater("network", type(error).__name__) from error
        return str(message.sid)
