"""What the alerts conversation says: the choices shown back, the consent wording, the YES text.

Consent is recorded with the exact words the person saw, so each of those texts is made by one
function here from the choices alone: the same choices always give the same words, whether the
text is being shown or recorded. Texts are GSM-7 (they go by SMS) and never ask anyone to text a
carrier word (STOP, CANCEL, UNSUBSCRIBE): "stop alerts" stops alerts without stopping replies.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.campaigns.subscriptions import Status, effective_status
from bot.campaigns.vocabulary import describe_areas, describe_topics, sector_label
from bot.flows.alerts.common import where_to
from bot.flows.base import Turn
from bot.storage.models import Subscription

# The YES text is at most two SMS segments; past this, the topics are counted instead of named.
OPTIN_LIMIT = 300


def per_week(count: int) -> str:
    return "1 a week" if count == 1 else f"{count} a week"


def choices_lines(how: str, topics: list[str], areas: list[str], sector: str | None, cap: int) -> str:
    return (f"By: {how}\nAbout: {describe_topics(topics)}\nArea: {describe_areas(areas)}\n"
            f"Business: {sector_label(sector)}\nAt most: {per_week(cap)}")


def confirm_text(how: str, topics: list[str], areas: list[str], sector: str | None, cap: int) -> str:
    """The choices shown back before signing up, with what saying yes agrees to (the consent wording)."""
    return (f"Please check your crime alerts:\n{choices_lines(how, topics, areas, sector, cap)}\n\n"
            f"If you say yes, bizwatch will send you crime alerts and prevention advice on these topics for this "
            f"area, at most {per_week(cap)}. You can pause or stop them at any time by saying 'stop alerts'.\n\n"
            "Is that right?")


def optin_text(subscription: Subscription) -> str:
    """The text a phone must answer YES to (SMS double opt-in); also the consent wording for it."""
    topics = describe_topics(subscription.topics)
    text = _optin(topics, subscription)
    if len(text) > OPTIN_LIMIT:
        text = _optin(f"{len(subscription.topics)} topics", subscription)
    return text


def _optin(topics: str, subscription: Subscription) -> str:
    return (f"bizwatch: reply YES to get crime alerts and prevention advice about {topics} in "
            f"{describe_areas(subscription.areas)}, at most {per_week(subscription.max_per_week)}. "
            "If you did not ask for them, ignore this text and nothing will be sent.")


def started_text(subscription: Subscription) -> str:
    return (f"Thank you, your crime alerts have started: {describe_topics(subscription.topics)} in "
            f"{describe_areas(subscription.areas)}, at most {per_week(subscription.max_per_week)}. "
            "Say 'my alerts' to see or change them, or 'stop alerts' to stop them.")


def stopped_text(how: str) -> str:
    """Said (and recorded as the opt-out wording) when alerts stop."""
    return (f"Done: you won't get any more crime alerts ({how}). If there were too many, you can sign up again "
            "for fewer a week: just say 'get crime alerts'.")


def day(moment: datetime, tz: ZoneInfo, today: date) -> str:
    """"Monday 5 January", with the year when it is not this one."""
    local = moment.astimezone(tz).date()
    text = f"{local:%A} {local.day} {local:%B}"
    return text if local.year == today.year else f"{text} {local.year}"


def state_words(subscription: Subscription, turn: Turn) -> str:
    status = effective_status(subscription, turn.now)
    if status is Status.PENDING:
        return "waiting for the YES to the text we sent"
    if status is Status.PAUSED:
        if subscription.paused_until is None:
            return "paused until you say 'resume alerts'"
        return f"paused until {day(subscription.paused_until, turn.tz, turn.local_now.date())}"
    return "on"


def overview(subscription: Subscription, turn: Turn) -> str:
    how = where_to(subscription.channel, subscription.address, turn)
    lines = choices_lines(how, subscription.topics, subscription.areas, subscription.sector,
                          subscription.max_per_week)
    return f"Your crime alerts are {state_words(subscription, turn)}.\n{lines}"
