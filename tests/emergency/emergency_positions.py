"""Where in a conversation a message can arrive, how to get there, and what the real engine does there.

A position is a scripted prefix (what the user says to get there). The report conversation is
being shortened, so the prefixes will change: they are all in POSITIONS below and nowhere else.

Each position is reached once per conversation; every message is then tried inside a savepoint
that is rolled back afterwards, so each one meets the conversation exactly at that position (an
ordinary answer would otherwise move it on) and a whole sweep stays fast. After every danger
message the conversation's state and the draft rows are compared with before; "it's over" is then
said after the first message of each class at each position: every other message left the same
state, and the engine's reply depends only on the state and the words, so it would get the same.
Used by test_positions.py and benchmarks/danger_benchmark.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine as Database, select
from sqlalchemy.orm import sessionmaker

from bot.channels import CAPABILITIES
from bot.config import Settings
from bot.emergency import EMERGENCY_TEXT, MINOR_THREAT_TEXT, THREAT_TEXT
from bot.engine import Engine
from bot.flows.report.opening import means_danger
from bot.messages import Inbound, Outbound
from bot.service import default_flows
from bot.storage.models import Conversation, Report, ReportAttachment, ReportItem
from emergency_data import NEEDS_999, Message
from nlu.interpreter import Interpreter, ParseResult

IDLE = "<idle>"   # in a prefix: the user goes quiet for longer than the idle limit
REPORT = ("report a crime", "no")
WHEN = (*REPORT, "shop theft")
PLACE = (*WHEN, "today 2pm")
STORY = (*PLACE, "Kumar's Convenience Store, 12 High Street, Walsall WS1 1QL")
ITEMS = (*STORY, "two lads came in and ran off")
OFFENDERS = (*ITEMS, "6 steaks £60")
CCTV = (*OFFENDERS, "two men, 20s, grey hoodies")
CONTACT = (*CCTV, "no", "no")
REVIEW = (*CONTACT, "Priya Kumar, owner, 07700 900123", "text", "yes")


@dataclass(frozen=True)
class Position:
    name: str
    prefix: tuple[str, ...]
    reached: str                # words of the reply that shows the position was reached
    asked_again: str = ""       # words of the reply to "it's over" (default: ``reached``)

    @property
    def again(self) -> str:
        return self.asked_again or self.reached


POSITIONS: tuple[Position, ...] = (
    Position("first turn", (), "", asked_again="what happened"),
    Position("danger question", REPORT[:1], "still there"),
    Position("crime type", REPORT, "what happened"),
    Position("when", WHEN, "when did it happen"),
    Position("business name and address", PLACE, "where did it happen"),
    Position("story", STORY, "in your own words"),
    Position("items", ITEMS, "what was taken"),
    Position("offender description", OFFENDERS, "describe them"),
    Position("cctv", CCTV, "cctv"),
    Position("contact details", CONTACT, "your name and role"),
    Position("review", REVIEW, "here's your report"),
    Position("advice", ("how do I stop shoplifters",), "tell me more"),
    Position("cancel confirmation", (*REPORT, "cancel"), "cancel this report?"),
    Position("resume offer", (*REPORT, IDLE, "hello"), "carry on where you left off"),
    Position("advice switch offer", (*WHEN, "how do I stop shoplifters?"), "prevention advice"),
    Position("already holding", (*REPORT, "he's got a knife"), "call 999 now", asked_again="what happened"),
)
BY_NAME = {position.name: position for position in POSITIONS}


@dataclass(frozen=True)
class Result:
    """What the engine did with one message at one position."""

    message: Message
    position: str
    guidance_first: bool        # the first reply is the full 999 guidance (either wording)
    threat_wording: bool        # ... in the wording for threats
    line_101: bool              # the 101 line for a threat without immediacy was given
    reminder: bool              # the short "call 999, say it's over" reminder (while holding)
    unchanged: bool | None      # the draft rows and the question's state are as they were (checked after
                                # danger messages, and after anything while already holding)
    asked_again: bool | None    # after "it's over", the same question came back (checked once per class)


class RememberingInterpreter:
    """The real interpreter, asked once per (text, time): the same message is tried at every position."""

    def __init__(self, interpreter: Interpreter) -> None:
        self.interpreter = interpreter
        self.parses: dict[tuple[str, datetime | None], ParseResult] = {}

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        key = (text, now)
        if key not in self.parses:
            self.parses[key] = self.interpreter.parse(text, now=now)
        return self.parses[key]


def _text(replies: Sequence[Outbound]) -> str:
    return "\n".join([r.text for r in replies] + [b.title for r in replies for b in r.buttons]).lower()


class Sandbox:
    """One conversation with the real engine on a connection whose outer transaction is never kept."""

    def __init__(self, connection: Connection, interpreter: Interpreter, settings: Settings, now: datetime) -> None:
        self.connection = connection
        self.before: tuple[object, ...] | None = None
        self.now = now
        self.settings = settings
        sessions = sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")
        self.engine = Engine(sessions, interpreter, settings, default_flows(), CAPABILITIES, clock=lambda: self.now)

    def say(self, address: str, text: str) -> list[Outbound]:
        if text == IDLE:
            self.now += timedelta(minutes=self.settings.conversation_idle_minutes + 1)
            return []
        return self.engine.handle(Inbound("web", address, uuid.uuid4().hex, text, self.now))

    def state(self, address: str) -> tuple[object, ...]:
        """The conversation's question state and every draft row: what a danger message must not change."""
        row = self.connection.execute(select(Conversation.flow, Conversation.step, Conversation.data).where(
            Conversation.channel == "web", Conversation.address == address)).one_or_none()
        data = {k: v for k, v in ((row.data or {}) if row else {}).items() if k not in ("buttons", "emergency_hold")}
        rows = tuple(tuple(map(tuple, self.connection.execute(select(table)).all()))
                     for table in (Report.__table__, ReportItem.__table__, ReportAttachment.__table__))
        return (row.flow if row else None, row.step if row else None, data, rows)

    def reach(self, address: str, position: Position) -> None:
        replies: list[Outbound] = []
        for line in position.prefix:
            replies = self.say(address, line) or replies
        if position.reached not in _text(replies):
            raise AssertionError(f"the script for {position.name!r} no longer reaches it (update POSITIONS); "
                                 f"last reply:\n{_text(replies)}")
        self.before = self.state(address)

    def attempt(self, address: str, position: Position, message: Message, release: bool = False) -> Result:
        """Say ``message`` here (and "it's over" after it when ``release``), then undo it all."""
        savepoint = self.connection.begin_nested()
        try:
            # Every attempt starts from the same state (the last one was rolled back), taken once.
            before = self.before if self.before is not None else self.state(address)
            replies = self.say(address, message.text)
            first = replies[0].text if replies else ""
            unchanged = asked_again = None
            if message.label in NEEDS_999 or position.name == "already holding":
                unchanged = before == self.state(address)
            if release:
                asked_again = position.again in _text(self.say(address, "it's over"))
            return Result(message, position.name, guidance_first=first.startswith((EMERGENCY_TEXT, THREAT_TEXT)),
                          threat_wording=first.startswith(THREAT_TEXT),
                          line_101=any(r.text == MINOR_THREAT_TEXT for r in replies),
                          reminder=first.startswith("Please call 999 if you haven't yet"),
                          unchanged=unchanged, asked_again=asked_again)
        finally:
            savepoint.rollback()


def applies(position: Position, message: Message) -> bool:
    """Whether a message is tried at a position: "yes" or "not sure" to the danger question is not an ordinary
    answer there (both get the 999 guidance)."""
    return not (position.name == "danger question" and message.label == "ordinary" and means_danger(message.text))


def run(database: Database, interpreter: Interpreter, settings: Settings, now: datetime, position: Position,
        messages: Iterable[Message]) -> list[Result]:
    """Every message at ``position``, each meeting the conversation exactly there."""
    with database.connect() as connection:
        outer = connection.begin()
        try:
            sandbox = Sandbox(connection, interpreter, settings, now)
            # The first turn starts from nothing: no conversation, no draft.
            sandbox.before = sandbox.state("first-0") if not position.prefix else None
            address = "first-0" if not position.prefix else "shop-1"
            if position.prefix:
                sandbox.reach(address, position)
            released: set[str] = set()
            results = []
            for message in messages:
                if applies(position, message):
                    release = message.label in NEEDS_999 and message.label not in released
                    released.update([message.label] if release else [])
                    results.append(sandbox.attempt(address, position, message, release))
            return results
        finally:
            outer.rollback()
