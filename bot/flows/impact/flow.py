"""The Impact Statement for Business conversation: from "I want to make an impact statement" to a
declared statement (or a supplementary one), on the same question machinery as the report.

The business tells the court how the crime affected it, in its own words, with amounts where they
apply. The statement may not give a view on sentence (the court decides that): the sentences of an
answer that give one are left out with the reason, never stored, and the rest of the answer is kept;
an answer that was nothing else is refused kindly and the question asked again. Once declared, it
cannot change.
"""

from __future__ import annotations

from bot.delivery.outbox import forget_replies
from bot.flows.base import Turn, Wording
from bot.flows.impact import opening
from bot.flows.impact.business import NOT_AUTHORISED_TEXT
from bot.flows.impact.common import NO_SUPPLEMENT, NOT_AUTHORISED, ImpactProgress, own
from bot.flows.impact.sequence import QUESTIONS
from bot.flows.questions import Question, QuestionFlow, answered
from bot.messages import Button
from bot.statements import service
from bot.statements.dates import day
from bot.statements.opinions import sentence_opinion, without_opinions
from bot.storage.models import ImpactStatement
from nlu.reference import REFERENCE_PATTERN, mistyped_reference, normalise_reference

SENTENCE_REFUSAL = ("I can't include views on sentence or punishment: the court decides the sentence, and this "
                    "statement is about how the crime has affected the business. I haven't kept that answer. "
                    "Please tell me again, leaving that part out.")
SENTENCE_LEFT_OUT = ("I've left out what you said about the sentence or punishment: the court decides that, and this "
                     "statement is about how the crime has affected the business. I've kept the rest of your answer.")


class ImpactFlow(QuestionFlow[ImpactStatement]):
    name = "impact"
    questions = QUESTIONS
    State = ImpactProgress
    wording = Wording(
        cancel_question="Stop this impact statement? Your answers so far will be deleted.",
        cancelled="Stopped. Nothing of the statement has been kept. You can make one later: just say "
                  "'impact statement'.",
        restart_question="Start this impact statement again? Your answers so far will be deleted.",
    )

    # --- the subject ------------------------------------------------------------------------
    def load(self, turn: Turn) -> ImpactStatement:
        statement_id = own(turn).statement_id
        statement = turn.session.get(ImpactStatement, statement_id) if statement_id is not None else None
        if statement is None or statement.status != service.DRAFT:
            statement = self._new_draft(turn)
        return statement

    def _new_draft(self, turn: Turn) -> ImpactStatement:
        statement = service.new_draft(turn.session, turn.contact.id, turn.inbound.channel, turn.now)
        self.reset(turn)
        own(turn).statement_id = statement.id
        return statement

    def discard(self, turn: Turn) -> None:
        statement_id = own(turn).statement_id
        statement = turn.session.get(ImpactStatement, statement_id) if statement_id is not None else None
        if statement is not None and statement.status == service.DRAFT:
            turn.session.delete(statement)

    # --- starting ---------------------------------------------------------------------------
    def start(self, turn: Turn) -> None:
        """Begin for the report the words name (theirs only), their only report, or ask which."""
        reference = normalise_reference(turn.text)
        typed = mistyped_reference(turn.text) if reference is None else None
        if typed is not None:
            turn.say(opening.mistyped(typed))
            return
        reports = service.own_reports(turn.session, turn.contact.id, limit=2)
        if not reports:
            turn.say(opening.NO_REPORTS, (Button("Report a crime", "report a crime"),))
            return
        if reference is not None and service.own_report(turn.session, turn.contact.id, reference) is None:
            turn.say(opening.not_found(reference), (Button("Make an impact statement", "impact statement"),))
            return
        turn.conversation.flow = self.name
        statement = self._new_draft(turn)
        lines = [opening.introduction(turn)]
        report = opening.report_from_words(turn, turn.text) or (reports[0] if len(reports) == 1 else None)
        if report is not None:
            lines.append(opening.choose(turn, statement, report))
        self.ask_next(turn, statement, "\n\n".join(lines))

    # --- every answer -----------------------------------------------------------------------
    def handle(self, turn: Turn) -> None:
        """A view on sentence is taken out of an answer before anything of it is stored: the rest goes on
        as the answer (people often say it after the impact they were asked about), and an answer
        with nothing else in it is refused and asked again."""
        if turn.text and sentence_opinion(turn.text):
            statement = self.load(turn)
            question = self.current(turn, statement)
            if question is not None:
                rest = without_opinions(turn.text)
                if not rest:
                    prompt = question.ask(turn, statement)
                    turn.say(f"{SENTENCE_REFUSAL}\n\n{prompt.text}", prompt.buttons)
                    return
                turn.say(SENTENCE_LEFT_OUT)
                turn.text = rest
        super().handle(turn)

    def _skip(self, turn: Turn, subject: ImpactStatement, question: Question[ImpactStatement]) -> None:
        """A required question says why in the statement's words (the shared wording speaks of a report)."""
        if question.optional:
            super()._skip(turn, subject, question)
            return
        prompt = question.ask(turn, subject)
        turn.say(f"I need this one for the statement. {question.why}\n\n{prompt.text}", prompt.buttons)

    def change(self, turn: Turn, words: str) -> None:
        """A change made at the declaration shows the statement again before it is declared."""
        answered(turn)[:] = [name for name in answered(turn) if name != "review"]
        super().change(turn, words)

    def offer_switch(self, turn: Turn, question: Question[ImpactStatement]) -> bool:
        """References answer this flow's questions (which reports it covers): never a status request here."""
        if REFERENCE_PATTERN.search(turn.text):
            return False
        return super().offer_switch(turn, question)

    def progress(self, turn: Turn) -> str:
        statement = self.load(turn)
        what = "a supplementary statement" if statement.supplements_id is not None else "an impact statement"
        references = service.references(statement)
        about = f" for {references[0]}" if references else ""
        return f"{what}{about}, started {day(statement.created_at, turn.tz)}"

    # --- the end ----------------------------------------------------------------------------
    def finished(self, turn: Turn, statement: ImpactStatement) -> None:
        outcome = own(turn).outcome
        if outcome == NOT_AUTHORISED:
            # As on cancel: the replies that echoed what they told us go with the draft.
            forget_replies(turn.session, turn.inbound.channel, turn.inbound.address)
            self._end(turn, statement, NOT_AUTHORISED_TEXT)
            return
        if outcome == NO_SUPPLEMENT:
            self._end(turn, statement, "OK, nothing added. Your statement stays as it was made.")
            return
        service.declare(statement, statement.declared_name or "", turn.now)
        kind = "supplementary statement" if statement.supplements_id is not None else "Impact Statement for Business"
        references = service.references(statement)
        text = (f"Thank you, {statement.declared_name}. Your {kind} for {', '.join(references)} is made, dated "
                f"{day(turn.now, turn.tz)}. The officer dealing with the report will pass it to the prosecutor. "
                "It can't be changed now, but if anything changes (new costs, say) you can add a supplementary "
                f"statement: say 'impact statement for {references[0]}'.")
        turn.say(text)
        self._close(turn)

    def _end(self, turn: Turn, statement: ImpactStatement, text: str) -> None:
        """Stop without a statement: the draft is deleted."""
        if statement.status == service.DRAFT:
            turn.session.delete(statement)
        turn.say(text)
        self._close(turn)

    def _close(self, turn: Turn) -> None:
        turn.conversation.flow = None
        turn.conversation.step = None
        self.reset(turn)
