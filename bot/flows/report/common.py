"""What the report's question modules share: buttons, free-text and money answers, the details map."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bot.crime_types import asks
from bot.flows.answers import no_answer, truncate
from bot.flows.base import Invalid, NothingToTell, Turn
from bot.flows.questions import Progress
from bot.messages import Button
from bot.reports.summary import money
from bot.storage.models import Report

FIELD_LIMIT = 4000
# The story may come in several long messages (each cut at the message limit): keep all of them.
STORY_LIMIT = 20_000
YES_NO = (Button("Yes", "yes"), Button("No", "no"))
YES_NO_UNSURE = (*YES_NO, Button("Not sure", "not sure"))
# Losses above this are almost always a slip of the keyboard: asked about rather than stored
# (and far inside what the database column holds, so nothing overflows on PostgreSQL).
SANE_AMOUNT = Decimal("10000000")


def details(report: Report) -> dict[str, Any]:
    """A copy of the type-specific details (JSON columns need a new object to register a change)."""
    return dict(report.details or {})


def set_detail(report: Report, key: str, value: object) -> None:
    data = details(report)
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    report.details = data


def something_said(text: str) -> str:
    """``text``, unless it is "no", "none", "later" or "that's all": then the question is skipped.

    For questions with no use for those words, so they are acknowledged and moved past rather than
    kept as the answer or asked again and again.
    """
    if no_answer(text) is not None:
        raise NothingToTell()
    return text


def text_answer(text: str, minimum: int = 2, problem: str = "Could you tell me a little more?") -> str:
    """Words to keep as the answer (never a "no" or "that's all": see ``something_said``)."""
    text = something_said(text).strip()
    if len(text) < minimum:
        raise Invalid(problem)
    return truncate(text, FIELD_LIMIT)


def joined(first: str | None, more: str, limit: int = STORY_LIMIT) -> str:
    """A free-text answer with more added (a long paste in parts, or more detail on a second go)."""
    if not first:
        return truncate(more, limit)
    if more in first:
        return first
    return truncate(f"{first}\n{more}", limit)


def sane_amount(value: Decimal) -> Decimal:
    """``value`` if it is a believable loss; otherwise a kind question to check it."""
    if value < 0:
        raise Invalid("Please give the amount without a minus sign, like £90.")
    if value > SANE_AMOUNT:
        raise Invalid(f"{money(value)} is more than I'd expect for one incident, so please check it. "
                      "Send the amount again, like £90 or £1,250.")
    return value


def believable(value: Decimal | None) -> Decimal | None:
    """``value`` if it is a believable loss, else None: an amount picked up on the way (from a story,
    beside an item) is never worth a question of its own, so an absurd one is left for the value
    question to ask."""
    return value if value is not None and 0 <= value <= SANE_AMOUNT else None


def first_amount(values: Iterable[object]) -> Decimal | None:
    """The first believable amount among ``values``."""
    return next((value for raw in values if (value := believable(Decimal(str(raw)))) is not None), None)


def asked_for(question: str):  # noqa: ANN201 - an ``applies`` rule
    """A rule: the report's crime type asks ``question`` (bot.crime_types says which do)."""
    return lambda turn, report: asks(report.crime_type, question)


def is_fuel(report: Report) -> bool:
    return (report.details or {}).get("making_off_kind") == "fuel"


class ReportProgress(Progress):
    """A report's progress: its questions' state, the draft it fills, and the story it opened with."""

    report_id: int | None = None
    opening: str | None = None  # the first message, when it told the story, to start the description


def own(turn: Turn) -> ReportProgress:
    return turn.flow_state  # type: ignore[return-value]  # the flow's own State (no cast(): hot path)


def opening(turn: Turn) -> str | None:
    """The user's first message when it told the story, kept to start the description with."""
    return own(turn).opening
