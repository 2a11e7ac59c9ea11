"""Bot API objects (User, Chat, Message, PhotoSize ...) shaped as the real service sends them.

Only the fields a bot reads are filled, but every field present has the real name, type and meaning,
so python-telegram-bot parses them into its own classes without complaint.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any

# A bot token: the bot's numeric id, a colon, the secret.
TOKEN_SHAPE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
# Anything that looks like a /command to a Telegram client (optionally /command@botname).
_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
# Telegram scales photos down to fit these boxes (pixels on the longer side), keeping the original too.
PHOTO_BOXES = (90, 320, 800)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it for limits and entity offsets: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def command_entities(text: str) -> list[dict[str, Any]]:
    """`bot_command` entities for every /command in a user's text, as Telegram clients mark them."""
    entities = []
    for match in _COMMAND.finditer(text):
        entities.append({
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group()),
        })
    return entities


def new_file_ids() -> tuple[str, str]:
    """An opaque file_id and a shorter file_unique_id; clients must not read meaning into either."""
    return "AgAC" + secrets.token_urlsafe(42), "AQAD" + secrets.token_urlsafe(9)


@dataclass(frozen=True)
class Person:
    """A Telegram user writing to the bot from a private chat (its chat id is the user id)."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        for key in ("last_name", "username", "language_code"):
            if getattr(self, key):
                user[key] = getattr(self, key)
        return user

    def chat(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        for key in ("last_name", "username"):
            if getattr(self, key):
                chat[key] = getattr(self, key)
        return chat


def default_person(user_id: int) -> Person:
    return Person(id=user_id, first_name=f"User{user_id}")


def chat_for(chat_id: int, person: Person | None) -> dict[str, Any]:
    """A private chat for positive ids, a group for negative ones (as Telegram numbers them)."""
    if chat_id < 0:
        return {"id": chat_id, "type": "group", "title": f"Group {chat_id}"}
    return (person or default_person(chat_id)).chat()


def bot_user(bot_id: int, username: str) -> dict[str, Any]:
    """What getMe answers for the fake's bot."""
    return {
        "id": bot_id,
        "is_bot": True,
        "first_name": username.removesuffix("_bot").replace("_", " ").title(),
        "username": username,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@dataclass
class StoredMessage:
    """A message as the fake keeps it (edits change it in place); `json()` is the Bot API Message."""

    chat: dict[str, Any]
    sender: dict[str, Any]
    message_id: int
    date: int
    from_bot: bool
    text: str | None = None
    caption: str | None = None
    media: dict[str, Any] = field(default_factory=dict)  # {"photo": [...]} or {"document": {...}}
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: dict[str, Any] | None = None
    edit_date: int | None = None

    def json(self) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.text is not None:
            message["text"] = self.text
        if self.entities:
            message["entities"] = self.entities
        message.update(self.media)
        if self.caption is not None:
            message["caption"] = self.caption
        if self.reply_markup is not None:
            message["reply_markup"] = self.reply_markup
        return message
