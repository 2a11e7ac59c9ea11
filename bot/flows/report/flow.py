"""The crime-report conversation: from first message to a reference number.

Guided and forgiving: what the opening message already says (type, value, time, place) is used
and confirmed instead of asked again, every answer is saved on the draft at once, and the user
can go back, change any answer, skip what is optional, or leave and carry on later.
"""

from __future__ import annotations

from bot.crime_types import ACTION_FRAUD, ACTION_FRAUD_NAME, crime_type, label
from bot.evidence.chase import on_submitted
from bot.flows.base import Turn, Wording
from bot.flows.impact.opening import OFFER as IMPACT_OFFER
from bot.flows.questions import QuestionFlow, mark_answered
from bot.flows.report.common import ReportProgress, own
from bot.flows.report.evidence import save_copy
from bot.flows.report.sequence import QUESTIONS
from bot.flows.report.story import note_story
from bot.flows.report.volunteered import note_entities
from bot.messages import Button
from bot.reports.service import submit
from bot.reports.summary import when
from bot.storage.models import Report

OPENING_MIN_WORDS = 4


class ReportFlow(QuestionFlow[Report]):
    name = "report"
    questions = QUESTIONS
    State = ReportProgress
    wording = Wording(
        cancel_question="Cancel this report? Your answers so far will be deleted and nothing will be sent.",
        cancelled="Cancelled. Nothing has been sent to the police. If you need anything else, just say.",
        restart_question="Start this report again from the beginning? Your answers so far will be deleted.",
    )

    def __init__(self, offers: list[Button] | None = None) -> None:
        # Offers made after submitting (advice, alerts, impact statement), set by whoever wires the flows.
        self.offers = offers or []

    def load(self, turn: Turn) -> Report:
        report_id = own(turn).report_id
        report = None
        if report_id is not None:
            # Items and attachments load lazily: most turns never touch them.
            report = turn.session.get(Report, report_id)
        if report is None or report.status != "draft":
            # The draft was deleted after its retention period (or submitted elsewhere): begin afresh.
            report = self._new_draft(turn)
        return report

    def _new_draft(self, turn: Turn) -> Report:
        report = Report(channel=turn.inbound.channel, contact_id=turn.contact.id, status="draft",
                        created_at=turn.now, updated_at=turn.now, details={}, offenders=[],
                        vehicle_registrations=[])
        turn.session.add(report)
        turn.session.flush()
        self.reset(turn)
        own(turn).report_id = report.id
        return report

    def start(self, turn: Turn) -> None:
        turn.conversation.flow = self.name
        report = self._new_draft(turn)
        noted = self.prefill(turn, report)
        opening = ("I'm sorry this has happened. I'll take the details: it takes about 3 minutes, and you can "
                   f"say 'help', 'back' or '{turn.capabilities.cancel_word}' at any time.")
        if noted:
            opening += f"\n\nFrom what you said, I've noted: {'; '.join(noted)}. Say 'change' and the part if " \
                       "anything is wrong."
        if self._action_fraud(report):
            opening += f"\n\n{ACTION_FRAUD}"
        self.ask_next(turn, report, opening)

    def prefill(self, turn: Turn, report: Report) -> list[str]:
        """Use what the opening message already says; returns what was noted, to confirm back."""
        if turn.safe_now:
            mark_answered(turn, "danger")  # they have just told us it is over
        noted = note_entities(turn, report)
        if report.crime_type and len(turn.text.split()) >= OPENING_MIN_WORDS:
            own(turn).opening = turn.text[:4000]
            noted.extend(note_story(turn, report, turn.text))
        return noted

    @staticmethod
    def _action_fraud(report: Report) -> bool:
        found = crime_type(report.crime_type)
        return found is not None and found.action_fraud

    def volunteered(self, turn: Turn, report: Report) -> list[str]:
        return note_entities(turn, report)

    def progress(self, turn: Turn) -> str:
        report = self.load(turn)
        what = f"a report of {label(report.crime_type)}" if report.crime_type else "a crime report"
        started = when(report.created_at, turn.tz)
        return f"{what}, started {started}"

    def discard(self, turn: Turn) -> None:
        report_id = own(turn).report_id
        report = turn.session.get(Report, report_id) if report_id is not None else None
        if report is not None and report.status == "draft":
            turn.session.delete(report)

    def finished(self, turn: Turn, report: Report) -> None:
        reference = submit(turn.session, report, turn.now)
        lines = [f"Thank you. Your report has been sent. Your reference is {reference}. "
                 "Please keep it: quote it whenever you contact the police about this."]
        lines.append("What happens next: the business crime team reviews every report and will contact you if "
                     "they need more.")
        if self._action_fraud(report):
            lines.append(f"Please also report it to {ACTION_FRAUD_NAME}. To copy the details, say 'show my "
                         "report'.")
        chase = on_submitted(turn.session, turn.settings, report, turn.now)
        if chase is not None:
            remind = " I'll remind you until it arrives." if chase.reminders else ""
            lines.append(f"{save_copy(report, turn.now, turn.tz)} When you have it, upload it here (the link works "
                         f"once, until {when(chase.link.expires_at, turn.tz)}): {chase.link.url}\n"
                         f"Or reply with a sharing link.{remind}")
        offers = self.offers_for(report)
        lines.append("You can also make an Impact Statement for Business, telling the court how this has affected "
                     f"the business (lost trade, staff time, fear, repairs): {self._impact_how(offers)}.")
        turn.say("\n\n".join(lines), tuple(offers))
        turn.conversation.flow = None
        turn.conversation.step = None
        self.reset(turn)

    @staticmethod
    def _impact_how(offers: list[Button]) -> str:
        """How to start the impact statement, naming the button when there is one (the words work any time)."""
        button = next((offer.title for offer in offers if offer.payload == IMPACT_OFFER), None)
        anytime = "say 'impact statement' at any time"
        return f"choose '{button}' below, or {anytime}" if button else anytime

    def offers_for(self, report: Report) -> list[Button]:
        return [Button(b.title, b.payload.format(crime_type=report.crime_type or "")) for b in self.offers]
