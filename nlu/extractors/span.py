"""The two value types every extractor returns: a ``Span`` (one entity found in text) and a
``When`` (the resolved date/time of an incident)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Span:
    """One entity found in ``text[start:end]``; ``value`` is the normalised value."""

    entity: str
    value: Any
    start: int
    end: int
    text: str
    extractor: str
    confidence: float = 1.0
    extra: dict = field(default_factory=dict)

    def to_rasa(self) -> dict:
        """The entity in Rasa's ``/model/parse`` shape."""
        result: dict[str, Any] = {
            "entity": self.entity,
            "value": self.value,
            "start": self.start,
            "end": self.end,
            "confidence_entity": self.confidence,
            "extractor": self.extractor,
        }
        if self.extra:
            result["additional_info"] = dict(self.extra)
        return result

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end


def longest_first(spans: list, size: int) -> list:
    """The spans (anything with ``start`` and ``end`` within ``size`` characters) that survive when
    longer ones win overlaps (ties: the earlier), in text order. A map of taken characters keeps
    this linear in the text, however many spans there are."""
    taken = bytearray(size)
    chosen = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if not any(taken[span.start:span.end]):
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


@dataclass(frozen=True)
class When:
    """A resolved incident time. ``has_time`` is False when no time of day was given, so the
    caller knows to ask "roughly what time?". For a part of the day ("this morning") ``value`` is
    the start of the window and ``until`` its end (in the same time zone); otherwise ``until`` is
    None."""

    value: datetime
    has_time: bool
    start: int
    end: int
    until: datetime | None = None
