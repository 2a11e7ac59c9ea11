"""What was taken and what it was worth: goods, cash, and fuel or a meal left without paying for."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.crime_types import crime_type
from bot.flows.answers import NoAnswer, no_answer, normalise, truncate
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, is_answered, mark_answered, was_asked
from bot.flows.report.common import (SANE_AMOUNT, believable, first_amount, is_fuel, sane_amount, set_detail,
                                     something_said, text_answer)
from bot.messages import Button
from bot.reports.items import Items, items_in_story, parse_items
from bot.reports.summary import money
from bot.storage.models import Report, ReportItem
from nlu.extractors import find_money

PUMP = re.compile(r"\bpump\s*(?:no\.?\s*|number\s*|#\s*)?(\d{1,2})\b")
MAKING_OFF_KINDS = {"fuel": ("fuel", "petrol", "diesel", "pump", "forecourt", "drive off", "drive-off", "drove off"),
                    "food and drink": ("food", "drink", "meal", "restaurant", "dine", "bill", "table", "cafe", "pub"),
                    "taxi fare": ("taxi", "cab", "fare", "minicab", "uber")}
NOTHING_TAKEN = re.compile(r"^(?:nothing taken|nothing was taken|they didn'?t get anything|didn'?t get anything|"
                           r"nothing stolen|nothing was stolen)$")


def items_apply(turn: Turn, report: Report) -> bool:
    found = crime_type(report.crime_type)
    return found is not None and found.goods_taken and not is_fuel(report)


def store_items(report: Report, parsed: Items) -> str:
    """Keep the items (and their total when no value is known yet); say them back in a few words.

    An item's value past the sane bound is left out, as an absurd total is: the value question asks.
    """
    report.items = [ReportItem(description=i.description, quantity=i.quantity,
                               value_gbp=believable(i.value_gbp))
                    for i in parsed.items[:50]]
    names = [f"{i.quantity} {i.description}" if i.quantity and i.quantity > 1 else i.description for i in parsed.items]
    said = truncate("; ".join(names[:5]), 160)
    total = believable(parsed.total_gbp)
    if total is not None and report.value_gbp is None:
        report.value_gbp = total
        said += f", {money(total)}"
    return said


def note_goods(turn: Turn, report: Report, text: str) -> str | None:
    """Goods a narrative names, used for the "what was taken?" question (then not asked again).

    A later part of the story may name them better ("meat", then "6 steaks and a leg of lamb"), so
    goods noted from the story are replaced; an answer to the question itself never is.
    """
    if not items_apply(turn, report) or was_asked(turn, "items"):
        return None
    parsed = items_in_story(text)
    if parsed is None:
        return None
    taken = store_items(report, parsed)
    mark_answered(turn, "items", *(("value",) if report.value_gbp is not None else ()))
    return taken


def ask_items(turn: Turn, report: Report) -> Prompt:
    if report.value_gbp is not None:
        return Prompt("What was taken? For example '6 bottles of vodka, 2 steaks'.")
    return Prompt("What was taken, and roughly what was it worth? For example '6 bottles of vodka, £90'.")


def answer_items(turn: Turn, report: Report, text: str) -> Answer:
    if no_answer(text) is NoAnswer.NONE or NOTHING_TAKEN.match(normalise(text)):
        report.items = []
        mark_answered(turn, "value")
        return "OK, nothing taken."
    parsed = parse_items(text_answer(text))
    if not parsed.items:
        raise Invalid("Please tell me what was taken.")
    for value in (parsed.total_gbp, *(item.value_gbp for item in parsed.items)):
        if value is not None:
            sane_amount(value)
    store_items(report, parsed)
    if report.value_gbp is not None:
        mark_answered(turn, "value")
    return None


def clear_goods(report: Report) -> None:
    report.items = []


def ask_value(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly what was it all worth, in pounds?", (Button("Don't know", "don't know"),))


def read_amount(text: str) -> Decimal:
    """An amount in pounds from "£90", "90", "about 1,200 quid"; refuses the absurd."""
    found = find_money(text)
    if found:
        return sane_amount(Decimal(str(found[0].value)))
    bare = re.fullmatch(r"\s*(?:about|around|roughly|approx\.?)?\s*(\d{1,12}(?:\.\d{1,2})?)\s*", text.replace(",", ""))
    if not bare:
        raise Invalid("Please give an amount in pounds, like £90.")
    return sane_amount(Decimal(bare.group(1)))


def answer_value(turn: Turn, report: Report, text: str) -> Answer:
    report.value_gbp = read_amount(something_said(text))  # "no", "later": not known, so on to the next question
    return f"Noted: {money(report.value_gbp)}."


def clear_value(report: Report) -> None:
    report.value_gbp = None


# --- leaving without paying -----------------------------------------------------------------------
def making_off_kind(words: str) -> str | None:
    for kind, cues in MAKING_OFF_KINDS.items():
        if any(cue in words for cue in cues):
            return kind
    return None


def ask_making_off_kind(turn: Turn, report: Report) -> Prompt:
    return Prompt("What did they leave without paying for?",
                  (Button("Fuel", "fuel"), Button("Food or drink", "food and drink"), Button("Taxi fare", "taxi fare"),
                   Button("Something else", "something else")))


def answer_making_off_kind(turn: Turn, report: Report, text: str) -> Answer:
    words = normalise(text)
    kind = making_off_kind(words)
    set_detail(report, "making_off_kind", kind or ("other" if words in ("something else", "other")
                                                    else truncate(text, 200)))
    return None


def clear_making_off_kind(report: Report) -> None:
    set_detail(report, "making_off_kind", None)


def ask_pump(turn: Turn, report: Report) -> Prompt:
    return Prompt("Which pump number were they at? Say 'don't know' if you're not sure.")


def answer_pump(turn: Turn, report: Report, text: str) -> Answer:
    words = normalise(text)
    match = PUMP.search(words) or re.fullmatch(r"(?:number\s*|no\.?\s*|#\s*)?(\d{1,2})", words)
    if not match or not 1 <= int(match.group(1)) <= 99:
        something_said(text)
        raise Invalid("Please send just the pump number, like 4.")
    set_detail(report, "pump_number", int(match.group(1)))
    return None


def ask_fuel(turn: Turn, report: Report) -> Prompt:
    return Prompt("How much fuel did they take? Litres and the value, for example '45 litres, £68.50'.")


def answer_fuel(turn: Turn, report: Report, text: str) -> Answer:
    litres = re.search(r"(\d{1,4}(?:\.\d+)?)\s*(?:l\b|ltrs?\b|litres?\b|liters?\b)", text, re.IGNORECASE)
    found = find_money(text)
    if not litres and not found:
        something_said(text)
        raise Invalid("I couldn't find litres or a price in that.")
    if found:
        report.value_gbp = sane_amount(Decimal(str(found[0].value)))
    if litres:
        set_detail(report, "litres", float(litres.group(1)))
    return None


def fuel_answer_applies(turn: Turn, report: Report) -> bool:
    return report.crime_type == "making_off_without_payment" and is_fuel(report)


def note_forecourt(turn: Turn, report: Report) -> list[str]:
    """A drive-off told in one breath ("drive off at pump 3, diesel") needs no "fuel?" or "which pump?"."""
    if report.crime_type != "making_off_without_payment":
        return []
    noted = []
    words = normalise(turn.text)
    if not is_answered(turn, "making_off_kind") and making_off_kind(words) == "fuel":
        set_detail(report, "making_off_kind", "fuel")
        mark_answered(turn, "making_off_kind")
        noted.append("fuel")
    pump = PUMP.search(words)
    if pump and is_fuel(report) and not is_answered(turn, "pump"):
        set_detail(report, "pump_number", int(pump.group(1)))
        mark_answered(turn, "pump")
        noted.append(f"pump {pump.group(1)}")
    return noted


def note_value(turn: Turn, report: Report) -> str | None:
    """A believable amount named in any answer, before any value question was answered."""
    if any(is_answered(turn, n) for n in ("value", "amount_lost", "repair", "fuel")):
        return None
    value = first_amount(entity["value"] for entity in turn.entities("money"))
    if value is None:
        return None
    report.value_gbp = value
    mark_answered(turn, "value", "amount_lost", "repair")
    return money(value)
