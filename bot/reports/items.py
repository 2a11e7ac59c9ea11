"""What was taken: "6 bottles of vodka £90, 2 steaks (£20)" -> items with quantity and value."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from nlu.extractors import find_money
from nlu.extractors.numbers import words_to_number

_SPLIT = re.compile(r"\s*(?:[,;\n]|\band\b|\+|&)\s*(?![\d]{3}\b)")
_TOTAL = re.compile(r"\b(?:total|in all|altogether|all together|overall|worth)\b", re.IGNORECASE)
_QUANTITY = re.compile(r"^(?:x\s*)?(\d{1,4})\s*(?:x\b)?\s*|^([a-z]+(?:[\s-][a-z]+)?)\s+(?=\S)", re.IGNORECASE)
_FILLER = re.compile(r"^(?:they\s+took|took|stole|nicked|about|around|roughly|approx\.?|some|of|worth|at|for|-|–|:)\s+",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Item:
    description: str
    quantity: int | None
    value_gbp: Decimal | None


@dataclass(frozen=True)
class Items:
    items: list[Item]
    total_gbp: Decimal | None


def _quantity(text: str) -> tuple[int | None, str]:
    match = _QUANTITY.match(text)
    if not match:
        return None, text
    if match.group(1):
        return int(match.group(1)), text[match.end():]
    number = words_to_number(match.group(2))
    if number is not None and number > 0:
        return number, text[match.end():]
    return None, text


def _clean(text: str) -> str:
    text = re.sub(r"[()\[\]]", " ", text)
    previous = None
    while previous != text:
        previous = text
        text = _FILLER.sub("", text.strip())
    return re.sub(r"\s+", " ", text).strip(" .,-:")


def parse_items(text: str) -> Items:
    """Items and a total: an explicit "total £X" wins, else the sum of item values, else one sum named."""
    money = find_money(text)
    total: Decimal | None = None
    for span in money:
        before = text[max(0, span.start - 25): span.start]
        if _TOTAL.search(before) or len(money) == 1:
            total = Decimal(str(span.value))
    items: list[Item] = []
    for part in _SPLIT.split(text):
        if not part.strip():
            continue
        value: Decimal | None = None
        part_money = find_money(part)
        if part_money and len(money) > 1:
            value = Decimal(str(part_money[0].value))
        for span in sorted(part_money, key=lambda s: s.start, reverse=True):
            part = part[: span.start] + " " + part[span.end:]
        if _TOTAL.search(part) and not re.sub(_TOTAL, "", _clean(part)).strip(" :"):
            continue
        part = _TOTAL.sub(" ", part) if len(money) > 1 else part
        quantity, rest = _quantity(_clean(part))
        description = _clean(rest)
        if description:
            items.append(Item(description=description[:500], quantity=quantity, value_gbp=value))
    if total is None:
        values = [item.value_gbp for item in items if item.value_gbp is not None]
        if values:
            total = sum(values, Decimal(0))
    return Items(items=items, total_gbp=total)
