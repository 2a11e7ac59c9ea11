"""The bot's connection to the Bot API: one python-telegram-bot ``Bot`` on one event loop thread.

Sending (sender worker threads), receiving (polling or the webhook) and the start-up calls all use
this one ``Bot``, on this one loop, so its HTTP connections are shared and reused. The Bot is
initialised (getMe) on first use, not when the service is built: building a service never touches
the network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Bot
from telegram.request import HTTPXRequest

from integrations.telegram.loop import LoopThread

T = TypeVar("T")
DEFAULT_BASE_URL = "https://api.telegram.org/bot"
CONNECTIONS = 32  # sends in flight at once (worker threads share them)
POLL_READ_TIMEOUT = 40.0  # above the long poll's own timeout, so a quiet poll is not a timeout


def file_url_for(base_url: str) -> str:
    """Files live beside the methods: https://api.telegram.org/bot -> https://api.telegram.org/file/bot."""
    return base_url.removesuffix("/bot") + "/file/bot"


def quiet_http_log() -> None:
    """httpx logs every request's URL at INFO, and a Bot API URL holds the bot token: keep those out."""
    http_log = logging.getLogger("httpx")
    if http_log.level < logging.WARNING:
        http_log.setLevel(logging.WARNING)


class BotClient:
    """``run`` Bot API calls from any thread (other event loops use ``loop.run_from_loop``); ``close`` once."""

    def __init__(self, token: str, base_url: str = DEFAULT_BASE_URL) -> None:
        quiet_http_log()
        self.bot = Bot(token, base_url=base_url, base_file_url=file_url_for(base_url),
                       request=HTTPXRequest(connection_pool_size=CONNECTIONS),
                       get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=POLL_READ_TIMEOUT))
        self.loop = LoopThread("telegram")
        self._initialising: asyncio.Lock | None = None  # made on the loop, where it is used
        self._ready = False

    async def ready(self) -> Bot:
        """The Bot, initialised (on the client's loop, once; a failed attempt is tried again next time)."""
        if not self._ready:
            if self._initialising is None:
                self._initialising = asyncio.Lock()
            async with self._initialising:
                await self.bot.initialize()  # getMe: also proves the token
                self._ready = True
        return self.bot

    def run(self, call: Callable[[Bot], Awaitable[T]], timeout: float | None = None) -> T:
        """``call(bot)`` on the loop, from a thread that is not async; waits for the result."""
        return self.loop.run(lambda: self._with_bot(call), timeout)

    async def _with_bot(self, call: Callable[[Bot], Awaitable[T]]) -> T:
        return await call(await self.ready())

    def close(self) -> None:
        """Close the bot's connections and stop the loop; later calls raise LoopClosed."""
        self.loop.stop(self.bot.shutdown)
