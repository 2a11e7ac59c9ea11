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
_TRAILING_FILLER = re.compile(r"\s+(?:worth|about|around|roughly|approx\.?|at|for|of|costing|valued\s+at)$", re.IGNORECASE)


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
        text = _TRAILING_FILLER.sub("", _FILLER.sub("", text.strip()))
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


# "took / nicked / walked out with <goods>", up to where the sentence moves on.
_TAKING = re.compile(
    r"\b(?:took|taken|take|stole|stolen|steal|stealing|nicked|nicking|nick|pinched|grabbed|swiped|lifted|nabbed"
    r"|walked\s+out\s+with|ran\s+off\s+with|made\s+off\s+with|left\s+with|got\s+away\s+with|went\s+off\s+with"
    r"|filled\s+(?:a|his|her|their|the)\s+(?:bag|basket|trolley|coat|rucksack|backpack|pockets?)\s+with"
    r"|(?:put|stuffed|shoved|hid|concealed)\s+(?P<inside>.{1,80}?)\s+(?:in|into|under|down|up)\s+(?:his|her|their|a|the))\b"
    r"\s*(?P<goods>[^.!?\n]{0,160})", re.IGNORECASE)
# Where the goods end: the story moves on, or says where from or when ("from us earlier", "off me
# this morning", "at lunchtime", "sometime last week"). At the very start it means no goods were named.
_GOODS_END = re.compile(
    r"(?:^|\s+)(?:from|off|out\s+of|and\s+(?:then\s+)?(?:ran|left|walked|went|legged|drove|got|did|was|were|he|she"
    r"|they)|then|before|without|when|while|after|in\s+(?:his|her|their|a)\b|into|under|past|through|but|so|because"
    r"|at\s+about|at\s+around|at\s+\d|this|last|yesterday|today|earlier|just\s+now|tonight|overnight|over\s+night"
    r"|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|sometime|some\s+time|at\s+lunch|lunch\s?time"
    r"|(?:at|over)\s+the\s+weekend|in\s+the\s+(?:morning|afternoon|evening|night)|(?:\d+|an?)\s+\w+\s+ago)\b.*$",
    re.IGNORECASE)
# Words that name no goods ("he took it", "stole stuff"): an investigator still needs to be asked.
_VAGUE = re.compile(r"^(?:it|them|that|this|those|these|stuff|things|something|some\s+stuff|everything|loads"
                    r"|a\s+lot|lots|goods|items|stock|off|from\s+us|from\s+the\s+shop)$", re.IGNORECASE)


def clause_end(text: str) -> str:
    """``text`` up to where the story moves on or says where from or when: "meat from the shop
    this morning" -> "meat". Used for what was taken and what was damaged."""
    return _GOODS_END.sub("", text).strip(" ,.;:-")


def items_in_story(text: str) -> Items | None:
    """The goods a narrative names ("some lad nicked £80 of meat", "filled a bag with vodka").

    Only what follows a verb of taking counts, so a story's other nouns (the till, his hoodie)
    are never mistaken for what was stolen. None when nothing specific is named.
    """
    found: list[Item] = []
    total: Decimal | None = None
    for match in _TAKING.finditer(text):
        goods = match.group("inside") or match.group("goods") or ""
        goods = clause_end(goods)
        if not goods or _VAGUE.match(goods):
            continue
        parsed = parse_items(goods)
        items = [i for i in parsed.items if not _VAGUE.match(i.description)]
        if not items and parsed.total_gbp is not None:
            items = [Item(description="cash", quantity=None, value_gbp=parsed.total_gbp)]  # "took £200 from the till"
        if items:
            found.extend(items)
            total = parsed.total_gbp if total is None else total
    if not found:
        return None
    return Items(items=found[:50], total_gbp=total)
