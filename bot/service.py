"""Builds a running bizwatch from settings: database, migrations, interpreter, flows, engine."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine as Database
from sqlalchemy.orm import Session, sessionmaker

from bot.channels import CAPABILITIES
from bot.config import Settings
from bot.engine import Engine
from bot.flows.advice import AdviceFlow
from bot.flows.base import Flow
from bot.flows.report import ReportFlow
from bot.messages import Button
from bot.storage.db import make_engine, make_session_factory
from bot.storage.migrate import upgrade
from nlu.interpreter import Interpreter


@dataclass
class Service:
    settings: Settings
    database: Database
    sessions: sessionmaker[Session]
    interpreter: Interpreter
    engine: Engine

    def close(self) -> None:
        self.database.dispose()


def default_flows() -> dict[str, Flow]:
    """Every conversation bizwatch offers, by name."""
    report = ReportFlow(offers=[Button("Prevention advice", "advice {crime_type}")])
    return {"report": report, "advice": AdviceFlow()}


def interpreter_from(settings: Settings) -> Interpreter:
    from nlu.factory import build_interpreter  # trains or loads a model: only when a service is built

    return build_interpreter(settings.interpreter, rasa_url=settings.rasa_url, rasa_token=settings.rasa_token,
                             timeout=settings.rasa_timeout_seconds, cache_dir=settings.nlu_cache_dir)


def build_service(settings: Settings, *, interpreter: Interpreter | None = None, migrate: bool = True) -> Service:
    """A ready service; ``migrate`` brings the schema up to date first (as `bizwatch serve` does)."""
    if migrate:
        upgrade(settings.database_url)
    # Half the turn's deadline per wait, so a turn held up once still has time for a retry.
    database = make_engine(settings.database_url, wait_seconds=settings.turn_deadline_seconds / 2)
    sessions = make_session_factory(database)
    interpreter = interpreter or interpreter_from(settings)
    engine = Engine(sessions, interpreter, settings, flows=default_flows(), capabilities=CAPABILITIES)
    return Service(settings=settings, database=database, sessions=sessions, interpreter=interpreter, engine=engine)
