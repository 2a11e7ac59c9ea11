"""How many SMS segments a text costs, counted the way carriers split it (what Twilio's throughput counts).

A text of GSM-7 characters goes in one segment of 160 septets, or in parts of 153 when longer (the
rest of each part carries the joining header); the extension characters (``^{}\\[~]|€`` and form
feed) take two septets each. One character outside GSM-7 (a curly quote, an emoji) turns the whole
text into UCS-2: 70 code units in one segment, 67 per part, an emoji outside the Basic Multilingual
Plane taking two. A part never ends between the two halves of an escape or a surrogate pair, so a
split can cost one segment more than plain division says; counting that exactly keeps the sender
under a provider's segments-per-second limit. The alphabet is the one ``bot.advice.gsm7`` keeps.
"""

from __future__ import annotations

from bot.advice.gsm7 import GSM7_BASIC, GSM7_EXTENDED

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


def encoding(text: str) -> str:
    """"GSM-7" when every character is in the GSM-7 tables, otherwise "UCS-2"."""
    return "GSM-7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in text) else "UCS-2"


def segments(text: str) -> int:
    """The segments ``text`` is sent in (an empty text still costs one)."""
    kind = encoding(text)
    wide = GSM7_EXTENDED if kind == "GSM-7" else None
    costs = [2 if (ch in wide if wide is not None else ord(ch) > 0xFFFF) else 1 for ch in text]
    if sum(costs) <= SINGLE[kind]:
        return 1
    limit, count, filled = PART[kind], 1, 0
    for cost in costs:
        if filled + cost > limit:
            count, filled = count + 1, 0
        filled += cost
    return count
