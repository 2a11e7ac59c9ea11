"""What the impact statement's question modules share: its progress, and which path it is on.

A statement is either an original (business, point of contact, scope, four sections, court) or a
supplementary one to a declared original (what to add); both end with a review and a declaration.
The path is fixed when the report is chosen, so each question's rule is a cheap look at the state.
"""

from __future__ import annotations

from typing import cast

from bot.flows.base import Turn
from bot.flows.questions import Progress
from bot.storage.models import ImpactStatement

NOT_AUTHORISED = "not_authorised"
NO_SUPPLEMENT = "no_supplement"


class ImpactProgress(Progress):
    """An impact statement's progress: its questions' state, the draft it fills, and its path."""

    statement_id: int | None = None
    original_id: int | None = None  # a declared statement already exists for the chosen report
    outcome: str | None = None  # the flow ends without a statement: NOT_AUTHORISED or NO_SUPPLEMENT


def own(turn: Turn) -> ImpactProgress:
    return cast(ImpactProgress, turn.flow_state)


def making_original(turn: Turn, statement: ImpactStatement) -> bool:
    progress = own(turn)
    return progress.outcome is None and statement.report_id is not None and progress.original_id is None


def making_supplement(turn: Turn, statement: ImpactStatement) -> bool:
    return own(turn).outcome is None and statement.supplements_id is not None


def under_way(turn: Turn, statement: ImpactStatement) -> bool:
    """A statement is being made (not waiting for the report, the supplement question, or stopped)."""
    return making_original(turn, statement) or making_supplement(turn, statement)


def original_only(rule):  # noqa: ANN001, ANN201 - combines ``applies`` rules
    """A rule that holds only while making an original statement."""
    return lambda turn, statement: making_original(turn, statement) and rule(turn, statement)
