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

TODO(lead): the alerts branch owns ``bot/campaigns/subscriptions.py``; reconcile this query with
its own (status names, what an empty topic or area list means, named areas).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlalchemy import Text, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from bot.campaigns import standin_vocabulary as vocabulary  # TODO(lead): use bot.campaigns.vocabulary
from bot.delivery.outbox import Purpose, Status
from bot.storage.models import Contact, OutboxMessage, Subscription

CAP_DAYS = 7
COUNTED = (Purpose.ALERT.value, Purpose.CAMPAIGN.value)


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

        districts = dict.fromkeys(vocabulary.district(a) or a for a in codes(areas, upper=True))
        return cls(topics=codes(topics), areas=tuple(districts), sectors=codes(sectors), channels=codes(channels))

    def problems(self) -> list[str]:
        """Codes no subscription can have, with what is allowed."""
        out = [f"unknown topic {t!r} (topics: {', '.join(vocabulary.TOPICS)})"
               for t in self.topics if t not in vocabulary.TOPICS]
        out += [f"unknown sector {s!r} (sectors: {', '.join(vocabulary.SECTORS)})"
                for s in self.sectors if s not in vocabulary.SECTORS]
        out += [f"unknown channel {c!r} (channels: {', '.join(vocabulary.CHANNELS)})"
                for c in self.channels if c not in vocabulary.CHANNELS]
        out += [f"{a!r} is not a postcode district such as WS1" for a in self.areas if vocabulary.district(a) != a]
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
    """The audience now. ``this_send`` is the send's outbox key: its own rows (a send resumed after a
    crash) do not count towards anyone's cap."""
    sub = Subscription
    # The JSON lists come back as their text and are decoded once per distinct value (most subscribers
    # share a few combinations), which is most of the time a 100,000-subscriber send takes otherwise.
    rows = select(sub.channel, sub.address, func.coalesce(sub.business_name, Contact.business_name),
                  cast(sub.topics, Text), cast(sub.areas, Text), sub.max_per_week) \
        .outerjoin(Contact, and_(Contact.channel == sub.channel, Contact.address == sub.address)) \
        .where(or_(sub.status == "active",
                   and_(sub.status == "paused", sub.paused_until.is_not(None), sub.paused_until <= now)),
               or_(sub.paused_until.is_(None), sub.paused_until <= now),
               sub.confirmed_at.is_not(None), Contact.opted_out_at.is_(None), Contact.unreachable_at.is_(None)) \
        .order_by(sub.id)
    if spec.channels:
        rows = rows.where(sub.channel.in_(spec.channels))
    if spec.sectors:
        rows = rows.where(sub.sector.in_(spec.sectors))
    counts = {} if ignore_cap else sent_recently(session, now, zone, exclude_key=this_send)
    topics, areas = frozenset(spec.topics), spec.areas
    audience = Audience()
    for channel, address, business_name, their_topics, their_areas, cap in session.connection().execute(rows):
        if topics and not _shares_topic(topics, their_topics):
            continue
        shared, area = _shared_area(areas, _codes(their_areas))
        if not shared:
            continue
        if counts.get((channel, address), 0) >= cap:
            audience.capped += 1
            continue
        audience.recipients.append(Recipient(channel, address, business_name, area))
    return audience


@lru_cache(maxsize=4096)
def _codes(stored: str | None) -> tuple[str, ...]:
    """A stored JSON list of codes, upper-cased (areas compare that way)."""
    return tuple(str(code).upper() for code in json.loads(stored or "[]"))


@lru_cache(maxsize=4096)
def _shares_topic(topics: frozenset[str], stored: str | None) -> bool:
    """Whether a subscriber's stored topics (empty: any) include one of ``topics``."""
    theirs = json.loads(stored or "[]")
    return not theirs or not topics.isdisjoint(theirs)


def _shared_area(areas: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether they are in one of the campaign's areas, and the area to name in their message."""
    if not areas or not theirs:
        return True, (theirs or areas or (None,))[0]
    shared = next((a for a in areas if a in theirs), None)
    return shared is not None, shared


def sent_recently(session: Session, now: datetime, zone: ZoneInfo, *,
                  exclude_key: str | None = None) -> dict[tuple[str, str], int]:
    """Alerts and campaign messages queued to each address in the last ``CAP_DAYS`` local days (not cancelled)."""
    first_day = now.astimezone(zone).date() - timedelta(days=CAP_DAYS - 1)
    since = datetime.combine(first_day, time(0), tzinfo=zone)
    query = select(OutboxMessage.channel, OutboxMessage.address, func.count()).where(
        OutboxMessage.purpose.in_(COUNTED), OutboxMessage.created_at >= since,
        OutboxMessage.status != Status.CANCELLED.value,
    ).group_by(OutboxMessage.channel, OutboxMessage.address)
    if exclude_key is not None:
        query = query.where(OutboxMessage.idempotency_key != exclude_key)
    return {(channel, address): count for channel, address, count in session.execute(query)}
