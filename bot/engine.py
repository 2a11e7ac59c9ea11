"""One turn of dialogue: dedupe, load state, check for danger, interpret, run the flow, persist, reply.

Every turn is one database transaction (conversation state, domain rows and the record that this
inbound message was handled), so a crash mid-turn changes nothing and a redelivered message gets
the stored reply instead of a second effect.
"""

from __future__ import annotations

import copy
import dataclasses
import logging
import re
import time
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, and_, bindparam, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from bot.commands import Command, parse_command
from bot.config import Settings
from bot.emergency import MINOR_THREAT_TEXT, Level, assess, emergency_reply, hold_reminder, is_over
from bot.flows.answers import normalise, yes_no
from bot.flows.base import SWITCH_OPTIONS, SWITCH_PROMPT, DangerNow, Flow, Turn
from bot.flows.status import asks_to_see_report, report_status, show_report
from bot.messages import Button, ChannelCapabilities, Inbound, Outbound
from bot.storage.models import Contact, Conversation, ProcessedMessage
from bot.storage.types import utcnow
from nlu.interpreter import Interpreter, InterpreterUnavailable, ParseResult
from nlu.reference import mistyped_reference, normalise_reference

log = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
DEFAULT_CAPABILITIES = ChannelCapabilities(buttons=False, media=False, max_length=4096)
INTENT_THRESHOLD = 0.5
SWITCH_THRESHOLD = 0.7
# Built once: a plain table insert (no ORM unit of work) for the record that a message was handled.
RECORD_PROCESSED = insert(cast(Table, ProcessedMessage.__table__))
_CONVERSATIONS = cast(Table, Conversation.__table__)
SAVE_CONVERSATION = update(_CONVERSATIONS).where(_CONVERSATIONS.c.id == bindparam("id_")).values(
    flow=bindparam("flow"), step=bindparam("step"), data=bindparam("data"), last_active_at=bindparam("last_active_at"))
CLARIFY_BUTTONS = {
    "report_crime": Button("Report a crime", "report a crime"),
    "get_advice": Button("Prevention advice", "advice"),
    "report_status": Button("Check on my report", "report status"),
}
# Things people ask for that this service cannot do by chat yet: say so plainly, and where to go.
NOT_HERE_YET = {
    "impact_statement": "You can make an Impact Statement for Business through the officer dealing with your "
                        "report: quote your reference. Making one in this chat isn't available yet.",
    "add_evidence": "To add CCTV, photos or more details to a report you've sent, contact the officer dealing "
                    "with it and quote your reference. Adding evidence in this chat isn't available yet.",
    "subscribe_alerts": "Crime alerts by chat aren't available yet. Your local Business Crime Reduction "
                        "Partnership or neighbourhood team may run an alert scheme for your area.",
    "unsubscribe_alerts": "You're not subscribed to any alerts from this service, so you won't get any.",
}
# Offered to someone returning to a flow they left idle.
RESUME_OPTIONS = (Button("Carry on", "carry on"), Button("Start again", "start again"),
                  Button("Cancel it", "cancel it"))
# State that outlives one flow: the last report (for offers) and a flow put aside mid-way.
KEPT_BETWEEN_FLOWS = ("last_report", "suspended")
# Present while the conversation holds after 999 guidance: the kind of danger ("danger_now" or
# "threat_serious_later"). Nothing moves on until the user says it is over.
EMERGENCY_HOLD = "emergency_hold"
# The engine's own questions, asked again after an interruption as well as the first time.
RESUME_PROMPT = "Would you like to carry on where you left off?"
DB_ATTEMPTS = 4
# Sender and message ids are keys: refused, not altered, if a database could not store them as sent.
_UNSTORABLE_KEY = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
ADDRESS_CHARS = 255  # conversations.address, processed_messages.address
MESSAGE_ID_CHARS = 128  # processed_messages.message_id


class DatabaseUnavailable(RuntimeError):
    """The turn could not be saved (database away, locked past the deadline, or refusing it).

    Nothing of the turn was kept, so the caller should ask the user to send it again.
    """


def _storable_key(value: str, limit: int) -> bool:
    """Whether a sender or message id can be a database key as it is (PostgreSQL refuses NUL)."""
    return 0 < len(value) <= limit and not _UNSTORABLE_KEY.search(value)


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


def empty_parse(text: str) -> ParseResult:
    return {"text": text, "intent": {"name": "", "confidence": 0.0}, "entities": [], "intent_ranking": []}


def serialise(messages: list[Outbound]) -> list[dict[str, Any]]:
    return [{"text": m.text, "buttons": [{"title": b.title, "payload": b.payload} for b in m.buttons]}
            for m in messages]


def deserialise(stored: list[dict[str, Any]]) -> list[Outbound]:
    return [Outbound(text=m["text"], buttons=tuple(Button(b["title"], b["payload"]) for b in m.get("buttons", [])))
            for m in stored]


class Engine:
    """Handles inbound messages from any channel; holds no per-user state of its own."""

    def __init__(self, session_factory: sessionmaker[Session], interpreter: Interpreter, settings: Settings,
                 flows: Mapping[str, Flow], capabilities: Mapping[str, ChannelCapabilities] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.session_factory = session_factory
        self.interpreter = interpreter
        self.settings = settings
        self.flows = dict(flows)
        self.capabilities = dict(capabilities or {})
        self.clock = clock

    # --- the turn ---------------------------------------------------------------------------
    def handle(self, inbound: Inbound) -> list[Outbound]:
        """The replies to ``inbound``; the same ones again if it was delivered before.

        Gives up with ``DatabaseUnavailable`` once ``turn_deadline_seconds`` have gone by (a held
        lock, a database away), or at once when the database refuses the turn outright.
        """
        if not (_storable_key(inbound.address, ADDRESS_CHARS)
                and _storable_key(inbound.message_id, MESSAGE_ID_CHARS)):
            # Only a forged request carries these (channels validate ids first): nothing to answer.
            log.warning("ignored a %s message whose sender or message id cannot be stored", inbound.channel)
            return []
        inbound = dataclasses.replace(inbound, text=_LONE_SURROGATE.sub("\ufffd", inbound.text))
        deadline = time.monotonic() + self.settings.turn_deadline_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                try:
                    return self._handle_once(inbound)
                except IntegrityError:
                    # Another worker handled the same message (or created this conversation) at the
                    # same moment: its stored reply, or a clean retry, is the right answer.
                    stored = self._stored_reply(inbound)
                    if stored is not None:
                        return stored
                    failure = "IntegrityError"
            except (OperationalError, PoolTimeout) as error:
                failure = type(error).__name__
            except SQLAlchemyError as error:
                # Not a passing condition (bad data, a schema problem): retrying cannot help. Only
                # the class names are logged: the message can quote the values people sent.
                log.error("database refused a turn: %s (%s)", type(error).__name__,
                          type(getattr(error, "orig", None)).__name__)
                raise DatabaseUnavailable(type(error).__name__) from error
            pause = 0.05 * 2 ** attempt
            if attempt == DB_ATTEMPTS or time.monotonic() + pause >= deadline:
                raise DatabaseUnavailable(failure)
            log.warning("database error on turn (attempt %d): %s", attempt, failure)
            time.sleep(pause)

    @staticmethod
    def _seen(session: Session, inbound: Inbound) -> list[Outbound] | None:
        """The stored reply if this message was handled before (a plain column read: no ORM object)."""
        reply = session.execute(select(ProcessedMessage.reply).where(
            ProcessedMessage.channel == inbound.channel, ProcessedMessage.address == inbound.address,
            ProcessedMessage.message_id == inbound.message_id,
        )).scalar_one_or_none()
        return deserialise(reply) if reply is not None else None

    def _stored_reply(self, inbound: Inbound) -> list[Outbound] | None:
        with self.session_factory() as session:
            return self._seen(session, inbound)

    def _handle_once(self, inbound: Inbound) -> list[Outbound]:
        with self.session_factory.begin() as session:
            seen = self._seen(session, inbound)
            if seen is not None:
                return seen
            turn = self._begin_turn(session, inbound)
            self._dispatch(turn)
            self._finish_turn(session, turn)
            return turn.reply.messages

    def _begin_turn(self, session: Session, inbound: Inbound) -> Turn:
        now = self.clock()
        # One statement for both rows (they share their key); FOR UPDATE serialises one person's turns.
        row = session.execute(
            select(Conversation, Contact)
            .outerjoin(Contact, and_(Contact.channel == Conversation.channel, Contact.address == Conversation.address))
            .where(Conversation.channel == inbound.channel, Conversation.address == inbound.address)
            .with_for_update(of=Conversation)
        ).one_or_none()
        conversation, contact = row if row is not None else (None, None)
        if conversation is None:
            conversation = Conversation(channel=inbound.channel, address=inbound.address, data={},
                                        created_at=now, last_active_at=now)
            session.add(conversation)
        if contact is None:
            contact = session.scalars(select(Contact).where(
                Contact.channel == inbound.channel, Contact.address == inbound.address)).one_or_none()
        if contact is None:
            contact = Contact(channel=inbound.channel, address=inbound.address, created_at=now, updated_at=now)
            session.add(contact)
        session.flush()
        cleaned = clean_text(inbound.text, self.settings.max_message_chars)
        # A deep copy: nested lists mutated in place would otherwise look unchanged to SQLAlchemy.
        state = copy.deepcopy(conversation.data or {})
        capabilities = self.capabilities.get(inbound.channel, DEFAULT_CAPABILITIES)
        text = cleaned.text if capabilities.buttons else self._numbered_choice(cleaned.text, state)
        # An option we just offered means exactly what it says: no need to interpret it.
        chosen = text in (state.get("buttons") or ())
        turn = Turn(session=session, conversation=conversation, contact=contact, inbound=inbound, text=text,
                    parse=empty_parse(text) if chosen else self._interpret(text, now), now=now,
                    settings=self.settings, capabilities=capabilities, state=state, truncated=cleaned.truncated)
        if cleaned.truncated:
            # The flow asks for the rest where its question can take more (a long story).
            turn.say(f"That message was very long, so I've kept the first {self.settings.max_message_chars:,} "
                     "characters.")
        return turn

    def _numbered_choice(self, text: str, state: dict[str, Any]) -> str:
        """On channels without buttons (SMS, terminal) options are numbered: a bare number picks one.

        Channels with real buttons send the option itself, so there a typed "1" stays a number
        (pump 1, one day).
        """
        options = state.get("buttons") or []
        if re.fullmatch(r"[0-9]{1,2}", text) and 1 <= int(text) <= len(options):
            return options[int(text) - 1]
        return text

    def _interpret(self, text: str, now: datetime) -> ParseResult:
        if not text:
            return empty_parse(text)
        try:
            return self.interpreter.parse(text, now=now)
        except InterpreterUnavailable as error:
            log.warning("interpreter unavailable, continuing without it: %s", error)
        except Exception:  # noqa: BLE001 - the conversation must carry on without NLU
            log.exception("interpreter failed; continuing without intent or entities")
        return empty_parse(text)

    def greet(self, channel: str, address: str) -> list[Outbound]:
        """What someone opening a chat sees first: the menu, or the offer to carry on where they left off.

        They have said nothing yet, so nothing is recorded as handled; the options offered are kept
        so that a typed number picks one.
        """
        inbound = Inbound(channel=channel, address=address, message_id="", text="", received_at=self.clock())
        try:
            with self.session_factory.begin() as session:
                turn = self._begin_turn(session, inbound)
                flow = self.flows.get(turn.conversation.flow or "")
                if flow is not None:
                    self._offer_resume(turn, flow)
                else:
                    self._menu(turn, "Hello.")
                self._save_state(session, turn)
                return turn.reply.messages
        except (OperationalError, PoolTimeout) as error:
            raise DatabaseUnavailable(type(error).__name__) from error

    def _finish_turn(self, session: Session, turn: Turn) -> None:
        self._save_state(session, turn)
        session.execute(RECORD_PROCESSED, {"channel": turn.inbound.channel, "address": turn.inbound.address,
                                           "message_id": turn.inbound.message_id,
                                           "reply": serialise(turn.reply.messages), "created_at": turn.now})

    def _save_state(self, session: Session, turn: Turn) -> None:
        last_buttons = next((m.buttons for m in reversed(turn.reply.messages) if m.buttons), ())
        turn.state["buttons"] = [b.payload for b in last_buttons]
        conversation = turn.conversation
        if inspect(conversation).persistent:
            # The conversation changes on every turn: one prebuilt UPDATE is far cheaper than the
            # unit of work's change tracking (the largest share of a turn's CPU).
            session.expunge(conversation)
            session.execute(SAVE_CONVERSATION, {"id_": conversation.id, "flow": conversation.flow,
                                                "step": conversation.step, "data": turn.state,
                                                "last_active_at": turn.now})
        else:
            conversation.data = turn.state
            conversation.last_active_at = turn.now
        session.flush()

    # --- routing ----------------------------------------------------------------------------
    def _dispatch(self, turn: Turn) -> None:
        flow = self.flows.get(turn.conversation.flow or "")
        if self._danger_first(turn, flow):
            return
        if flow is None or (flow.casual and self._new_request(turn)):
            turn.conversation.flow = None
            self._idle(turn)
        else:
            self._continue(turn, flow)
        self._resume_suspended(turn)

    def _continue(self, turn: Turn, flow: Flow) -> None:
        pending = turn.state.get("pending")
        if pending is None and self._expired(turn):
            self._offer_resume(turn, flow)
            return
        if pending is not None:
            self._pending(turn, flow, pending)
            return
        command = parse_command(turn.text)
        if command is not None:
            self._command(turn, flow, command)
            return
        try:
            flow.handle(turn)
        except DangerNow:
            self._hold(turn, Level.NOW, under_way=True)

    @staticmethod
    def _offer_resume(turn: Turn, flow: Flow) -> None:
        turn.state["pending"] = "resume"
        turn.say(f"Welcome back. You were part-way through {flow.progress(turn)}. Carry on where you left off?",
                 RESUME_OPTIONS)

    def _new_request(self, turn: Turn) -> bool:
        """In a casual flow (advice), a request for something else takes over."""
        command = parse_command(turn.text)
        return (turn.intent in ("report_crime", "report_status") and turn.intent_confidence >= SWITCH_THRESHOLD) \
            or normalise(turn.text) in ("report", "report a crime") \
            or (command is not None and command.name in ("restart", "resume") and "suspended" in turn.state)

    def _resume_suspended(self, turn: Turn) -> None:
        """When a flow taken up mid-report ends, go back to the report where it was."""
        suspended = turn.state.get("suspended")
        if turn.conversation.flow is not None or not suspended:
            return
        turn.state.clear()
        turn.state.update(suspended["state"])
        turn.conversation.flow, turn.conversation.step = suspended["flow"], suspended["step"]
        turn.say("Back to your report.")
        self.flows[suspended["flow"]].reask(turn)

    def _switch(self, turn: Turn, flow: Flow, target: str, text: str) -> None:
        """Put the current flow aside (state and all) and start ``target`` with ``text``."""
        suspended = {"flow": turn.conversation.flow, "step": turn.conversation.step, "state": dict(turn.state)}
        self._end_flow(turn)
        turn.state["suspended"] = suspended
        turn.text = text
        self._start(turn, target)

    def _start(self, turn: Turn, name: str) -> None:
        keep = {k: turn.state[k] for k in KEPT_BETWEEN_FLOWS if k in turn.state}
        turn.state.clear()
        turn.state.update(keep)
        self.flows[name].start(turn)

    def _expired(self, turn: Turn) -> bool:
        idle = timedelta(minutes=self.settings.conversation_idle_minutes)
        return turn.conversation.last_active_at is not None and turn.now - turn.conversation.last_active_at > idle

    def _pending(self, turn: Turn, flow: Flow, pending: str) -> None:
        """Answers to "carry on?", "cancel this report?" and "start again?"."""
        command = parse_command(turn.text)
        answer = yes_no(turn.text)
        name = command.name if command else None
        words = normalise(turn.text)
        if pending == "resume":
            if name in ("resume", "back") or answer is True:
                turn.state.pop("pending")
                flow.reask(turn)
            elif name == "restart":
                turn.state.pop("pending")
                self._restart(turn, flow)
            elif name == "cancel":
                turn.state.pop("pending")
                self._cancel(turn, flow)
            else:
                turn.say(RESUME_PROMPT, RESUME_OPTIONS)
            return
        if pending == "switch":
            target, text = turn.state.pop("switch_to"), turn.state.pop("switch_text", "")
            turn.state.pop("pending")
            if answer is True:
                self._switch(turn, flow, target, text)
            else:
                flow.reask(turn)
            return
        confirmed = answer is True or words in ("yes cancel it", "yes, cancel it", "yes start again", "cancel it")
        declined = answer is False or name == "resume"
        turn.state.pop("pending")
        if declined:
            flow.reask(turn)
        elif not confirmed:
            # Not an answer to "are you sure?": nothing is cancelled, and the message is taken as it is.
            turn.say("I haven't cancelled anything." if pending == "confirm_cancel" else "I haven't started again.")
            self._continue(turn, flow)
        elif pending == "confirm_cancel":
            self._cancel(turn, flow)
        else:
            self._restart(turn, flow)

    def _ask_pending(self, turn: Turn, flow: Flow, pending: str) -> None:
        """Ask the engine's own question that is waiting for an answer (again, after an interruption)."""
        if pending == "resume":
            turn.say(RESUME_PROMPT, RESUME_OPTIONS)
        elif pending == "switch":
            turn.say(SWITCH_PROMPT, SWITCH_OPTIONS)
        else:
            turn.say(self._confirm_question(flow, pending) or "", self._confirm_buttons(pending))

    def _confirm_buttons(self, pending: str) -> tuple[Button, ...]:
        yes = "Yes, cancel it" if pending == "confirm_cancel" else "Yes, start again"
        return (Button(yes, "yes"), Button("No, carry on", "no"))

    def _command(self, turn: Turn, flow: Flow, command: Command) -> None:
        if command.name == "help":
            flow.help(turn)
        elif command.name == "cancel":
            self._confirm(turn, flow, "confirm_cancel", self._cancel)
        elif command.name == "restart":
            self._confirm(turn, flow, "confirm_restart", self._restart)
        elif command.name == "back":
            flow.back(turn)
        elif command.name == "change":
            flow.change(turn, command.argument)
        elif command.name == "menu":
            turn.say(f"You're part-way through {flow.progress(turn)}. Say 'carry on' to continue, or 'cancel' "
                     "to stop.", (Button("Carry on", "carry on"), Button("Cancel", "cancel")))
        else:
            flow.reask(turn)

    def _discard(self, turn: Turn, flow: Flow) -> None:
        """Throw away what the flow built, and the stored replies that echoed it back.

        Those replies exist only so a redelivered message gets the same answer; once the draft is
        gone they would be the last copy of what the user told us, so they are emptied too.
        """
        flow.discard(turn)
        turn.session.execute(update(ProcessedMessage).where(
            ProcessedMessage.channel == turn.inbound.channel, ProcessedMessage.address == turn.inbound.address,
        ).values(reply=[]))

    def _confirm(self, turn: Turn, flow: Flow, pending: str, act: Callable[[Turn, Flow], None]) -> None:
        """Ask the flow's "are you sure?" first, or act at once when there is nothing to lose."""
        if self._confirm_question(flow, pending) is None:
            act(turn, flow)
            return
        turn.state["pending"] = pending
        self._ask_pending(turn, flow, pending)

    @staticmethod
    def _confirm_question(flow: Flow, pending: str) -> str | None:
        return flow.wording.cancel_question if pending == "confirm_cancel" else flow.wording.restart_question

    def _cancel(self, turn: Turn, flow: Flow) -> None:
        self._discard(turn, flow)
        self._end_flow(turn)
        turn.say(flow.wording.cancelled, self.menu_buttons())

    def _restart(self, turn: Turn, flow: Flow) -> None:
        self._discard(turn, flow)
        self._end_flow(turn)
        turn.text = ""
        self._start(turn, flow.name)

    def _end_flow(self, turn: Turn) -> None:
        turn.conversation.flow = None
        turn.conversation.step = None
        keep = {k: turn.state[k] for k in KEPT_BETWEEN_FLOWS if k in turn.state}
        turn.state.clear()
        turn.state.update(keep)

    # --- danger first -------------------------------------------------------------------------
    def _danger_first(self, turn: Turn, flow: Flow | None) -> bool:
        """Danger now or a serious threat gets the full 999 guidance before anything else, then the
        conversation holds until the user says it is over. True when this turn is taken by it.

        At any position (a question, advice, a confirmation, already holding) the message is never
        taken as an answer: the flow is not called, so the draft and the question stay as they were.
        A threat without immediacy gets the 101 line and the turn carries on as usual.
        """
        danger = assess(turn.text).level
        under_way = flow is not None
        if danger is Level.NOW or danger is Level.THREAT:
            self._hold(turn, danger, under_way)
            return True
        if EMERGENCY_HOLD in turn.state:
            if is_over(turn.text):
                del turn.state[EMERGENCY_HOLD]
                turn.safe_now = True
                self._after_emergency(turn, flow)
            else:
                turn.say(*hold_reminder(under_way))
            return True
        if danger is Level.MINOR_THREAT:
            turn.say(MINOR_THREAT_TEXT)
        return False

    @staticmethod
    def _hold(turn: Turn, danger: Level, under_way: bool) -> None:
        """The full 999 guidance first, then hold the conversation until the user says it is over."""
        turn.state[EMERGENCY_HOLD] = danger.value
        text, buttons = emergency_reply(under_way, threat=danger is Level.THREAT)
        turn.reply.messages.insert(0, Outbound(text, buttons))  # before a "very long message" note
        log.info("999 guidance given (%s)", danger.value)

    def _after_emergency(self, turn: Turn, flow: Flow | None) -> None:
        """It's over: ask again what was being asked, or take the report the 999 guidance offered."""
        if flow is None:
            self._start(turn, "report")
            return
        turn.say("Thank you. Let's carry on where we left off.")
        pending = turn.state.get("pending")
        if pending is None:
            flow.reask(turn)
        else:
            self._ask_pending(turn, flow, pending)

    # --- no flow under way --------------------------------------------------------------------
    def menu_buttons(self) -> tuple[Button, ...]:
        buttons = [Button("Report a crime", "report a crime")]
        if "advice" in self.flows:
            buttons.append(Button("Prevention advice", "advice"))
        return tuple(buttons)

    def _idle(self, turn: Turn) -> None:
        command = parse_command(turn.text)
        intent = turn.intent if turn.intent_confidence >= INTENT_THRESHOLD else None
        words = normalise(turn.text)
        if command is not None and command.name == "resume" and "suspended" in turn.state:
            return  # _resume_suspended picks the report up again
        # A crime named with a time ("drive off today 10am") is an incident being reported, even when
        # the intent is unsure; a crime named alone ("erm shoplifters") may be a question: ask.
        tells_incident = bool(turn.entities("crime_type")) and intent != "get_advice" and (
            turn.intent == "report_crime" or bool(turn.entities("datetime")))
        if asks_to_see_report(turn.text):
            show_report(turn)
        elif command is not None and command.name == "restart" or words in ("report", "report a crime") \
                or intent == "report_crime" or tells_incident:
            self._start(turn, "report")
        elif "advice" in self.flows and (intent == "get_advice" or words.startswith("advice")):
            self._start(turn, "advice")
        elif intent == "report_status" or words in ("report status", "check my report", "my reports") \
                or normalise_reference(turn.text) or mistyped_reference(turn.text):
            report_status(turn)
        elif intent in NOT_HERE_YET:
            turn.say(NOT_HERE_YET[intent], self.menu_buttons())
        elif command is not None and command.name in ("cancel", "back", "change"):
            turn.say("There's nothing under way to change or cancel. Reports can't be edited once sent, but you "
                     "can add information by quoting your reference to the officer.", self.menu_buttons())
        elif intent in ("thanks", "goodbye"):
            turn.say("You're welcome. If anything else happens, just message me. In an emergency, call 999.")
        elif intent is None and self._clarify(turn):
            return
        else:
            self._menu(turn, "Hello." if intent == "greet" or not words or command is not None else
                       "Sorry, I'm not sure what you need.")

    def _menu(self, turn: Turn, greeting: str) -> None:
        turn.say(f"{greeting} I'm bizwatch. I can help you report a crime against your business or get "
                 "prevention advice. If anyone is in danger now, call 999.\n\nWhat would you like to do?",
                 self.menu_buttons())

    def _clarify(self, turn: Turn) -> bool:
        """Not confident: offer the likeliest things the person may want, as buttons, rather than guess."""
        likely = [r["name"] for r in turn.parse.get("intent_ranking", [])[:3]]
        offers = [CLARIFY_BUTTONS[name] for name in likely if name in CLARIFY_BUTTONS
                  and (name != "get_advice" or "advice" in self.flows)]
        if not offers:
            return False
        turn.say("Sorry, I'm not sure I understood. Did you mean one of these? If not, tell me in other words.",
                 tuple(offers))
        return True
