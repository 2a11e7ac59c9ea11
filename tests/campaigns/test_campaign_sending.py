"""Sends: on time, late within the grace or recorded as missed, never twice, finished after a crash, stopped by
a cancellation, spread over a window, and quiet hours kept (or broken, for urgent alerts)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.campaigns import fanout, lifecycle
from bot.campaigns.alerts import alert_draft, send_alert
from bot.campaigns.audience import AudienceSpec
from bot.delivery.outbox import proactive_row as outbox_row, queue_many
from bot.campaigns.wake import _claim, send_due
from bot.delivery.outbox import Purpose, queue
from bot.messages import Outbound
from bot.storage.models import Campaign, CampaignEvent, CampaignOccurrence, OutboxMessage
from campaign_support import local, messages, rules_for, scheduled_campaign, simple_draft, subscribe
from conftest import Clock

NOW = local(2026, 11, 30, 9, 0)
FRIDAY = local(2026, 12, 4, 10, 0)


@pytest.fixture
def rules(settings):
    return rules_for(settings)


def some_subscribers(sessions, count: int = 3) -> list[str]:
    addresses = [f"+4477009001{n:02d}" for n in range(count)]
    for address in addresses:
        subscribe(sessions, address)
    return addresses


def test_a_send_goes_at_its_time_once_however_often_the_scheduler_wakes(sessions, rules):
    some_subscribers(sessions)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    assert send_due(sessions, rules, Clock(FRIDAY - timedelta(seconds=1))) == []
    [outcome] = send_due(sessions, rules, Clock(FRIDAY))
    assert (outcome.status, outcome.audience, outcome.queued) == ("sent", 3, 3)
    assert send_due(sessions, rules, Clock(FRIDAY + timedelta(minutes=1))) == []
    rows = messages(sessions, campaign_id)
    assert len(rows) == 3 and {r.idempotency_key for r in rows} == {f"campaign:{campaign_id}:{outcome.occurrence_id}"}
    assert all(r.purpose == "campaign" and r.status == "queued" and r.due_at == FRIDAY for r in rows)


def test_a_send_missed_while_down_goes_late_within_the_grace(sessions, rules):
    some_subscribers(sessions)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    [outcome] = send_due(sessions, rules, Clock(FRIDAY + timedelta(minutes=59)))
    assert outcome.status == "sent"
    assert {r.due_at for r in messages(sessions, campaign_id)} == {FRIDAY + timedelta(minutes=59)}


def test_a_send_found_after_the_grace_is_recorded_as_missed_never_dropped_silently(sessions, rules, caplog):
    some_subscribers(sessions)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    with caplog.at_level(logging.WARNING, logger="bot.campaigns.wake"):
        [outcome] = send_due(sessions, rules, Clock(FRIDAY + timedelta(minutes=61)))
    assert outcome.status == "missed" and "not running within 60 minutes" in outcome.note
    assert messages(sessions, campaign_id) == []
    assert f"campaign {campaign_id}: send {outcome.occurrence_id} missed" in caplog.text and "+44" not in caplog.text
    with sessions() as session:
        assert session.get(CampaignOccurrence, outcome.occurrence_id).status == "missed"
        event = session.scalars(select(CampaignEvent).where(CampaignEvent.action == "missed")).one()
        assert event.by == "scheduler" and "2026-12-04 10:00 UTC missed" in event.note
        assert session.get(Campaign, campaign_id).status == "sent"  # nothing left to send


def test_two_processes_never_both_take_a_send(sessions, rules):
    some_subscribers(sessions)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    with sessions() as session:
        occurrence_id = session.scalar(select(CampaignOccurrence.id).where(CampaignOccurrence.campaign_id == campaign_id))
    assert _claim(sessions, occurrence_id, rules, FRIDAY) is not None
    assert _claim(sessions, occurrence_id, rules, FRIDAY) is None


def test_a_send_whose_process_died_part_way_is_finished_by_the_next_wake_with_nobody_twice(
        sessions, rules, monkeypatch):
    addresses = some_subscribers(sessions, 5)
    subscribe(sessions, "+447700900999", max_per_week=1)  # queued before the crash; must not count as capped
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    monkeypatch.setattr(fanout, "BATCH", 2)
    calls = []

    def crash_on_the_second_batch(session, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise RuntimeError("the process was killed")
        return queue_many(session, rows)

    monkeypatch.setattr(fanout, "queue_many", crash_on_the_second_batch)
    with pytest.raises(RuntimeError):
        send_due(sessions, rules, Clock(FRIDAY))
    assert len(messages(sessions, campaign_id)) == 2
    # A minute later the lease still holds (it may be sending elsewhere); once it runs out, the send is finished.
    assert send_due(sessions, rules, Clock(FRIDAY + timedelta(minutes=1))) == []
    [outcome] = send_due(sessions, rules, Clock(FRIDAY + fanout.LEASE + timedelta(seconds=1)))
    assert (outcome.status, outcome.audience, outcome.capped, outcome.queued) == ("sent", 6, 0, 6)
    rows = messages(sessions, campaign_id)
    assert sorted(r.address for r in rows) == sorted(addresses + ["+447700900999"])
    assert {r.due_at for r in rows} == {FRIDAY}  # the window starts when the send first started


def test_a_send_stops_between_batches_when_cancelled(sessions, rules, monkeypatch):
    some_subscribers(sessions, 5)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    monkeypatch.setattr(fanout, "BATCH", 2)
    real_renew = fanout._renew

    def cancel_after_the_first_batch(session, occurrence_id, until):
        if len(messages(sessions, campaign_id)) == 2:
            with sessions.begin() as other:
                lifecycle.cancel(other, other.get(Campaign, campaign_id), "Sam", FRIDAY)
        return real_renew(session, occurrence_id, until)

    monkeypatch.setattr(fanout, "_renew", cancel_after_the_first_batch)
    [outcome] = send_due(sessions, rules, Clock(FRIDAY))
    assert outcome.status == "cancelled"
    assert [r.status for r in messages(sessions, campaign_id)] == ["cancelled", "cancelled"]


def test_a_window_spreads_the_messages_and_quiet_hours_hold_the_late_ones_until_eight(sessions, rules):
    some_subscribers(sessions, 4)
    draft = simple_draft(at=datetime(2026, 12, 4, 20, 30), spread=60)
    campaign_id = scheduled_campaign(sessions, rules, draft, NOW)
    send_due(sessions, rules, Clock(local(2026, 12, 4, 20, 30)))
    assert [r.due_at for r in messages(sessions, campaign_id)] == [
        local(2026, 12, 4, 20, 30), local(2026, 12, 4, 20, 45), local(2026, 12, 5, 8, 0), local(2026, 12, 5, 8, 0)]


def test_an_urgent_alert_goes_at_once_at_night_past_caps_and_a_normal_one_waits(sessions, rules):
    subscribe(sessions, "+447700900001", max_per_week=1, areas=("WS1",))
    subscribe(sessions, "+447700900002", areas=("WS2",))
    with sessions.begin() as session:  # the first subscriber has had their one message this week
        queue(session, channel="sms", address="+447700900001", key="campaign:0:1", purpose=Purpose.CAMPAIGN,
              messages=[Outbound("earlier")], now=local(2026, 12, 7, 10))
    night = Clock(local(2026, 12, 8, 23, 15))
    audience = AudienceSpec.build(areas=["WS1"])
    urgent = alert_draft(text="A distraction-theft pair is working WS1 shops now. Call 999 if they are with you.",
                         chat_text=None, audience=audience, urgent=True, now=night(), rules=rules)
    alert_id, [outcome] = send_alert(sessions, urgent, by="Sam", approved_by="Alex", rules=rules,
                                     single_approver=False, clock=night)
    [row] = messages(sessions, alert_id)
    assert (outcome.queued, row.address, row.purpose, row.urgent) == (1, "+447700900001", "alert", True)
    assert row.created_at == row.due_at == night()  # approved, queued and due in the same minute
    with sessions() as session:
        occurrence = session.scalars(select(CampaignOccurrence).where(CampaignOccurrence.campaign_id == alert_id)).one()
        assert occurrence.started_at == occurrence.finished_at == night() and occurrence.status == "sent"
        assert session.get(Campaign, alert_id).status == "sent"
    normal = alert_draft(text="Shoplifting is up in WS2 this week.", chat_text=None,
                         audience=AudienceSpec.build(areas=["WS2"]), urgent=False, now=night(), rules=rules)
    normal_id, _ = send_alert(sessions, normal, by="Sam", approved_by="Alex", rules=rules, single_approver=False,
                              clock=night)
    [waiting] = messages(sessions, normal_id)
    assert (waiting.urgent, waiting.due_at) == (False, local(2026, 12, 9, 8, 0))


def test_an_alert_without_a_second_person_saves_and_sends_nothing(sessions, rules):
    subscribe(sessions, "+447700900001")
    clock = Clock(local(2026, 12, 8, 12))
    draft = alert_draft(text="Watch for a stolen card being used in WS1.", chat_text=None,
                        audience=AudienceSpec.build(areas=["WS1"]), urgent=True, now=clock(), rules=rules)
    with pytest.raises(lifecycle.NotAllowed):
        send_alert(sessions, draft, by="Sam", approved_by=None, rules=rules, single_approver=False, clock=clock)
    with sessions() as session:
        assert session.scalars(select(Campaign)).all() == []
    assert messages(sessions) == []
    _, [outcome] = send_alert(sessions, draft, by="Sam", approved_by=None, rules=rules, single_approver=True,
                              clock=clock)
    assert outcome.queued == 1


def test_a_batch_row_is_the_row_queue_writes(sessions):
    """queue_many is a copy of outbox.queue's row for speed; this ties the copies together."""
    now, due = local(2026, 12, 4, 10), local(2026, 12, 5, 8)
    with sessions.begin() as session:
        queue(session, channel="sms", address="+1", key="k", purpose=Purpose.CAMPAIGN, messages=[Outbound("hi")],
              now=now, due_at=due, urgent=True)
        for _ in range(2):  # the second time changes nothing
            queue_many(session, [outbox_row(channel="sms", address="+2", key="k", purpose=Purpose.CAMPAIGN,
                                            messages=[Outbound("hi")], now=now, due_at=due, urgent=True)])
    with sessions() as session:
        one, two = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        columns = [c.key for c in OutboxMessage.__table__.columns if c.key not in ("id", "address")]
        assert {c: getattr(one, c) for c in columns} == {c: getattr(two, c) for c in columns}


def test_the_wake_job_is_a_plain_module_function_with_an_id_and_a_grace(settings):
    from bot.scheduling.jobs import scheduled_jobs, wake_campaigns, wake_campaigns_arguments

    [job] = [job for job in scheduled_jobs(settings) if job.id == "campaigns.wake"]
    assert job.func is wake_campaigns and job.misfire_grace_time > 0
    assert job.kwargs == wake_campaigns_arguments(settings)
    assert all(isinstance(value, (str, int)) for value in job.kwargs.values())
