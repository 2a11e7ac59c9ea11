"""How fast one person may send, the same rule on every channel: ``BIZWATCH_RATE_LIMIT_PER_SENDER``
messages, counted per channel and sender (``bot.rate_limits``, so shared through Redis when set).

What happens over the limit depends on who is asking. The web chat answers 429 with Retry-After: the
page waits and sends the message again by itself. A provider's webhook (Telegram, SMS, WhatsApp) is
another matter: an error there makes the provider deliver the message again later, which is more of
the same. So there the message is taken (200) and not read (no turn, no media fetched), and the person
is told, through the outbox like any reply and at most once a minute, to wait and send it again.
Opting out (STOP, /stop) is never limited: the channels handle it before asking here. Nor is a message
that needs the 999 guidance (``bot.emergency``): someone in danger who has been typing fast still gets it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings
from bot.emergency import assess
from bot.delivery.outbox import record_reply
from bot.messages import Inbound, Outbound
from bot.rate_limits import RateLimit, Verdict, make_limiter

log = logging.getLogger(__name__)
# Enough of a message to hold any cry for help, and a bound on what the check costs for a long paste.
DANGER_CHECK_CHARS = 2000
SLOW_DOWN = ("Sorry, your messages are coming in faster than I can read them. Please wait a minute, then send "
             "again anything I haven't answered.")
TOLD_AT_MOST = "1/minute"


class SenderLimit:
    """The per-sender limit, with ``ahit`` for the web (async) and ``admit`` for provider webhooks (sync)."""

    def __init__(self, limits: str, limiter: Any) -> None:
        self.messages = RateLimit("sender", limits, limiter)
        self.told = RateLimit("sender-told", TOLD_AT_MOST, limiter)

    @classmethod
    def for_providers(cls, settings: Settings) -> SenderLimit:
        """For webhooks handled in worker threads (the limiter's synchronous kind)."""
        return cls(settings.rate_limit_per_sender, make_limiter(settings.redis_url, asynchronous=False))

    async def ahit(self, channel: str, address: str) -> Verdict:
        return await self.messages.ahit(_key(channel, address))

    @staticmethod
    def exempt(text: str) -> bool:
        """Whether ``text`` goes through whatever the limit says: it needs the 999 guidance."""
        return assess(text[:DANGER_CHECK_CHARS]).needs_999

    def admit(self, sessions: sessionmaker[Session], inbound: Inbound,
              on_queued: Callable[[str], None] | None) -> bool:
        """Whether ``inbound`` may have its turn. If not, the first refused message in a minute is
        answered SLOW_DOWN (recorded as its reply, so a redelivery of it changes nothing); the rest
        get no reply, which would only add to the flood."""
        key = _key(inbound.channel, inbound.address)
        if self.messages.hit(key).allowed or self.exempt(inbound.text):
            return True
        log.info("a %s sender is over the rate limit: message not read", inbound.channel)
        if self.told.hit(key).allowed:
            try:
                with sessions.begin() as session:
                    record_reply(session, inbound.channel, inbound.address, inbound.message_id,
                                 [Outbound(SLOW_DOWN)], inbound.received_at)
            except IntegrityError:
                return False  # this very message was handled before
            if on_queued is not None:
                on_queued(inbound.channel)
        return False


def _key(channel: str, address: str) -> str:
    return f"{channel}:{address}"
