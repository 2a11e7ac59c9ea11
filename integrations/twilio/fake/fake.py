"""``FakeTwilio``: the fake Twilio API server and the handle tests hold on it.

It wires the pieces (settings, ledger, courier, inbound messages, HTTP app) and offers what a test
needs around the HTTP API: play a user sending an SMS or WhatsApp message, opt a number out or in,
decide what the network does with messages to a number, and read back everything the app sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from integrations.twilio.fake.api import create_app
from integrations.twilio.fake.courier import Courier, Forgery
from integrations.twilio.fake.inbound import InboundMessages, InboundResult
from integrations.twilio.fake.server import ServerThread
from integrations.twilio.fake.settings import Delivery, DeliveryStatus, FakeSettings
from integrations.twilio.fake.state import WHATSAPP, CallbackAttempt, Ledger, Media, SentMessage, Throttle


class FakeTwilio:
    """A fake Twilio REST API on 127.0.0.1; keyword arguments are ``FakeSettings`` fields.

    ``clock`` (epoch seconds, default ``time.time``) times messages, rate windows and the WhatsApp
    24-hour window, so a test can move time on without waiting. Pauses between status callbacks are
    real (``callback_delay``).
    """

    def __init__(self, *, port: int = 0, clock: Callable[[], float] = time.time, **settings: Any) -> None:
        self.settings = FakeSettings(**settings)
        self.clock = clock
        self._ledger = Ledger()
        self._courier = Courier(self.settings, self._ledger, clock)
        self._inbound = InboundMessages(self.settings, self._ledger, self._courier, clock, lambda: self.base_url)
        self._server = ServerThread(create_app(self.settings, self._ledger, self._courier, self._inbound, clock), port)
        self.base_url = ""

    # Lifecycle
    def start(self) -> FakeTwilio:
        self.base_url = self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def account_sid(self) -> str:
        return self.settings.account_sid

    @property
    def auth_token(self) -> str:
        return self.settings.auth_token

    # A user writes to us
    def send_sms(
        self,
        from_: str,
        body: str = "",
        *,
        media: Sequence[Media] = (),
        to: str | None = None,
        url: str | None = None,
        forge: Forgery | None = None,
    ) -> InboundResult:
        """Play a user's SMS (MMS with ``media``) from ``from_`` arriving at our number, and return the
        app's answer. An opt-out word (STOP, ...) stops the number first, as the carrier would."""
        return self._server.run(self._inbound.receive(from_, body, media, to, url, forge))

    def send_whatsapp(
        self,
        from_: str,
        body: str = "",
        *,
        media: Sequence[Media] = (),
        profile_name: str = "Test User",
        to: str | None = None,
        url: str | None = None,
        forge: Forgery | None = None,
    ) -> InboundResult:
        """Play a user's WhatsApp message (``from_`` with or without ``whatsapp:``); opens their 24-hour window."""
        address = from_ if from_.startswith(WHATSAPP) else WHATSAPP + from_
        return self._server.run(self._inbound.receive(address, body, media, to, url, forge, profile_name))

    # What the network does
    def stop_number(self, number: str) -> None:
        """As if ``number`` had texted STOP: sending SMS to it now fails with 21610."""
        self._ledger.stop(number)

    def start_number(self, number: str) -> None:
        self._ledger.start(number)

    def is_stopped(self, number: str) -> bool:
        return self._ledger.is_stopped(number)

    def set_delivery(self, address: str, status: DeliveryStatus = "delivered", error_code: int | None = None) -> None:
        """Messages to ``address`` end ``delivered``, ``undelivered`` (after ``sent``) or ``failed``,
        with ``error_code`` (e.g. 30003 unreachable, 30006 landline)."""
        self._ledger.set_delivery(address, Delivery(status, error_code))

    # What the app did
    @property
    def sent(self) -> list[SentMessage]:
        """Every message the app created, oldest first, each with its status as it stands now."""
        return self._ledger.sent()

    def message(self, sid: str) -> SentMessage | None:
        return self._ledger.message(sid)

    @property
    def throttled(self) -> list[Throttle]:
        """Every create refused with 429 / 20429."""
        return self._ledger.throttles()

    @property
    def callbacks(self) -> list[CallbackAttempt]:
        """Every status callback posted, in the order posted."""
        return self._ledger.callbacks()

    def stats(self) -> dict[str, object]:
        """Counters: messages, messages and segments per sender, 429s given, callbacks posted."""
        return self._ledger.stats()

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until every message created so far has finished its status changes and callbacks."""
        self._server.run(self._courier.idle(), timeout)

    def reset(self) -> None:
        """Forget messages, opt-outs, delivery outcomes, WhatsApp windows, media and counters (settings stay)."""
        self._ledger.reset()
        self._courier.reseed()
