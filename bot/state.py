"""What a conversation remembers between turns, typed, kept as JSON in ``conversations.data``.

The engine's own fields are declared here; the flow under way keeps its own fields in its own
``State`` model (``Flow.State``), stored under ``flow``. Nothing is a free dict key written in one
module and read in another, and a field nothing reads does not exist.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.emergency import Level


class Pending(str, Enum):
    """The engine's own question waiting for an answer."""

    RESUME = "resume"  # "carry on where you left off?"
    CANCEL = "confirm_cancel"  # the flow's "cancel this report?"
    RESTART = "confirm_restart"  # the flow's "start this report again?"
    SWITCH = "switch"  # "prevention advice now? your report is saved"


class FlowState(BaseModel):
    """Base of every flow's own state (a flow with nothing to remember uses it as it is)."""

    model_config = ConfigDict(extra="ignore")


class Suspended(BaseModel):
    """A flow put aside mid-way (a report while advice is given), to be picked up where it was."""

    flow: str
    step: str | None = None
    flow_state: dict[str, Any] = Field(default_factory=dict)


class SwitchOffer(BaseModel):
    """What to start if the user accepts the offer to put the current flow aside."""

    flow: str
    text: str = ""


# Keys a conversation saved before the state was typed may hold at the top level; they belonged to
# the flow under way and are moved under ``flow`` when such a row is read.
_OLD_FLOW_KEYS = ("answered", "history", "extending", "changing", "report_id", "opening", "results", "article")


class ConversationState(BaseModel):
    """The engine's fields. ``flow`` is the current flow's state as JSON (its ``State`` reads it)."""

    model_config = ConfigDict(extra="ignore", validate_assignment=False)

    buttons: list[str] = Field(default_factory=list)  # payloads last offered: a typed number picks one
    pending: Pending | None = None
    switch_offer: SwitchOffer | None = None
    emergency_hold: Level | None = None  # holding after 999 guidance until the user says it is over
    suspended: Suspended | None = None
    flow: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _from_untyped_rows(cls, data: Any) -> Any:
        if isinstance(data, dict) and "flow" not in data and any(key in data for key in _OLD_FLOW_KEYS):
            data = {**data, "flow": {key: data[key] for key in _OLD_FLOW_KEYS if key in data}}
        return data

    @classmethod
    def load(cls, data: dict[str, Any] | None) -> ConversationState:
        return cls.model_validate(data or {})
