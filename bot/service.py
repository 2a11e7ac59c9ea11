"""Builds a running bizwatch from settings: database, migrations, interpreter, flows, engine, channels.

The channels the service sends through (Telegram, SMS, WhatsApp) are built from their settings by
``sending_channels``; a channel whose settings are absent is simply not there, so the embedded
default (web and terminal only) needs no tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine as Database
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import CAPABILITIES, SendingChannel
from bot.config import Settings
from bot.delivery.wakeup import Wakeup
from bot.engine import Engine
from bot.evidence.store import EvidenceStore, FolderStore
from bot.flows.advice import AdviceFlow
from bot.flows.alerts import AlertsFlow
from bot.flows.alerts.requests import PAYLOADS, Request
from bot.flows.base import Flow
from bot.flows.impact import OFFER as IMPACT_OFFER
from bot.flows.impact import ImpactFlow
from bot.flows.evidence import EvidenceFlow
from bot.flows.report import ReportFlow
from bot.messages import Button
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from nlu.interpreter import Interpreter

if TYPE_CHECKING:
    from bot.delivery.runner import Delivery


@dataclass
class Service:
    settings: Settings
    database: Database
    sessions: sessionmaker[Session]
    interpreter: Interpreter
    engine: Engine
    evidence: EvidenceStore = field(default_factory=lambda: FolderStore("var/evidence"))
    # The provider channels configured (name -> channel), for sender workers and webhooks.
    channels: dict[str, SendingChannel] = field(default_factory=dict)
    # Called when a turn queues a reply for a sender worker (the engine's on_queued): wakes the workers.
    wakeup: Wakeup = field(default_factory=Wakeup)
    delivery: Delivery | None = None

    def start_workers(self) -> bool:
        """Start sender workers in this process for the configured channels; False if there are none.

        They keep the engine's clock, so a message a turn queues is due by the workers' time too.
        """
        from bot.delivery.runner import Delivery

        if self.delivery is None and self.channels:
            self.delivery = Delivery(self.settings, self.channels, self.wakeup, clock=self.engine.clock)
            self.delivery.start()
        return self.delivery is not None

    def stop_workers(self) -> None:
        if self.delivery is not None:
            self.delivery.stop()
            self.delivery = None

    def close(self) -> None:
        self.stop_workers()
        self.wakeup.close()
        close_channels(self.channels)
        self.database.dispose()


def close_channels(channels: Mapping[str, SendingChannel]) -> None:
    """Close the channels that hold a connection or a loop thread (Telegram's); the others have nothing to close."""
    for channel in channels.values():
        close = getattr(channel, "close", None)
        if close is not None:
            close()


def default_flows() -> dict[str, Flow]:
    """Every conversation bizwatch offers, by name."""
    report = ReportFlow(offers=[Button("Prevention advice", "advice {crime_type}"),
                                Button("Make an impact statement", IMPACT_OFFER),
                                Button("Get crime alerts", PAYLOADS[Request.SIGN_UP])])
    return {"report": report, "advice": AdviceFlow(), "impact": ImpactFlow(), "evidence": EvidenceFlow(),
            "alerts": AlertsFlow()}


def interpreter_from(settings: Settings) -> Interpreter:
    from nlu.factory import build_interpreter  # trains or loads a model: only when a service is built

    return build_interpreter(settings.interpreter, rasa_url=settings.rasa_url, rasa_token=settings.rasa_token,
                             timeout=settings.rasa_timeout_seconds, cache_dir=settings.nlu_cache_dir)


def sending_channels(settings: Settings) -> dict[str, SendingChannel]:
    """The provider channels whose settings are given (none on the embedded default)."""
    from integrations.twilio.channels import build_channels as twilio_channels

    channels: dict[str, SendingChannel] = {**twilio_channels(settings)}
    if settings.telegram_token:
        from integrations.telegram.channel import TelegramChannel  # PTB is imported only when it is used

        channels["telegram"] = TelegramChannel.from_settings(settings)
    return channels


def build_service(settings: Settings, *, interpreter: Interpreter | None = None, migrate: bool = True) -> Service:
    """A ready service; ``migrate`` brings the schema up to date first (as `bizwatch serve` does)."""
    if migrate:
        upgrade(settings.database_url)
    # Half the turn's deadline per wait, so a turn held up once still has time for a retry.
    database = make_engine(settings.database_url, wait_seconds=settings.turn_deadline_seconds / 2)
    sessions = make_session_factory(database)
    interpreter = interpreter or interpreter_from(settings)
    channels = sending_channels(settings)
    capabilities = {**CAPABILITIES, **{name: channel.capabilities for name, channel in channels.items()}}
    wakeup = Wakeup(settings.database_url)
    engine = Engine(sessions, interpreter, settings, flows=default_flows(), capabilities=capabilities,
                    on_queued=wakeup)
    return Service(settings=settings, database=database, sessions=sessions, interpreter=interpreter, engine=engine,
                   evidence=FolderStore(settings.evidence_dir), channels=channels, wakeup=wakeup)
