"""One turn of dialogue, and only that: dedupe, load, check for danger, interpret, route, save, reply.

Every turn is one database transaction (conversation state, domain rows and the outbox row with
the reply, which also records the inbound message as handled), so a crash mid-turn changes
nothing and a redelivered message gets the stored reply instead of a second effect. Loading and
saving live in ``bot.turns``, routing between flows in ``bot.routing``, the engine's own questions
in ``bot.confirmations`` and the emergency interrupt in ``bot.safety``.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bot import turns
from bot.commands import Command, parse_command
from bot.config import Settings
from bot.confirmations import Confirmations
from bot.delivery.outbox import SYNCHRONOUS_CHANNELS, record_reply, stored_reply
from bot.emergency import Assessment, Level, assess
from bot.flows.base import DangerNow, Flow, Turn
from bot.messages import Button, ChannelCapabilities, Inbound, Outbound
from bot.routing import Router
from bot.safety import Safety
from bot.state import ConversationState, Pending
from bot.storage.db import waits_until
from bot.storage.types import utcnow
from nlu.interpreter import Interpreter, InterpreterUnavailable, ParseResult

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
DEFAULT_CAPABILITIES = ChannelCapabilities(buttons=False, media=False, max_length=4096)
DB_ATTEMPTS = 4
# Longer than any option we offer: such a message is interpreted before its transaction begins.
PARSE_FIRST_CHARS = 120
# Sender and message ids are keys: refused, not altered, if a database could not store them as sent.
UNSTORABLE_KEY = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
ADDRESS_CHARS = 255  # conversations.address, outbox.address
MESSAGE_ID_CHARS = 128  # inbound message ids (the outbox key adds a short prefix)


# The database refused what this turn would store (a value it cannot hold): the same words would be
# refused again, so the person is asked for other words, not to send them again.
PUT_ANOTHER_WAY = "Sorry, I couldn't save that. Could you put it another way? Everything you told me before is kept."


class DatabaseUnavailable(RuntimeError):
    """The turn could not be saved (database away, locked past the deadline, or failing in itself).

    Nothing of the turn was kept, so the caller should ask the user to send it again.
    """


def _log_refusal(what: str, error: SQLAlchemyError) -> None:
    # Only the class names: the message can quote the values people sent, and the SQL parameters.
    log.error("%s: %s (%s)", what, type(error).__name__, type(getattr(error, "orig", None)).__name__)


def _storable_key(value: str, limit: int) -> bool:
    """Whether a sender or message id can be a database key as it is (PostgreSQL refuses NUL)."""
    return 0 < len(value) <= limit and not UNSTORABLE_KEY.search(value)


@dataclass(frozen=True)
class CleanText:
    text: str
    truncated: bool


def clean_text(text: str, limit: int) -> CleanText:
    """NFC, no control or direction-override characters, at most ``limit`` characters."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text).strip()
    if len(text) > limit:
        return CleanText(text[:limit], True)
    return CleanText(text, False)


@dataclass(frozen=True)
class Reading:
    """What a message says, worked out from its words alone: its parse and its danger."""

    parse: ParseResult
    danger: Assessment


def empty_parse(text: str) -> ParseResult:
    return {"text": text, "intent": {"name": "", "confidence": 0.0}, "entities": [], "intent_ranking": []}


class Engine:
    """Handles inbound messages from any channel; holds no per-user state of its own."""

    def __init__(self, session_factory: sessionmaker[Session], interpreter: Interpreter, settings: Settings,
                 flows: Mapping[str, Flow], capabilities: Mapping[str, ChannelCapabilities] | None = None,
                 clock: Callable[[], datetime] = utcnow,
                 on_queued: Callable[[str], None] | None = None) -> None:
        self.session_factory = session_factory
        self.interpreter = interpreter
        self.settings = settings
        self.router = Router(flows)
        self.confirmations = Confirmations(self.router)
        self.safety = Safety(self.router, self.confirmations)
        self.capabilities = dict(capabilities or {})
        self.clock = clock
        # Told the channel after a turn commits a reply that a sender worker must send (wakes it).
        self.on_queued = on_queued

    @property
    def flows(self) -> dict[str, Flow]:
        return self.router.flows

    # --- the turn ---------------------------------------------------------------------------
    def handle(self, inbound: Inbound) -> list[Outbound]:
        """The replies to ``inbound``; the same ones again if it was delivered before.

        Gives up with ``DatabaseUnavailable`` by ``turn_deadline_seconds`` (a held lock, a database
        away: every wait, the last attempt's too, ends by then), or at once when the database fails
        in itself. When it refuses the turn's data, the reply asks for other words (``PUT_ANOTHER_WAY``).
        """
        if not (_storable_key(inbound.address, ADDRESS_CHARS)
                and _storable_key(inbound.message_id, MESSAGE_ID_CHARS)):
            # Only a forged request carries these (channels validate ids first): nothing to answer.
            log.warning("ignored a %s message whose sender or message id cannot be stored", inbound.channel)
            return []
        inbound = dataclasses.replace(inbound, text=_LONE_SURROGATE.sub("\ufffd", inbound.text))
        deadline = time.monotonic() + self.settings.turn_deadline_seconds
        with waits_until(deadline):
            return self._handle_until(inbound, deadline)

    def _handle_until(self, inbound: Inbound, deadline: float) -> list[Outbound]:
        conflicts = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    return self._handle_once(inbound)
                except IntegrityError as error:
                    # Another worker handled the same message (or created this conversation) at the
                    # same moment: its stored reply, or a clean retry, is the right answer. The
                    # same conflict on the retry is the turn's own data breaking a rule.
                    stored = self._stored_reply(inbound)
                    if stored is not None:
                        return stored
                    conflicts += 1
                    if conflicts > 1:
                        return self._refused(inbound, error)
                    failure = "IntegrityError"
            except (OperationalError, PoolTimeout) as error:
                failure = type(error).__name__
            except DataError as error:
                return self._refused(inbound, error)
            except SQLAlchemyError as error:
                # Failing in itself (a schema problem): retrying cannot help, but the operator can.
                _log_refusal("database failed a turn", error)
                raise DatabaseUnavailable(type(error).__name__) from error
            pause = 0.05 * 2 ** attempt
            if attempt == DB_ATTEMPTS or time.monotonic() + pause >= deadline:
                raise DatabaseUnavailable(failure)
            log.warning("database error on turn (attempt %d): %s", attempt, failure)
            time.sleep(pause)

    def _refused(self, inbound: Inbound, error: SQLAlchemyError) -> list[Outbound]:
        """The database refused what this turn would store: nothing of it was kept, and sent again it
        would be refused again, so the reply asks for other words. It is recorded as this message's
        reply, so a redelivery (a provider's, the web page's retry) gets it without another failure.
        Earlier turns were saved in their own transactions and stand."""
        _log_refusal("database refused a turn", error)
        reply = [Outbound(PUT_ANOTHER_WAY)]
        try:
            with self.session_factory.begin() as session:
                record_reply(session, inbound.channel, inbound.address, inbound.message_id, reply, self.clock())
        except SQLAlchemyError as failure:
            raise DatabaseUnavailable(type(failure).__name__) from failure
        if self.on_queued is not None and inbound.channel not in SYNCHRONOUS_CHANNELS:
            self.on_queued(inbound.channel)
        return reply

    def _stored_reply(self, inbound: Inbound) -> list[Outbound] | None:
        with self.session_factory() as session:
            return stored_reply(session, inbound.channel, inbound.address, inbound.message_id)

    def _handle_once(self, inbound: Inbound) -> list[Outbound]:
        # A long message is interpreted and checked for danger before the transaction, so that work
        # never holds the database (on SQLite, the one writer) while other people's turns wait. Short
        # ones may be an option just offered, which needs no parse at all: that is only known inside.
        cleaned = clean_text(inbound.text, self.settings.max_message_chars)
        read = self._read(cleaned.text, self.clock()) if len(cleaned.text) > PARSE_FIRST_CHARS else None
        with self.session_factory.begin() as session:
            seen = stored_reply(session, inbound.channel, inbound.address, inbound.message_id)
            if seen is not None:
                return seen
            turn = self._begin_turn(session, inbound, cleaned, read)
            self._dispatch(turn)
            turns.finish(session, turn, flow_active=turn.conversation.flow is not None)
        if self.on_queued is not None and inbound.channel not in SYNCHRONOUS_CHANNELS:
            self.on_queued(inbound.channel)
        return turn.reply.messages

    def greet(self, channel: str, address: str) -> list[Outbound]:
        """What someone opening a chat sees first: the menu, or the offer to carry on where they left off.

        They have said nothing yet, so nothing is recorded as handled; the options offered are kept
        so that a typed number picks one.
        """
        inbound = Inbound(channel=channel, address=address, message_id="", text="", received_at=self.clock())
        try:
            with self.session_factory.begin() as session:
                turn = self._begin_turn(session, inbound)
                flow = self.router.flow_of(turn)
                if flow is not None:
                    self.confirmations.offer_resume(turn, flow)
                else:
                    self.router.menu(turn, "Hello.")
                turns.save(session, turn, flow_active=flow is not None)
                return turn.reply.messages
        except SQLAlchemyError as error:
            raise DatabaseUnavailable(type(error).__name__) from error

    def _begin_turn(self, session: Session, inbound: Inbound, cleaned: CleanText | None = None,
                    read: Reading | None = None) -> Turn:
        now = self.clock()
        loaded = turns.load(session, inbound, now)
        cleaned = cleaned or clean_text(inbound.text, self.settings.max_message_chars)
        capabilities = self.capabilities.get(inbound.channel, DEFAULT_CAPABILITIES)
        state = loaded.state
        text = cleaned.text if capabilities.buttons else self._numbered_choice(cleaned.text, state)
        if read is None or text != cleaned.text:
            # Read here: a short message (perhaps a number picking an option). An option we just
            # offered means exactly what it says: no need to interpret it, though danger is checked.
            read = Reading(empty_parse(text), assess(text)) if text in state.buttons else self._read(text, now)
        turn = Turn(session=session, conversation=loaded.conversation, contact=loaded.contact, inbound=inbound,
                    text=text, parse=read.parse, danger=read.danger, now=now,
                    settings=self.settings, capabilities=capabilities, state=state,
                    flow_state=turns.flow_state(self.router.flow_of_name(loaded.conversation.flow), state),
                    truncated=cleaned.truncated)
        if cleaned.truncated:
            # The flow asks for the rest where its question can take more (a long story).
            turn.say(f"That message was very long, so I've kept the first {self.settings.max_message_chars:,} "
                     "characters.")
        return turn

    @staticmethod
    def _numbered_choice(text: str, state: ConversationState) -> str:
        """On channels without buttons (SMS, terminal) options are numbered: a bare number picks one.

        Channels with real buttons send the option itself, so there a typed "1" stays a number
        (pump 1, one day).
        """
        options = state.buttons
        if re.fullmatch(r"[0-9]{1,2}", text) and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        return text

    def _read(self, text: str, now: datetime) -> Reading:
        return Reading(self._interpret(text, now), assess(text))

    def _interpret(self, text: str, now: datetime) -> ParseResult:
        if not text:
            return empty_parse(text)
        try:
            return self.interpreter.parse(text, now=now)
        except InterpreterUnavailable as error:
            log.warning("interpreter unavailable, continuing without it: %s", type(error).__name__)
        except Exception as error:  # noqa: BLE001 - the conversation must carry on without NLU
            # The class only: an exception's message may quote the text that was being parsed.
            log.error("interpreter failed (%s); continuing without intent or entities", type(error).__name__)
        return empty_parse(text)

    # --- routing ----------------------------------------------------------------------------
    def _dispatch(self, turn: Turn) -> None:
        flow = self.router.flow_of(turn)
        if self.safety.first(turn, flow):
            return
        if flow is None or (flow.casual and self.router.is_new_request(turn)):
            self.router.end_flow(turn)
            self.router.idle(turn)
        else:
            self._continue(turn, flow)
        self.router.resume_suspended(turn)

    def _continue(self, turn: Turn, flow: Flow) -> None:
        if turn.state.pending is None and self._expired(turn):
            self.confirmations.offer_resume(turn, flow)
            return
        if turn.state.pending is not None:
            self.confirmations.answer(turn, flow, self._continue)
            return
        command = parse_command(turn.text)
        if command is not None:
            self._command(turn, flow, command)
            return
        try:
            flow.handle(turn)
        except DangerNow:
            self.safety.hold(turn, Level.NOW, under_way=True)
            return
        if turn.switch_offer is not None:
            turn.state.pending, turn.state.switch_offer = Pending.SWITCH, turn.switch_offer

    def _expired(self, turn: Turn) -> bool:
        idle = timedelta(minutes=self.settings.conversation_idle_minutes)
        return turn.conversation.last_active_at is not None and turn.now - turn.conversation.last_active_at > idle

    def _command(self, turn: Turn, flow: Flow, command: Command) -> None:
        if command.name == "help":
            flow.help(turn)
        elif command.name == "cancel":
            self.confirmations.confirm(turn, flow, Pending.CANCEL)
        elif command.name == "restart":
            self.confirmations.confirm(turn, flow, Pending.RESTART)
        elif command.name == "back":
            flow.back(turn)
        elif command.name == "change":
            flow.change(turn, command.argument)
        elif command.name == "menu":
            cancel = turn.capabilities.cancel_word
            turn.say(f"You're part-way through {flow.progress(turn)}. Say 'carry on' to continue, or '{cancel}' "
                     "to stop it.", (Button("Carry on", "carry on"), Button(cancel.capitalize(), cancel)))
        else:
            flow.reask(turn)
