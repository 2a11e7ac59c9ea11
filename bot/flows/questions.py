"""A flow made of questions: ask the first one that applies and is unanswered, until none is left.

Because the next question is always derived from what is answered, "back" and "change the time"
are the same operation (forget an answer, ask again) and answers given early (in the opening
message) simply mark their questions answered. The report and the impact statement both use it.

The flow's own working state is ``Progress`` (``turn.flow_state``); only this module changes it
(flows mark questions answered through ``mark_answered``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import Field

from bot.flows.answers import is_done, is_skip, is_unknown, normalise
from bot.flows.base import SWITCH_OPTIONS, SWITCH_PROMPT, Invalid, NothingToTell, Turn
from bot.flows.status import report_status
from bot.messages import Button
from bot.state import FlowState, SwitchOffer

Subject = TypeVar("Subject")
SWITCH_CONFIDENCE = 0.6


class Progress(FlowState):
    """Where a question flow is: what is answered, the way back, and what is half-way."""

    answered: list[str] = Field(default_factory=list)  # answered (or skipped, or noted from elsewhere)
    history: list[str] = Field(default_factory=list)  # answered by their own question, in order: for "back"
    extending: str | None = None  # a question whose cut-off long answer may go on in the next message
    changing: bool = False  # the "which part would you like to change?" menu is showing
    focus: str | None = None  # the part the user asked to change: asked next, before anything left unanswered


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Awaiting:
    """An answer that was taken but leaves the question open for more (photos arrive one by one)."""

    acknowledgement: str


Answer = str | None | Awaiting


@dataclass(frozen=True)
class Question(Generic[Subject]):
    """One question: how to ask it, how to take an answer, and when it applies.

    ``answer`` stores what it understood on the subject and returns an acknowledgement to show
    (or None, or ``Awaiting``); it raises ``Invalid`` with a kind explanation when it cannot use
    the answer. ``labels`` are the words a user may use to change it ("change the time"); the
    first one names it on the "change something" menu. ``clear`` forgets the stored answer (when
    the question is skipped, or stops applying because the crime type changed). ``optional``
    questions can be skipped ("skip", "don't know"; or "no", "later" where the answer raises
    ``NothingToTell``), acknowledged with ``skipped``; a required one explains ``why`` instead.
    ``takes_skip``: the answer handler gives "skip" its own meaning ("later" for a CCTV link).
    ``extend`` adds more words to a long free-text answer.
    """

    name: str
    ask: Callable[[Turn, Subject], Prompt]
    answer: Callable[[Turn, Subject, str], Answer]
    example: str
    applies: Callable[[Turn, Subject], bool] = lambda turn, subject: True
    labels: tuple[str, ...] = ()
    optional: bool = False
    skipped: str = "OK, I'll leave that out."
    why: str = "The police need this to deal with the report."
    takes_skip: bool = False
    clear: Callable[[Subject], None] | None = None
    extend: Callable[[Subject, str], None] | None = None
    follow_ups: tuple[str, ...] = field(default=())
    in_menu: bool = True


def progress_of(turn: Turn) -> Progress:
    return turn.flow_state  # type: ignore[return-value]  # the flow's own State (no cast(): hot path)


def answered(turn: Turn) -> list[str]:
    return progress_of(turn).answered


def mark_answered(turn: Turn, *names: str) -> None:
    """Mark questions answered: by their own answer, or because another answer covered them too."""
    done = answered(turn)
    for name in names:
        if name not in done:
            done.append(name)


def is_answered(turn: Turn, name: str) -> bool:
    return name in answered(turn)


def was_asked(turn: Turn, name: str) -> bool:
    """Answered by its own question, not just noted from something said elsewhere."""
    return name in progress_of(turn).history


class QuestionFlow(Generic[Subject]):
    """Runs a sequence of ``Question``s over a subject loaded afresh on every turn."""

    name = "questions"
    casual = False
    questions: Sequence[Question[Subject]] = ()
    State: type[Progress] = Progress

    # --- what a concrete flow provides -------------------------------------------------
    def load(self, turn: Turn) -> Subject:
        raise NotImplementedError

    def finished(self, turn: Turn, subject: Subject) -> None:
        """Called when no question is left."""
        raise NotImplementedError

    def volunteered(self, turn: Turn, subject: Subject) -> list[str]:
        """Use what an answer says beyond the question asked; returns what was noted, to confirm."""
        return []

    # --- state -------------------------------------------------------------------------
    def reset(self, turn: Turn) -> None:
        """Forget every answer and the way back (a fresh subject)."""
        turn.flow_state = self.State()

    def forget(self, turn: Turn, name: str) -> None:
        question = self.by_name(name)
        for forgotten in (name, *question.follow_ups):
            if forgotten in answered(turn):
                answered(turn).remove(forgotten)

    def by_name(self, name: str) -> Question[Subject]:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def current(self, turn: Turn, subject: Subject) -> Question[Subject] | None:
        done = set(answered(turn))
        focus = progress_of(turn).focus
        if focus is not None:
            question = self.by_name(focus)
            if focus not in done and question.applies(turn, subject):
                return question
            progress_of(turn).focus = None  # changed: on to whatever is left, in order
        for question in self.questions:
            if question.name not in done and question.applies(turn, subject):
                return question
        return None

    @staticmethod
    def history(turn: Turn) -> list[str]:
        return progress_of(turn).history

    # --- the Flow interface ------------------------------------------------------------
    def ask_next(self, turn: Turn, subject: Subject, prefix: str | None = None) -> None:
        """Ask the next question, or finish; ``prefix`` (an acknowledgement) goes first."""
        question = self.current(turn, subject)
        if question is None:
            if prefix:
                turn.say(prefix)
            self.finished(turn, subject)
            return
        turn.conversation.step = question.name
        prompt = question.ask(turn, subject)
        text = f"{prefix}\n\n{prompt.text}" if prefix else prompt.text
        turn.say(text, prompt.buttons)

    def handle(self, turn: Turn) -> None:
        subject = self.load(turn)
        progress = progress_of(turn)
        extending, progress.extending, progress.changing = progress.extending, None, False
        question = self.current(turn, subject)
        if extending is not None:
            self._extend(turn, subject, self.by_name(extending))
            return
        if question is None:
            self.finished(turn, subject)
            return
        text = turn.text.strip()
        if not text and not turn.inbound.attachments:
            self.reprompt(turn, subject, question, "I didn't get any words there.")
            return
        if (is_skip(text) or is_unknown(text)) and not question.takes_skip:
            self._skip(turn, subject, question)
            return
        try:
            acknowledgement = question.answer(turn, subject, text)
        except NothingToTell:
            self._skip(turn, subject, question)
            return
        except Invalid as problem:
            self.reprompt(turn, subject, question, str(problem))
            return
        if isinstance(acknowledgement, Awaiting):
            if acknowledgement.acknowledgement:
                turn.say(acknowledgement.acknowledgement)
            return
        self._answered(turn, subject, question, acknowledgement)

    def _answered(self, turn: Turn, subject: Subject, question: Question[Subject], acknowledgement: str | None) -> None:
        mark_answered(turn, question.name)
        self.history(turn).append(question.name)
        if turn.truncated and question.extend is not None:
            # A long paste was cut at the message limit: let the rest follow instead of moving on.
            progress_of(turn).extending = question.name
            turn.say("Send the rest in your next message, or say 'that's all'.", (Button("That's all", "that's all"),))
            return
        noted = self.volunteered(turn, subject)
        if noted:
            also = f"I've also noted: {'; '.join(noted)}."
            acknowledgement = f"{acknowledgement} {also}" if acknowledgement else f"Thanks. {also}"
        self._clear_inapplicable(turn, subject)
        self.ask_next(turn, subject, acknowledgement)

    def _extend(self, turn: Turn, subject: Subject, question: Question[Subject]) -> None:
        """The next part of a long answer, or "that's all"."""
        if not is_done(turn.text) and question.extend is not None and turn.text.strip():
            question.extend(subject, turn.text.strip())
            if turn.truncated:
                progress_of(turn).extending = question.name
                turn.say("Got that part. Send the rest, or say 'that's all'.", (Button("That's all", "that's all"),))
                return
            self._clear_inapplicable(turn, subject)
            self.ask_next(turn, subject, "Thanks, I've added that.")
            return
        self._clear_inapplicable(turn, subject)
        self.ask_next(turn, subject)

    def _skip(self, turn: Turn, subject: Subject, question: Question[Subject]) -> None:
        """"skip" or "don't know": never stored as the answer."""
        if not question.optional:
            self.reprompt(turn, subject, question, f"I need this one to send the report. {question.why}")
            return
        if question.clear is not None:
            question.clear(subject)
        mark_answered(turn, question.name)
        self.history(turn).append(question.name)
        self._clear_inapplicable(turn, subject)
        self.ask_next(turn, subject, question.skipped)

    def reprompt(self, turn: Turn, subject: Subject, question: Question[Subject], problem: str) -> None:
        if self.offer_switch(turn, question):
            return
        prompt = question.ask(turn, subject)
        turn.say(f"{problem}\n\n{prompt.text}", prompt.buttons)

    def offer_switch(self, turn: Turn, question: Question[Subject]) -> bool:
        """A message that is no answer but a confident request for something else.

        Asking for advice mid-report is offered (the report is put aside and picked up after);
        "what's happening with my report" is answered at once, then the question asked again.
        """
        if turn.intent_confidence < SWITCH_CONFIDENCE:
            return False
        if turn.intent == "report_status":
            report_status(turn)
            self.reask(turn)
            return True
        if turn.intent == "get_advice":
            turn.switch_offer = SwitchOffer(flow="advice", text=turn.text)
            turn.say(SWITCH_PROMPT, SWITCH_OPTIONS)
            return True
        return False

    def reask(self, turn: Turn) -> None:
        """The question again (after help, 999 guidance, or a "no" to cancelling); or the menu it came from."""
        subject = self.load(turn)
        if progress_of(turn).changing:
            self.change_menu(turn, subject, "Which part would you like to change?")
            return
        self.ask_next(turn, subject)

    def help(self, turn: Turn) -> None:
        subject = self.load(turn)
        question = self.current(turn, subject)
        lines = []
        if question is not None:
            lines.append(f"For example: {question.example}")
            if question.optional:
                lines.append("This one is optional: say 'skip' to move on.")
        lines.append("You can also say 'back', 'change' and the part to change (e.g. 'change the time'), "
                     f"or '{turn.capabilities.cancel_word}'. If anyone is in danger now, call 999.")
        turn.say("\n".join(lines))
        self.ask_next(turn, subject)

    def back(self, turn: Turn) -> None:
        subject = self.load(turn)
        progress = progress_of(turn)
        if progress.changing:
            progress.changing = False
            self.ask_next(turn, subject, "OK, nothing changed.")  # from the "which part?" menu: the summary
            return
        progress.focus = None  # back means the question before, in order
        history = self.history(turn)
        if not history:
            turn.say("We're at the first question, so there's nothing to go back to.")
            self.ask_next(turn, subject)
            return
        self.forget(turn, history.pop())
        self.ask_next(turn, subject, "OK, let's go back.")

    def change(self, turn: Turn, words: str) -> None:
        subject = self.load(turn)
        # A part this report has wins over one it has not ("your details" when none were remembered).
        target = self.match_label(words, [q for q in self.questions if q.applies(turn, subject)]) \
            or self.match_label(words, self.questions)
        if target is None or not target.applies(turn, subject):
            self.change_menu(turn, subject, "Which part would you like to change?" if target is None else
                             "That isn't part of this report. Which part would you like to change?")
            return
        self.forget(turn, target.name)
        progress_of(turn).focus = target.name
        self.ask_next(turn, subject, "Sure, let's change that.")

    def change_menu(self, turn: Turn, subject: Subject, lead: str) -> None:
        """"Which part?" with a button per answered part; remembered, so an interruption comes back to it."""
        progress_of(turn).changing = True
        turn.say(lead, (*self.change_buttons(turn, subject), Button("Nothing, go back", "back")))

    @staticmethod
    def match_label(words: str, questions: Sequence[Question[Subject]]) -> Question[Subject] | None:
        """The question ``words`` name: a whole label first, then a label inside the words."""
        words = normalise(words)
        words = re.sub(r"^(the|my|our|a)\s+", "", words)
        if not words:
            return None
        for question in questions:
            if words == question.name.replace("_", " ") or any(words == label for label in question.labels):
                return question
        for question in questions:
            if any(re.search(rf"\b{re.escape(label)}\b", words) for label in question.labels):
                return question
        return None

    def change_buttons(self, turn: Turn, subject: Subject) -> list[Button]:
        """One button per answered part, in the order they were asked."""
        buttons = []
        for question in self.questions:
            if question.in_menu and question.labels and question.name in answered(turn) \
                    and question.applies(turn, subject):
                buttons.append(Button(question.labels[0].capitalize(), f"change {question.labels[0]}"))
        return buttons

    def _clear_inapplicable(self, turn: Turn, subject: Subject) -> None:
        for question in self.questions:
            if question.clear is not None and not question.applies(turn, subject):
                question.clear(subject)
                if question.name in answered(turn):
                    answered(turn).remove(question.name)
