"""Routing: what to do with a message when no flow holds it, and moving between flows.

With nothing under way, the intent (and what the words plainly ask for) picks a flow to start,
an answer to give at once (report status, "show my report"), or the menu. A flow can be put
aside (a report while advice is given) and is picked up where it was when the other one ends.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.commands import parse_command
from bot.flows.alerts import wants_alerts
from bot.flows.answers import normalise
from bot.flows.base import Flow, Turn
from bot.flows.impact import asks_for_impact_statement
from bot.flows.evidence import brings_evidence
from bot.flows.status import asks_to_see_report, report_status, show_report
from bot.messages import Button
from bot.state import FlowState, Suspended
from nlu.reference import mistyped_reference, normalise_reference

INTENT_THRESHOLD = 0.5
SWITCH_THRESHOLD = 0.7
CLARIFY_BUTTONS = {
    "report_crime": Button("Report a crime", "report a crime"),
    "get_advice": Button("Prevention advice", "advice"),
    "report_status": Button("Check on my report", "report status"),
}
ALERTS = "alerts"


class Router:
    """Starts, ends, puts aside and resumes flows; answers what needs no flow."""

    def __init__(self, flows: Mapping[str, Flow]) -> None:
        self.flows = dict(flows)

    def flow_of(self, turn: Turn) -> Flow | None:
        return self.flow_of_name(turn.conversation.flow)

    def flow_of_name(self, name: str | None) -> Flow | None:
        return self.flows.get(name or "")

    def menu_buttons(self) -> tuple[Button, ...]:
        buttons = [Button("Report a crime", "report a crime")]
        if "advice" in self.flows:
            buttons.append(Button("Prevention advice", "advice"))
        return tuple(buttons)

    def menu(self, turn: Turn, greeting: str) -> None:
        turn.say(f"{greeting} I'm bizwatch. I can help you report a crime against your business or get "
                 "prevention advice. If anyone is in danger now, call 999.\n\nWhat would you like to do?",
                 self.menu_buttons())

    # --- starting and ending flows ---------------------------------------------------------
    def start(self, turn: Turn, name: str) -> None:
        flow = self.flows[name]
        turn.flow_state = flow.State()
        flow.start(turn)

    def end_flow(self, turn: Turn) -> None:
        turn.conversation.flow = None
        turn.conversation.step = None
        turn.flow_state = FlowState()

    def is_new_request(self, turn: Turn) -> bool:
        """In a casual flow (advice), a request for something else takes over (a report, alerts)."""
        command = parse_command(turn.text)
        return (turn.intent in ("report_crime", "report_status") and turn.intent_confidence >= SWITCH_THRESHOLD) \
            or normalise(turn.text) in ("report", "report a crime") \
            or (command is not None and command.name in ("restart", "resume") and turn.state.suspended is not None) \
            or (ALERTS in self.flows and wants_alerts(turn))

    def switch(self, turn: Turn, target: str, text: str) -> None:
        """Put the current flow aside (state and all) and start ``target`` with ``text``."""
        turn.state.suspended = Suspended(flow=turn.conversation.flow or "", step=turn.conversation.step,
                                         flow_state=turn.flow_state.model_dump(mode="json"))
        self.end_flow(turn)
        turn.text = text
        self.start(turn, target)

    def resume_suspended(self, turn: Turn) -> None:
        """When a flow taken up mid-report ends, go back to the report where it was."""
        suspended = turn.state.suspended
        if turn.conversation.flow is not None or suspended is None:
            return
        turn.state.suspended = None
        flow = self.flows[suspended.flow]
        turn.flow_state = flow.State.model_validate(suspended.flow_state)
        turn.conversation.flow, turn.conversation.step = suspended.flow, suspended.step
        turn.say("Back to your report.")
        flow.reask(turn)

    # --- nothing under way -----------------------------------------------------------------
    def idle(self, turn: Turn) -> None:
        command = parse_command(turn.text)
        intent = turn.intent if turn.intent_confidence >= INTENT_THRESHOLD else None
        words = normalise(turn.text)
        if command is not None and command.name == "resume" and turn.state.suspended is not None:
            return  # resume_suspended picks the report up again
        # A crime named with a time ("drive off today 10am") is an incident being reported, even when
        # the intent is unsure; a crime named alone ("erm shoplifters") may be a question: ask.
        tells_incident = bool(turn.entities("crime_type")) and intent != "get_advice" and (
            turn.intent == "report_crime" or bool(turn.entities("datetime")))
        if asks_to_see_report(turn.text):
            show_report(turn)
        elif "impact" in self.flows and (intent == "impact_statement" or asks_for_impact_statement(turn.text)):
            self.start(turn, "impact")  # before a report: "impact statement for the theft yesterday" is not one
        elif command is not None and command.name == "restart" or words in ("report", "report a crime") \
                or intent == "report_crime" or tells_incident:
            self.start(turn, "report")
        elif "evidence" in self.flows and (intent == "add_evidence" or brings_evidence(turn)):
            self.start(turn, "evidence")
        elif ALERTS in self.flows and wants_alerts(turn):
            # Sign up, show, change, pause or stop alerts; and on SMS the YES that confirms them.
            self.start(turn, ALERTS)
        elif "advice" in self.flows and (intent == "get_advice" or words.startswith("advice")):
            self.start(turn, "advice")
        elif intent == "report_status" or words in ("report status", "check my report", "my reports") \
                or normalise_reference(turn.text) or mistyped_reference(turn.text):
            report_status(turn)
        elif command is not None and command.name in ("cancel", "back", "change"):
            turn.say("There's nothing under way to change or cancel. Reports can't be edited once sent, but you "
                     "can add information by quoting your reference to the officer.", self.menu_buttons())
        elif intent in ("thanks", "goodbye"):
            turn.say("You're welcome. If anything else happens, just message me. In an emergency, call 999.")
        elif intent is None and self._clarify(turn):
            return
        else:
            self.menu(turn, "Hello." if intent == "greet" or not words or command is not None else
                      "Sorry, I'm not sure what you need.")

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
