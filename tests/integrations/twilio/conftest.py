"""Fixtures for driving the fake Twilio through the real twilio client: the fake itself (posting to a
small receiver that stands in for the app behind a TLS-terminating proxy), a twilio ``Client`` pointed
at it, and a clock a test can move on."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from integrations.twilio.fake import FakeTwilio
from integrations.twilio.fake.server import ServerThread

PUBLIC = "https://bizwatch.example"
MESSAGES_URL = f"{PUBLIC}/webhooks/twilio/messages"
STATUS_URL = f"{PUBLIC}/webhooks/twilio/status"
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


class BaseUrlHttpClient(TwilioHttpClient):
    """The twilio library's own HTTP client, sending what it meant for https://*.twilio.com to ``base_url``.

    A custom ``http_client`` is the library's extension point for changing how requests go out; the
    path and query (``/2010-04-01/Accounts/...``) are kept, so every resource and page link works.
    """

    def __init__(self, base_url: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.base = urlsplit(base_url)

    def request(self, method: str, url: str, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        parts = urlsplit(url)
        if parts.hostname and (parts.hostname == "twilio.com" or parts.hostname.endswith(".twilio.com")):
            url = urlunsplit((self.base.scheme, self.base.netloc, parts.path, parts.query, ""))
        return super().request(method, url, *args, **kwargs)  # type: ignore[arg-type]


class ManualClock:
    """Epoch seconds that move only when the test says so."""

    def __init__(self, now: float = 1_795_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Received:
    """One request the app's stand-in received."""

    path: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]


class Receiver:
    """Stands in for bizwatch: records every webhook POST and answers with empty TwiML."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.server = ServerThread(Starlette(routes=[Route("/{path:path}", self._record, methods=["POST"])]))
        self.url = ""

    async def _record(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
        headers = {name.lower(): value for name, value in request.headers.items()}
        self.requests.append(Received(request.url.path, str(request.url), headers, form))
        return Response(TWIML, media_type="text/xml")

    def at(self, path: str) -> list[Received]:
        return [received for received in self.requests if received.path == path]


# The servers live for the whole session (stopping one takes uvicorn a fifth of a second); each test
# gets them emptied, with the fake's settings as they started.
@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.url = receiver.server.start()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Receiver:
    _receiver_server.requests.clear()
    return _receiver_server


@pytest.fixture(scope="session")
def _session_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def clock(_session_clock: ManualClock) -> ManualClock:
    return _session_clock


@pytest.fixture(scope="session")
def _fake_server(_receiver_server: Receiver, _session_clock: ManualClock) -> Iterator[FakeTwilio]:
    with FakeTwilio(
        clock=_session_clock,
        rate=1000,
        callback_delay=0.002,
        inbound_url=MESSAGES_URL,
        proxy={PUBLIC: _receiver_server.url},
    ) as fake:
        yield fake


@pytest.fixture
def fake(_fake_server: FakeTwilio, receiver: Receiver) -> Iterator[FakeTwilio]:
    initial = copy.deepcopy(vars(_fake_server.settings))
    yield _fake_server
    _fake_server.wait_idle()
    vars(_fake_server.settings).update(initial)
    _fake_server.reset()


def client_for(fake: FakeTwilio, auth_token: str | None = None) -> Client:
    return Client(fake.account_sid, auth_token or fake.auth_token, http_client=BaseUrlHttpClient(fake.base_url))


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return client_for(fake)
