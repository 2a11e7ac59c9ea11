"""bizwatch report references ("BW-7K3M-Q9XC") in text, check character verified."""

from __future__ import annotations

from nlu.reference import REFERENCE_PATTERN, normalise_reference

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchReferenceExtractor"


def find_references(text: str) -> list[Span]:
    """Every valid report reference in ``text``; value is the canonical ``BW-XXXX-XXXC``."""
    spans = []
    for match in REFERENCE_PATTERN.finditer(clean(text)):
        value = normalise_reference(match.group(0))
        if value:
            spans.append(Span("reference", value, match.start(), match.end(), text[match.start():match.end()], EXTRACTOR))
    return spans
