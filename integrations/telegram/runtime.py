"""Telegram's part of `bizwatch serve`: the command menu, then the webhook or polling; stopped cleanly.

Starting never holds up the web service: the start-up calls (setMyCommands, then setWebhook or the
first poll) run in the background and are tried again, with growing pauses, until Telegram answers.
Every process calls setWebhook with the same address and secret, which is harmless; polling must
run in one process only (see ``polling``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging

from telegram.error import InvalidToken, TelegramError

from bot.service import Service
from integrations.telegram import CHANNEL
from integrations.telegram.channel import TelegramChannel
from integrations.telegram.commands import menu
from integrations.telegram.mode import Mode, mode_of, webhook_url
from integrations.telegram.polling import Poller
from integrations.telegram.updates import ALLOWED_UPDATES, UpdateHandler

log = logging.getLogger(__name__)
LONGEST_PAUSE = 60.0
STOP_TIMEOUT = 30.0


class TelegramRuntime:
    """``start()`` once, ``stop()`` once (which also closes the channel: nothing is sent after it)."""

    def __init__(self, service: Service, channel: TelegramChannel, mode: Mode) -> None:
        self.service = service
        self.channel = channel
        self.mode = mode
        self.handler = UpdateHandler.for_service(service, channel.client)
        self._poller: Poller | None = None
        self._starting: concurrent.futures.Future[None] | None = None

    def start(self) -> concurrent.futures.Future[None]:
        """Begin in the background; the future is done once Telegram has accepted the start-up calls."""
        if self.mode == "webhook" and not self.service.settings.public_base_url.startswith("https://"):
            log.warning("Telegram only sends webhooks to https addresses; BIZWATCH_PUBLIC_BASE_URL is not one")
        self._starting = self.channel.client.loop.submit(self._start)
        return self._starting

    async def _start(self) -> None:
        pause = 1.0
        while True:
            try:
                await self._start_once()
                log.info("Telegram bot started (%s)", self.mode)
                return
            except InvalidToken:
                log.error("Telegram refused the bot token (BIZWATCH_TELEGRAM_TOKEN); trying again in %.0f s", pause)
            except TelegramError as error:
                log.warning("Telegram start-up failed (%s); trying again in %.0f s", type(error).__name__, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, LONGEST_PAUSE)

    async def _start_once(self) -> None:
        bot = await self.channel.client.ready()
        await bot.set_my_commands(menu())
        if self.mode == "webhook":
            settings = self.service.settings
            await bot.set_webhook(webhook_url(settings), secret_token=settings.telegram_webhook_secret,
                                  allowed_updates=list(ALLOWED_UPDATES))
        elif self._poller is None:
            poller = Poller(self.channel.client, self.handler)
            await poller.start()
            self._poller = poller

    def stop(self) -> None:
        """Stop receiving (handling what polling already fetched), then close the channel."""
        if self._starting is not None:
            self._starting.cancel()
        poller, self._poller = self._poller, None
        if poller is not None:
            try:
                self.channel.client.loop.run(poller.stop, STOP_TIMEOUT)
            except TimeoutError:
                log.warning("Telegram polling did not stop in %.0f s", STOP_TIMEOUT)
        self.channel.close()


def telegram_runtime(service: Service) -> TelegramRuntime | None:
    """The runtime for the service's Telegram channel, or None when no bot token is set."""
    channel = service.channels.get(CHANNEL)
    if not isinstance(channel, TelegramChannel):
        return None
    return TelegramRuntime(service, channel, mode_of(service.settings))
