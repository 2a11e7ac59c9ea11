"""The interpreter interface the dialogue engine talks to.

Every interpreter returns a dict in the shape of Rasa's ``POST /model/parse`` answer, so the
embedded model and a real Rasa server are interchangeable behind the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, TypedDict


class IntentResult(TypedDict):
    name: str
    confidence: float


class EntityResult(TypedDict, total=False):
    entity: str
    value: Any
    start: int
    end: int
    confidence_entity: float
    extractor: str
    additional_info: dict[str, Any]


class ParseResult(TypedDict):
    text: str
    intent: IntentResult
    entities: list[EntityResult]
    intent_ranking: list[IntentResult]


class InterpreterUnavailable(RuntimeError):
    """The interpreter could not answer (a language server down or talking nonsense); says which."""


class Interpreter(Protocol):
    """Turns one user message into an intent, a ranking and entities."""

    def parse(self, text: str, now: datetime | None = None) -> ParseResult:
        """Parse ``text``; ``now`` (aware) anchors relative dates such as "yesterday".

        Raises ``InterpreterUnavailable`` when it cannot answer; callers carry on without it.
        """
        ...
