"""SQLAlchemy 2 models: conversations, processed messages, contacts and crime reports.

Dialogue state is a row here (keyed by channel and address) so any process can take any turn
and a restart loses nothing. A report exists as a ``draft`` row from its first answer, so an
abandoned report is kept (until ``draft_retention_days``) and every answer is saved at once.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Index, Integer, MetaData, Numeric, String, Text, UniqueConstraint
from sqlalchemy import Column, Table, event, inspect  # the impact statements block
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.storage.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Conversation(Base):
    """Where one person (channel + address) is in which flow, and the flow's working data."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_conversations_channel_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    flow: Mapped[str | None] = mapped_column(String(32))
    step: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_active_at: Mapped[datetime] = mapped_column(default=utcnow)


class Contact(Base):
    """A person we talk to, with what they asked us to remember for next time."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contacts_channel_address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_contact: Mapped[str | None] = mapped_column(String(16))
    business_name: Mapped[str | None] = mapped_column(String(200))
    business_address: Mapped[str | None] = mapped_column(Text)
    business_postcode: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str | None] = mapped_column(String(20))
    # Nothing is sent to an address that opted out (STOP) or cannot be reached (the bot was blocked).
    opted_out_at: Mapped[datetime | None]
    unreachable_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Report(Base):
    """A business crime report: a draft while being told, then submitted with a reference."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str | None] = mapped_column(String(16), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    channel: Mapped[str] = mapped_column(String(32))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    crime_type: Mapped[str | None] = mapped_column(String(40))
    occurred_at: Mapped[datetime | None]
    occurred_time_known: Mapped[bool | None] = mapped_column(Boolean)
    # A vague time ("this morning") is a window from occurred_at to occurred_until, not an exact moment.
    occurred_until: Mapped[datetime | None]
    business_name: Mapped[str | None] = mapped_column(String(200))
    business_address: Mapped[str | None] = mapped_column(Text)
    business_postcode: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str | None] = mapped_column(Text)
    value_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    offenders: Mapped[list[Any]] = mapped_column(default=list)
    vehicle_registrations: Mapped[list[Any]] = mapped_column(default=list)
    injuries: Mapped[str | None] = mapped_column(Text)
    witnesses: Mapped[str | None] = mapped_column(Text)
    cctv_available: Mapped[bool | None] = mapped_column(Boolean)
    cctv_shows_face: Mapped[bool | None] = mapped_column(Boolean)
    cctv_clock_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    cctv_overwrite_days: Mapped[int | None] = mapped_column(Integer)
    cctv_status: Mapped[str] = mapped_column(String(16), default="none")
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_role: Mapped[str | None] = mapped_column(String(200))
    reporter_phone: Mapped[str | None] = mapped_column(String(32))
    reporter_email: Mapped[str | None] = mapped_column(String(254))
    preferred_contact: Mapped[str | None] = mapped_column(String(16))
    willing_to_give_statement: Mapped[bool | None] = mapped_column(Boolean)
    willing_to_attend_court: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)
    submitted_at: Mapped[datetime | None]

    items: Mapped[list[ReportItem]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportItem.id"
    )
    attachments: Mapped[list[ReportAttachment]] = relationship(
        back_populates="report", cascade="all, delete-orphan", order_by="ReportAttachment.id"
    )
    # Issue 10 (status): the police status history, oldest first (ReportStatusChange, at the end of this file).
    status_changes: Mapped[list[ReportStatusChange]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReportStatusChange.seq"
    )
    # Issue 10 (cctv): the CCTV status history, in the order the changes were made (CctvStatusChange).
    cctv_changes: Mapped[list[CctvStatusChange]] = relationship(
        back_populates="report", cascade="all, delete-orphan", passive_deletes=True, order_by="CctvStatusChange.id"
    )


class ReportItem(Base):
    """One thing taken or damaged, with its quantity and value when known."""

    __tablename__ = "report_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    description: Mapped[str] = mapped_column(Text)
    quantity: Mapped[int | None] = mapped_column(Integer)
    value_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))

    report: Mapped[Report] = relationship(back_populates="items")


class ReportAttachment(Base):
    """Evidence handed over with a report: a CCTV link or a photo the channel delivered."""

    __tablename__ = "report_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    provider: Mapped[str | None] = mapped_column(String(40))
    file_id: Mapped[str | None] = mapped_column(String(255))
    content_type: Mapped[str | None] = mapped_column(String(100))
    # A file kept in the evidence store: its key there, its size and its SHA-256 (for exhibits).
    storage_key: Mapped[str | None] = mapped_column(String(64))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="attachments")


Index("ix_conversations_last_active_at", Conversation.last_active_at)


class Lease(Base):
    """A named job only one process may do at a time (running the scheduler), held until ``expires_at``.

    Works the same on SQLite and PostgreSQL: whoever updates the row while it is free or their own
    holds it; a holder that dies simply stops renewing and another process takes over.
    """

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]


class SigningKey(Base):
    """A secret made on first use (the chat cookie's signing key), shared by every process."""

    __tablename__ = "signing_keys"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Heartbeat(Base):
    """The last time a process proved it could write (``/healthz`` commits one here)."""

    __tablename__ = "heartbeats"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    beat_at: Mapped[datetime]


class OutboxMessage(Base):
    """One logical message to send (a turn's replies, a reminder, an alert), written in the same
    transaction as the change that causes it.

    ``(channel, address, idempotency_key)`` is unique, so the same logical message is never queued
    twice for one person; a turn's reply row (key ``turn:<inbound message id>``) is also the record
    that the inbound message was handled, so a redelivered message gets this row's body again.
    ``body`` is a list of channel-neutral messages; a channel renders each into one or more parts,
    and ``parts_sent`` makes sure a retry never sends a part twice. Status only moves forward.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("channel", "address", "idempotency_key", name="uq_outbox_channel_address_idempotency_key"),
        Index("ix_outbox_due", "status", "next_attempt_at"),
        # How sender workers find the next rows of a channel (bot.delivery.claim): in order, without a sort.
        Index("ix_outbox_claim", "channel", "status", "urgent", "next_attempt_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    idempotency_key: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20))
    body: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    provider_ids: Mapped[list[Any]] = mapped_column(default=list)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    error_code: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(String(300))
    hold_reason: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]


class DeliveryEvent(Base):
    """One thing that happened to an outbox message: a send attempt or a provider's status report."""

    __tablename__ = "delivery_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # attempt | status
    status: Mapped[str] = mapped_column(String(16))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    error_code: Mapped[str | None] = mapped_column(String(40))
    detail: Mapped[str | None] = mapped_column(String(300))


class Consent(Base):
    """A record of someone opting in or out (PECR: when, how, what for, and the words they saw)."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_channel_address", "channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(16))  # opt_in | opt_out
    scope: Mapped[str] = mapped_column(String(32))  # all | alerts | ...
    source: Mapped[str] = mapped_column(String(40))  # sms_keyword, telegram_command, conversation, import
    wording: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Subscription(Base):
    """Someone who asked for crime alerts and prevention advice: where, about what, and how often.

    One per (channel, address). ``status`` is pending until confirmed (SMS needs a YES reply: double
    opt-in), then active, paused (until ``paused_until``) or unsubscribed; every change of consent is
    also a ``consents`` row with the wording shown.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_subscriptions_channel_address"),
                      Index("ix_subscriptions_status", "status"))

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    address: Mapped[str] = mapped_column(String(255))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    business_name: Mapped[str | None] = mapped_column(String(200))
    topics: Mapped[list[Any]] = mapped_column(default=list)  # crime type codes, "seasonal", "general"
    areas: Mapped[list[Any]] = mapped_column(default=list)  # postcode districts ("WS1") or named areas
    sector: Mapped[str | None] = mapped_column(String(20))
    max_per_week: Mapped[int] = mapped_column(Integer, default=2)
    status: Mapped[str] = mapped_column(String(16))  # pending | active | paused | unsubscribed
    paused_until: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(40))  # conversation | import
    confirmed_at: Mapped[datetime | None]
    unsubscribed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- Issue 10: report status and updates ----------------------------------------------------------------------


class ReportStatusChange(Base):
    """One step in what the police did with a report (received, under review, crime reference issued ...).

    ``Report.status`` stays draft/submitted (the reporting conversation's own lifecycle); where the
    police are with it is the latest row here, so the history and the current status can never
    disagree. ``seq`` numbers a report's changes 1, 2, 3 and is unique per report: two officers
    changing the same report at once cannot both write change 2, and the message telling the
    reporter is keyed by it (``report:<report id>:status:<seq>``) so one change is told at most once.
    """

    __tablename__ = "report_status_changes"
    __table_args__ = (UniqueConstraint("report_id", "seq", name="uq_report_status_changes_report_id_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)
    crime_number: Mapped[str | None] = mapped_column(String(40))
    officer: Mapped[str | None] = mapped_column(String(100))
    outcome: Mapped[str | None] = mapped_column(String(32))
    changed_by: Mapped[str] = mapped_column(String(100))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    # How the reporter heard of it: "message" (an outbox row, key and due time below), "in_chat" (the
    # reply that gave the reference), or "not_told" with the reason (no contact, opted out, unreachable).
    told: Mapped[str] = mapped_column(String(16))
    not_told_reason: Mapped[str | None] = mapped_column(String(32))
    notice_key: Mapped[str | None] = mapped_column(String(200))
    notice_due_at: Mapped[datetime | None]

    report: Mapped[Report] = relationship(back_populates="status_changes")


# --- Impact statements (issue 10: the statements branch) -------------------------------------------------------
# An Impact Statement for Business (Victims' Code): made through a named point of contact, in four sections
# (DOMAIN.md), declared true with a typed name and date. Once declared it never changes; later additions are
# supplementary statements (rows whose ``supplements_id`` is the original's), each with its own declaration.

impact_statement_reports = Table(
    "impact_statement_reports",
    Base.metadata,
    Column("statement_id", ForeignKey("impact_statements.id", ondelete="CASCADE"), primary_key=True),
    Column("report_id", ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ImmutableStatement(RuntimeError):
    """A declared statement was about to be changed or deleted: add a supplementary statement instead."""


class ImpactStatement(Base):
    """One Impact Statement for Business, or a supplementary statement to one.

    ``report_id`` is the report it was made from; ``covered`` lists the other reports it speaks
    for (several reports, or the same offender again and again). A section's text is ``None``
    when not stated and ``""`` when the business said it had none; amounts are in pounds.
    """

    __tablename__ = "impact_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    supplements_id: Mapped[int | None] = mapped_column(ForeignKey("impact_statements.id", ondelete="CASCADE"),
                                                       index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | declared
    business_name: Mapped[str | None] = mapped_column(String(200))
    business_address: Mapped[str | None] = mapped_column(Text)
    business_postcode: Mapped[str | None] = mapped_column(String(10))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_role: Mapped[str | None] = mapped_column(String(200))
    authorised: Mapped[bool | None] = mapped_column(Boolean)
    covers: Mapped[str | None] = mapped_column(String(16))  # this_report | several_reports | repeat_offender
    repeat_offending: Mapped[str | None] = mapped_column(Text)
    sites: Mapped[str | None] = mapped_column(String(16))  # one | several | whole
    sites_detail: Mapped[str | None] = mapped_column(Text)
    financial_text: Mapped[str | None] = mapped_column(Text)
    financial_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    damage_text: Mapped[str | None] = mapped_column(Text)
    damage_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    indirect_text: Mapped[str | None] = mapped_column(Text)
    indirect_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    non_financial_text: Mapped[str | None] = mapped_column(Text)
    addition_text: Mapped[str | None] = mapped_column(Text)  # a supplementary statement's words
    addition_gbp: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    read_aloud: Mapped[bool | None] = mapped_column(Boolean)
    read_aloud_by: Mapped[str | None] = mapped_column(String(200))
    declared_name: Mapped[str | None] = mapped_column(String(200))
    declared_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    report: Mapped[Report | None] = relationship(foreign_keys=[report_id])
    covered: Mapped[list[Report]] = relationship(secondary=impact_statement_reports, order_by=Report.id)
    original: Mapped[ImpactStatement | None] = relationship(remote_side=[id], foreign_keys=[supplements_id])


def _was_declared(statement: ImpactStatement) -> bool:
    history = inspect(statement).attrs.status.history
    before = [*history.deleted, *history.unchanged]
    return "declared" in before


@event.listens_for(ImpactStatement, "before_update")
def _declared_statements_never_change(mapper: object, connection: object, statement: ImpactStatement) -> None:
    """The Victims' Code: once made, an ISB cannot be changed (ORM writes only; nothing else writes here)."""
    if _was_declared(statement):
        raise ImmutableStatement("a declared impact statement cannot be changed; add a supplementary statement")


@event.listens_for(ImpactStatement, "before_delete")
def _declared_statements_are_kept(mapper: object, connection: object, statement: ImpactStatement) -> None:
    if _was_declared(statement):
        raise ImmutableStatement("a declared impact statement cannot be deleted")


# --- CCTV chase and upload links (issue 10, cctv) ----------------------------------------------------


class CctvStatusChange(Base):
    """One change of a report's CCTV status (none, pending, provided, declined, overwritten, not needed), with when
    and why, so the officer sees when footage was promised, arrived, was refused or was lost.

    ``reports.cctv_status`` holds the current one; this is its history, written in the same transaction.
    """

    __tablename__ = "cctv_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(120))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[Report] = relationship(back_populates="cctv_changes")


class UploadLink(Base):
    """A link to the upload page for one report: works once (``used_at``), until ``expires_at``.

    The link carries ``token_id`` signed with the service's key; the row is what makes it single-use
    and lets it expire whatever the settings say later.
    """

    __tablename__ = "upload_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Campaign(Base):
    """A message a coordinator sends to subscribers: a seasonal campaign or an alert (``kind``).

    The texts are Jinja2 templates (rendered in a sandbox per recipient); the audience is four lists
    (empty means anyone); the schedule is an RFC 5545 rule in local wall time (``DTSTART`` +
    ``RRULE``; a one-off is a rule with ``COUNT=1``), its sends each a ``CampaignOccurrence`` row.
    ``version`` goes up with every edit, so an approval is always of the text that will be sent.
    """

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # campaign | alert
    name: Mapped[str] = mapped_column(String(120))
    preset: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)  # draft ... sent | cancelled
    priority: Mapped[str] = mapped_column(String(16))  # normal | urgent
    version: Mapped[int] = mapped_column(Integer, default=1)
    sms_template: Mapped[str] = mapped_column(Text, default="")
    chat_template: Mapped[str] = mapped_column(Text, default="")
    articles: Mapped[list[Any]] = mapped_column(default=list)  # advice article ids
    topics: Mapped[list[Any]] = mapped_column(default=list)
    areas: Mapped[list[Any]] = mapped_column(default=list)
    sectors: Mapped[list[Any]] = mapped_column(default=list)
    channels: Mapped[list[Any]] = mapped_column(default=list)
    schedule_rule: Mapped[str] = mapped_column(Text)
    spread_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignEvent(Base):
    """Who did what to a campaign and when (created, edited, submitted, approved, scheduled, sending, sent,
    missed, cancelled), with the status before and after: the campaign's audit trail."""

    __tablename__ = "campaign_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(300))


class CampaignOccurrence(Base):
    """One send of a campaign at one time. The scheduler only wakes these rows up: a pending one due now
    is sent (its outbox rows keyed by campaign, occurrence and recipient), one found too late is marked
    missed, and one whose sender died part-way (``lease_until`` passed) is finished by the next wake."""

    __tablename__ = "campaign_occurrences"
    __table_args__ = (UniqueConstraint("campaign_id", "due_at", name="uq_campaign_occurrences_campaign_id_due_at"),
                      Index("ix_campaign_occurrences_status_due_at", "status", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # pending | sending | sent | missed | cancelled
    version: Mapped[int | None] = mapped_column(Integer)  # the campaign version sent
    lease_until: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    audience: Mapped[int | None] = mapped_column(Integer)  # subscribers matching at send time
    capped: Mapped[int | None] = mapped_column(Integer)  # of those, left out by their weekly cap
    queued: Mapped[int | None] = mapped_column(Integer)  # outbox rows written
    note: Mapped[str | None] = mapped_column(String(300))
