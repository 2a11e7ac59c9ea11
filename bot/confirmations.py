"""The engine's own questions: carry on where you left off, cancel, start again, advice now.

Their wording comes from the flow they are about ("cancel this report?"); a flow with nothing to
lose (advice) is cancelled without asking. A message that answers none of them is not refused:
nothing is cancelled, and it is taken as the answer to the question before, unless it is only
hesitation ("hmm", "wait", "what?"): then that question is simply asked again.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.commands import parse_command
from bot.delivery.outbox import forget_replies
from bot.flows.answers import is_filler, normalise, yes_no
from bot.flows.base import SWITCH_OPTIONS, SWITCH_PROMPT, Flow, Turn
from bot.messages import Button
from bot.routing import Router
from bot.state import Pending

RESUME_PROMPT = "Would you like to carry on where you left off?"
CONFIRMING_WORDS = ("yes cancel it", "yes, cancel it", "yes start again", "cancel it", "yes delete it",
                    "yes, delete it", "delete it")
# "Don't": a clear no to cancelling or starting again, however it is put.
KEEP_GOING = re.compile(r"\b(?:do ?n'?t|do not|no need to|not) (?:cancel|delete|stop|bin|scrap|start|restart)\b"
                        r"|\bkeep (?:it|going|this|the report|my report)\b|\bchanged my mind\b|\bdidn'?t mean\b"
                        r"|\bmistake\b|\bwrong button\b")


def resume_options(turn: Turn) -> tuple[Button, ...]:
    """Offered to someone returning to a flow they left idle, in the channel's word for cancelling
    (SMS: "delete", since CANCEL texted on its own would unsubscribe them from everything)."""
    cancel = f"{turn.capabilities.cancel_word} it"
    return (Button("Carry on", "carry on"), Button("Start again", "start again"), Button(cancel.capitalize(), cancel))


class Confirmations:
    """Asks and takes the answers to the engine's own questions."""

    def __init__(self, router: Router) -> None:
        self.router = router

    # --- asking -----------------------------------------------------------------------------
    def offer_resume(self, turn: Turn, flow: Flow) -> None:
        turn.state.pending = Pending.RESUME
        turn.say(f"Welcome back. You were part-way through {flow.progress(turn)}. Carry on where you left off?",
                 resume_options(turn))

    def confirm(self, turn: Turn, flow: Flow, pending: Pending) -> None:
        """Ask the flow's "are you sure?" first, or act at once when there is nothing to lose."""
        if self._question(flow, pending) is None:
            self._act(turn, flow, pending)
            return
        turn.state.pending = pending
        self.ask(turn, flow, pending)

    def ask(self, turn: Turn, flow: Flow, pending: Pending) -> None:
        """Ask the question waiting for an answer (again, after an interruption such as 999 guidance)."""
        if pending is Pending.RESUME:
            turn.say(RESUME_PROMPT, resume_options(turn))
        elif pending is Pending.SWITCH:
            turn.say(SWITCH_PROMPT, SWITCH_OPTIONS)
        else:
            yes = f"Yes, {turn.capabilities.cancel_word} it" if pending is Pending.CANCEL else "Yes, start again"
            turn.say(self._question(flow, pending) or "", (Button(yes, "yes"), Button("No, carry on", "no")))

    @staticmethod
    def _question(flow: Flow, pending: Pending) -> str | None:
        return flow.wording.cancel_question if pending is Pending.CANCEL else flow.wording.restart_question

    # --- answers ----------------------------------------------------------------------------
    def answer(self, turn: Turn, flow: Flow, carry_on: Callable[[Turn, Flow], None]) -> None:
        """Take the answer to the pending question; ``carry_on`` handles a message that is no answer."""
        pending = turn.state.pending
        command = parse_command(turn.text)
        name = command.name if command else None
        answer = yes_no(turn.text)
        if pending is Pending.RESUME:
            if name in ("resume", "back") or answer is True:
                turn.state.pending = None
                flow.reask(turn)
            elif name in ("restart", "cancel"):
                turn.state.pending = None
                self._act(turn, flow, Pending.RESTART if name == "restart" else Pending.CANCEL)
            else:
                turn.say(RESUME_PROMPT, resume_options(turn))
            return
        turn.state.pending = None
        if pending is Pending.SWITCH:
            offer, turn.state.switch_offer = turn.state.switch_offer, None
            if answer is True and offer is not None:
                self.router.switch(turn, offer.flow, offer.text)
            else:
                flow.reask(turn)
            return
        kept = "I haven't cancelled anything." if pending is Pending.CANCEL else "I haven't started again."
        if answer is True or normalise(turn.text) in CONFIRMING_WORDS:
            self._act(turn, flow, pending)
        elif answer is False or name == "resume" or KEEP_GOING.search(normalise(turn.text)) or is_filler(turn.text):
            # "no", "dont cancel", "hmm", "what?": carry on, and ask the question again.
            turn.say(kept)
            flow.reask(turn)
        else:
            # An answer to the question that was showing: nothing is cancelled, and it is taken as it is.
            turn.say(kept)
            carry_on(turn, flow)

    # --- acting -----------------------------------------------------------------------------
    def _act(self, turn: Turn, flow: Flow, pending: Pending) -> None:
        self.discard(turn, flow)
        self.router.end_flow(turn)
        if pending is Pending.CANCEL:
            turn.say(flow.wording.cancelled, self.router.menu_buttons())
        else:
            turn.text = ""
            self.router.start(turn, flow.name)

    @staticmethod
    def discard(turn: Turn, flow: Flow) -> None:
        """Throw away what the flow built, and the stored replies that echoed it back.

        Those replies exist only so a redelivered message gets the same answer; once the draft is
        gone they would be the last copy of what the user told us, so they are emptied too.
        """
        flow.discard(turn)
        forget_replies(turn.session, turn.inbound.channel, turn.inbound.address)
