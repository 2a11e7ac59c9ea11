"""The four parts of the statement (and a supplementary statement's addition), with amounts in pounds.

Each part is one question in the person's own words; an amount in the words is read with the
report's money reading and sane bound. One amount (or one called the total) is the part's amount;
several are added up and the sum asked about; none asks for the amount. Every amount is said back
with the running total. What the report already knows (goods taken, damage) is offered for a yes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from bot.crime_types import asks, crime_type
from bot.flows.answers import normalise, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.impact.common import making_original, making_supplement
from bot.flows.questions import Answer, Prompt, Question, mark_answered
from bot.flows.report.common import sane_amount, text_answer
from bot.flows.report.goods import read_amount
from bot.messages import Button
from bot.reports.summary import money, summary_lines
from bot.statements.sections import ADDITION, SECTIONS, Section, amount_of, set_amount, set_text, text_of, total
from bot.storage.models import ImpactStatement
from nlu.extractors import find_money

NONE_WORDS = {"none", "nothing", "no", "nope", "nil", "zero", "£0", "0", "no loss", "no damage", "no costs",
              "nothing taken", "nothing damaged", "nothing stolen", "not applicable", "doesn't apply", "does not apply",
              "no impact"}
TOTAL_CUE = re.compile(r"\b(?:total|in all|altogether|all together|overall|all in)\b[^£\d]{0,12}$", re.IGNORECASE)
NONE_BUTTON = Button("None", "none")

SECTION_1, SECTION_2, SECTION_3, SECTION_4 = SECTIONS


@dataclass(frozen=True)
class Amounts:
    values: tuple[Decimal, ...]
    total: Decimal | None  # the part's amount when the words make it plain


@dataclass(frozen=True)
class Suggestion:
    """What the report already says about a part, offered for a yes."""

    text: str
    amount: Decimal | None


def read_amounts(text: str) -> Amounts:
    """The amounts in ``text``: one, or one called the total, is the answer; several are left to ask about."""
    spans = find_money(text)
    values = tuple(sane_amount(Decimal(str(span.value))) for span in spans)
    for span, value in zip(spans, values):
        if TOTAL_CUE.search(text[max(0, span.start - 30): span.start]):
            return Amounts(values, value)
    return Amounts(values, values[0] if len(values) == 1 else None)


def running_total(statement: ImpactStatement) -> str:
    return f"Running total: {money(total(statement))}."


def said_amount(statement: ImpactStatement, section: Section) -> str:
    return f"Noted: {money(amount_of(statement, section))}. {running_total(statement)}"


# --- what the report already says ----------------------------------------------------------------
def loss_in_report(turn: Turn, statement: ImpactStatement) -> Suggestion | None:
    """Goods or money taken, as the report recorded them."""
    report = statement.report
    found = crime_type(report.crime_type) if report is not None else None
    if found is None or report.value_gbp is None or not (found.goods_taken or found.value_label == "Amount lost"):
        return None
    taken = dict(summary_lines(report, turn.tz)).get("Taken")
    text = f"{taken} taken" if taken else f"the loss in report {report.reference}"
    return Suggestion(text, report.value_gbp)


def damage_in_report(turn: Turn, statement: ImpactStatement) -> Suggestion | None:
    """What was damaged and the repair estimate, as the report recorded them."""
    report = statement.report
    damage = (report.details or {}).get("damage") if report is not None else None
    if not damage:
        return None
    return Suggestion(damage, report.value_gbp if asks(report.crime_type, "repair") else None)


def _offer(suggestion: Suggestion) -> str:
    amount = f", {money(suggestion.amount)}" if suggestion.amount is not None else ""
    return f"Your report says: {suggestion.text}{amount}. Say 'yes' to use that, or tell me in your own words " \
           "(it may be more now)."


# --- the questions --------------------------------------------------------------------------------
Suggest = Callable[[Turn, ImpactStatement], Suggestion | None]
QUESTION = {
    "financial": "What did the business lose, and how much in pounds?",
    "damage": "What was damaged, and what will repairs cost?",
    "indirect": "What has it cost, in pounds?",
    "non_financial": "How has it affected the business and the people in it? Tell me in your own words.",
    "addition": "What would you like to add? For example new costs since, or how staff are now. Include amounts in "
                "pounds where they apply.",
}
EXAMPLE = {
    "financial": "'stock worth £450 and £200 from the till'",
    "damage": "'smashed door, £600 to replace'",
    "indirect": "'closed for a day, about £900 of trade'",
    "non_financial": "'my staff are frightened to work evenings and one has left'",
    "addition": "'we have now paid £350 for a new lock'",
}


def lead(section: Section) -> str:
    """"Part 3 of 4, indirect costs: lost trade, staff time, ..." from the registry."""
    if section.number is None:
        return ""
    return f"Part {section.number} of {len(SECTIONS)}, {section.title.lower()}: {section.covers}."


def ask_part(section: Section, suggest: Suggest | None) -> Callable[[Turn, ImpactStatement], Prompt]:
    def ask(turn: Turn, statement: ImpactStatement) -> Prompt:
        suggestion = suggest(turn, statement) if suggest is not None else None
        if suggestion is not None:
            return Prompt(f"{lead(section)} {_offer(suggestion)}", (Button("Yes", "yes"), NONE_BUTTON))
        if section.number is None:  # a supplementary statement's addition
            return Prompt(QUESTION[section.code])
        if not section.has_amount:
            return Prompt(f"{lead(section)} {QUESTION[section.code]}", (NONE_BUTTON,))
        return Prompt(f"{lead(section)} {QUESTION[section.code]} For example {EXAMPLE[section.code]}. Or say "
                      "'none'.", (NONE_BUTTON,))
    return ask


def answer_part(section: Section, suggest: Suggest | None) -> Callable[[Turn, ImpactStatement, str], Answer]:
    amount_question = f"{section.code}_amount"

    def answer(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
        words = normalise(text)
        suggestion = suggest(turn, statement) if suggest is not None else None
        short_yes = yes_no(text) is True and len(words.split()) <= 3
        if suggestion is not None and short_yes:
            set_text(statement, section, suggestion.text)
            set_amount(statement, section, suggestion.amount)
            if suggestion.amount is not None:
                mark_answered(turn, amount_question)
                return said_amount(statement, section)
            return None
        if suggestion is not None and yes_no(text) is False and len(words.split()) <= 3 and words != "none":
            raise Invalid("OK. Tell me in your own words instead, or say 'none'.")
        if words in NONE_WORDS:
            set_text(statement, section, "")
            set_amount(statement, section, None)
            mark_answered(turn, amount_question)
            return f"Noted: none. {running_total(statement)}" if section.has_amount else "Noted: none."
        if yes_no(text) is not None and len(words.split()) <= 3:
            raise Invalid("Please tell me in a few words, or say 'none'.")
        set_text(statement, section, text_answer(text, minimum=3))
        if not section.has_amount:
            return None
        amounts = read_amounts(text)
        set_amount(statement, section, amounts.total)
        if amounts.total is None:
            return None  # the amount question follows
        mark_answered(turn, amount_question)
        return said_amount(statement, section)
    return answer


def needs_amount(section: Section) -> Callable[[Turn, ImpactStatement], bool]:
    return lambda turn, statement: bool(text_of(statement, section)) and amount_of(statement, section) is None


def ask_amount(section: Section) -> Callable[[Turn, ImpactStatement], Prompt]:
    def ask(turn: Turn, statement: ImpactStatement) -> Prompt:
        values = read_amounts(text_of(statement, section) or "").values
        if len(values) > 1:
            found = " and ".join(money(v) for v in values[:6])
            return Prompt(f"I found {found} in that. Is the total for this part {money(sum(values, Decimal(0)))}? "
                          "Say yes, or send the total.", (Button("Yes", "yes"), Button("Don't know", "don't know")))
        return Prompt("Roughly how much has that cost the business, in pounds? For example £450. Or say "
                      "'don't know'.", (Button("Don't know", "don't know"),))
    return ask


def answer_amount(section: Section) -> Callable[[Turn, ImpactStatement, str], Answer]:
    def answer(turn: Turn, statement: ImpactStatement, text: str) -> Answer:
        values = read_amounts(text_of(statement, section) or "").values
        if yes_no(text) is True and len(values) > 1 and not find_money(text):
            set_amount(statement, section, sane_amount(sum(values, Decimal(0))))
        else:
            set_amount(statement, section, read_amount(text))
        return said_amount(statement, section)
    return answer


def forget(statement: ImpactStatement, section: Section) -> None:
    set_text(statement, section, None)
    set_amount(statement, section, None)


def part_questions(section: Section, labels: tuple[str, ...], suggest: Suggest | None = None,
                   applies: Callable[[Turn, ImpactStatement], bool] = making_original) -> tuple[Question, ...]:
    """The part's question and, when it takes an amount, the follow-up asking for it."""
    amount_name = f"{section.code}_amount"
    part = Question(name=section.code, ask=ask_part(section, suggest), answer=answer_part(section, suggest),
                    example=EXAMPLE[section.code],
                    applies=applies, labels=labels, optional=True, skipped="OK, I'll leave that part out.",
                    clear=lambda statement: forget(statement, section),
                    follow_ups=(amount_name,) if section.has_amount else ())
    if not section.has_amount:
        return (part,)
    needs = needs_amount(section)
    amount = Question(name=amount_name, ask=ask_amount(section), answer=answer_amount(section), example="'£450'",
                      applies=lambda turn, statement: applies(turn, statement) and needs(turn, statement),
                      optional=True, in_menu=False, skipped="OK, no amount for that part.")
    return part, amount


PART_QUESTIONS: tuple[Question, ...] = (
    *part_questions(SECTION_1, ("direct financial loss", "financial loss", "direct loss", "loss", "part 1",
                                "section 1", "goods", "cash"), loss_in_report),
    *part_questions(SECTION_2, ("damage", "damage to property", "repairs", "part 2", "section 2"), damage_in_report),
    *part_questions(SECTION_3, ("indirect costs", "costs", "lost trade", "security", "staff time", "part 3",
                                "section 3")),
    *part_questions(SECTION_4, ("impact beyond money", "non-financial impact", "non financial impact", "impact",
                                "staff", "wellbeing", "customers", "part 4", "section 4")),
)
ADDITION_QUESTIONS: tuple[Question, ...] = part_questions(ADDITION, ("addition", "what to add", "supplementary"),
                                                          applies=making_supplement)
