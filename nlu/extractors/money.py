"""Money amounts in pounds: "£2k", "350 quid", "£1,250.50", "two hundred pounds", "a tenner", "50p".

A bare number is never money: there must be a currency cue (£, GBP, pounds, quid, p, grand,
or a slang note name). Every pattern is linear (no nested quantifiers), so long messages are safe.
"""

from __future__ import annotations

import re

from .numbers import NUMBER_WORD_PATTERN, words_to_number
from .span import Span, longest_first
from .text import clean

EXTRACTOR = "BizwatchMoneyExtractor"

_DIGITS = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d{1,2}))?"
_MULT = r"(?:\s?(?P<mult>k|m|grand|thousand|million|bn)\b)?"
_UNIT = r"(?P<unit>pounds?|quid|squid|gbp|sterling|grand|k)"

# "£80", "£ 1,250.50", "£2k", "£2.5 million", "GBP 50"
_POUND_FIRST = re.compile(rf"(?:£|\bgbp\s?)\s?{_DIGITS}{_MULT}(?:\s?(?:pounds?|quid))?", re.IGNORECASE)
# "350 quid", "80 pounds", "2 grand", "2k quid", "80.00 GBP"
_NUMBER_FIRST = re.compile(
    r"(?<![\w.,£])(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<dec>\d{1,2}))?"
    r"(?:\s?(?P<mult>k)\b)?\s?(?P<unit>pounds?|quid|squid|gbp|grand)\b(?:\s(?:sterling))?",
    re.IGNORECASE,
)
# "50p", "80 pence"
_PENCE = re.compile(r"(?<![\w.,£])(?P<num>\d{1,3})\s?(?:p|pence)\b(?!\.\w)", re.IGNORECASE)
# "two hundred pounds", "fifty quid", "a couple of hundred quid", "a grand"
_WORDS = re.compile(
    rf"\b(?P<words>(?:(?:{NUMBER_WORD_PATTERN})(?:\s+|-|\s+and\s+|\s+of\s+)){{0,6}}?"
    rf"(?:{NUMBER_WORD_PATTERN}))\s+(?P<unit>pounds?|quid|grand)\b",
    re.IGNORECASE,
)
_TIME_CUE_BEFORE = re.compile(r"\b(?:at|about|around|approx|till|until|from)\s*$", re.IGNORECASE)
_SLANG = {"tenner": 10, "fiver": 5, "score": 20, "grand": 1000}
_SLANG_RE = re.compile(
    r"\b(?P<count>a|one|two|three|four|five|couple of|\d)\s+(?P<slang>tenners?|fivers?|grand)\b"
    r"|\b(?P<bare>tenners?|fivers?)\b",
    re.IGNORECASE,
)

_MULTIPLIERS = {"k": 1000, "grand": 1000, "thousand": 1000, "m": 1_000_000, "million": 1_000_000,
                "bn": 1_000_000_000}


def _number(match: re.Match) -> float:
    value = float(match.group("num").replace(",", ""))
    if match.group("dec"):
        value += float("0." + match.group("dec"))
    mult = (match.groupdict().get("mult") or "").lower()
    unit = (match.groupdict().get("unit") or "").lower()
    factor = _MULTIPLIERS.get(mult, 1)
    if unit in ("grand", "k") and not mult:
        factor = 1000
    return round(value * factor, 2)


def _span(text: str, start: int, end: int, value: float, unit: str = "GBP") -> Span:
    return Span("money", value, start, end, text[start:end], EXTRACTOR, extra={"currency": unit})


def find_money(text: str) -> list[Span]:
    """Every money amount in ``text``, value in pounds (float), non-overlapping, in order."""
    cleaned = clean(text)
    found: list[Span] = []
    for match in _POUND_FIRST.finditer(cleaned):
        found.append(_span(text, match.start(), match.end(), _number(match)))
    for match in _NUMBER_FIRST.finditer(cleaned):
        found.append(_span(text, match.start(), match.end(), _number(match)))
    for match in _PENCE.finditer(cleaned):
        if _TIME_CUE_BEFORE.search(cleaned, max(0, match.start() - 12), match.start()):
            continue  # "at 3p" is a clipped "3pm", not three pence
        found.append(_span(text, match.start(), match.end(), round(int(match.group("num")) / 100, 2)))
    for match in _WORDS.finditer(cleaned):
        words = match.group("words").lower()
        number = 1 if words in ("a", "an") else words_to_number(words)
        if number is None:
            continue
        if match.group("unit").lower() == "grand":
            number *= 1000
        found.append(_span(text, match.start(), match.end(), float(number)))
    for match in _SLANG_RE.finditer(cleaned):
        if match.group("bare"):
            slang = match.group("bare").lower().rstrip("s")
            found.append(_span(text, match.start(), match.end(), float(_SLANG[slang])))
            continue
        count_text = match.group("count").lower()
        count = int(count_text) if count_text.isdigit() else (words_to_number(count_text) or 1)
        slang = match.group("slang").lower().rstrip("s")
        found.append(_span(text, match.start(), match.end(), float(count * _SLANG[slang])))
    return longest_first(found, len(cleaned))
