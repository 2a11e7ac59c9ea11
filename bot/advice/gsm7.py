"""GSM 03.38 (GSM-7) character set and SMS segment arithmetic.

Advice summaries are sent by SMS. One character outside GSM-7 (a curly quote, an en dash, an
emoji) switches the whole message to UCS-2, which more than halves the characters per segment and
so doubles the cost and the throughput used. The check uses these helpers to keep summaries
within two GSM-7 segments; delivery code may reuse them to count segments.
"""

from __future__ import annotations

import math

#: The GSM-7 default alphabet (one septet each). Includes \n and \r.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
#: Characters from the extension table: each costs two septets (escape + character).
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")

SINGLE_GSM7 = 160
MULTI_GSM7 = 153
SINGLE_UCS2 = 70
MULTI_UCS2 = 67


def non_gsm7_chars(text: str) -> list[str]:
    """The distinct characters in ``text`` that GSM-7 cannot encode, in order of first use."""
    seen: dict[str, None] = {}
    for ch in text:
        if ch not in GSM7_BASIC and ch not in GSM7_EXTENDED:
            seen.setdefault(ch, None)
    return list(seen)


def is_gsm7(text: str) -> bool:
    """True when every character of ``text`` fits the GSM-7 alphabet (basic or extension)."""
    return not non_gsm7_chars(text)


def gsm7_length(text: str) -> int:
    """Length in septets: extension-table characters count twice."""
    return sum(2 if ch in GSM7_EXTENDED else 1 for ch in text)


def segments(text: str) -> int:
    """Number of SMS segments ``text`` needs (GSM-7 if possible, otherwise UCS-2)."""
    if not text:
        return 1
    if is_gsm7(text):
        length, single, multi = gsm7_length(text), SINGLE_GSM7, MULTI_GSM7
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = SINGLE_UCS2, MULTI_UCS2
    return 1 if length <= single else math.ceil(length / multi)
