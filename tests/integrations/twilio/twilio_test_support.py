"""Helpers for driving the fake Twilio through the real twilio client: a twilio ``Client`` pointed at
the fake, a small receiver standing in for the app behind a TLS-terminating proxy, and a clock a test
can move on.

(Not a conftest.py: a second conftest module below tests/ would take the name ``conftest`` from
tests/conftest.py, which other tests import helpers from.)"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

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


def client_for(fake: FakeTwilio, auth_token: str | None = None) -> Client:
    return Client(fake.account_sid, auth_token or fake.auth_token, http_client=BaseUrlHttpClient(fake.base_url))
