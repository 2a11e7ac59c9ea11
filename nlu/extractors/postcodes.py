"""UK postcodes: "ws11ql" -> "WS1 1QL", validated against the Royal Mail formats (and GIR 0AA)."""

from __future__ import annotations

import re

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchPostcodeExtractor"

# Outward code: A9, A99, AA9, AA99, A9A, AA9A with the letters Royal Mail allows in each place.
_OUTWARD = (r"(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}"
            r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])")
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
_WHOLE = re.compile(rf"(?:(?P<out>{_OUTWARD})(?P<in>{_INWARD})|(?P<gir>GIR0AA))")
_IN_TEXT = re.compile(rf"(?<![A-Za-z0-9])(?:(?P<out>{_OUTWARD})\s?(?P<in>{_INWARD})|(?P<gir>GIR\s?0AA))(?![A-Za-z0-9])",
                      re.IGNORECASE)


def normalise_postcode(text: str) -> str | None:
    """The canonical postcode if the whole of ``text`` is one UK postcode, else None."""
    compact = re.sub(r"\s+", "", text or "").upper()
    if not 5 <= len(compact) <= 7:
        return None
    match = _WHOLE.fullmatch(compact)
    if not match:
        return None
    return "GIR 0AA" if match.group("gir") else f"{match.group('out')} {match.group('in')}"


def find_postcodes(text: str) -> list[Span]:
    """Every full UK postcode in ``text`` (any case, with or without the space)."""
    spans = []
    for match in _IN_TEXT.finditer(clean(text)):
        value = normalise_postcode(match.group(0))
        if value:
            spans.append(Span("postcode", value, match.start(), match.end(), text[match.start():match.end()], EXTRACTOR))
    return spans
