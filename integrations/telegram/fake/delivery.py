"""How queued updates reach the bot: getUpdates (long polling) or POSTs to its webhook, never both.

Both run in the server's event loop and sleep until the state says something changed; the test
thread wakes them through `Wakeup`, so a poll answers the moment a message is injected and nothing
spins. As on the real service, updates stay queued until confirmed: by a later getUpdates offset,
or by a 2xx answer from the webhook. A webhook that fails is retried with doubling delays, then the
update is given up (the real service's schedule is not published; the fake's is configurable).
"""

from __future__ import annotations

import asyncio
import json
import time
from http import HTTPStatus
from typing import Any

import httpx

from integrations.telegram.fake.errors import conflict
from integrations.telegram.fake.params import Params
from integrations.telegram.fake.records import WebhookAttempt
from integrations.telegram.fake.state import PendingUpdate, TelegramState, Webhook

WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
TERMINATED = "terminated by other getUpdates request; make sure that only one bot instance is running"
MAX_RETRY_DELAY = 60.0


class Wakeup:
    """An asyncio event other threads can fire. Take `event()` before looking at the state, then wait on it."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event = asyncio.Event()

    def bind(self) -> None:
        """Attach to the running loop (each server start has a new one)."""
        self._loop = asyncio.get_running_loop()
        self._event = asyncio.Event()

    def event(self) -> asyncio.Event:
        return self._event

    def fire(self) -> None:
        """From the loop's own thread."""
        self._event.set()
        self._event = asyncio.Event()

    def fire_threadsafe(self) -> None:
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self.fire)
        except RuntimeError:  # the loop closed between the check and the call
            pass


class UpdateDelivery:
    """getUpdates with long polling, and the webhook pusher. Started and stopped with the server."""

    def __init__(self, state: TelegramState, *, webhook_retry_delay: float, webhook_max_attempts: int) -> None:
        self._state = state
        self._retry_delay = webhook_retry_delay
        self._max_attempts = webhook_max_attempts
        self._wakeup = Wakeup()
        self._poll_generation = 0
        self._closing = False
        self._pusher: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    async def start(self) -> None:
        self._closing = False
        self._wakeup.bind()
        self._state.add_listener(self._wakeup.fire_threadsafe)
        self._client = httpx.AsyncClient(timeout=10.0)
        self._pusher = asyncio.create_task(self._push_forever())

    def end_polls_threadsafe(self) -> None:
        """Answer waiting polls now (with no updates): the server is about to stop and would otherwise
        wait for them to time out."""
        self._closing = True
        self._wakeup.fire_threadsafe()

    async def stop(self) -> None:
        """End waiting polls at once (with no updates) so the server can shut down promptly."""
        self._closing = True
        self._state.remove_listener(self._wakeup.fire_threadsafe)
        self._wakeup.fire()
        if self._pusher:
            self._pusher.cancel()
            try:
                await self._pusher
            except asyncio.CancelledError:
                pass
        if self._client:
            await self._client.aclose()

    # -- long polling ----------------------------------------------------------------------------

    async def get_updates(self, params: Params) -> list[dict[str, Any]]:
        offset = params.integer("offset")
        limit = min(max(params.integer("limit") or 100, 1), 100)
        timeout = max(params.number("timeout") or 0.0, 0.0)
        allowed = params.string_list("allowed_updates", "allowed_updates JSON array")
        state = self._state
        with state.lock:
            if state.webhook:
                raise conflict(WEBHOOK_ACTIVE)
            state.confirm(offset)
            if allowed is not None:
                state.set_allowed_updates(allowed)
        self._poll_generation += 1
        mine = self._poll_generation
        self._wakeup.fire()  # an older poll still waiting is ended with 409, as on the real service
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._wakeup.event()
            with state.lock:
                if self._poll_generation != mine:
                    raise conflict(TERMINATED)
                if state.webhook:
                    raise conflict(WEBHOOK_ACTIVE)
                batch = state.pending(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                return batch
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    # -- webhook ---------------------------------------------------------------------------------

    async def _push_forever(self) -> None:
        attempts: dict[int, int] = {}
        while not self._closing:
            event = self._wakeup.event()
            with self._state.lock:
                hook = self._state.webhook
                head = self._state.updates[0] if hook and self._state.updates else None
            if hook is None or head is None:
                await event.wait()
                continue
            attempt = attempts.get(head.update_id, 0) + 1
            attempts[head.update_id] = attempt
            status, error = await self._post(hook, head)
            delivered = status is not None and 200 <= status < 300
            with self._state.lock:
                self._state.record_webhook_attempt(
                    WebhookAttempt(head.update_id, attempt, status, None if status else error, time.time()),
                    None if delivered else error,
                )
                done = delivered or attempt >= self._max_attempts
                if done and self._state.updates and self._state.updates[0] is head:
                    self._state.updates.popleft()
            if done:
                attempts.pop(head.update_id, None)
            else:
                await asyncio.sleep(min(self._retry_delay * 2 ** (attempt - 1), MAX_RETRY_DELAY))

    async def _post(self, hook: Webhook, update: PendingUpdate) -> tuple[int | None, str]:
        """POST one update; returns (HTTP status or None, how the real service would describe a failure)."""
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        try:
            response = await self._client.post(hook.url, content=json.dumps(update.body), headers=headers)
        except httpx.ConnectError:
            return None, "Connection refused"
        except httpx.TimeoutException:
            return None, "Read timeout expired"
        except httpx.HTTPError as exc:
            return None, f"Connection failed: {exc.__class__.__name__}"
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
        return response.status_code, f"Wrong response from the webhook: {response.status_code} {phrase}".rstrip()
