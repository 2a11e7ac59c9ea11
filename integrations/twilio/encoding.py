"""What an SMS costs: its encoding and segments, and keeping our texts in GSM-7.

Throughput and price count segments: 160 GSM-7 characters in one, 153 per part once split; a single
character outside GSM-7 (a curly quote from a phone's smart punctuation, an en dash, an emoji) makes
the whole message UCS-2, 70 or 67 characters per segment, so the same text costs two or three times
as much. The arithmetic is ``bot.advice.gsm7``'s (the advice summaries are held to it too); the fake
Twilio counts independently, and the tests hold the two to the same figures for our texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.advice.gsm7 import gsm7_length, is_gsm7, segments

# Typographic characters that phones and word processors put in place of plain ones. They reach our
# texts only when a reply quotes what someone typed (a summary of their report); swapped for their
# GSM-7 look-alikes, the text stays GSM-7 and the meaning is unchanged.
_LOOK_ALIKES = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2026": "...", "\u2022": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u2007": " ",
})


@dataclass(frozen=True)
class Cost:
    """An SMS body's encoding, its length in that encoding's units, and the segments it is sent in."""

    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    segments: int


def cost(text: str) -> Cost:
    if is_gsm7(text):
        return Cost("GSM-7", gsm7_length(text), segments(text))
    return Cost("UCS-2", len(text.encode("utf-16-le")) // 2, segments(text))


def plain_punctuation(text: str) -> str:
    """``text`` with typographic quotes, dashes, ellipses and odd spaces made plain (GSM-7)."""
    return text.translate(_LOOK_ALIKES)
