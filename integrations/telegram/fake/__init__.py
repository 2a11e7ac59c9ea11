"""A fake Telegram Bot API: a real HTTP server on 127.0.0.1 that python-telegram-bot talks to unchanged.

It speaks the Bot API's HTTP protocol (`/bot<token>/<method>`, GET or POST, JSON, urlencoded or
multipart) with the real service's answers and errors: flood limits with 429 and `retry_after`,
403 for a user who blocked the bot, 400s worded as Telegram words them, 401/404 for bad tokens and
unknown methods, 409 for getUpdates while a webhook is set. Tests drive the user's side in Python.

In a test (the server runs in a background thread; the test's event loop stays free)::

    from telegram import Bot
    from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit

    with FakeTelegram("123456:test-token", limits=FloodLimits(per_chat=Limit(5, 1.0))) as telegram:
        telegram.inject_text(1001, "someone nicked two bottles of vodka")
        async with Bot("123456:test-token", base_url=telegram.base_url,
                       base_file_url=telegram.base_file_url) as bot:
            [update] = await bot.get_updates(timeout=10)
            await bot.send_message(update.message.chat.id, "Sorry to hear that. When did it happen?")
        assert telegram.sent_to(1001)[0].text.startswith("Sorry")

From a shell, for a local demo (type as a user; the bot's replies and buttons are printed)::

    python -m integrations.telegram.fake --port 8081 --token 123456:demo-token

then point the bot at it: `BIZWATCH_TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot` (files at
`http://127.0.0.1:8081/file/bot`). Run `python -m integrations.telegram.fake --help` for the options.

Covered: getMe, getUpdates (long polling, offset, limit, allowed_updates), sendMessage, sendPhoto,
sendDocument, answerCallbackQuery, editMessageText, editMessageReplyMarkup, getFile and file download,
setWebhook / deleteWebhook / getWebhookInfo (updates POSTed with the secret-token header and retried
on failure), setMyCommands / getMyCommands. Private chats (positive ids) are complete; groups
(negative ids) exist only as send targets with their own limit.
"""

from integrations.telegram.fake.fake import DEFAULT_TOKEN, FakeTelegram
from integrations.telegram.fake.limits import FloodLimits, Limit
from integrations.telegram.fake.records import CallbackAnswer, Edit, FloodRefusal, SentMessage, WebhookAttempt
from integrations.telegram.fake.server import ThreadedServer

__all__ = [
    "DEFAULT_TOKEN",
    "CallbackAnswer",
    "Edit",
    "FakeTelegram",
    "FloodLimits",
    "FloodRefusal",
    "Limit",
    "SentMessage",
    "ThreadedServer",
    "WebhookAttempt",
]
