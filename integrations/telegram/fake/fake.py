"""`FakeTelegram`: the fake Bot API server and the test's side of it (what users do, what the bot did).

Users act through `inject_text`, `press_button`, `inject_photo`, `inject_document`, `block` and
`unblock`; each queues the update Telegram would deliver. What the bot did is read back from
records (`sent`, `edits`, `callback_answers`, `flood_refusals`, `webhook_attempts`, `calls`).
All of it is thread-safe and never blocks the caller's event loop except `wait_for_sent`, which
blocks by design (run it with `asyncio.to_thread` from async code).
"""

from __future__ import annotations

import json
import secrets
import time
from collections import Counter
from types import TracebackType
from typing import Any

from integrations.telegram.fake.api import build_app
from integrations.telegram.fake.delivery import UpdateDelivery
from integrations.telegram.fake.limits import FloodLimits
from integrations.telegram.fake.objects import TOKEN_SHAPE, Person, command_entities
from integrations.telegram.fake.records import CallbackAnswer, Edit, FloodRefusal, SentMessage, WebhookAttempt
from integrations.telegram.fake.server import ThreadedServer
from integrations.telegram.fake.state import TelegramState

DEFAULT_TOKEN = "123456789:fake-bot-token-for-local-use"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots may download files up to 20 MB through getFile


class FakeTelegram:
    """A fake Bot API on 127.0.0.1 for one bot token. Use as a context manager, or start() and stop()."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        port: int = 0,
        limits: FloodLimits | None = None,
        bot_username: str = "bizwatch_fake_bot",
        download_limit: int = DOWNLOAD_LIMIT,
        webhook_retry_delay: float = 1.0,
        webhook_max_attempts: int = 5,
    ) -> None:
        if not TOKEN_SHAPE.match(token):
            raise ValueError("a bot token looks like '<bot id digits>:<secret>'")
        self.token = token
        self._state = TelegramState(token, limits=limits or FloodLimits(), bot_username=bot_username,
                                    download_limit=download_limit)
        self._delivery = UpdateDelivery(self._state, webhook_retry_delay=webhook_retry_delay,
                                        webhook_max_attempts=webhook_max_attempts)
        self._server = ThreadedServer(build_app(self._state, self._delivery), port=port)

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeTelegram:
        self._server.start()
        return self

    def stop(self) -> None:
        self._delivery.end_polls_threadsafe()
        self._server.stop()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The server's root, e.g. http://127.0.0.1:43123."""
        return self._server.url

    @property
    def base_url(self) -> str:
        """For `telegram.Bot(token, base_url=...)`: python-telegram-bot appends the token."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For `telegram.Bot(token, base_file_url=...)`."""
        return f"{self.url}/file/bot"

    def reset(self) -> None:
        """Forget users, chats, messages, files, queued updates, the webhook, flood state and records.

        Update ids keep counting up, so a poller's offset from before stays valid.
        """
        self._state.clear()

    # -- what users do ---------------------------------------------------------------------------

    def set_person(self, user_id: int, first_name: str, last_name: str | None = None,
                   username: str | None = None, language_code: str | None = "en") -> None:
        """Name the user behind a private chat (otherwise "User<id>"), as Telegram shows them to the bot."""
        with self._state.lock:
            self._state.people[user_id] = Person(user_id, first_name, last_name, username, language_code)

    def inject_text(self, user_id: int, text: str) -> dict[str, Any]:
        """The user types `text` in their private chat with the bot; returns the queued update."""
        with self._state.lock:
            message = self._state.store_message(user_id, from_bot=False, text=text, entities=command_entities(text))
            return self._state.enqueue("message", message.json())

    def press_button(self, user_id: int, data: str, message_id: int | None = None) -> dict[str, Any]:
        """The user taps the inline button carrying `data`.

        Without `message_id` the button must be on the latest bot message in that chat whose keyboard
        has it (LookupError otherwise: a user cannot tap a button they do not see). With `message_id`
        the press is sent for that message whatever its keyboard is now, as when a tap races an edit.
        """
        with self._state.lock:
            message = (self._state.messages.get((user_id, message_id)) if message_id is not None
                       else self._message_with_button(user_id, data))
            if message is None:
                raise LookupError(f"no message {message_id} in chat {user_id}")
            query_id = str(secrets.randbelow(10**19))
            self._state.callback_queries[query_id] = (user_id, data)
            return self._state.enqueue("callback_query", {
                "id": query_id,
                "from": self._state.person(user_id).user(),
                "message": message.json(),
                "chat_instance": str(user_id * 4_294_967_291 % 10**19),
                "data": data,
            })

    def inject_photo(self, user_id: int, data: bytes, *, width: int = 1280, height: int = 960,
                     caption: str | None = None) -> dict[str, Any]:
        """The user sends a photo; it arrives in several sizes, the largest (last) holding `data`."""
        with self._state.lock:
            sizes = self._state.store_photo(data, width, height)
            message = self._state.store_message(user_id, from_bot=False, caption=caption, media={"photo": sizes})
            return self._state.enqueue("message", message.json())

    def inject_document(self, user_id: int, data: bytes, *, file_name: str, mime_type: str | None = None,
                        caption: str | None = None) -> dict[str, Any]:
        """The user sends a file as a document (MIME type guessed from the name when not given)."""
        with self._state.lock:
            document = self._state.store_document(data, file_name, mime_type)
            message = self._state.store_message(user_id, from_bot=False, caption=caption,
                                                media={"document": document})
            return self._state.enqueue("message", message.json())

    def block(self, user_id: int) -> dict[str, Any]:
        """The user blocks the bot: sends to them get 403, and a my_chat_member update says "kicked"."""
        with self._state.lock:
            self._state.blocked.add(user_id)
            return self._chat_member_update(user_id, old="member", new="kicked")

    def unblock(self, user_id: int) -> dict[str, Any]:
        with self._state.lock:
            self._state.blocked.discard(user_id)
            return self._chat_member_update(user_id, old="kicked", new="member")

    # -- what the bot did ------------------------------------------------------------------------

    @property
    def sent(self) -> list[SentMessage]:
        """Every message the bot sent that the fake accepted, in order."""
        with self._state.lock:
            return list(self._state.sent)

    def sent_to(self, chat_id: int) -> list[SentMessage]:
        with self._state.lock:
            return [message for message in self._state.sent if message.chat_id == chat_id]

    def sent_count(self, chat_id: int | None = None) -> int:
        with self._state.lock:
            return len(self._state.sent) if chat_id is None else self._state.sent_per_chat[chat_id]

    def wait_for_sent(self, count: int, *, chat_id: int | None = None, timeout: float = 5.0) -> list[SentMessage]:
        """Block until at least `count` messages were sent (to `chat_id`, or to anyone); TimeoutError if not."""
        with self._state.changed:
            if not self._state.changed.wait_for(lambda: self.sent_count(chat_id) >= count, timeout):
                raise TimeoutError(f"{self.sent_count(chat_id)} of {count} messages sent in {timeout} s")
            return self.sent if chat_id is None else self.sent_to(chat_id)

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """A message as it stands now (after edits), as a Bot API Message object."""
        with self._state.lock:
            return self._state.messages[(chat_id, message_id)].json()

    @property
    def edits(self) -> list[Edit]:
        with self._state.lock:
            return list(self._state.edits)

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._state.lock:
            return list(self._state.callback_answers)

    @property
    def flood_refusals(self) -> list[FloodRefusal]:
        """Every 429 given, with the limit that caused it and the retry_after asked for."""
        with self._state.lock:
            return list(self._state.flood_refusals)

    @property
    def webhook_attempts(self) -> list[WebhookAttempt]:
        with self._state.lock:
            return list(self._state.webhook_attempts)

    @property
    def calls(self) -> Counter[str]:
        """Bot API calls received per method (refused ones included)."""
        with self._state.lock:
            return Counter(self._state.calls)

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued and not yet confirmed by the bot."""
        with self._state.lock:
            return [pending.body for pending in self._state.updates]

    @property
    def filtered_updates(self) -> list[dict[str, Any]]:
        """Updates never queued because the bot's allowed_updates left their type out."""
        with self._state.lock:
            return list(self._state.filtered_updates)

    def commands(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, str]]:
        """The command menu set with setMyCommands for that scope and language."""
        key = (json.dumps(scope or {"type": "default"}, sort_keys=True), language_code)
        with self._state.lock:
            return list(self._state.commands.get(key, []))

    # -- helpers ---------------------------------------------------------------------------------

    def _message_with_button(self, chat_id: int, data: str) -> Any:
        last = self._state.last_message_id.get(chat_id, 0)
        for message_id in range(last, 0, -1):
            message = self._state.messages.get((chat_id, message_id))
            if message and message.from_bot and message.reply_markup:
                rows = message.reply_markup.get("inline_keyboard", [])
                if any(button.get("callback_data") == data for row in rows for button in row):
                    return message
        raise LookupError(f"no button with callback_data {data!r} is showing in chat {chat_id}")

    def _chat_member_update(self, user_id: int, *, old: str, new: str) -> dict[str, Any]:
        def member(status: str) -> dict[str, Any]:
            state: dict[str, Any] = {"status": status, "user": self._state.bot}
            if status == "kicked":
                state["until_date"] = 0
            return state

        person = self._state.person(user_id)
        return self._state.enqueue("my_chat_member", {
            "chat": person.chat(),
            "from": person.user(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        })
