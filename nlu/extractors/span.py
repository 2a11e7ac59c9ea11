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
