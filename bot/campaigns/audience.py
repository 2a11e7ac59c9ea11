"""Who a campaign reaches, worked out at send time from the ``subscriptions`` table.

A subscriber is in the audience when their subscription is active and confirmed (an SMS one needs
its YES), not paused, their address has not opted out (STOP) or become unreachable, they are on
one of the campaign's channels and in one of its sectors, and they share a topic and an area with
it (an empty list on either side means "any"). Someone who has already had ``max_per_week``
alerts and campaign messages in the last seven days (today and the six days before, by local date,
so a weekly campaign always fits a cap of one) is left out (capped), except from an urgent alert,
which is what they signed up for; urgent alerts still count towards later caps. There is
one subscription per channel and address, so a subscriber matching on two topics or two areas
still gets one message.

Who receives at all, and what matches a campaign's topics, areas (named areas included), sectors
and channels, is ``bot.campaigns.subscriptions.matching``: the same rule the alerts side uses.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Text, and_, cast, func, select
from sqlalchemy.orm import Session

from bot.campaigns import subscriptions, vocabulary
from bot.storage.models import Contact, Subscription


@dataclass(frozen=True)
class AudienceSpec:
    """Topics, areas, sectors and channels a campaign is for; an empty tuple means any."""

    topics: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()

    @classmethod
    def build(cls, *, topics: Iterable[str] = (), areas: Iterable[str] = (), sectors: Iterable[str] = (),
              channels: Iterable[str] = ()) -> "AudienceSpec":
        """Codes as typed ("ws1", "Retail", "a, b") made canonical; unknown ones kept for ``problems``."""
        def codes(values: Iterable[str], upper: bool = False) -> tuple[str, ...]:
            out: list[str] = []
            for value in values:
                for part in str(value).split(","):
                    code = part.strip().upper() if upper else part.strip().lower().replace(" ", "_")
                    if code and code not in out:
                        out.append(code)
            return tuple(out)

        return cls(topics=codes(topics), areas=tuple(dict.fromkeys(_area(a) for a in codes(areas, upper=True))),
                   sectors=codes(sectors), channels=codes(channels))

    def problems(self) -> list[str]:
        """Codes no subscription can have, with what is allowed."""
        out = [f"unknown topic {t!r} (topics: {', '.join(vocabulary.TOPICS)})"
               for t in self.topics if t not in vocabulary.TOPICS]
        out += [f"unknown sector {s!r} (sectors: {', '.join(vocabulary.SECTORS)})"
                for s in self.sectors if s not in vocabulary.SECTORS]
        out += [f"unknown channel {c!r} (channels: {', '.join(vocabulary.CHANNELS)})"
                for c in self.channels if c not in vocabulary.CHANNELS]
        out += [f"{a!r} is not a postcode district such as WS1, nor a named area "
                f"({', '.join(vocabulary.NAMED_AREAS)})" for a in self.areas if not _known_area(a)]
        return out

    def reaches(self, channel: str) -> bool:
        return not self.channels or channel in self.channels

    def describe(self) -> str:
        def listed(values: tuple[str, ...], anything: str) -> str:
            return ", ".join(values) if values else anything

        return (f"topics: {listed(self.topics, 'any')}; areas: {listed(self.areas, 'everywhere')}; "
                f"sectors: {listed(self.sectors, 'any')}; channels: {listed(self.channels, 'all')}")

    def as_dict(self) -> dict[str, list[str]]:
        return {"topics": list(self.topics), "areas": list(self.areas), "sectors": list(self.sectors),
                "channels": list(self.channels)}


def _known_area(code: str) -> bool:
    """Whether ``code`` is an area a subscription can hold."""
    try:
        return vocabulary.area_code(code) == code
    except vocabulary.UnknownWord:
        return False


def _area(typed: str) -> str:
    """The stored area code for what a lead typed (a district, a postcode, a named area), else as typed."""
    try:
        return vocabulary.area_code(typed)
    except vocabulary.UnknownWord:
        return typed


@dataclass(frozen=True)
class Recipient:
    """One address to send to, with what their message may say about them."""

    channel: str
    address: str
    business_name: str | None
    area: str | None


@dataclass
class Audience:
    """Who gets this send, and how many matching subscribers their weekly cap left out."""

    recipients: list[Recipient] = field(default_factory=list)
    capped: int = 0

    @property
    def matched(self) -> int:
        return len(self.recipients) + self.capped

    def by_channel(self) -> Counter[str]:
        return Counter(r.channel for r in self.recipients)


def resolve(session: Session, spec: AudienceSpec, now: datetime, zone: ZoneInfo, *, ignore_cap: bool = False,
            this_send: str | None = None) -> Audience:
    """The audience now: the subscriptions ``bot.campaigns.subscriptions.matching`` lets in (the one rule
    for who receives), less those their weekly cap holds back. ``this_send`` is the send's outbox key:
    its own rows (a send resumed after a crash) do not count towards anyone's cap."""
    sub = Subscription
    wanted = subscriptions.Audience(topics=spec.topics, areas=spec.areas, sectors=spec.sectors,
                                    channels=spec.channels)
    # The JSON areas come back as their text and are decoded once per distinct value (most subscribers
    # share a few), which is most of the time a 100,000-subscriber send takes otherwise.
    rows = select(sub.channel, sub.address, func.coalesce(sub.business_name, Contact.business_name),
                  cast(sub.areas, Text), sub.max_per_week) \
        .outerjoin(Contact, and_(Contact.channel == sub.channel, Contact.address == sub.address)) \
        .where(subscriptions.matching(session, wanted, now)).order_by(sub.id)
    counts = {} if ignore_cap else subscriptions.sent_this_week(session, now, zone=zone, exclude_key=this_send)
    audience = Audience()
    for channel, address, business_name, their_areas, cap in session.connection().execute(rows):
        if counts.get((channel, address), 0) >= cap:
            audience.capped += 1
            continue
        audience.recipients.append(Recipient(channel, address, business_name, _named_area(spec.areas,
                                                                                            _codes(their_areas))))
    return audience


@lru_cache(maxsize=4096)
def _codes(stored: str | None) -> tuple[str, ...]:
    """A stored JSON list of codes, upper-cased (areas compare that way)."""
    return tuple(str(code).upper() for code in json.loads(stored or "[]"))


def _named_area(areas: tuple[str, ...], theirs: tuple[str, ...]) -> str | None:
    """The area to name in their message: one of the campaign's that they chose, else their own first."""
    return next((a for a in areas if a in theirs), None) or (theirs or areas or (None,))[0]
