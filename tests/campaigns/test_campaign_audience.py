"""Who a campaign reaches at send time: the subscribers who asked for it, once each, and nobody who did not."""

from __future__ import annotations

from datetime import timedelta

from bot.campaigns.audience import AudienceSpec, resolve
from bot.storage.models import Contact, OutboxMessage
from campaign_support import LONDON, local, opt_out, subscribe

NOW = local(2026, 12, 4, 10, 0)


def reached(sessions, spec: AudienceSpec, *, ignore_cap: bool = False, now=NOW) -> set[str]:
    with sessions() as session:
        return {r.address for r in resolve(session, spec, now, LONDON, ignore_cap=ignore_cap).recipients}


def earlier_message(sessions, address: str, when, *, status: str = "delivered", purpose: str = "campaign") -> None:
    with sessions.begin() as session:
        session.add(OutboxMessage(channel="sms", address=address, idempotency_key=f"campaign:0:{when.timestamp()}",
                                  purpose=purpose, body=[], status=status, due_at=when, next_attempt_at=when,
                                  created_at=when, updated_at=when))


def test_only_confirmed_active_reachable_subscribers_are_in_it(sessions):
    subscribe(sessions, "active")
    subscribe(sessions, "never-said-yes", status="pending", confirmed=False)
    subscribe(sessions, "active-but-unconfirmed", confirmed=False)
    subscribe(sessions, "paused", status="paused", paused_until=NOW + timedelta(days=3))
    subscribe(sessions, "pause-over", status="paused", paused_until=NOW - timedelta(hours=1))
    subscribe(sessions, "pause-set-on-active", paused_until=NOW + timedelta(days=1))
    subscribe(sessions, "unsubscribed", status="unsubscribed")
    subscribe(sessions, "said-stop")
    opt_out(sessions, "sms", "said-stop", NOW - timedelta(days=1))
    subscribe(sessions, "blocked-us")
    with sessions.begin() as session:
        session.add(Contact(channel="sms", address="blocked-us", unreachable_at=NOW - timedelta(days=2)))
    assert reached(sessions, AudienceSpec()) == {"active", "pause-over"}


def test_topics_areas_sectors_and_channels_narrow_it_and_an_empty_list_means_any(sessions):
    subscribe(sessions, "ws1-shop", topics=("shop_theft",), areas=("WS1",), sector="retail")
    subscribe(sessions, "ws2-garage", channel="telegram", topics=("making_off_without_payment",), areas=("WS2",),
              sector="forecourt")
    subscribe(sessions, "anywhere-office", topics=("cyber_crime",), areas=(), sector="office")
    subscribe(sessions, "all-topics", topics=(), areas=("WS1",), sector=None)
    spec = AudienceSpec.build
    assert reached(sessions, spec(areas=["ws1"])) == {"ws1-shop", "anywhere-office", "all-topics"}
    assert reached(sessions, spec(topics=["shop_theft"])) == {"ws1-shop", "all-topics"}
    assert reached(sessions, spec(sectors=["forecourt", "office"])) == {"ws2-garage", "anywhere-office"}
    assert reached(sessions, spec(channels=["telegram"])) == {"ws2-garage"}
    assert reached(sessions, spec(topics=["cyber_crime"], areas=["WS2"])) == {"anywhere-office"}


def test_a_subscriber_matching_two_ways_gets_one_message_naming_a_shared_area(sessions):
    subscribe(sessions, "both", topics=("shop_theft", "seasonal"), areas=("WS2", "WS1"), business_name="Corner Shop")
    with sessions() as session:
        audience = resolve(session, AudienceSpec.build(topics=["seasonal", "shop_theft"], areas=["WS1", "WS2"]),
                           NOW, LONDON)
    assert [(r.address, r.business_name, r.area) for r in audience.recipients] == [("both", "Corner Shop", "WS1")]


def test_the_weekly_cap_counts_the_last_seven_local_days_and_not_cancelled_messages(sessions):
    subscribe(sessions, "one-a-week", max_per_week=1)
    subscribe(sessions, "two-a-week", max_per_week=2)
    # Friday 4 December: last Friday's message (7 days ago) is outside the week; Saturday's is inside.
    earlier_message(sessions, "one-a-week", local(2026, 11, 27, 10, 0, 30))
    assert reached(sessions, AudienceSpec()) == {"one-a-week", "two-a-week"}
    earlier_message(sessions, "one-a-week", local(2026, 11, 28, 0, 1), status="cancelled")  # never sent: not counted
    earlier_message(sessions, "two-a-week", local(2026, 11, 28, 0, 1), purpose="alert")
    assert reached(sessions, AudienceSpec()) == {"one-a-week", "two-a-week"}
    earlier_message(sessions, "two-a-week", local(2026, 12, 3, 21, 0))
    earlier_message(sessions, "one-a-week", local(2026, 12, 3, 21, 0), purpose="reply")  # their own chat: not counted
    with sessions() as session:
        audience = resolve(session, AudienceSpec(), NOW, LONDON)
    assert ({r.address for r in audience.recipients}, audience.capped, audience.matched) == ({"one-a-week"}, 1, 2)
    # An urgent alert is what they signed up for: caps do not hold it back.
    assert reached(sessions, AudienceSpec(), ignore_cap=True) == {"one-a-week", "two-a-week"}


def test_codes_are_read_as_a_lead_types_them_and_unknown_ones_are_explained():
    spec = AudienceSpec.build(topics=["Shop Theft, seasonal"], areas=["ws1", "WS1 1QL", " b1 "],
                              sectors=["Retail"], channels=["SMS", "sms"])
    assert spec == AudienceSpec(("shop_theft", "seasonal"), ("WS1", "B1"), ("retail",), ("sms",))
    assert spec.problems() == []
    bad = AudienceSpec.build(topics=["shoplifting"], areas=["Narnia"], sectors=["shops"], channels=["email"])
    problems = bad.problems()
    assert len(problems) == 4
    assert problems[0].startswith("unknown topic 'shoplifting' (topics: shop_theft,")
    assert any(p.startswith("'NARNIA' is not a postcode district such as WS1, nor a named area") for p in problems)
    assert AudienceSpec.build(areas=["Walsall"]).problems() == []  # a named area (advice_content/areas.yml)
