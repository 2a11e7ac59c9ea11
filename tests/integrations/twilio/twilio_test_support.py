"""Helpers for driving the fake Twilio through the real twilio client: a twilio ``Client`` pointed at
the fake, a small receiver standing in for the app behind a TLS-terminating proxy, and a clock a test
can move on; and bizwatch itself served behind the fake (``Bizwatch``), with a stand-in for the sender
worker.

(Not a conftest.py: a second conftest module below tests/ would take the name ``conftest`` from
tests/conftest.py, which other tests import helpers from.)"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from twilio.rest import Client

from bot.channels import CAPABILITIES
from bot.config import Settings
from bot.delivery.errors import DeliveryError, RetryLater
from bot.delivery.outbox import Status, from_body
from bot.engine import Engine
from bot.evidence.store import FolderStore
from bot.service import Service, default_flows
from bot.storage.models import Contact, DeliveryEvent, OutboxMessage
from bot.web.app import create_app
from conftest import LiveServer
from integrations.twilio import MESSAGES_PATH, STATUS_PATH
from integrations.twilio.channels import Held, build_channels
from integrations.twilio.fake import FakeTwilio, Media, sign
from integrations.twilio.fake.server import ServerThread
from integrations.twilio.sending import ApiHttpClient
from integrations.twilio.status import StatusUpdates
from integrations.twilio.window import WindowLookup

WHATSAPP = "whatsapp:"

PUBLIC = "https://bizwatch.example"
MESSAGES_URL = PUBLIC + MESSAGES_PATH
STATUS_URL = PUBLIC + STATUS_PATH
TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


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
    """The real twilio client, talking to the fake through the adapter's own HTTP client (the one
    ``BIZWATCH_TWILIO_API_BASE_URL`` uses)."""
    return Client(fake.account_sid, auth_token or fake.auth_token, http_client=ApiHttpClient(fake.base_url))


# bizwatch behind the fake --------------------------------------------------------------------------
USER = "+447700900123"


def twilio_settings(settings: Settings, fake: FakeTwilio, **changes: object) -> Settings:
    """The test settings with Twilio pointed at the fake and our public URL the proxy's."""
    return settings.model_copy(update={
        "public_base_url": PUBLIC, "twilio_account_sid": fake.account_sid, "twilio_auth_token": fake.auth_token,
        "twilio_from_number": fake.settings.phone_number, "twilio_whatsapp_from": fake.settings.whatsapp_number,
        "twilio_api_base_url": fake.base_url, **changes})


class Bizwatch:
    """bizwatch with its Twilio channels, served by uvicorn on 127.0.0.1 behind the fake's proxy mapping
    (Twilio posts to https://bizwatch.example/..., signed for that URL, and the "proxy" passes it on)."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], interpreter: Any, clock: Any,
                 fake: FakeTwilio, evidence_dir: Path) -> None:
        self.fake = fake
        self.clock = clock
        self.channels = build_channels(settings, clock=clock, window=WindowLookup(sessions=sessions))
        capabilities = {**CAPABILITIES, **{name: c.capabilities for name, c in self.channels.items()}}
        engine = Engine(sessions, interpreter, settings, flows=default_flows(), capabilities=capabilities,
                        clock=clock)
        self.service = Service(settings=settings, database=sessions.kw["bind"], sessions=sessions,
                               interpreter=interpreter, engine=engine, evidence=FolderStore(evidence_dir),
                               channels=self.channels)
        self.server = LiveServer(create_app(self.service))
        self.sessions = sessions

    def __enter__(self) -> Bizwatch:
        self.server.__enter__()
        self.fake.settings.proxy[PUBLIC] = self.server.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.fake.wait_idle()
        self.server.__exit__(*exc)

    # A person writes
    def text(self, body: str, *, from_: str = USER, media: tuple[Media, ...] = ()) -> list[str]:
        """Text ``body`` to our number and return what we sent back (after the worker's round)."""
        answer = self.fake.send_sms(from_, body, media=media)
        assert answer.status_code == 200, answer.text
        return self.deliver(from_)

    def whatsapp(self, body: str, *, from_: str = USER, media: tuple[Media, ...] = ()) -> list[str]:
        answer = self.fake.send_whatsapp(from_, body, media=media)
        assert answer.status_code == 200, answer.text
        return self.deliver(WHATSAPP + from_)

    def post(self, path: str, params: dict[str, str], signed_for: str | None = None,
             token: str | None = None) -> httpx.Response:
        """POST a form as Twilio would, signed for ``signed_for`` (default: the public URL of ``path``)."""
        signature = sign(token or self.fake.auth_token, signed_for or PUBLIC + path, params)
        return httpx.post(self.server.url + path, data=params, headers={"X-Twilio-Signature": signature})

    # The sender worker's round
    def deliver(self, to: str | None = None) -> list[str]:
        """Send what is queued (see ``send_queued``) and return the bodies that reached ``to`` meanwhile."""
        before = len(self.fake.sent)
        send_queued(self.service, self.clock())
        self.fake.wait_idle()
        return [m.body for m in self.fake.sent[before:] if to is None or m.to == to]

    def rows(self, **where: object) -> list[OutboxMessage]:
        with self.sessions() as session:
            query = select(OutboxMessage).filter_by(**where).order_by(OutboxMessage.id)
            return list(session.scalars(query))


def send_queued(service: Service, now: datetime) -> None:
    """A stand-in for the sender worker (another part of bizwatch), doing what it must for these tests:
    claim due rows of the Twilio channels, skip people who opted out or cannot be reached, send each
    part not yet sent through the channel's ``send``, committing each SID at once, record every attempt,
    hold what must wait, and fold in status reports that came before the row was marked sent (the row
    locked for each change, as the status callbacks lock it)."""
    with service.sessions.begin() as session:
        rows = list(session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel.in_(service.channels.keys()), OutboxMessage.status == Status.QUEUED.value,
            OutboxMessage.next_attempt_at <= now).order_by(OutboxMessage.id)))
        claimed = []
        for row in rows:
            contact = session.scalars(select(Contact).filter_by(channel=row.channel, address=row.address)).first()
            if contact is not None and (contact.opted_out_at or contact.unreachable_at):
                row.status, row.error = Status.FAILED.value, "opted out or unreachable"
                continue
            row.status = Status.SENDING.value
            claimed.append((row.id, row.channel, row.address, row.body, row.parts_sent))
    for row_id, name, address, body, parts_sent in claimed:
        channel = service.channels[name]
        parts = [part for message in from_body(body) for part in channel.render(message)]
        for index in range(parts_sent, len(parts)):
            try:
                sid = channel.send(address, parts[index])
            except DeliveryError as error:
                with service.sessions.begin() as session:
                    row = session.get(OutboxMessage, row_id, with_for_update=True)
                    session.add(DeliveryEvent(outbox_id=row_id, at=now, kind="attempt", status="failed",
                                              error_code=error.code, detail=error.detail[:300]))
                    row.error_code = error.code
                    if isinstance(error, Held):
                        row.status, row.hold_reason = Status.HELD.value, error.hold_reason
                    elif isinstance(error, RetryLater):
                        row.status = Status.QUEUED.value
                    else:
                        row.status = Status.FAILED.value
                break
            with service.sessions.begin() as session:
                row = session.get(OutboxMessage, row_id, with_for_update=True)
                row.provider_ids, row.parts_sent = [*row.provider_ids, sid], index + 1
                session.add(DeliveryEvent(outbox_id=row_id, at=now, kind="attempt", status="sent", provider_id=sid))
        else:
            with service.sessions.begin() as session:
                row = session.get(OutboxMessage, row_id, with_for_update=True)
                if row.status == Status.SENDING.value:  # still ours: nothing took it back meanwhile
                    row.status, row.sent_at = Status.SENT.value, now
                    StatusUpdates(service.channels, service.settings).refresh(session, row, now)


# Fixtures for modules that import them: one fake per module (emptied for each test), bizwatch per test.
@pytest.fixture(scope="module")
def _module_fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(rate=1000, callback_delay=0.002, inbound_url=PUBLIC + MESSAGES_PATH) as fake:
        yield fake


@pytest.fixture
def fake(_module_fake: FakeTwilio) -> Iterator[FakeTwilio]:
    initial = copy.deepcopy(vars(_module_fake.settings))
    yield _module_fake
    _module_fake.wait_idle()
    vars(_module_fake.settings).update(initial)
    _module_fake.reset()


@pytest.fixture
def bizwatch(settings: Settings, sessions: sessionmaker[Session], interpreter: Any, clock: Any, fake: FakeTwilio,
             tmp_path: Path) -> Iterator[Bizwatch]:
    with Bizwatch(twilio_settings(settings, fake), sessions, interpreter, clock, fake, tmp_path / "evidence") as app:
        yield app
