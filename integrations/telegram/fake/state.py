"""The Telegram side of one bot, shared by the HTTP API (the bot's view) and the control API (the test's).

Everything lives behind one re-entrant lock: the server thread answers the bot while the test thread
injects updates and reads records. Each operation is a few dictionary or deque steps (O(1) per
message), so a long run of sends costs the same per request at the end as at the start.
"""

from __future__ import annotations

import mimetypes
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from integrations.telegram.fake.errors import forbidden, too_many_requests
from integrations.telegram.fake.limits import FloodControl, FloodLimits
from integrations.telegram.fake.objects import (
    PHOTO_BOXES,
    Person,
    StoredMessage,
    bot_user,
    chat_for,
    default_person,
    new_file_ids,
)
from integrations.telegram.fake.records import CallbackAnswer, Edit, FloodRefusal, SentMessage, WebhookAttempt

# What getUpdates and webhooks deliver when the bot has not chosen (the Bot API's default leaves these out).
OPT_IN_UPDATE_TYPES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


@dataclass
class StoredFile:
    """A file Telegram holds: its Bot API object (PhotoSize or Document), bytes and download path."""

    meta: dict[str, Any]
    file_path: str
    data: bytes
    mime_type: str

    @property
    def file_id(self) -> str:
        return self.meta["file_id"]


@dataclass
class Webhook:
    """The webhook set with setWebhook, and what went wrong last time an update was pushed to it."""

    url: str
    secret_token: str | None
    max_connections: int
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class PendingUpdate:
    update_id: int
    kind: str
    body: dict[str, Any] = field(repr=False)


class TelegramState:
    """Chats, messages, files, queued updates, the webhook, flood buckets and every record."""

    def __init__(self, token: str, *, limits: FloodLimits, bot_username: str, download_limit: int) -> None:
        self.token = token
        self.bot = bot_user(int(token.split(":", 1)[0]), bot_username)
        self.limits = limits
        self.download_limit = download_limit
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)  # notified when the bot sends a message
        self._listeners: list[Callable[[], None]] = []
        self._next_update_id = 1  # never reset: a poller's offset must stay valid across reset()
        self._next_file = 0
        self.clear()

    def clear(self) -> None:
        """Forget everything but the update counter (reset)."""
        with self.lock:
            self.people: dict[int, Person] = {}
            self.blocked: set[int] = set()
            self.updates: deque[PendingUpdate] = deque()
            self.allowed_updates: frozenset[str] | None = None  # None: every type but the opt-in ones
            self.filtered_updates: list[dict[str, Any]] = []
            self.webhook: Webhook | None = None
            self.messages: dict[tuple[int, int], StoredMessage] = {}
            self.last_message_id: dict[int, int] = {}
            self.files: dict[str, StoredFile] = {}
            self.files_by_path: dict[str, StoredFile] = {}
            self.callback_queries: dict[str, tuple[int, str | None]] = {}
            self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
            self.flood = FloodControl(self.limits)
            self.sent: list[SentMessage] = []
            self.sent_per_chat: Counter[int] = Counter()
            self.edits: list[Edit] = []
            self.callback_answers: list[CallbackAnswer] = []
            self.flood_refusals: list[FloodRefusal] = []
            self.webhook_attempts: list[WebhookAttempt] = []
            self.calls: Counter[str] = Counter()

    # -- updates ---------------------------------------------------------------------------------

    def add_listener(self, listener: Callable[[], None]) -> None:
        """Call `listener` (from whichever thread) whenever an update is queued or the webhook changes."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.remove(listener)

    def notify(self) -> None:
        for listener in list(self._listeners):
            listener()

    def enqueue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update of `kind` (message, callback_query ...) unless the bot's allowed_updates drop it."""
        with self.lock:
            update = {"update_id": self._next_update_id, kind: payload}
            self._next_update_id += 1
            if self.allowed(kind):
                self.updates.append(PendingUpdate(update["update_id"], kind, update))
                self.notify()
            else:
                self.filtered_updates.append(update)
            return update

    def allowed(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in OPT_IN_UPDATE_TYPES
        return kind in self.allowed_updates

    def set_allowed_updates(self, kinds: list[str]) -> None:
        """An empty list restores the default, as in the Bot API."""
        self.allowed_updates = frozenset(kinds) or None

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset: forget updates below it; a negative one keeps only the last -offset."""
        if not offset:
            return
        if offset > 0:
            while self.updates and self.updates[0].update_id < offset:
                self.updates.popleft()
        else:
            while len(self.updates) > -offset:
                self.updates.popleft()

    def pending(self, limit: int) -> list[dict[str, Any]]:
        return [self.updates[index].body for index in range(min(limit, len(self.updates)))]

    # -- messages --------------------------------------------------------------------------------

    def person(self, user_id: int) -> Person:
        return self.people.get(user_id) or default_person(user_id)

    def store_message(self, chat_id: int, *, from_bot: bool, **content: Any) -> StoredMessage:
        """A new message in `chat_id`; message ids count up per chat, shared by both directions."""
        message_id = self.last_message_id.get(chat_id, 0) + 1
        self.last_message_id[chat_id] = message_id
        sender = self.bot if from_bot else self.person(chat_id).user()
        message = StoredMessage(
            chat=chat_for(chat_id, self.people.get(chat_id)),
            sender=sender,
            message_id=message_id,
            date=int(time.time()),
            from_bot=from_bot,
            **content,
        )
        self.messages[(chat_id, message_id)] = message
        return message

    def admit(self, chat_id: int, method: str) -> None:
        """Refuse a message the real service would refuse: a chat that blocked the bot, or a flood."""
        if chat_id in self.blocked:
            raise forbidden("bot was blocked by the user")
        refused = self.flood.admit(chat_id, time.monotonic())
        if refused:
            scope, retry_after = refused
            self.flood_refusals.append(FloodRefusal(method, chat_id, scope, retry_after, time.time()))
            raise too_many_requests(retry_after)

    def record_sent(self, message: StoredMessage, method: str, *, parse_mode: str | None, file_id: str | None) -> None:
        chat_id = message.chat["id"]
        self.sent.append(SentMessage(
            chat_id=chat_id,
            message_id=message.message_id,
            method=method,
            text=message.text if message.text is not None else message.caption,
            reply_markup=message.reply_markup,
            received_at=time.time(),
            parse_mode=parse_mode,
            file_id=file_id,
        ))
        self.sent_per_chat[chat_id] += 1
        self.changed.notify_all()

    # -- files -----------------------------------------------------------------------------------

    def store_file(self, data: bytes, folder: str, suffix: str, content_type: str, **meta: Any) -> StoredFile:
        file_id, unique_id = new_file_ids()
        path = f"{folder}/file_{self._next_file}{suffix}"
        self._next_file += 1
        stored = StoredFile(
            meta={"file_id": file_id, "file_unique_id": unique_id, **meta, "file_size": len(data)},
            file_path=path,
            data=data,
            mime_type=content_type,
        )
        self.files[file_id] = self.files_by_path[path] = stored
        return stored

    def store_photo(self, data: bytes, width: int, height: int) -> list[dict[str, Any]]:
        """PhotoSizes smallest first, as Telegram sends them: scaled previews, then the photo itself.

        The fake does not decode images: previews hold placeholder bytes, so only the largest size
        downloads as the bytes that were sent.
        """
        sizes = []
        longest = max(width, height)
        for box in PHOTO_BOXES:
            if box < longest:
                w, h = max(1, width * box // longest), max(1, height * box // longest)
                preview = f"preview {w}x{h} of a {width}x{height} photo".encode()
                sizes.append(self.store_file(preview, "photos", ".jpg", "image/jpeg", width=w, height=h).meta)
        sizes.append(self.store_file(data, "photos", ".jpg", "image/jpeg", width=width, height=height).meta)
        return sizes

    def store_document(self, data: bytes, file_name: str, mime_type: str | None) -> dict[str, Any]:
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        suffix = PurePosixPath(file_name).suffix
        return self.store_file(data, "documents", suffix, mime, file_name=file_name, mime_type=mime).meta

    # -- records ---------------------------------------------------------------------------------

    def record_webhook_attempt(self, attempt: WebhookAttempt, error_message: str | None) -> None:
        self.webhook_attempts.append(attempt)
        if self.webhook and error_message:
            self.webhook.last_error_date = int(attempt.at)
            self.webhook.last_error_message = error_message

