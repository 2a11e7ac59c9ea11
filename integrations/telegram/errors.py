"""python-telegram-bot's errors, translated into what the sender worker should do (bot.delivery.errors).

| PTB error                          | meaning on the Bot API                    | delivery error                   |
|------------------------------------|-------------------------------------------|----------------------------------|
| RetryAfter                         | 429 flood control, with retry_after       | RetryLater(after_seconds=wait)   |
| Forbidden                          | 403: blocked, never started, deactivated  | RecipientGone (never retry)      |
| BadRequest                         | 400: this request can never succeed       | PermanentFailure                 |
| TimedOut, other NetworkError       | no answer, 5xx, connection refused        | RetryLater                       |
| InvalidToken                       | 401/404: our token is wrong               | RetryLater (wait for the operator)|
| ChatMigrated, anything else        | cannot be sent as it is                   | PermanentFailure                 |

A wrong token keeps messages queued rather than failing them: the operator fixes the setting and
they go. BadRequest is a NetworkError subclass in PTB, so the order of the checks matters. Details
are Telegram's own descriptions; InvalidToken's is replaced, since PTB quotes the token in it.
"""

from __future__ import annotations

import datetime as dtm
import warnings

from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.warnings import PTBDeprecationWarning

from bot.delivery.errors import DeliveryError, PermanentFailure, RecipientGone, RetryLater

DETAIL_CHARS = 200
BAD_TOKEN_WAIT_SECONDS = 300.0


def retry_seconds(error: RetryAfter) -> float:
    """The wait Telegram asked for, in seconds, whether PTB gives it as an int or (PTB_TIMEDELTA) a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)  # the int form warns until PTB 23
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dtm.timedelta) else float(wait)


def delivery_error(error: TelegramError) -> DeliveryError:
    """What ``error`` from a send means for the message (see the table above)."""
    detail = error.message[:DETAIL_CHARS]
    if isinstance(error, RetryAfter):
        return RetryLater("429", "flood control", after_seconds=retry_seconds(error))
    if isinstance(error, Forbidden):
        return RecipientGone("403", detail)
    if isinstance(error, InvalidToken):
        return RetryLater("401", "the bot token was refused", after_seconds=BAD_TOKEN_WAIT_SECONDS)
    if isinstance(error, BadRequest):
        return PermanentFailure("400", detail)
    if isinstance(error, TimedOut):
        return RetryLater("timeout", detail)
    if isinstance(error, NetworkError):
        return RetryLater("network", detail)
    if isinstance(error, ChatMigrated):
        return PermanentFailure("chat_migrated", "the group became a supergroup")
    return PermanentFailure("error", f"{type(error).__name__}: {detail}")
