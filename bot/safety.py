"""Danger first, at every turn: the 999 guidance before anything else, and the hold that follows.

At any position (a question, advice, a confirmation, already holding) a message saying there is
danger now, or a serious threat, is never taken as an answer: the flow is not called, so the draft
and the question stay as they were. The conversation then holds until the user says it is over.
A threat without immediacy gets the 101 line and the turn carries on as usual.
"""

from __future__ import annotations

import logging

from bot.confirmations import Confirmations
from bot.emergency import MINOR_THREAT_TEXT, Level, emergency_reply, hold_reminder, is_over
from bot.flows.base import Flow, Turn
from bot.messages import Outbound
from bot.routing import Router

log = logging.getLogger(__name__)


class Safety:
    def __init__(self, router: Router, confirmations: Confirmations) -> None:
        self.router = router
        self.confirmations = confirmations

    def first(self, turn: Turn, flow: Flow | None) -> bool:
        """Give the 999 guidance or keep holding; True when this turn is taken by it."""
        danger = turn.danger.level
        under_way = flow is not None
        if danger is Level.NOW or danger is Level.THREAT:
            self.hold(turn, danger, under_way)
            return True
        if turn.state.emergency_hold is not None:
            if is_over(turn.text):
                turn.state.emergency_hold = None
                turn.safe_now = True
                self._after(turn, flow)
            else:
                turn.say(*hold_reminder(under_way))
            return True
        if danger is Level.MINOR_THREAT:
            turn.say(MINOR_THREAT_TEXT)
        return False

    @staticmethod
    def hold(turn: Turn, danger: Level, under_way: bool) -> None:
        """The full 999 guidance first, then hold the conversation until the user says it is over."""
        turn.state.emergency_hold = danger
        text, buttons = emergency_reply(under_way, threat=danger is Level.THREAT)
        turn.reply.messages.insert(0, Outbound(text, buttons))  # before a "very long message" note
        log.info("999 guidance given (%s)", danger.value)

    def _after(self, turn: Turn, flow: Flow | None) -> None:
        """It's over: ask again what was being asked, or take the report the 999 guidance offered."""
        if flow is None:
            self.router.start(turn, "report")
            return
        turn.say("Thank you. Let's carry on where we left off.")
        if turn.state.pending is None:
            flow.reask(turn)
        else:
            self.confirmations.ask(turn, flow, turn.state.pending)
