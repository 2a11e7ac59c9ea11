"""How Telegram updates reach bizwatch: a webhook (Telegram POSTs them to us) or long polling (we ask).

A webhook needs an https address Telegram can reach, and the secret Telegram sends back with every
update: without it anyone could post updates claiming to be any user. Polling needs neither, and
suits a laptop or a trial; only one process may poll a bot.
"""

from __future__ import annotations

from typing import Literal

from bot.config import Settings

WEBHOOK_PATH = "/webhooks/telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Mode = Literal["polling", "webhook"]


def mode_of(settings: Settings) -> Mode:
    """The mode set, or (auto) a webhook exactly when the public address is https."""
    mode = settings.telegram_mode
    if mode == "auto":
        mode = "webhook" if settings.public_base_url.startswith("https://") else "polling"
    if mode == "webhook" and not settings.telegram_webhook_secret:
        raise ValueError("a Telegram webhook needs BIZWATCH_TELEGRAM_WEBHOOK_SECRET (or set "
                         "BIZWATCH_TELEGRAM_MODE=polling)")
    return mode


def webhook_url(settings: Settings) -> str:
    return settings.public_base_url.rstrip("/") + WEBHOOK_PATH
