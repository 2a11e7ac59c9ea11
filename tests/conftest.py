"""Shared fixtures: a clean database (SQLite by default, PostgreSQL when BIZWATCH_DATABASE_URL says so),
one trained interpreter per test session, a controllable clock, and a transcript-style chat driver."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import CAPABILITIES
from bot.config import Settings
from bot.engine import Engine
from bot.messages import Attachment, ChannelCapabilities, Inbound, Outbound
from bot.service import default_flows
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import Base

# Sunday 22 November 2026, 4pm in London (GMT, so UTC too).
START = datetime(2026, 11, 22, 16, 0, tzinfo=timezone.utc)
TEST_CAPABILITIES = {**CAPABILITIES, "media": ChannelCapabilities(buttons=True, media=True, max_length=4096)}


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("BIZWATCH_DATABASE_URL")
    if url:
        return Settings(database_url=url).database_url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'bizwatch.sqlite3'}"


@pytest.fixture(scope="session")
def migrated(database_url: str) -> str:
    if database_url.startswith("postgresql"):
        engine = make_engine(database_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(database_url)
    return database_url


@pytest.fixture
def settings(migrated: str, tmp_path: Path) -> Settings:
    return Settings(database_url=migrated, nlu_cache_dir=str(tmp_path / "nlu-cache"), _env_file=None)


@pytest.fixture
def sessions(settings: Settings) -> Iterator[sessionmaker[Session]]:
    """Sessions on an emptied database (tables kept, rows removed, so each test starts clean)."""
    engine = make_engine(settings.database_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def interpreter():
    from nlu.embedded import EmbeddedInterpreter

    return EmbeddedInterpreter()


class Clock:
    """A clock the test moves by hand, so idle expiry and "yesterday" are exact."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def engine(sessions, interpreter, settings, clock) -> Engine:
    return Engine(sessions, interpreter, settings, flows=default_flows(), capabilities=TEST_CAPABILITIES, clock=clock)


class Chat:
    """One person talking to the engine, so tests read like a transcript."""

    def __init__(self, engine: Engine, channel: str = "web", address: str = "shop-1") -> None:
        self.engine = engine
        self.channel = channel
        self.address = address
        self.replies: list[Outbound] = []
        self.history: list[tuple[str, str]] = []  # (what the user said, the reply) for every turn

    def say(self, text: str, *, message_id: str | None = None, attachments: tuple[Attachment, ...] = ()) -> str:
        inbound = Inbound(channel=self.channel, address=self.address, message_id=message_id or uuid.uuid4().hex,
                          text=text, received_at=self.engine.clock(), attachments=attachments)
        self.replies = self.engine.handle(inbound)
        self.history.append((text, self.text))
        return self.text

    @property
    def transcript(self) -> str:
        """Every reply so far, for checking what was never asked."""
        return "\n".join(reply for _, reply in self.history)

    @property
    def text(self) -> str:
        return "\n".join(reply.text for reply in self.replies)

    @property
    def buttons(self) -> list[str]:
        return [button.title for reply in self.replies for button in reply.buttons]

    def script(self, *turns: str) -> str:
        for line in turns:
            self.say(line)
        return self.text


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)


@pytest.fixture
def service(sessions, interpreter, settings, engine):
    from bot.service import Service

    return Service(settings=settings, database=sessions.kw["bind"], sessions=sessions, interpreter=interpreter,
                   engine=engine)


class LiveServer:
    """The FastAPI app served by uvicorn on 127.0.0.1, so tests speak real HTTP to it."""

    def __init__(self, app) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(service):
    from bot.web.app import create_app

    with LiveServer(create_app(service)) as server:
        yield server


def service_with_workers(settings: Settings, sessions, interpreter, channels: dict, evidence_dir: Path,
                         clock=None):
    """A service as `bizwatch serve` builds it, sender workers started: the engine wakes them when a turn
    commits a reply for a provider channel. The caller stops them (``service.stop_workers()``)."""
    from bot.delivery.wakeup import Wakeup
    from bot.evidence.store import FolderStore
    from bot.service import Service

    wakeup = Wakeup(settings.database_url)
    engine = Engine(sessions, interpreter, settings, flows=default_flows(),
                    capabilities={**CAPABILITIES, **{name: c.capabilities for name, c in channels.items()}},
                    on_queued=wakeup, **({"clock": clock} if clock is not None else {}))
    service = Service(settings=settings, database=sessions.kw["bind"], sessions=sessions, interpreter=interpreter,
                      engine=engine, evidence=FolderStore(evidence_dir), channels=channels, wakeup=wakeup)
    assert service.start_workers()
    return service
