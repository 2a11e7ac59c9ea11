"""A Christmas campaign from preset to report, on a frozen clock, driven as a lead would drive it.

December 2026 (GMT, so London time is UTC): the lead copies the Christmas preset for WS1 and WS2,
previews it, a colleague approves it, and the scheduler sends it each Friday at 10:00 (4, 11 and
18 December). In between: a normal alert late on Tuesday night waits for the morning and uses up
one subscriber's weekly cap, another subscriber texts STOP, one on Telegram blocks the bot, the
service restarts (a new scheduler process on the same database), one Friday it is down until 10:40
and the send goes late within the grace, and a subscriber replies to a campaign message. Weekly caps
hold throughout.

Every message goes the whole way: bizwatch's real sender workers send it through the real Twilio
and Telegram clients to the fake providers on 127.0.0.1, Twilio's status callbacks come back signed,
and the subscribers' texts (the reply, the STOP) arrive through Twilio's webhook. What fails, fails
at the provider. The report's figures are checked against the outbox itself and against what the
fake providers received.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime

import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from sqlalchemy import func, select

from bot.cli import app
from bot.scheduling.jobs import scheduled_jobs
from bot.scheduling.runner import ElectedScheduler
from bot.storage.models import CampaignOccurrence, Contact, OutboxMessage, Subscription
from campaign_support import (  # noqa: F401 - fixtures
    LONDON,
    Providers,
    cli,
    deliver_due,
    local,
    messages,
    opt_out,
    providers,
    subscribe,
)

A, B, C, E, F, H, J = ("+447700900001", "1002", "+447700900003", "+447700900005", "+447700900006",
                       "+447700900008", "+447700900010")  # B is a Telegram chat


def subscribers(sessions) -> None:
    subscribe(sessions, A, business_name="Patel's Newsagents")
    subscribe(sessions, B, channel="telegram", topics=("seasonal",), areas=("WS2",), business_name="Bloom Florist")
    subscribe(sessions, C, topics=("shop_theft",), max_per_week=1)  # one message a week at most
    subscribe(sessions, "+447700900004", status="pending", confirmed=False)  # never said YES
    subscribe(sessions, E)
    opt_out(sessions, "sms", E, local(2026, 11, 20))  # said STOP before the campaign
    subscribe(sessions, F, status="paused", paused_until=local(2026, 12, 15))  # back for the last Friday
    subscribe(sessions, "+447700900007", areas=("WS9",))  # another area
    subscribe(sessions, H)  # will say STOP after the first Friday
    subscribe(sessions, "+447700900009", sector="office")  # not a sector the preset is for
    subscribe(sessions, J, areas=("WS1", "WS2"))  # matches both areas and both topics: one message


def wake_as_scheduler(settings, sessions, moment: datetime, holder: str) -> None:
    """Start a scheduler process at ``moment`` (the clock stopped there), let it run the campaign wake once, stop it."""
    with time_machine.travel(moment, tick=False):
        runner = ElectedScheduler(sessions, scheduled_jobs(settings), settings.timezone, holder=holder)
        events = []
        finished = threading.Event()

        def listen(event) -> None:
            if event.job_id == "campaigns.wake":
                events.append(event)
                finished.set()

        try:
            assert runner.tick(), "this process should lead (the last one stopped cleanly)"
            runner.scheduler.add_listener(listen, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            runner.scheduler.get_job("campaigns.wake").modify(next_run_time=datetime.now(LONDON))
            assert finished.wait(timeout=60), "the campaign wake did not run"
        finally:
            runner.stop()
    assert events[0].exception is None, events[0].traceback


def run(cli, moment: datetime, *args: str) -> str:
    with time_machine.travel(moment, tick=False):
        result = cli.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def occurrence_keys(sessions, campaign_id: int) -> list[str]:
    """The outbox key of each of the campaign's sends, in time order."""
    with sessions() as session:
        return [f"campaign:{campaign_id}:{o}" for o in session.scalars(select(CampaignOccurrence.id).where(
            CampaignOccurrence.campaign_id == campaign_id).order_by(CampaignOccurrence.due_at))]


def addresses(rows) -> set[str]:
    return {row.address for row in rows}


def test_a_christmas_campaign_from_preset_to_report(cli, settings, sessions, providers: Providers):
    subscribers(sessions)

    # Monday 30 November: Alex copies the preset for WS1 and WS2 and previews it.
    monday = local(2026, 11, 30, 14, 0)
    created = run(cli, monday, "campaigns", "create", "--from-preset", "christmas-shop-theft", "--area", "ws1, WS2",
                  "--by", "Alex Smith")
    campaign_id = int(created.split("Campaign ", 1)[1].split(" ", 1)[0])
    assert "Fri 4 Dec 2026 10:00, Fri 11 Dec 2026 10:00, Fri 18 Dec 2026 10:00" in created
    shown = run(cli, monday, "campaigns", "preview", str(campaign_id))
    assert "2 segment(s), GSM-7" in shown
    assert "Reaches 5 subscriber(s) now: 4 by sms, 1 by telegram" in shown  # A, B, C, H, J
    assert "To change or end these alerts, reply MY ALERTS." in shown

    # Alex cannot approve his own campaign (however he types his name); Sam can.
    run(cli, monday, "campaigns", "submit", str(campaign_id), "--by", "Alex Smith")
    with time_machine.travel(monday, tick=False):
        refused = cli.invoke(app, ["campaigns", "approve", str(campaign_id), "--by", "alex  SMITH"])
    assert refused.exit_code == 1 and "someone else must approve it" in refused.output
    run(cli, monday, "campaigns", "approve", str(campaign_id), "--by", "Sam Jones")
    run(cli, monday, "campaigns", "schedule", str(campaign_id), "--by", "Sam Jones")
    assert messages(sessions) == []  # nothing goes before its time

    # Friday 4 December, 10:00: the scheduler sends the first one.
    wake_as_scheduler(settings, sessions, local(2026, 12, 4, 10, 0, 5), holder="web-1")
    first = messages(sessions, campaign_id)
    assert addresses(first) == {A, B, C, H, J}
    assert all(row.due_at == local(2026, 12, 4, 10, 0, 5) and not row.urgent for row in first)
    to_a = next(row for row in first if row.address == A)
    assert to_a.body[0]["text"].startswith("Patel's Newsagents: shop theft rises in the run-up to Christmas in WS1.")
    assert deliver_due(providers, local(2026, 12, 4, 10, 1)) == 5
    [text_to_a] = [m.body for m in providers.twilio.sent if m.to == A]
    assert text_to_a.startswith("Patel's Newsagents: shop theft rises") and "reply MY ALERTS" in text_to_a
    [to_b] = providers.telegram.sent_to(int(B))
    assert to_b.text.startswith("Christmas is the busiest time for shop theft in WS2. A few things that help "
                                "Bloom Florist")

    # A replies at lunchtime: an ordinary message in the conversation (advice comes back), counted as a reply.
    answer = providers.text(A, "thanks, any tips to stop shoplifting", local(2026, 12, 4, 12, 30))
    assert "theft" in " ".join(answer).lower()

    # Sunday: H texts STOP (the carrier stops the number too; we send nothing back, Twilio confirms).
    assert providers.text(H, "STOP", local(2026, 12, 6, 18, 0)) == []
    # Tuesday 22:30: Sam sends a normal alert to WS1, which waits for 08:00.
    sent = run(cli, local(2026, 12, 8, 22, 30), "alerts", "send", "--area", "WS1", "--text",
               "Two men are stealing razors from WS1 shops. Call 999 if they are there now.", "--by", "Sam Jones",
               "--approved-by", "Alex Smith")
    assert "3 message(s) queued" in sent and "1 left out by their weekly cap" in sent
    alert = [row for row in messages(sessions) if row.purpose == "alert"]
    # Every sector gets an alert; H said STOP; C (one a week) had Friday's campaign message.
    assert addresses(alert) == {A, J, "+447700900009"}
    assert {row.due_at for row in alert} == {local(2026, 12, 9, 8, 0)}
    assert deliver_due(providers, local(2026, 12, 9, 8, 0)) == 3

    # Thursday: B blocks the bot on Telegram (the service is not reading Telegram's updates: it learns on sending).
    providers.telegram.block(int(B))
    # Friday 11 December: a new process (the service was restarted), and the wake repeated: nothing twice.
    wake_as_scheduler(settings, sessions, local(2026, 12, 11, 10, 0, 3), holder="web-2")
    wake_as_scheduler(settings, sessions, local(2026, 12, 11, 10, 1, 3), holder="web-3")
    sends = occurrence_keys(sessions, campaign_id)
    second = [row for row in messages(sessions, campaign_id) if row.idempotency_key == sends[1]]
    assert addresses(second) == {A, B, C, J}  # H said STOP, F is still paused; C's last message was a week ago
    assert deliver_due(providers, local(2026, 12, 11, 10, 5)) == 3  # Telegram refused B's: 403, blocked

    # Friday 18 December: the service is down from 09:30 and comes back at 10:40, inside the hour's grace.
    wake_as_scheduler(settings, sessions, local(2026, 12, 18, 10, 40), holder="web-4")
    third = [row for row in messages(sessions, campaign_id) if row.idempotency_key == sends[2]]
    assert addresses(third) == {A, C, F, J}  # F's pause is over; B blocked the bot, so is left out
    assert {row.due_at for row in third} == {local(2026, 12, 18, 10, 40)}
    assert deliver_due(providers, local(2026, 12, 18, 10, 45)) == 4

    # Nobody ever got the same send twice (at the providers either), and the campaign is finished.
    for row in messages(sessions, campaign_id):
        assert providers.received(row) == {"delivered": ["delivered"], "sent": ["received"], "failed": []}[row.status]
    with sessions() as session:
        recorded = sum(len(ids) for ids in session.scalars(select(OutboxMessage.provider_ids)))
        assert len(providers.twilio.sent) + len(providers.telegram.sent) == recorded  # each received once, recorded
        assert session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.idempotency_key.like(f"campaign:{campaign_id}:%"))) == 5 + 4 + 4
        assert [o.status for o in session.scalars(select(CampaignOccurrence).where(
            CampaignOccurrence.campaign_id == campaign_id).order_by(CampaignOccurrence.due_at))] == ["sent"] * 3
    listed = json.loads(run(cli, local(2026, 12, 19), "campaigns", "list", "--format", "json"))
    assert [(c["id"], c["status"]) for c in listed if c["kind"] == "campaign"] == [(campaign_id, "sent")]

    # The report's figures are the outbox's.
    report = json.loads(run(cli, local(2026, 12, 19), "campaigns", "report", str(campaign_id), "--format", "json"))
    assert [send["status"] for send in report["sends"]] == ["sent", "sent", "sent"]
    for send in report["sends"]:
        assert send == {**send, **outbox_figures(sessions, campaign_id, send["occurrence_id"])}
    first_send, second_send, third_send = report["sends"]
    # Twilio reports delivery; Telegram does not, so B's message stays sent.
    assert (first_send["audience"], first_send["queued"], first_send["sent"], first_send["delivered"]) == (5, 5, 5, 4)
    assert first_send["opted_out_since"] == 1 and first_send["replies"] == 1  # H's STOP; A's reply (not the STOP)
    assert (second_send["audience"], second_send["capped"], second_send["sent"], second_send["failed"]) == (
        4, 0, 3, {"403": 1})
    assert (third_send["queued"], third_send["delivered"], third_send["replies"], third_send["capped"]) == (4, 4, 0, 0)
    history = json.loads(run(cli, local(2026, 12, 19), "campaigns", "show", str(campaign_id), "--format", "json"))
    assert [(h["action"], h["by"]) for h in history["history"]][:4] == [
        ("created", "Alex Smith"), ("submitted", "Alex Smith"), ("approved", "Sam Jones"), ("scheduled", "Sam Jones")]
    assert history["history"][-1]["to"] == "sent"

    csv_report = run(cli, local(2026, 12, 19), "campaigns", "report", str(campaign_id), "--format", "csv")
    header, *rows = csv_report.splitlines()
    assert header.startswith("campaign_id,campaign,occurrence_id,due_at,status") and len(rows) == 3
    assert ",403:1," in rows[1]


def outbox_figures(sessions, campaign_id: int, occurrence_id: int) -> dict:
    """The same figures counted straight from the outbox, contacts and subscriptions, independently."""
    key = f"campaign:{campaign_id}:{occurrence_id}"
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)))
        failed: dict[str, int] = {}
        for row in rows:
            if row.status in ("failed", "undelivered"):
                failed[row.error_code] = failed.get(row.error_code, 0) + 1
        left = 0  # recipients who said STOP or unsubscribed after their message was queued (STOP does both)
        for row in rows:
            stopped = session.scalar(select(Contact.opted_out_at).where(
                Contact.channel == row.channel, Contact.address == row.address))
            unsubscribed = session.scalars(select(Subscription.unsubscribed_at).where(
                Subscription.channel == row.channel, Subscription.address == row.address)).all()
            left += any(when is not None and when >= row.created_at for when in (stopped, *unsubscribed))
        later = session.scalar(select(func.min(CampaignOccurrence.started_at)).where(
            CampaignOccurrence.campaign_id == campaign_id, CampaignOccurrence.id > occurrence_id))
        replies = 0
        for row in rows:
            query = select(func.count()).select_from(OutboxMessage).where(  # a STOP, not read, is no reply
                OutboxMessage.channel == row.channel, OutboxMessage.address == row.address,
                OutboxMessage.purpose == "reply", OutboxMessage.status != "cancelled",
                OutboxMessage.created_at >= (row.sent_at or row.due_at))
            if later is not None:
                query = query.where(OutboxMessage.created_at < later)
            replies += session.scalar(query)
    return {"queued": len(rows), "delivered": sum(r.status == "delivered" for r in rows),
            "sent": sum(r.sent_at is not None for r in rows), "failed": failed,
            "waiting": sum(r.status in ("queued", "held", "sending") for r in rows),
            "opted_out_since": left, "replies": replies}
