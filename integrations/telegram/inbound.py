"""What an update from Telegram says, before anything is fetched or stored: who, what words, which tap.

Only private chats are conversations: in a group the chat is not the person, so a report there
would mix people and show their answers to others; group updates are ignored. Edited messages,
channel posts and the other update kinds carry nothing the dialogue takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from telegram import CallbackQuery, Chat, Message, Update

from integrations.telegram.commands import is_stop, words_for


@dataclass(frozen=True)
class Incoming:
    """A message or a button tap from a person, in their private chat with the bot."""

    address: str  # the chat id
    text: str  # the words (a command already turned into words; a tap's callback data)
    received_at: datetime
    message: Message | None = None  # carrying a photo or a document to fetch
    tap: CallbackQuery | None = None
    stop: bool = False  # /stop: opt out of everything we would send first (handled before the dialogue)


def incoming(update: Update) -> Incoming | None:
    """The person's message or tap in ``update``; None for anything else."""
    if update.callback_query is not None:
        return _tap(update.callback_query)
    message = update.message
    if message is None or message.chat.type != Chat.PRIVATE:
        return None
    text = words_for(message.text) if message.text else (message.caption or "")
    media = message if (message.photo or message.document) else None
    return Incoming(str(message.chat.id), text, message.date or _now(), message=media,
                    stop=is_stop(message.text or ""))


def _tap(query: CallbackQuery) -> Incoming | None:
    chat = query.message.chat if query.message is not None else None
    if chat is not None and chat.type != Chat.PRIVATE:
        return None
    # In a private chat the chat id is the person's id, so a tap on a message too old to be shown
    # (Telegram then leaves out the chat) still finds its conversation.
    address = str(chat.id if chat is not None else query.from_user.id)
    return Incoming(address, query.data or "", _now(), tap=query)


def _now() -> datetime:
    return datetime.now(timezone.utc)
