"""What the alerts conversation's parts share: its typed state, and reading options picked by number."""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum

import phonenumbers
from pydantic import Field

from bot.flows.base import Turn
from bot.flows.questions import Progress
from bot.storage.models import Contact, Subscription

_NUMBERS = re.compile(r"\s*\d{1,2}(?:\s*(?:,|;|&|and|\s)\s*\d{1,2})*\s*")


class Purpose(str, Enum):
    """What the questions are for: a new sign-up, changing one part, or how long to pause."""

    SIGN_UP = "sign_up"
    CHANGE = "change"
    PAUSE = "pause"


class AlertsState(Progress):
    """The choices being made, kept between turns until they are saved."""

    purpose: Purpose = Purpose.SIGN_UP
    channel: str | None = None
    address: str | None = None
    topics: list[str] = Field(default_factory=list)
    areas: list[str] = Field(default_factory=list)
    sector: str | None = None
    max_per_week: int | None = None
    pause_until: datetime | None = None  # the pause asked for (None with pause_open: until resumed)
    pause_open: bool = False


def own(turn: Turn) -> AlertsState:
    return turn.flow_state  # type: ignore[return-value]  # the flow's own State


def picked(turn: Turn, text: str) -> list[str]:
    """The options a reply of numbers picks ("2 5 8", "1, 3 and 4") among those just offered.

    The engine turns a single number into its option; several at once are read here. Empty when
    the reply is not only numbers, or a number offers nothing.
    """
    offered = turn.state.buttons
    if not offered or not _NUMBERS.fullmatch(text):
        return []
    numbers = [int(n) for n in re.findall(r"\d{1,2}", text)]
    if not all(1 <= n <= len(offered) for n in numbers):
        return []
    return [offered[n - 1] for n in dict.fromkeys(numbers)]


def phone_for_people(e164: str) -> str:
    """"+447700900123" -> "07700 900123", as people write it."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "GB"), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


def where_to(channel: str, address: str, turn: Turn) -> str:
    """How alerts reach someone, in words: "this chat", "texts to this number", "texts to 07700 900123"."""
    here = (channel, address) == (turn.inbound.channel, turn.inbound.address)
    if channel in ("sms", "whatsapp"):
        kind = "texts" if channel == "sms" else "WhatsApp messages"
        return f"{kind} to this number" if here else f"{kind} to {phone_for_people(address)}"
    return "messages in this chat" if here else f"messages on {channel.capitalize()}"


def is_theirs(subscription: Subscription, contact: Contact) -> bool:
    """Made by this person, or to the address they are talking from."""
    return subscription.contact_id == contact.id or (
        (subscription.channel, subscription.address) == (contact.channel, contact.address))
