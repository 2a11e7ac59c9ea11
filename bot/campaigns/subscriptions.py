"""Subscriptions to crime alerts: signing up, confirming, changing, pausing, stopping, and who receives.

Only this module writes ``subscriptions`` rows. Every change of consent is also a ``consents`` row
(PECR: when, how, what for, and the exact words the person saw), written in the same transaction.
SMS needs double opt-in: a subscription to a phone number stays ``pending`` until a YES comes back
from that number, so nobody can sign someone else's phone up.

Who receives a campaign is decided by one predicate, ``receiving``: confirmed, active (or paused
past its date), not opted out (STOP, /stop) or unreachable, and no opt-out recorded since the
confirmation. ``audience`` applies it with a campaign's topics, areas, sectors and channels in one
query, one row per subscription however many groups it matches, with the messages it was sent in
the last seven days for the weekly cap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from bot.campaigns.vocabulary import reaching
from bot.delivery.outbox import Purpose, Status as Delivery
from bot.storage.models import Consent, Contact, OutboxMessage, Subscription
from nlu.extractors import normalise_phone

SCOPE = "alerts"
# An opt-out of everything (STOP on SMS, /stop on Telegram) or of alerts ends a subscription.
OPT_OUT_SCOPES = ("all", SCOPE)
# Channels where a YES from the address itself must confirm a subscription made in conversation.
DOUBLE_OPT_IN = frozenset({"sms"})
# Channels a list of subscribers may be imported for (a web chat has no address outside the page).
IMPORT_CHANNELS = ("sms", "telegram", "whatsapp")
MAX_PER_WEEK = 7
CAP_DAYS = 7
LONDON = ZoneInfo("Europe/London")
# What counts towards the weekly cap: alerts and campaign messages not cancelled or failed.
CAPPED_PURPOSES = (Purpose.ALERT.value, Purpose.CAMPAIGN.value)
NOT_SENT = (Delivery.CANCELLED.value, Delivery.FAILED.value)
_UK_MOBILE = re.compile(r"\+447\d{9}")
_TELEGRAM_CHAT = re.compile(r"-?[1-9][0-9]{0,19}")
_BATCH = 500
IMPORT_BATCH = 1000


class Status(str, Enum):
    PENDING = "pending"  # waiting for the YES from the phone (SMS double opt-in)
    ACTIVE = "active"
    PAUSED = "paused"  # until ``paused_until`` (or until resumed, when that is empty)
    UNSUBSCRIBED = "unsubscribed"


class Source(str, Enum):
    CONVERSATION = "conversation"
    IMPORT = "import"


@dataclass(frozen=True)
class Choices:
    """What someone chose: where alerts go, about what, where, their business, and how many a week."""

    channel: str
    address: str
    topics: tuple[str, ...]
    areas: tuple[str, ...]
    sector: str | None
    max_per_week: int
    business_name: str | None = None


# --- addresses ---------------------------------------------------------------------------------------
def uk_mobile(text: str) -> str | None:
    """A UK mobile number in E.164 ("07700 900123" -> "+447700900123"), or None."""
    number = normalise_phone(text or "")
    return number if number is not None and _UK_MOBILE.fullmatch(number) else None


def valid_address(channel: str, text: str) -> str | None:
    """``text`` as an address on ``channel`` (a UK mobile for SMS and WhatsApp, a chat id for Telegram)."""
    if channel in ("sms", "whatsapp"):
        return uk_mobile(text)
    if channel == "telegram":
        value = (text or "").strip()
        return value if _TELEGRAM_CHAT.fullmatch(value) else None
    return None


# --- reading ---------------------------------------------------------------------------------------
def find(session: Session, channel: str, address: str) -> Subscription | None:
    return session.scalars(select(Subscription).where(Subscription.channel == channel,
                                                      Subscription.address == address)).one_or_none()


def of_contact(session: Session, contact: Contact) -> list[Subscription]:
    """The subscriptions someone can see and change: to the address they are talking from, or made by them.

    Unsubscribed ones are left out; the one to the address in use comes first.
    """
    mine = or_(and_(Subscription.channel == contact.channel, Subscription.address == contact.address),
               Subscription.contact_id == contact.id)
    found = session.scalars(select(Subscription).where(mine, Subscription.status != Status.UNSUBSCRIBED.value)
                            .order_by(Subscription.id)).all()
    return sorted(found, key=lambda s: (s.channel, s.address) != (contact.channel, contact.address))


def effective_status(subscription: Subscription, now: datetime) -> Status:
    """The status as the person lives it: a pause whose date has passed is over."""
    status = Status(subscription.status)
    if status is Status.PAUSED and subscription.paused_until is not None and subscription.paused_until <= now:
        return Status.ACTIVE
    return status


# --- consent ---------------------------------------------------------------------------------------
def record_consent(session: Session, *, channel: str, address: str, action: str, source: str, wording: str | None,
                   at: datetime) -> None:
    """A ``consents`` row for alerts: opt_in or opt_out, how (source), the words shown, and when."""
    session.add(Consent(channel=channel, address=address, action=action, scope=SCOPE, source=source,
                        wording=wording, at=at))


# --- changing ----------------------------------------------------------------------------------------
def subscribe(session: Session, choices: Choices, *, now: datetime, wording: str, contact_id: int | None = None,
              source: Source = Source.CONVERSATION, consented_at: datetime | None = None) -> Subscription:
    """Sign ``choices`` up: the one row for its channel and address, created or brought back.

    A conversation's SMS subscription is pending until confirmed by a YES (``confirm`` records the
    consent then); otherwise it is active at once and the consent is recorded now, with ``wording``.
    """
    subscription = find(session, choices.channel, choices.address)
    if subscription is None:
        subscription = Subscription(channel=choices.channel, address=choices.address, created_at=now)
        session.add(subscription)
    pending = source is Source.CONVERSATION and choices.channel in DOUBLE_OPT_IN
    subscription.contact_id = contact_id if contact_id is not None else subscription.contact_id
    subscription.business_name = choices.business_name or subscription.business_name
    subscription.topics = list(choices.topics)
    subscription.areas = list(choices.areas)
    subscription.sector = choices.sector
    subscription.max_per_week = choices.max_per_week
    subscription.status = (Status.PENDING if pending else Status.ACTIVE).value
    subscription.source = source.value
    subscription.paused_until = None
    subscription.unsubscribed_at = None
    subscription.confirmed_at = None if pending else (consented_at or now)
    subscription.updated_at = now
    if not pending:
        record_consent(session, channel=choices.channel, address=choices.address, action="opt_in",
                       source=source.value, wording=wording, at=consented_at or now)
    session.flush()
    return subscription


def pending_for(session: Session, channel: str, address: str) -> Subscription | None:
    """The subscription to this address waiting for its YES, if there is one."""
    subscription = find(session, channel, address)
    return subscription if subscription is not None and subscription.status == Status.PENDING.value else None


def confirm(session: Session, subscription: Subscription, *, now: datetime, wording: str) -> None:
    """The YES came back: the alerts start, and the consent is recorded with the text it answered."""
    subscription.status = Status.ACTIVE.value
    subscription.confirmed_at = now
    subscription.updated_at = now
    record_consent(session, channel=subscription.channel, address=subscription.address, action="opt_in",
                   source=Source.CONVERSATION.value, wording=wording, at=now)
    # A new, explicit consent lifts an earlier opt-out of ours (Telegram /stop); a carrier's block (SMS
    # STOP) cannot reach here, since a STOPped number's texts never reach the conversation.
    session.execute(update(Contact).where(Contact.channel == subscription.channel,
                                          Contact.address == subscription.address).values(opted_out_at=None))


def change(subscription: Subscription, *, now: datetime, topics: Sequence[str] | None = None,
           areas: Sequence[str] | None = None, sector: str | None = None, max_per_week: int | None = None) -> bool:
    """Change what alerts are about, where, the business and the cap (None leaves a part as it is).

    Returns True when the topics changed: what the person agreed to get is then different, so the
    caller records a new consent (``record_consent``) with the words it shows them.
    """
    new_topics = topics is not None and list(topics) != list(subscription.topics)
    if topics is not None:
        subscription.topics = list(topics)
    if areas is not None:
        subscription.areas = list(areas)
    if sector is not None:
        subscription.sector = sector
    if max_per_week is not None:
        subscription.max_per_week = max_per_week
    subscription.updated_at = now
    return new_topics


def pause(subscription: Subscription, *, until: datetime | None, now: datetime) -> None:
    """No alerts until ``until`` (None: until resumed). A pending subscription stays pending."""
    if subscription.status == Status.PENDING.value:
        return
    subscription.status = Status.PAUSED.value
    subscription.paused_until = until
    subscription.updated_at = now


def resume(subscription: Subscription, *, now: datetime) -> None:
    if subscription.status == Status.PAUSED.value:
        subscription.status = Status.ACTIVE.value
    subscription.paused_until = None
    subscription.updated_at = now


def unsubscribe(session: Session, subscription: Subscription, *, now: datetime, wording: str,
                source: Source = Source.CONVERSATION) -> None:
    """Stop the alerts at once; the opt-out is recorded with what the person was told."""
    subscription.status = Status.UNSUBSCRIBED.value
    subscription.unsubscribed_at = now
    subscription.paused_until = None
    subscription.updated_at = now
    record_consent(session, channel=subscription.channel, address=subscription.address, action="opt_out",
                   source=source.value, wording=wording, at=now)


def end_everything(session: Session, channel: str, address: str, now: datetime) -> int:
    """STOP on SMS, /stop on Telegram: every subscription at this address ends (the adapter records the
    opt-out itself). ``receiving`` already leaves such addresses out; this makes it visible in lists."""
    result: Any = session.execute(update(Subscription).where(
        Subscription.channel == channel, Subscription.address == address,
        Subscription.status != Status.UNSUBSCRIBED.value,
    ).values(status=Status.UNSUBSCRIBED.value, unsubscribed_at=now, paused_until=None, updated_at=now))
    return result.rowcount or 0


# --- who receives ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Audience:
    """Who a campaign is for; an empty part means "anyone" (no topics: every topic, and so on)."""

    topics: tuple[str, ...] = ()
    areas: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipient:
    """One subscription a campaign reaches, with what a message to it may use."""

    subscription_id: int
    channel: str
    address: str
    business_name: str | None
    sector: str | None
    areas: tuple[str, ...]
    max_per_week: int
    sent_this_week: int


def receiving(now: datetime) -> ColumnElement[bool]:
    """The one rule for "may this subscription get alerts now" (the audience and ``is_receiving`` use it)."""
    s = Subscription
    # A pause date still to come holds them back whatever the status says.
    live = and_(or_(s.status == Status.ACTIVE.value, and_(s.status == Status.PAUSED.value, s.paused_until.is_not(None))),
                or_(s.paused_until.is_(None), s.paused_until <= now))
    contact = aliased(Contact)  # its own name, so a query that also joins contacts keeps this EXISTS whole
    stopped = exists().where(contact.channel == s.channel, contact.address == s.address,
                             or_(contact.opted_out_at.is_not(None), contact.unreachable_at.is_not(None)))
    # An opt-out recorded after the confirmation wins even if the contact was later cleared (START
    # lifts the carrier's block, but is no new consent to alerts) or deleted by housekeeping.
    opted_out_since = exists().where(Consent.channel == s.channel, Consent.address == s.address,
                                     Consent.action == "opt_out", Consent.scope.in_(OPT_OUT_SCOPES),
                                     Consent.at > s.confirmed_at)
    return and_(live, s.confirmed_at.is_not(None), ~stopped, ~opted_out_since)


def is_receiving(session: Session, subscription: Subscription, now: datetime) -> bool:
    """Would alerts reach this subscription now (confirmed, not paused, not opted out, reachable)?"""
    session.flush()
    return session.scalar(select(Subscription.id).where(Subscription.id == subscription.id,
                                                        receiving(now))) is not None


def _holds_any(session: Session, column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """The JSON list in ``column`` holds one of ``values`` (an EXISTS over its elements, per dialect)."""
    if session.get_bind().dialect.name == "postgresql":
        elements = func.json_array_elements_text(column).table_valued("value")
    else:
        elements = func.json_each(column).table_valued("value")
    return exists().select_from(elements).where(elements.c.value.in_(sorted(values)))


def _any_or_holds(session: Session, column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """The JSON list in ``column`` is empty (any) or holds one of ``values``."""
    length = func.json_array_length(column)
    return or_(length == 0, _holds_any(session, column, values))


def _among(channel: Any, address: Any, keys: Iterable[tuple[str, str]]) -> ColumnElement[bool]:
    """(channel, address) is one of ``keys``, written so both databases use their (channel, address)
    indexes: one ``address IN (...)`` per channel, not a list of pairs compared row by row."""
    by_channel: dict[str, list[str]] = {}
    for key_channel, key_address in keys:
        by_channel.setdefault(key_channel, []).append(key_address)
    return or_(false(), *(and_(channel == name, address.in_(wanted)) for name, wanted in by_channel.items()))


def cap_window_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Where the weekly cap's week begins: local midnight six days before today (today and the six
    days before, by local date), so a campaign sent at the same time each week always fits a cap of one."""
    first_day = now.astimezone(zone).date() - timedelta(days=CAP_DAYS - 1)
    return datetime.combine(first_day, time(0), tzinfo=zone)


def weekly_counts(now: datetime, zone: ZoneInfo, addresses: Sequence[tuple[str, str]] | None = None, *,
                  exclude_key: str | None = None):  # noqa: ANN201 - a subquery
    """Alert and campaign messages per address queued this week (``cap_window_start``), not cancelled
    or failed: what the weekly cap counts. ``addresses`` narrows it to those (channel, address);
    ``exclude_key`` leaves out one send's own rows (a send resumed after a crash)."""
    o = OutboxMessage
    query = select(o.channel, o.address, func.count().label("sent")).where(
        o.created_at >= cap_window_start(now, zone), o.purpose.in_(CAPPED_PURPOSES), o.status.not_in(NOT_SENT))
    if addresses is not None:
        query = query.where(_among(o.channel, o.address, addresses))
    if exclude_key is not None:
        query = query.where(o.idempotency_key != exclude_key)
    return query.group_by(o.channel, o.address).subquery("week")


def matching(session: Session, audience: Audience, now: datetime) -> ColumnElement[bool]:
    """``receiving`` and the audience's topics, areas, sectors and channels."""
    s = Subscription
    conditions = [receiving(now)]
    if audience.channels:
        conditions.append(s.channel.in_(audience.channels))
    if audience.sectors:
        conditions.append(s.sector.in_(audience.sectors))
    # An empty list on the subscriber's side means "any", as on the campaign's (an import may store one).
    if audience.topics:
        conditions.append(_any_or_holds(session, s.topics, audience.topics))
    reached = reaching(audience.areas)
    if reached is not None:
        conditions.append(_any_or_holds(session, s.areas, reached))
    return and_(*conditions)


def audience_query(session: Session, audience: Audience, now: datetime, *, respect_cap: bool = True,
                   zone: ZoneInfo = LONDON) -> Select:
    """The subscriptions ``audience`` reaches now, one row each, ordered by id (see ``audience``)."""
    s = Subscription
    week = weekly_counts(now, zone)
    sent = func.coalesce(week.c.sent, 0)
    query = (select(s.id, s.channel, s.address, s.business_name, s.sector, s.areas, s.max_per_week,
                    sent.label("sent"))
             .outerjoin(week, and_(week.c.channel == s.channel, week.c.address == s.address))
             .where(matching(session, audience, now)).order_by(s.id))
    return query.where(sent < s.max_per_week) if respect_cap else query


def audience(session: Session, audience: Audience, now: datetime, *, respect_cap: bool = True,
             batch: int = 2000) -> Iterator[Recipient]:
    """Each subscription the campaign reaches, ONCE, streamed in batches (a 100,000-strong audience
    is never all in memory). ``respect_cap`` leaves out those already sent their weekly most."""
    rows = session.execute(audience_query(session, audience, now, respect_cap=respect_cap)
                           .execution_options(yield_per=batch))
    for row in rows:
        yield Recipient(subscription_id=row.id, channel=row.channel, address=row.address,
                        business_name=row.business_name, sector=row.sector, areas=tuple(row.areas or ()),
                        max_per_week=row.max_per_week, sent_this_week=row.sent)


def audience_size(session: Session, audience: Audience, now: datetime, *, respect_cap: bool = True) -> int:
    query = audience_query(session, audience, now, respect_cap=respect_cap).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(query)) or 0


def sent_this_week(session: Session, now: datetime, addresses: Iterable[tuple[str, str]] | None = None, *,
                   zone: ZoneInfo = LONDON, exclude_key: str | None = None) -> dict[tuple[str, str], int]:
    """Alert and campaign messages queued to each (channel, address) this week (``weekly_counts``).

    Without ``addresses``: every address that had any; with them: those, asked in batches.
    """
    if addresses is None:
        week = weekly_counts(now, zone, exclude_key=exclude_key)
        return {(row.channel, row.address): row.sent for row in session.execute(select(week))}
    wanted = list(dict.fromkeys(addresses))
    counts: dict[tuple[str, str], int] = {}
    for start in range(0, len(wanted), _BATCH):
        week = weekly_counts(now, zone, wanted[start:start + _BATCH], exclude_key=exclude_key)
        counts.update({(row.channel, row.address): row.sent for row in session.execute(select(week))})
    return counts


# --- lists of subscribers (``bizwatch subscribers``) ---------------------------------------------------
def has_status(status: Status, now: datetime) -> ColumnElement[bool]:
    """The status as ``effective_status`` sees it: a pause whose date has passed counts as active."""
    s = Subscription
    over = and_(s.status == Status.PAUSED.value, s.paused_until.is_not(None), s.paused_until <= now)
    if status is Status.ACTIVE:
        return or_(s.status == Status.ACTIVE.value, over)
    if status is Status.PAUSED:
        return and_(s.status == Status.PAUSED.value, ~over)
    return s.status == status.value


def listing(session: Session, *, now: datetime, statuses: Sequence[Status] = (), channels: Sequence[str] = (),
            topics: Sequence[str] = (), areas: Sequence[str] = (), sectors: Sequence[str] = ()) -> Select:
    """Subscriptions by status, channel, topic, area (as a campaign reaches it) and sector, by id."""
    s = Subscription
    query = select(s).order_by(s.id)
    if statuses:
        query = query.where(or_(*(has_status(status, now) for status in statuses)))
    if channels:
        query = query.where(s.channel.in_(channels))
    if sectors:
        query = query.where(s.sector.in_(sectors))
    if topics:
        query = query.where(_holds_any(session, s.topics, topics))
    reached = reaching(areas)
    if reached is not None:
        query = query.where(_holds_any(session, s.areas, reached))
    return query


@dataclass(frozen=True)
class Entry:
    """One subscriber to import: the choices, when and how they consented, and where it came from."""

    line: int
    choices: Choices
    consented_at: datetime


class Outcome(str, Enum):
    ADDED = "added"
    ALREADY = "already subscribed"  # left exactly as it is: what they chose with us wins
    OPTED_OUT = "opted out since"  # an opt-out after this consent: importing it would override a STOP


@dataclass(frozen=True)
class Imported:
    entry: Entry
    outcome: Outcome
    since: datetime | None = None  # the opt-out that refused it


def import_entries(session: Session, entries: Sequence[Entry], *, now: datetime, wording: str,
                   dry_run: bool = False) -> list[Imported]:
    """Add subscribers from a list whose consent was collected elsewhere (a paper form, a website).

    They are active at once (the list's owner vouches for the consent, recorded with ``wording``
    and the consent time). Already-subscribed addresses are left as they are; an address that
    opted out after the consent is refused. ``dry_run`` decides the same and writes nothing.
    Addresses must be unique within ``entries``. Asked and written in batches.
    """
    results: list[Imported] = []
    for start in range(0, len(entries), _BATCH):
        batch = entries[start:start + _BATCH]
        keys = [(e.choices.channel, e.choices.address) for e in batch]
        existing = {(s.channel, s.address): s for s in session.scalars(
            select(Subscription).where(_among(Subscription.channel, Subscription.address, keys)))}
        stopped = _last_opt_outs(session, keys)
        added: list[Entry] = []
        for entry in batch:
            key = (entry.choices.channel, entry.choices.address)
            current = existing.get(key)
            if current is not None and current.status in (Status.ACTIVE.value, Status.PAUSED.value):
                results.append(Imported(entry, Outcome.ALREADY))
            elif key in stopped and stopped[key] >= entry.consented_at:
                results.append(Imported(entry, Outcome.OPTED_OUT, stopped[key]))
            else:
                results.append(Imported(entry, Outcome.ADDED))
                added.append(entry)
        if not dry_run:
            _write(session, added, existing, now=now, wording=wording)
    return results


def import_all(sessions: sessionmaker[Session], entries: Sequence[Entry], *, now: datetime, wording: str,
               dry_run: bool = False, done: Callable[[int], None] | None = None) -> list[Imported]:
    """``import_entries`` a thousand at a time, each batch its own short transaction (on SQLite the
    service's turns wait for every writer), calling ``done`` with each batch's size.

    On PostgreSQL the planner's statistics are refreshed as the tables grow (after batches 1, 2, 4,
    8, ... and at the end): planned for the empty tables they started as, the look-ups would scan
    the whole table for every batch, and an audience resolved right after could take minutes.
    """
    results: list[Imported] = []
    analyse = not dry_run and sessions.kw["bind"].dialect.name == "postgresql"
    for number, start in enumerate(range(0, len(entries), IMPORT_BATCH), start=1):
        batch = entries[start:start + IMPORT_BATCH]
        with sessions.begin() as session:
            results += import_entries(session, batch, now=now, wording=wording, dry_run=dry_run)
            if analyse and (number & (number - 1) == 0 or start + IMPORT_BATCH >= len(entries)):
                session.execute(text("ANALYZE subscriptions, consents"))
        if done is not None:
            done(len(batch))
    return results


def _last_opt_outs(session: Session, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], datetime]:
    """The latest opt-out of each address: a STOP or /stop, an opt-out recorded, an unsubscribe."""
    latest: dict[tuple[str, str], datetime] = {}
    opt_outs = select(Consent.channel, Consent.address, func.max(Consent.at)).where(
        _among(Consent.channel, Consent.address, keys), Consent.action == "opt_out",
        Consent.scope.in_(OPT_OUT_SCOPES)).group_by(Consent.channel, Consent.address)
    stops = select(Contact.channel, Contact.address, Contact.opted_out_at).where(
        _among(Contact.channel, Contact.address, keys))
    ends = select(Subscription.channel, Subscription.address, Subscription.unsubscribed_at).where(
        _among(Subscription.channel, Subscription.address, keys))
    for query in (opt_outs, stops, ends):
        for channel, address, at in session.execute(query):
            key = (channel, address)
            if at is not None and (key not in latest or at > latest[key]):
                latest[key] = at
    return latest


def _write(session: Session, entries: Sequence[Entry], existing: dict[tuple[str, str], Subscription], *,
           now: datetime, wording: str) -> None:
    """New rows in two multi-row inserts; an existing one (pending, or stopped before this consent) is
    brought back through ``subscribe``, so every sign-up follows the same rules."""
    new = [e for e in entries if (e.choices.channel, e.choices.address) not in existing]
    for entry in entries:
        if (entry.choices.channel, entry.choices.address) in existing:
            subscribe(session, entry.choices, now=now, wording=wording, source=Source.IMPORT,
                      consented_at=entry.consented_at)
    if not new:
        return
    session.execute(insert(Subscription), [{
        "channel": e.choices.channel, "address": e.choices.address, "contact_id": None,
        "business_name": e.choices.business_name, "topics": list(e.choices.topics), "areas": list(e.choices.areas),
        "sector": e.choices.sector, "max_per_week": e.choices.max_per_week, "status": Status.ACTIVE.value,
        "paused_until": None, "source": Source.IMPORT.value, "confirmed_at": e.consented_at,
        "unsubscribed_at": None, "created_at": now, "updated_at": now} for e in new])
    session.execute(insert(Consent), [{
        "channel": e.choices.channel, "address": e.choices.address, "action": "opt_in", "scope": SCOPE,
        "source": Source.IMPORT.value, "wording": wording, "at": e.consented_at} for e in new])
