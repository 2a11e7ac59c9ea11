"""Fixtures for anything that talks to Telegram: a fake Bot API on 127.0.0.1 and a real PTB Bot pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from telegram import Bot

from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit

TOKEN = "123456:fake-token-for-tests"
# Roomy enough that tests sending a few messages to one chat are never refused; flood tests set their own.
ROOMY = FloodLimits(overall=Limit(1000, 1.0), per_chat=Limit(100, 1.0), per_group=Limit(100, 1.0))


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # python-telegram-bot runs on asyncio


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    """The fake with roomy flood limits and quick webhook retries."""
    with FakeTelegram(TOKEN, limits=ROOMY, webhook_retry_delay=0.05) as fake:
        yield fake


@pytest.fixture
def bot(telegram: FakeTelegram) -> Bot:
    """A python-telegram-bot Bot pointed at the fake (use `async with bot:`)."""
    return Bot(telegram.token, base_url=telegram.base_url, base_file_url=telegram.base_file_url)
