"""The fake's own outgoing HTTP: signed form POSTs to the app, for inbound messages and status callbacks.

Every POST is signed for the URL the app gave Twilio (its public URL) and sent, through the configured
proxy mapping, to where the app really listens, the way a TLS-terminating proxy in front of the app
would pass it on. Status callbacks follow each message's delivery: one per status change after the
first (Twilio never calls back for queued or accepted), optionally in a shuffled order and some of
them twice, as the real service does. Everything here runs on the server's event loop.

Posts go through aiohttp: under a burst of callbacks it keeps thousands of posts a second flowing,
where httpx's async pool slows to a crawl and times out waiting for a connection. Waiting for a free
connection is never timed out (a callback is late, not lost); only the app's answer is.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

import aiohttp

from integrations.twilio.fake.settings import Delivery, FakeSettings
from integrations.twilio.fake.signature import SIGNATURE_HEADER, sign
from integrations.twilio.fake.state import CallbackAttempt, Ledger, SentMessage, bare_number

API_VERSION = "2010-04-01"

# How a test can spoil a signature: signed with another auth token, signed for the URL actually posted
# to rather than the public one, signed before a parameter was altered, or left out.
Forgery = Literal["token", "url", "params", "missing"]
Step = tuple[str, int | None]


@dataclass(frozen=True)
class Posted:
    """One signed POST and what the app answered (``status_code`` None when it could not be reached)."""

    url: str
    posted_to: str
    params: dict[str, str]
    signature: str | None
    status_code: int | None
    text: str
    error: str | None


def delivery_steps(message: SentMessage, delivery: Delivery, outside_window: bool, read_receipts: bool) -> list[Step]:
    """The statuses a message moves through after it is created, each with its error code."""
    steps: list[Step] = [("queued", None)] if message.status == "accepted" else []
    if outside_window:
        return [*steps, ("failed", 63016)]
    if delivery.status == "failed":
        return [*steps, ("failed", delivery.error_code)]
    steps += [("sent", None), (delivery.status, delivery.error_code)]
    if message.channel == "whatsapp" and delivery.status == "delivered" and read_receipts:
        steps.append(("read", None))
    return steps


def callback_params(message: SentMessage, status: str, error_code: int | None) -> dict[str, str]:
    """The form Twilio posts to a StatusCallback URL for one status change."""
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
        "From": message.from_,
        "To": message.to,
        "MessageSid": message.sid,
        "SmsSid": message.sid,
        "MessageStatus": status,
        "SmsStatus": status,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if error_code is not None:
        params["ErrorCode"] = str(error_code)
    if message.channel == "whatsapp":
        params["ChannelPrefix"] = "whatsapp"
        params["ChannelToAddress"] = bare_number(message.to)
    elif status in ("delivered", "undelivered"):
        params["RawDlrDoneDate"] = time.strftime("%y%m%d%H%M", time.gmtime(message.date_updated or 0))
    return params


class Courier:
    def __init__(self, settings: FakeSettings, ledger: Ledger, clock: Callable[[], float]) -> None:
        self._settings = settings
        self._ledger = ledger
        self._clock = clock
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.reseed()

    def reseed(self) -> None:
        self._random = random.Random(self._settings.seed)

    async def open(self) -> None:
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=self._settings.webhook_timeout, sock_read=self._settings.webhook_timeout
        )
        self._session = aiohttp.ClientSession(timeout=timeout)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()

    async def idle(self) -> None:
        """Wait until every delivery under way has made all its status changes and callbacks."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # Signed posts
    def route(self, url: str) -> tuple[str, dict[str, str]]:
        """Where a POST for public ``url`` really goes, and the headers a TLS-terminating proxy adds."""
        for public, actual in self._settings.proxy.items():
            if url.startswith(public):
                parts = urlsplit(url)
                headers = {
                    "Host": parts.netloc,
                    "X-Forwarded-Proto": parts.scheme,
                    "X-Forwarded-Host": parts.netloc,
                    "X-Forwarded-For": "127.0.0.1",
                }
                return actual + url[len(public) :], headers
        return url, {}

    async def post(self, url: str, params: dict[str, str], forge: Forgery | None = None) -> Posted:
        """POST ``params`` form-encoded to public ``url`` with an X-Twilio-Signature (spoilt if ``forge`` says so)."""
        assert self._session is not None, "the fake is not running"
        posted_to, headers = self.route(url)
        token, signed_url, signed_params = self._settings.auth_token, url, params
        if forge == "token":
            token = token[::-1] + "x"
        elif forge == "url":
            if posted_to == url:
                raise ValueError("forge='url' needs a proxy mapping: the public URL is the one posted to")
            signed_url = posted_to
        elif forge == "params":
            signed_params = {**params, "Body": params.get("Body", "") + " (before tampering)"}
        signature = None if forge == "missing" else sign(token, signed_url, signed_params)
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        headers["User-Agent"] = "TwilioProxy/1.1"
        try:
            async with self._session.post(posted_to, data=params, headers=headers) as response:
                text = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            return Posted(url, posted_to, params, signature, None, "", f"{type(error).__name__}: {error}")
        return Posted(url, posted_to, params, signature, response.status, text, None)

    # Deliveries and their status callbacks
    def dispatch(self, message: SentMessage, steps: list[Step]) -> None:
        """Start a message on its way; called on the event loop right after the create is admitted."""
        order: list[int] = []
        if message.status_callback:
            for index in range(len(steps)):
                order += [index] * (2 if self._random.random() < self._settings.duplicate_callbacks else 1)
            if self._settings.shuffle_callbacks:
                self._random.shuffle(order)
        task = asyncio.get_running_loop().create_task(self._deliver(message.sid, steps, order))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, sid: str, steps: list[Step], order: list[int]) -> None:
        delay = self._settings.callback_delay
        shuffled = order != sorted(order)
        reached: list[SentMessage] = []
        for index, (status, error_code) in enumerate(steps):
            await asyncio.sleep(delay)
            message = self._ledger.advance(sid, status, error_code, self._clock())
            if message is None:
                return
            reached.append(message)
            if not shuffled:
                for _ in range(order.count(index)):
                    await self._callback(message, status, error_code)
        if shuffled:
            for index in order:
                await asyncio.sleep(delay)
                await self._callback(reached[index], *steps[index])

    async def _callback(self, message: SentMessage, status: str, error_code: int | None) -> None:
        assert message.status_callback is not None
        posted = await self.post(message.status_callback, callback_params(message, status, error_code))
        self._ledger.record_callback(
            CallbackAttempt(
                message_sid=message.sid,
                status=status,
                url=posted.url,
                posted_to=posted.posted_to,
                params=posted.params,
                signature=posted.signature or "",
                response_status=posted.status_code,
                error=posted.error,
                at=self._clock(),
            )
        )
