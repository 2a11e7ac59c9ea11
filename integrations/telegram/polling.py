"""Long polling: PTB's ``Updater`` runs getUpdates in the background and hands each update to the handler.

For a bot without a public https address (a laptop, a trial). Only one process may poll a bot at a
time (Telegram ends the other's poll with 409 Conflict), so run one ``bizwatch serve`` in this mode;
with several processes use the webhook. Updates are handled side by side for different people and
in order for one person (see ``updates``). Stopping ends the poll (PTB confirms to Telegram what it
has fetched), then handles every update already fetched before the loop ends.

If a turn cannot be saved (the database is away past the turn's deadline), the person is asked to
send it again, as the web chat does: polling cannot hand the update back to Telegram for later.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import Updater

from bot.channels.web import RETRY_TEXT
from bot.engine import DatabaseUnavailable
from integrations.telegram.client import BotClient
from integrations.telegram.inbound import incoming
from integrations.telegram.updates import ALLOWED_UPDATES, UpdateHandler, quietly

log = logging.getLogger(__name__)
POLL_SECONDS = 25  # how long one getUpdates waits for something to happen
IN_HAND = 16  # updates handled at once (different people)
DRAIN_SECONDS = 20.0


class Poller:
    """Started and stopped on the client's event loop."""

    def __init__(self, client: BotClient, handler: UpdateHandler) -> None:
        self.client = client
        self.handler = handler
        self._queue: asyncio.Queue[object] = asyncio.Queue()
        self._updater: Updater | None = None
        self._consumer: asyncio.Task[None] | None = None
        self._in_hand: set[asyncio.Task[None]] = set()
        self._slots = asyncio.Semaphore(IN_HAND)

    async def start(self) -> None:
        """Start polling (PTB first deletes any webhook, as a bot cannot have both)."""
        bot = await self.client.ready()
        updater = Updater(bot, self._queue)
        await updater.initialize()  # the bot is initialised already: this only marks the updater ready
        await updater.start_polling(timeout=POLL_SECONDS, allowed_updates=list(ALLOWED_UPDATES),
                                    error_callback=_polling_failed)
        self._updater = updater
        self._consumer = asyncio.create_task(self._consume(), name="telegram-updates")

    async def stop(self) -> None:
        """Stop polling, handle the updates already fetched, then let PTB confirm them to Telegram."""
        updater, self._updater = self._updater, None
        if updater is not None and updater.running:
            await updater.stop()
        try:
            await asyncio.wait_for(self._queue.join(), DRAIN_SECONDS)
            if self._in_hand:
                await asyncio.wait(self._in_hand, timeout=DRAIN_SECONDS)
        except TimeoutError:
            log.warning("stopped with Telegram updates still being handled")
        if self._consumer is not None:
            self._consumer.cancel()
        # Not updater.shutdown(): it would shut the bot down, and the channel still sends through it.

    async def _consume(self) -> None:
        while True:
            update = await self._queue.get()
            try:
                await self._slots.acquire()
                task = asyncio.create_task(self._handle(update))
                self._in_hand.add(task)
                task.add_done_callback(self._in_hand.discard)
            finally:
                self._queue.task_done()

    async def _handle(self, update: object) -> None:
        try:
            if isinstance(update, Update):
                await self.handler.process(update)
        except DatabaseUnavailable:
            await self._ask_again(update)
        except Exception:  # noqa: BLE001 - one bad update must not stop the others
            log.exception("a Telegram update could not be handled")
        finally:
            self._slots.release()

    async def _ask_again(self, update: object) -> None:
        said = incoming(update) if isinstance(update, Update) else None
        if said is None:
            return
        bot = await self.client.ready()
        await quietly(bot.send_message(int(said.address), RETRY_TEXT), "asking to send it again")


def _polling_failed(error: TelegramError) -> None:
    """PTB keeps polling after an error (with a growing pause); say what happened, without the token."""
    if isinstance(error, Conflict):
        log.error("another process is polling this Telegram bot: run one poller, or use the webhook")
    elif isinstance(error, InvalidToken):
        log.error("Telegram refused the bot token (BIZWATCH_TELEGRAM_TOKEN)")
    else:
        log.warning("polling Telegram failed: %s", type(error).__name__)
