"""Fake Telegram and Twilio for benchmarks, enforcing the same send rates the sender workers are given.

The real adapters (``bot.service.sending_channels``) reach the fakes through their ordinary settings
(``telegram_api_base_url``, ``twilio_api_base_url``), so a benchmark measures the code `bizwatch worker`
runs. Each fake enforces its channel's rate itself (a sliding window, 429 above it), so a sender that
goes too fast is caught where it would be in production: at the provider. The fakes run in a process
of their own, as the real providers are elsewhere: in the benchmark's process they would take turns
with the workers for one core. What they accepted comes back per channel when they stop, to be counted
against the outbox (duplicates, lost) and timed (achieved rate).

Twilio's status callbacks go to a port nothing listens on: the benchmarks measure sending, so the
outbox rows stay ``sent`` (the tests follow callbacks through to ``delivered``).
"""

from __future__ import annotations

import multiprocessing
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from types import TracebackType

from limits import parse

from bot.config import Settings

TELEGRAM_TOKEN = "123456789:benchmark-bot-token"
WHATSAPP = "whatsapp:"
# A content template for WhatsApp messages outside the 24-hour window (every campaign message is).
WHATSAPP_TEMPLATE_SID = "HX" + "b" * 32
PUBLIC_URL = "https://bizwatch.benchmark.example"
START_SECONDS = 60.0


@dataclass(frozen=True)
class Receipt:
    """One message a fake accepted."""

    at: float  # epoch seconds
    address: str  # as the outbox names it (no "whatsapp:" prefix)
    provider_id: str  # the Twilio SID or the Telegram message id the sender was given
    units: int  # what it cost against the channel's rate: segments on SMS, otherwise 1


@dataclass(frozen=True)
class Received:
    """What the fakes accepted per channel, and the 429s they gave."""

    receipts: dict[str, list[Receipt]]
    refusals: dict[str, int]


def parse_rates(pairs: Iterable[str]) -> dict[str, str]:
    """``["sms=500/second", ...]`` as ``{"sms": "500/second"}``, each rate checked by the ``limits`` parser."""
    rates = {}
    for pair in pairs:
        channel, separator, rate = pair.partition("=")
        if not separator or not channel.strip():
            raise ValueError(f"expected CHANNEL=RATE (e.g. sms=500/second), got {pair!r}")
        parse(rate)
        rates[channel.strip()] = rate.strip()
    return rates


def per_second(rate: str) -> float:
    """A rate in ``limits`` notation as units per second ("600/minute" is 10.0)."""
    item = parse(rate)
    return item.amount / item.get_expiry()


def busiest(receipts: Iterable[Receipt], seconds: float) -> int:
    """The most units the provider accepted within any span of ``seconds`` (its limit's window)."""
    times = sorted((receipt.at, receipt.units) for receipt in receipts)
    most, used, first = 0, 0, 0
    for at, units in times:
        used += units
        while at - times[first][0] >= seconds:
            used -= times[first][1]
            first += 1
        most = max(most, used)
    return most


def closed_port() -> int:
    """A local port nothing listens on (one the system just handed out and took back)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class FakeProviders:
    """Fake Telegram and Twilio (SMS and WhatsApp) in a child process, each enforcing ``rates[channel]``.

    ``per_recipient`` holds per-chat limits (Telegram's; Twilio has none). Use as a context manager;
    ``finish`` stops them and returns what they received.
    """

    def __init__(self, rates: Mapping[str, str], per_recipient: Mapping[str, str]) -> None:
        self.rates, self.per_recipient = dict(rates), dict(per_recipient)
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.rates, self.per_recipient, child), daemon=True)
        self._endpoints: dict[str, str] = {}

    def __enter__(self) -> FakeProviders:
        self._process.start()
        if not self._connection.poll(START_SECONDS):
            raise RuntimeError("the fake providers did not start")
        self._endpoints = self._connection.recv()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join(10)

    def settings(self, base: Settings) -> Settings:
        """``base`` with the real adapters pointed at the fakes and the workers held to the fakes' rates."""
        fake = self._endpoints
        return base.model_copy(update={
            "telegram_token": TELEGRAM_TOKEN, "telegram_api_base_url": fake["telegram"],
            "twilio_account_sid": fake["account_sid"], "twilio_auth_token": fake["auth_token"],
            "twilio_from_number": fake["number"], "twilio_whatsapp_from": fake["number"],
            "twilio_whatsapp_template_sid": WHATSAPP_TEMPLATE_SID, "twilio_api_base_url": fake["twilio"],
            "public_base_url": PUBLIC_URL, "delivery_rates": self.rates,
            "delivery_rates_per_recipient": self.per_recipient,
        })

    def finish(self) -> Received:
        """Stop the fakes (once Twilio's callbacks are done) and return what they received."""
        self._connection.send("finish")
        received: Received = self._connection.recv()
        self._process.join(30)
        return received


def _limit(rate: str) -> tuple[int, float]:
    item = parse(rate)
    return item.amount, float(item.get_expiry())


def _serve(rates: dict[str, str], per_recipient: dict[str, str], connection: Connection) -> None:
    """The child process: run both fakes until told to finish, then send back what they received."""
    from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit
    from integrations.twilio.fake import FakeTwilio

    (sms, window), (whatsapp, whatsapp_window) = _limit(rates["sms"]), _limit(rates["whatsapp"])
    if window != whatsapp_window:
        raise ValueError("the fake Twilio has one rate window: give SMS and WhatsApp rates over the same period")
    chat = per_recipient.get("telegram")
    with FakeTwilio(rate=float(sms), rate_window=window, callback_delay=0.01,
                    proxy={PUBLIC_URL: f"http://127.0.0.1:{closed_port()}"}) as twilio, \
            FakeTelegram(TELEGRAM_TOKEN, limits=FloodLimits(overall=Limit(*_limit(rates["telegram"])),
                                                            per_chat=Limit(*_limit(chat)) if chat else None,
                                                            per_group=None)) as telegram:
        twilio.settings.sender_rates[WHATSAPP + twilio.settings.whatsapp_number] = float(whatsapp)
        connection.send({"twilio": twilio.base_url, "account_sid": twilio.account_sid,
                         "auth_token": twilio.auth_token, "number": twilio.settings.phone_number,
                         "telegram": telegram.base_url})
        connection.recv()
        twilio.wait_idle(timeout=120)
        receipts: dict[str, list[Receipt]] = {"sms": [], "whatsapp": [], "telegram": []}
        for message in twilio.sent:
            receipts[message.channel].append(Receipt(message.received_at, message.to.removeprefix(WHATSAPP),
                                                     message.sid, message.segments if message.channel == "sms" else 1))
        receipts["telegram"] = [Receipt(m.received_at, str(m.chat_id), str(m.message_id), 1) for m in telegram.sent]
        whatsapp_refused = sum(1 for throttle in twilio.throttled if throttle.sender.startswith(WHATSAPP))
        connection.send(Received(receipts, {"sms": len(twilio.throttled) - whatsapp_refused,
                                            "whatsapp": whatsapp_refused,
                                            "telegram": len(telegram.flood_refusals)}))
