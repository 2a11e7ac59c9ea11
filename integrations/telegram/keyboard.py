"""Buttons as an inline keyboard, and a tapped button's callback data back to the option's payload.

Telegram carries 1-64 bytes of callback_data per button. A payload that fits is sent as it is (all
of today's do: "yes", "advice shop_theft"). A longer one is sent as a token, ``#`` and 22 characters
of its SHA-256, and found again from the messages we sent this chat: the outbox rows keep every
button's payload, so nothing new is stored and any process can resolve a tap. If those rows are gone
(purged), the tapped button's own title is the answer: it is the words the option stands for. A
payload that starts with ``#`` is always sent as a token, so a token is never mistaken for a payload.

The same rows tell whether a tapped keyboard is still the latest one (see ``superseded``).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.delivery.outbox import Purpose, from_body
from bot.messages import Button, Outbound
from bot.storage.models import OutboxMessage
from integrations.telegram import CHANNEL

MAX_CALLBACK_BYTES = 64
TOKEN_MARK = "#"
ROW_BUTTONS = 3  # short options (Yes / No / Not sure) share a row; long ones get a row each
ROW_CHARACTERS = 24
RECENT_ROWS = 20  # rows sent to one chat searched when a button is tapped


def callback_data(payload: str) -> str:
    """What a button carries: the payload itself, or a token standing for it."""
    if payload and len(payload.encode()) <= MAX_CALLBACK_BYTES and not payload.startswith(TOKEN_MARK):
        return payload
    digest = hashlib.sha256(payload.encode()).digest()[:16]
    return TOKEN_MARK + base64.urlsafe_b64encode(digest).decode().rstrip("=")


def is_token(data: str) -> bool:
    return data.startswith(TOKEN_MARK)


def inline_keyboard(buttons: Sequence[Button]) -> InlineKeyboardMarkup | None:
    """The options as rows of buttons, in order; None when there are none."""
    if not buttons:
        return None
    rows: list[list[InlineKeyboardButton]] = [[]]
    width = 0
    for button in buttons:
        row = rows[-1]
        if row and (len(row) == ROW_BUTTONS or width + len(button.title) > ROW_CHARACTERS):
            rows.append([])
            row, width = rows[-1], 0
        row.append(InlineKeyboardButton(button.title, callback_data=callback_data(button.payload)))
        width += len(button.title)
    return InlineKeyboardMarkup(rows)


@dataclass(frozen=True)
class Sent:
    """One outbox row sent to the chat: its messages, Telegram's message ids, and whether it answered a turn."""

    messages: list[Outbound]
    ids: list[str]
    reply: bool


@dataclass(frozen=True)
class SentMessages:
    """What was recently sent to one chat, newest first."""

    rows: list[Sent]

    def payload_of(self, token: str) -> str | None:
        """The payload a token stands for (None if the message that carried it is gone)."""
        for row in self.rows:
            for message in row.messages:
                for button in message.buttons:
                    if callback_data(button.payload) == token:
                        return button.payload
        return None

    def superseded(self, message_id: int) -> bool:
        """Whether a tapped message is older than the latest question with options, so it has passed.

        The web page disables old buttons; Telegram cannot, so an old "Yes" tapped later would answer
        whatever is being asked now. The latest question is the newest reply to a turn that offered
        options (a reminder sent meanwhile does not change what the conversation is asking). A reply
        not sent yet, or sent without message ids, decides nothing.
        """
        for row in self.rows:
            if row.reply and any(message.buttons for message in row.messages):
                sent = [int(i) for i in row.ids if str(i).isdigit()]
                return bool(sent) and message_id < min(sent)
        return False


def sent_messages(sessions: sessionmaker[Session], address: str) -> SentMessages:
    with sessions() as session:
        rows = session.execute(
            select(OutboxMessage.body, OutboxMessage.provider_ids, OutboxMessage.purpose)
            .where(OutboxMessage.channel == CHANNEL, OutboxMessage.address == address)
            .order_by(OutboxMessage.id.desc()).limit(RECENT_ROWS)).all()
    return SentMessages([Sent(from_body(body), [str(i) for i in ids or []], purpose == Purpose.REPLY.value)
                         for body, ids, purpose in rows])


def title_of(markup: InlineKeyboardMarkup | None, data: str) -> str | None:
    """The title of the button carrying ``data`` on a message's keyboard."""
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            if button.callback_data == data:
                return button.text
    return None
