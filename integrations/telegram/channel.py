"""``TelegramChannel``: how a message looks on Telegram, and sending one part of it through the Bot API.

Telegram shows real buttons (an inline keyboard) and takes photos and documents; a message holds
at most 4096 characters as Telegram counts them (UTF-16 code units, so an emoji counts twice).
Longer replies are split at paragraph breaks, the keyboard going with the last part. Text is sent
plain (no parse mode), so nothing people wrote can be taken as markup.

``send`` is synchronous for the sender workers' threads; the call runs on the channel's own event
loop (see ``client``) and PTB's errors come out as ``bot.delivery.errors`` (see ``errors``).
"""

from __future__ import annotations

import dataclasses
import re

from telegram.error import TelegramError

from bot.channels.base import Part, split_for
from bot.config import Settings
from bot.delivery.errors import PermanentFailure, RetryLater
from bot.messages import ChannelCapabilities, Outbound
from integrations.telegram import CHANNEL
from integrations.telegram.client import BotClient
from integrations.telegram.errors import delivery_error
from integrations.telegram.keyboard import inline_keyboard
from integrations.telegram.loop import LoopClosed

MAX_TEXT = 4096
TELEGRAM = ChannelCapabilities(buttons=True, media=True, max_length=MAX_TEXT)
SEND_TIMEOUT = 30.0
CHAT_ID = re.compile(r"-?[0-9]{1,20}")  # PTB's own timeouts (5 s each way) end a call well before this


def utf16_length(text: str) -> int:
    """Telegram's length of ``text``: characters outside the Basic Multilingual Plane count twice."""
    return len(text.encode("utf-16-le")) // 2


class TelegramChannel:
    """Renders for Telegram and sends through one bot."""

    name = CHANNEL
    capabilities: ChannelCapabilities = TELEGRAM

    def __init__(self, token: str, base_url: str = "https://api.telegram.org/bot") -> None:
        self.client = BotClient(token, base_url)

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramChannel:
        if not settings.telegram_token:
            raise ValueError("BIZWATCH_TELEGRAM_TOKEN is not set")
        return cls(settings.telegram_token, settings.telegram_api_base_url)

    def render(self, message: Outbound) -> list[Part]:
        """The parts of ``message``, each within Telegram's limit, the keyboard on the last."""
        text = message.text.strip()
        # Every astral character (an emoji) takes two units of Telegram's limit: leave room for all of them.
        extra = utf16_length(text) - len(text)
        capabilities = self.capabilities
        if extra:
            capabilities = dataclasses.replace(capabilities, max_length=max(MAX_TEXT - extra, MAX_TEXT // 2))
        parts = split_for(capabilities, message, text)
        # Telegram refuses an empty message; a part is empty only if the whole text was.
        return [part for part in parts if part.text or part.buttons]

    def send(self, address: str, part: Part) -> str:
        """Send ``part`` to the chat ``address``; Telegram's message id (see ``errors`` for what raises)."""
        if not CHAT_ID.fullmatch(address):
            raise PermanentFailure("invalid_address", "a Telegram chat id is a number")
        chat_id = int(address)
        if not part.text:
            raise PermanentFailure("empty", "Telegram does not send empty messages")
        markup = inline_keyboard(part.buttons)
        try:
            message = self.client.run(lambda bot: bot.send_message(chat_id, part.text, reply_markup=markup),
                                      SEND_TIMEOUT)
        except TelegramError as error:
            raise delivery_error(error) from error
        except TimeoutError:
            raise RetryLater("timeout", f"no answer in {SEND_TIMEOUT:.0f} s") from None
        except LoopClosed:
            raise RetryLater("closed", "the channel is shutting down") from None
        return str(message.message_id)

    def close(self) -> None:
        self.client.close()
