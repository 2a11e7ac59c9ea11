"""What a flow sees of one turn, and the interface every flow offers the engine."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.config import Settings
from bot.emergency import Assessment
from bot.messages import Button, ChannelCapabilities, Inbound, Reply
from bot.state import ConversationState, FlowState, SwitchOffer
from bot.storage.models import Contact, Conversation
from nlu.interpreter import EntityResult, ParseResult


class Invalid(Exception):
    """An answer we could not use; the message says kindly why and what would work."""


class NothingToTell(Exception):
    """Words were asked for and the answer was "no", "none" or "that's all".

    Raised before anything is stored; the question flow then treats it as a skip, so the answer
    is acknowledged in words and never kept as the text of the report.
    """


class DangerNow(Exception):
    """The answer says someone is in danger now (a "yes" to "is anyone in danger?").

    Raised by a flow, before it stores anything, so the engine gives the 999 guidance and holds
    the conversation exactly as it does for words of danger at any other question.
    """


@dataclass
class Turn:
    """One inbound message being handled: the user's words, their parse, and where to reply."""

    session: Session
    conversation: Conversation
    contact: Contact
    inbound: Inbound
    text: str
    parse: ParseResult
    now: datetime
    settings: Settings
    capabilities: ChannelCapabilities
    # The engine's own state: flows may read it (is a report put aside?) but never change it.
    state: ConversationState
    # What the danger check made of ``text`` (read before the transaction when the message is long).
    danger: Assessment
    # The flow under way keeps its own typed state here (an instance of its ``State``).
    flow_state: FlowState = field(default_factory=FlowState)
    reply: Reply = field(default_factory=Reply)
    # The message was longer than the limit and was cut: a flow may ask for the rest.
    truncated: bool = False
    # The user has just said the danger is over (after 999 guidance): a new report need not ask again.
    safe_now: bool = False
    # Set by a flow that offers to put itself aside for another (advice mid-report); the engine asks.
    switch_offer: SwitchOffer | None = None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    @property
    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    @property
    def intent(self) -> str | None:
        intent = self.parse.get("intent") or {}
        return intent.get("name")

    @property
    def intent_confidence(self) -> float:
        return float((self.parse.get("intent") or {}).get("confidence") or 0.0)

    def entities(self, name: str) -> list[EntityResult]:
        return [e for e in self.parse.get("entities", []) if e.get("entity") == name]

    def say(self, text: str, buttons: list[Button] | tuple[Button, ...] = ()) -> None:
        self.reply.add(text, buttons)


# The offer to put a report aside for advice (made by a question flow, answered through the engine).
SWITCH_PROMPT = "Would you like prevention advice now? Your report is saved and you can carry on after."
SWITCH_OPTIONS = (Button("Yes, advice now", "yes"), Button("No, carry on", "no"))


@dataclass(frozen=True)
class Wording:
    """What the engine says about a flow when it is cancelled or restarted, in the flow's own words.

    A ``None`` question means there is nothing to lose, so the engine acts at once without asking.
    """

    cancel_question: str | None
    cancelled: str
    restart_question: str | None


class Flow(Protocol):
    """A conversation the engine can start, continue, rewind and abandon."""

    name: str
    # A casual flow (browsing advice) gives way at once to a new request such as "report a crime";
    # a task flow (a report) keeps its answers and is only left by cancel or by putting it aside.
    casual: bool
    wording: Wording
    # The type of the flow's own state, kept between turns in ``Turn.flow_state``.
    State: type[FlowState]

    def start(self, turn: Turn) -> None:
        """Begin, using anything useful in the opening message, and ask the first question."""

    def handle(self, turn: Turn) -> None:
        """Take the user's answer to the current question."""

    def reask(self, turn: Turn) -> None:
        """Ask the current question again (after help, an interruption or a return)."""

    def help(self, turn: Turn) -> None:
        """Explain the current question, with an example."""

    def back(self, turn: Turn) -> None:
        """Go back to the previous question."""

    def change(self, turn: Turn, words: str) -> None:
        """Re-ask the answer named by ``words`` ("the time", "postcode")."""

    def progress(self, turn: Turn) -> str:
        """A short phrase saying what is under way, for "carry on where you left off?"."""

    def discard(self, turn: Turn) -> None:
        """Throw away what this flow was building (the user cancelled)."""
