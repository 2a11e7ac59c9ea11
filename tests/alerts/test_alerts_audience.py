"""Who a campaign reaches: each subscriber once, only those who may get alerts now, within their weekly cap."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts_support import sent, subscriber
from bot.campaigns import subscriptions as subs
from bot.campaigns.subscriptions import Audience
from bot.delivery.outbox import Purpose
from bot.storage.models import Consent, Contact, OutboxMessage
from conftest import START

NOW = START
WS1_SHOPS = Audience(topics=("shop_theft", "fraud"), areas=("WS1", "walsall"))


def addresses(session, audience: Audience, **kwargs) -> list[str]:
    return [r.address for r in subs.audience(session, audience, NOW, **kwargs)]


def test_a_subscriber_in_two_matching_groups_is_one_recipient(sessions):
    with sessions.begin() as session:
        both = subscriber(session, "+447700900001", NOW, topics=("shop_theft", "fraud"), areas=("WS1", "walsall"))
        subscriber(session, "+447700900002", NOW, topics=("fraud",), areas=("walsall",))
        subscriber(session, "+447700900003", NOW, topics=("burglary",), areas=("WS1",))  # other topic
        subscriber(session, "+447700900004", NOW, topics=("shop_theft",), areas=("B1",))  # elsewhere
        [first, second] = list(subs.audience(session, WS1_SHOPS, NOW))
        assert (first.subscription_id, first.address) == (both.id, "+447700900001")
        assert first.areas == ("WS1", "walsall") and first.sent_this_week == 0
        assert second.address == "+447700900002"
        assert subs.audience_size(session, WS1_SHOPS, NOW) == 2


def test_districts_and_named_areas_reach_each_other_and_anywhere_reaches_all(sessions):
    with sessions.begin() as session:
        subscriber(session, "+447700900001", NOW, areas=("walsall",))
        subscriber(session, "+447700900002", NOW, areas=("WS3",))
        subscriber(session, "+447700900003", NOW, areas=("all",))
        subscriber(session, "+447700900004", NOW, areas=("ST1",))
        assert addresses(session, Audience(areas=("WS1",))) == ["+447700900001", "+447700900003"]
        assert addresses(session, Audience(areas=("walsall",))) == ["+447700900001", "+447700900002",
                                                                    "+447700900003"]
        assert len(addresses(session, Audience())) == 4


def test_sectors_and_channels_narrow_the_audience(sessions):
    with sessions.begin() as session:
        subscriber(session, "+447700900001", NOW, sector="retail")
        subscriber(session, "+447700900002", NOW, sector="forecourt")
        subscriber(session, "+447700900003", NOW, sector=None)
        subscriber(session, "123456", NOW, channel="telegram", sector="forecourt")
        assert addresses(session, Audience(sectors=("forecourt",))) == ["+447700900002", "123456"]
        assert addresses(session, Audience(sectors=("forecourt",), channels=("sms",))) == ["+447700900002"]


def test_only_confirmed_subscribers_who_may_get_alerts_now_are_reached(sessions):
    with sessions.begin() as session:
        for number in range(1, 9):
            subscriber(session, f"+44770090000{number}", NOW)
        pending = subs.subscribe(session, subs.Choices("sms", "+447700900009", ("shop_theft",), ("WS1",), None, 2),
                                 now=NOW, wording="asked in chat")
        assert pending.status == "pending"
        paused, pause_over, unsubscribed, opted_out, unreachable, stopped, restarted, _ = (
            subs.find(session, "sms", f"+44770090000{n}") for n in range(1, 9))
        subs.pause(paused, until=NOW + timedelta(days=14), now=NOW)
        subs.pause(pause_over, until=NOW - timedelta(hours=1), now=NOW - timedelta(days=7))
        subs.unsubscribe(session, unsubscribed, now=NOW, wording="stopped")
        session.add(Contact(channel="sms", address=opted_out.address, opted_out_at=NOW))
        session.add(Contact(channel="sms", address=unreachable.address, unreachable_at=NOW))
        # STOP then START: the carrier's block is lifted, but that is no new consent to alerts.
        for address in (stopped.address, restarted.address):
            session.add(Consent(channel="sms", address=address, action="opt_out", scope="all",
                                source="sms_keyword", at=NOW + timedelta(minutes=1)))
        subs.confirm(session, restarted, now=NOW + timedelta(minutes=2), wording="YES again")
        session.flush()
        reached = addresses(session, Audience())
        assert reached == [pause_over.address, restarted.address, "+447700900008"]
        later = NOW + timedelta(minutes=5)
        assert [subs.is_receiving(session, s, later) for s in (paused, pause_over, pending, stopped)] == \
            [False, True, False, False]


def test_the_weekly_cap_counts_alerts_and_campaigns_of_the_last_seven_days(sessions):
    with sessions.begin() as session:
        busy = subscriber(session, "+447700900001", NOW, cap=2)
        quiet = subscriber(session, "+447700900002", NOW, cap=2)
        sent(session, busy, NOW - timedelta(days=1), "c1", Purpose.CAMPAIGN)
        sent(session, busy, NOW - timedelta(days=3), "a1", Purpose.ALERT)
        sent(session, quiet, NOW - timedelta(days=8), "old", Purpose.CAMPAIGN)  # more than a week ago
        sent(session, quiet, NOW - timedelta(days=1), "reply", Purpose.REPLY)  # a conversation, not an alert
        sent(session, quiet, NOW - timedelta(days=1), "gone", Purpose.ALERT)
        session.query(OutboxMessage).filter(OutboxMessage.idempotency_key == "gone").update({"status": "cancelled"})
        assert subs.sent_this_week(session, NOW) == {("sms", "+447700900001"): 2}
        assert subs.sent_this_week(session, NOW, [("sms", quiet.address), ("sms", busy.address)]) == \
            {("sms", busy.address): 2}
        assert addresses(session, Audience()) == [quiet.address]
        [busy_row, quiet_row] = list(subs.audience(session, Audience(), NOW, respect_cap=False))
        assert (busy_row.sent_this_week, quiet_row.sent_this_week) == (2, 0)
        assert subs.audience_size(session, Audience(), NOW, respect_cap=False) == 2


def test_stop_on_the_channel_ends_every_subscription_at_that_address(sessions):
    with sessions.begin() as session:
        kept = subscriber(session, "+447700900001", NOW)
        ended = subscriber(session, "+447700900002", NOW)
        assert subs.end_everything(session, "sms", ended.address, NOW) == 1
        session.refresh(ended)
        assert ended.status == "unsubscribed" and kept.status == "active"
        assert addresses(session, Audience()) == [kept.address]


@pytest.mark.parametrize("typed, number", [("07700 900123", "+447700900123"), ("+44 7700 900123", "+447700900123"),
                                           ("0121 496 0000", None), ("07700 9001", None), ("hello", None)])
def test_alerts_by_text_go_only_to_uk_mobiles(typed, number):
    assert subs.uk_mobile(typed) == number
