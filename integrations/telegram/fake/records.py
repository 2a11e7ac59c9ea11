"""What the fake saw the bot do, as tests read it: immutable records with the time they arrived."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SentMessage:
    """One message the bot sent and the fake accepted (sendMessage, sendPhoto, sendDocument)."""

    chat_id: int
    message_id: int
    method: str
    text: str | None  # the text, or a photo's or document's caption
    reply_markup: dict[str, Any] | None
    received_at: float  # time.time() when the fake accepted it
    parse_mode: str | None = None
    file_id: str | None = None  # the photo's largest size, or the document

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """The inline keyboard as (label, callback_data or url), row after row; [] without one."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(button["text"], button.get("callback_data", button.get("url"))) for row in rows for button in row]


@dataclass(frozen=True)
class Edit:
    """One accepted editMessageText or editMessageReplyMarkup (reply_markup None: keyboard removed)."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: dict[str, Any] | None
    received_at: float


@dataclass(frozen=True)
class CallbackAnswer:
    """One answerCallbackQuery, tied to the button press it answers."""

    callback_query_id: str
    chat_id: int
    data: str | None
    text: str | None
    show_alert: bool
    received_at: float


@dataclass(frozen=True)
class FloodRefusal:
    """One 429 the fake gave: which limit (overall, chat or group) and the wait it asked for."""

    method: str
    chat_id: int
    scope: str
    retry_after: int
    at: float


@dataclass(frozen=True)
class WebhookAttempt:
    """One POST of an update to the bot's webhook: the status it got, or the connection error."""

    update_id: int
    attempt: int
    status: int | None
    error: str | None
    at: float

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300
