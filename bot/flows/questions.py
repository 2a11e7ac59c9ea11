"""A flow made of questions: ask the first one that applies and is unanswered, until none is left.

Because the next question is always derived from what is answered, "back" and "change the time"
are the same operation (forget an answer, ask again) and answers given early (in the opening
message) simply mark their questions answered. The report and the impact statement both use it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from bot.flows.answers import is_skip, is_unknown, normalise
from bot.flows.base import Invalid, Turn
from bot.flows.status import report_status
from bot.messages import Button

Subject = TypeVar("Subject")
SWITCH_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Prompt:
    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Question(Generic[Subject]):
    """One question: how to ask it, how to take an answer, and when it applies.

    ``answer`` stores what it understood on the subject and returns an acknowledgement to show
    (or None); it raises ``Invalid`` with a kind explanation when it cannot use the answer.
    ``labels`` are the words a user may use to change it ("change the time"). ``clear`` forgets
    the stored answer when the question stops applying (the crime type changed, say).
    """

    name: str
    ask: Callable[[Turn, Subject], Prompt]
    answer: Callable[[Turn, Subject, str], str | None]
    example: str
    applies: Callable[[Turn, Subject], bool] = lambda turn, subject: True
    labels: tuple[str, ...] = ()
    optional: bool = False
    clear: Callable[[Subject], None] | None = None
    follow_ups: tuple[str, ...] = field(default=())


class QuestionFlow(Generic[Subject]):
    """Runs a sequence of ``Question``s over a subject loaded afresh on every turn."""

    name = "questions"
    casual = False
    questions: Sequence[Question[Subject]] = ()

    # --- what a concrete flow provides -------------------------------------------------
    def load(self, turn: Turn) -> Subject:
        raise NotImplementedError

    def finished(self, turn: Turn, subject: Subject) -> None:
        """Called when no question is left."""
        raise NotImplementedError

    # --- state -------------------------------------------------------------------------
    def answered(self, turn: Turn) -> list[str]:
        return turn.state.setdefault("answered", [])

    def mark_answered(self, turn: Turn, name: str) -> None:
        answered = self.answered(turn)
        if name not in answered:
            answered.append(name)

    def forget(self, turn: Turn, name: str) -> None:
        question = self.by_name(name)
        for forgotten in (name, *question.follow_ups):
            if forgotten in self.answered(turn):
                self.answered(turn).remove(forgotten)

    def by_name(self, name: str) -> Question[Subject]:
        for question in self.questions:
            if question.name == name:
                return question
        raise KeyError(name)

    def current(self, turn: Turn, subject: Subject) -> Question[Subject] | None:
        answered = set(self.answered(turn))
        for question in self.questions:
            if question.name not in answered and question.applies(turn, subject):
                return question
        return None

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
        question = self.current(turn, subject)
        if question is None:
            self.finished(turn, subject)
            return
        text = turn.text.strip()
        if not text and not turn.inbound.attachments:
            self.reprompt(turn, subject, question, "I didn't get any words there.")
            return
        if question.optional and (is_skip(text) or is_unknown(text)) and not self._answer_takes(question):
            self.mark_answered(turn, question.name)
            self.ask_next(turn, subject, "OK, skipped.")
            return
        try:
            acknowledgement = question.answer(turn, subject, text)
        except Invalid as problem:
            self.reprompt(turn, subject, question, str(problem))
            return
        if turn.state.pop("stay", False):
            # The question takes several messages (photos): acknowledge and wait for more.
            if acknowledgement:
                turn.say(acknowledgement)
            return
        self.mark_answered(turn, question.name)
        self.history(turn).append(question.name)
        noted = self.volunteered(turn, subject)
        if noted:
            also = f"I've also noted: {'; '.join(noted)}."
            acknowledgement = f"{acknowledgement} {also}" if acknowledgement else f"Thanks. {also}"
        self._clear_inapplicable(turn, subject)
        self.ask_next(turn, subject, acknowledgement)

    def volunteered(self, turn: Turn, subject: Subject) -> list[str]:
        """Use what an answer says beyond the question asked; returns what was noted, to confirm."""
        return []

    def _answer_takes(self, question: Question[Subject]) -> bool:
        """Optional questions whose own answer handler understands skip/don't know."""
        return getattr(question.answer, "handles_skip", False)

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
            turn.state.update(pending="switch", switch_to="advice", switch_text=turn.text)
            turn.say("It sounds like you'd like prevention advice. Get it now? Your report is saved and you can "
                     "carry on after.", (Button("Yes, advice now", "yes"), Button("No, carry on", "no")))
            return True
        return False

    def reask(self, turn: Turn) -> None:
        subject = self.load(turn)
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
                     "or 'cancel'. If anyone is in danger now, call 999.")
        turn.say("\n".join(lines))
        self.ask_next(turn, subject)

    def history(self, turn: Turn) -> list[str]:
        return turn.state.setdefault("history", [])

    def back(self, turn: Turn) -> None:
        subject = self.load(turn)
        history = self.history(turn)
        if not history:
            turn.say("We're at the first question, so there's nothing to go back to.")
            self.ask_next(turn, subject)
            return
        self.forget(turn, history.pop())
        self.ask_next(turn, subject, "OK, let's go back.")

    def change(self, turn: Turn, words: str) -> None:
        subject = self.load(turn)
        target = self.match_label(words)
        if target is None or not target.applies(turn, subject):
            lead = "Which part would you like to change?" if target is None else \
                "That isn't part of this report. Which part would you like to change?"
            turn.say(lead, self.change_buttons(turn, subject))
            return
        self.forget(turn, target.name)
        self.ask_next(turn, subject, "Sure, let's change that.")

    def match_label(self, words: str) -> Question[Subject] | None:
        words = normalise(words)
        words = re.sub(r"^(the|my|our|a)\s+", "", words)
        if not words:
            return None
        for question in self.questions:
            if words == question.name.replace("_", " ") or any(words == label for label in question.labels):
                return question
        for question in self.questions:
            if any(re.search(rf"\b{re.escape(label)}\b", words) for label in question.labels):
                return question
        return None

    def change_buttons(self, turn: Turn, subject: Subject) -> list[Button]:
        buttons = []
        for question in self.questions:
            if question.labels and question.name in self.answered(turn) and question.applies(turn, subject):
                buttons.append(Button(question.labels[0].capitalize(), f"change {question.labels[0]}"))
        return buttons[:10]

    def _clear_inapplicable(self, turn: Turn, subject: Subject) -> None:
        for question in self.questions:
            if question.clear is not None and not question.applies(turn, subject):
                question.clear(subject)
                if question.name in self.answered(turn):
                    self.answered(turn).remove(question.name)


def takes_skip(handler: Callable[..., Any]) -> Callable[..., Any]:
    """Marks an answer handler that understands "skip"/"don't know" itself."""
    handler.handles_skip = True  # type: ignore[attr-defined]
    return handler
