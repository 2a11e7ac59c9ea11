"""How many SMS segments a body costs, and in which encoding, counted the way carriers split it.

Throughput and price are counted in segments, so the fake must count them exactly as Twilio does:
a body made only of GSM-7 characters is 160 septets in one segment or 153 per part when split (the
rest carries the concatenation header), where the extension characters (``^{}\\[~]|€`` and form feed)
take two septets each; any other character (an emoji, a curly quote, "ï") turns the whole body into
UCS-2: 70 UTF-16 code units in one segment or 67 per part. A part never ends half way through an
escape pair or a surrogate pair (an emoji outside the Basic Multilingual Plane), so a split can cost
one segment more than plain division suggests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 default alphabet, in table order (0x1B, the escape to the extension table, left out).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each costs an escape septet plus its own.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class Segmentation:
    """A body's encoding, its length in units of that encoding (septets or UTF-16 code units) and segments."""

    encoding: Encoding
    units: int
    segments: int


def encoding_of(body: str) -> Encoding:
    """GSM-7 when every character is in the GSM-7 tables, otherwise UCS-2."""
    for char in body:
        if char not in GSM7_BASIC and char not in GSM7_EXTENSION:
            return "UCS-2"
    return "GSM-7"


def _unit_costs(body: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if char in GSM7_EXTENSION else 1 for char in body]
    return [2 if ord(char) > 0xFFFF else 1 for char in body]


def segment(body: str) -> Segmentation:
    """Count the segments ``body`` is sent in (an empty body, as in a media-only message, is one segment)."""
    encoding = encoding_of(body)
    costs = _unit_costs(body, encoding)
    units = sum(costs)
    if units <= SINGLE[encoding]:
        return Segmentation(encoding, units, 1)
    limit, segments, filled = PART[encoding], 1, 0
    for cost in costs:
        if filled + cost > limit:
            segments, filled = segments + 1, 0
        filled += cost
    return Segmentation(encoding, units, segments)
