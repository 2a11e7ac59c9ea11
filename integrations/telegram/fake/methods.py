"""The Bot API methods the fake answers (all but getUpdates, which waits and lives in delivery.py).

Each method checks its parameters in the order and words of the real service, changes the state
under its lock and returns the `result` the real service would. Limits come from the Bot API
reference: 4096 characters of text, 1024 of caption, 1-64 bytes of callback_data, 20 MB to download.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from integrations.telegram.fake.errors import bad_request
from integrations.telegram.fake.objects import StoredMessage, utf16_len
from integrations.telegram.fake.params import Params, Upload
from integrations.telegram.fake.records import CallbackAnswer, Edit
from integrations.telegram.fake.state import TelegramState, Webhook

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
# The fake does not decode uploaded images: a photo the bot sends is given this nominal size.
SENT_PHOTO_SIZE = (800, 600)
_SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")

Method = Callable[[TelegramState, Params], Any]
METHODS: dict[str, tuple[str, Method]] = {}  # lower-case name -> (Bot API name, method); names are case-insensitive


def bot_api(name: str) -> Callable[[Method], Method]:
    def register(method: Method) -> Method:
        METHODS[name.lower()] = (name, method)
        return method

    return register


# -- reading parameters --------------------------------------------------------------------------


def _reply_markup(params: Params) -> dict[str, Any] | None:
    markup = params.json("reply_markup", "reply keyboard markup JSON object")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                raise bad_request("can't parse inline keyboard button: Field \"text\" must be of type String")
            if set(button) == {"text"}:
                raise bad_request("can't parse inline keyboard button: "
                                  "Text buttons are unallowed in the inline keyboard")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
    return markup


def _text(params: Params) -> str:
    text = params.string("text")
    if text is None or not text.strip():
        raise bad_request("message text is empty")
    return text


def _caption(params: Params) -> str | None:
    caption = params.string("caption")
    if caption is not None and utf16_len(caption) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return caption


def _existing_file(state: TelegramState, reference: str) -> dict[str, Any]:
    """A file named by file_id. HTTP URLs are refused: the fake cannot fetch them."""
    stored = state.files.get(reference)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored.meta


def _editable(state: TelegramState, params: Params) -> StoredMessage:
    if params.has("inline_message_id"):
        raise bad_request("inline messages are not supported by the fake")
    chat_id = params.chat_id()
    message_id = params.integer("message_id", required=True)
    message = state.messages.get((chat_id, message_id))
    if message is None:
        raise bad_request("message to edit not found")
    if not message.from_bot:
        raise bad_request("message can't be edited")
    return message


def _not_modified() -> Exception:
    return bad_request(
        "message is not modified: specified new message content and reply markup are exactly the same "
        "as a current content and reply markup of the message"
    )


# -- methods -------------------------------------------------------------------------------------


@bot_api("getMe")
def get_me(state: TelegramState, params: Params) -> dict[str, Any]:
    return state.bot


@bot_api("sendMessage")
def send_message(state: TelegramState, params: Params) -> dict[str, Any]:
    chat_id = params.chat_id()
    text = _text(params)
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    markup = _reply_markup(params)
    with state.lock:
        state.admit(chat_id, "sendMessage")
        message = state.store_message(chat_id, from_bot=True, text=text, reply_markup=markup)
        state.record_sent(message, "sendMessage", parse_mode=params.string("parse_mode"), file_id=None)
        return message.json()


@bot_api("sendPhoto")
def send_photo(state: TelegramState, params: Params) -> dict[str, Any]:
    chat_id = params.chat_id()
    photo = params.file("photo")
    if photo is None:
        raise bad_request("there is no photo in the request")
    caption = _caption(params)
    markup = _reply_markup(params)
    with state.lock:
        sizes = [_existing_file(state, photo)] if isinstance(photo, str) else None
        state.admit(chat_id, "sendPhoto")
        if sizes is None:
            sizes = state.store_photo(photo.data, *SENT_PHOTO_SIZE)
        message = state.store_message(chat_id, from_bot=True, caption=caption, media={"photo": sizes},
                                      reply_markup=markup)
        state.record_sent(message, "sendPhoto", parse_mode=params.string("parse_mode"), file_id=sizes[-1]["file_id"])
        return message.json()


@bot_api("sendDocument")
def send_document(state: TelegramState, params: Params) -> dict[str, Any]:
    chat_id = params.chat_id()
    document = params.file("document")
    if document is None:
        raise bad_request("there is no document in the request")
    caption = _caption(params)
    markup = _reply_markup(params)
    with state.lock:
        meta = _existing_file(state, document) if isinstance(document, str) else None
        state.admit(chat_id, "sendDocument")
        if meta is None:
            upload: Upload = document  # type: ignore[assignment]
            meta = state.store_document(upload.data, upload.filename or "document", upload.content_type)
        message = state.store_message(chat_id, from_bot=True, caption=caption, media={"document": meta},
                                      reply_markup=markup)
        state.record_sent(message, "sendDocument", parse_mode=params.string("parse_mode"), file_id=meta["file_id"])
        return message.json()


@bot_api("answerCallbackQuery")
def answer_callback_query(state: TelegramState, params: Params) -> bool:
    query_id = params.string("callback_query_id")
    with state.lock:
        pressed = state.callback_queries.get(query_id or "")
        if pressed is None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        chat_id, data = pressed
        state.callback_answers.append(CallbackAnswer(
            callback_query_id=query_id or "",
            chat_id=chat_id,
            data=data,
            text=params.string("text"),
            show_alert=params.boolean("show_alert"),
            received_at=time.time(),
        ))
    return True


@bot_api("editMessageText")
def edit_message_text(state: TelegramState, params: Params) -> dict[str, Any]:
    """Without reply_markup the inline keyboard goes, as on the real service."""
    text = _text(params)
    if utf16_len(text) > MAX_TEXT:
        raise bad_request("MESSAGE_TOO_LONG")
    markup = _reply_markup(params)
    with state.lock:
        message = _editable(state, params)
        if message.text is None:
            raise bad_request("there is no text in the message to edit")
        if message.text == text and message.reply_markup == markup:
            raise _not_modified()
        message.text, message.reply_markup, message.edit_date = text, markup, int(time.time())
        state.edits.append(Edit(message.chat["id"], message.message_id, "editMessageText", text, markup, time.time()))
        return message.json()


@bot_api("editMessageReplyMarkup")
def edit_message_reply_markup(state: TelegramState, params: Params) -> dict[str, Any]:
    """No reply_markup removes the keyboard."""
    markup = _reply_markup(params)
    with state.lock:
        message = _editable(state, params)
        if message.reply_markup == markup:
            raise _not_modified()
        message.reply_markup, message.edit_date = markup, int(time.time())
        state.edits.append(Edit(message.chat["id"], message.message_id, "editMessageReplyMarkup",
                                message.text, markup, time.time()))
        return message.json()


@bot_api("getFile")
def get_file(state: TelegramState, params: Params) -> dict[str, Any]:
    file_id = params.string("file_id")
    with state.lock:
        stored = state.files.get(file_id or "")
        if stored is None:
            raise bad_request("invalid file_id")
        if len(stored.data) > state.download_limit:
            raise bad_request("file is too big")
        meta = stored.meta
        return {"file_id": meta["file_id"], "file_unique_id": meta["file_unique_id"],
                "file_size": meta["file_size"], "file_path": stored.file_path}


@bot_api("setWebhook")
def set_webhook(state: TelegramState, params: Params) -> bool:
    """Any http(s) URL is taken (Telegram wants https on ports 443, 80, 88 or 8443; loopback tests cannot)."""
    url = params.string("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.string("secret_token")
    if secret is not None and not _SECRET_TOKEN.match(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.string_list("allowed_updates", "allowed_updates JSON array")
    max_connections = params.integer("max_connections") or 40
    with state.lock:
        if params.boolean("drop_pending_updates"):
            state.updates.clear()
        if allowed is not None:
            state.set_allowed_updates(allowed)
        state.webhook = Webhook(url, secret, max_connections) if url else None
        state.notify()
    return True


@bot_api("deleteWebhook")
def delete_webhook(state: TelegramState, params: Params) -> bool:
    with state.lock:
        if params.boolean("drop_pending_updates"):
            state.updates.clear()
        state.webhook = None
        state.notify()
    return True


@bot_api("getWebhookInfo")
def get_webhook_info(state: TelegramState, params: Params) -> dict[str, Any]:
    with state.lock:
        hook = state.webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(state.updates),
        }
        if hook:
            info["max_connections"] = hook.max_connections
            if hook.last_error_date:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
            if state.allowed_updates is not None:
                info["allowed_updates"] = sorted(state.allowed_updates)
        return info


def _commands_key(params: Params) -> tuple[str, str]:
    scope = params.json("scope", "BotCommandScope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.string("language_code") or ""


@bot_api("setMyCommands")
def set_my_commands(state: TelegramState, params: Params) -> bool:
    commands = params.json("commands", "commands JSON array") or []
    checked = []
    for command in commands:
        name, description = command.get("command", ""), command.get("description", "")
        if not _COMMAND_NAME.match(name):
            raise bad_request("BOT_COMMAND_INVALID")
        if not description.strip():
            raise bad_request("command description must be non-empty")
        checked.append({"command": name, "description": description})
    with state.lock:
        state.commands[_commands_key(params)] = checked
    return True


@bot_api("getMyCommands")
def get_my_commands(state: TelegramState, params: Params) -> list[dict[str, str]]:
    with state.lock:
        return list(state.commands.get(_commands_key(params), []))
