"""Small factories for the alerts tests: subscribers as the service makes them, and messages sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.campaigns import subscriptions as subs
from bot.delivery.outbox import Purpose, queue
from bot.messages import Outbound
from bot.storage.models import Consent, Subscription


def subscriber(session: Session, address: str, now: datetime, *, channel: str = "sms",
               topics: tuple[str, ...] = ("shop_theft",), areas: tuple[str, ...] = ("WS1",),
               sector: str | None = "retail", cap: int = 2) -> Subscription:
    """An active, confirmed subscriber (as an import makes one)."""
    return subs.subscribe(session, subs.Choices(channel, address, topics, areas, sector, cap), now=now,
                          wording="test consent", source=subs.Source.IMPORT)


def sent(session: Session, subscription: Subscription, now: datetime, key: str,
         purpose: Purpose = Purpose.CAMPAIGN) -> None:
    """A message queued to the subscriber at ``now``."""
    queue(session, channel=subscription.channel, address=subscription.address, key=key, purpose=purpose,
          messages=[Outbound("Crime alert")], now=now)


def consents(session: Session, address: str) -> list[Consent]:
    return list(session.scalars(select(Consent).where(Consent.address == address).order_by(Consent.id)))


def subscription(session: Session, channel: str, address: str) -> Subscription | None:
    return session.scalars(select(Subscription).where(Subscription.channel == channel,
                                                      Subscription.address == address)).one_or_none()
