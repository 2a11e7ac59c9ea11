"""A retry is the same message later: one that can wait (not urgent, not a reply to what the person just
sent) is not tried again in quiet hours, whether the worker backs off, Twilio says the phone is
unreachable, or an operator sends it again."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.delivery import operator
from bot.delivery.errors import PermanentFailure, RetryLater
from bot.delivery.outbox import Purpose, queue
from bot.delivery.retry import RetryPolicy
from bot.delivery.runner import retry_policy
from bot.messages import Outbound
from bot.storage.models import OutboxMessage
from delivery_support import TestChannel, make_worker, row

PHONE = "+447700900123"
EVENING = datetime(2026, 11, 22, 20, 59, 59, tzinfo=timezone.utc)  # Sunday, GMT: one second before quiet hours
NEXT_MORNING = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def queued(sessions, *, purpose: Purpose, urgent: bool, now: datetime) -> int:
    with sessions.begin() as session:
        queue(session, channel="sms", address=PHONE, key="k", purpose=purpose, messages=[Outbound("Hello")],
              now=now, urgent=urgent)
        return session.scalars(select(OutboxMessage.id)).one()


@pytest.mark.parametrize(("purpose", "urgent", "waits_for_morning"), [
    (Purpose.REMINDER, False, True),
    (Purpose.STATUS, False, True),
    (Purpose.STATUS, True, False),  # an officer marked the update urgent
    (Purpose.REPLY, False, False),  # they have just written to us
])
def test_a_failed_send_just_before_quiet_hours_is_retried_after_them_only_if_it_can_wait(
        sessions, settings, clock, purpose, urgent, waits_for_morning):
    clock.now = EVENING
    sms = TestChannel()
    sms.will(PHONE, RetryLater("30003", "unreachable for now"))
    policy = RetryPolicy(max_attempts=3, base_seconds=2.0, max_seconds=60.0, quiet_hours=settings)
    worker = make_worker(sessions, [sms], clock, policy=policy)
    outbox_id = queued(sessions, purpose=purpose, urgent=urgent, now=clock())

    assert worker.run_once() == 1
    again = row(sessions, outbox_id)
    assert again.status == "queued"
    if waits_for_morning:
        assert again.next_attempt_at == NEXT_MORNING
    else:
        assert EVENING < again.next_attempt_at <= EVENING + timedelta(seconds=2)


def test_the_service_s_retry_policy_keeps_its_quiet_hours(settings):
    policy = retry_policy(settings)
    assert policy.retry_time(EVENING, 2.0, urgent=False, purpose="reminder") == NEXT_MORNING
    assert policy.retry_time(EVENING, 2.0, urgent=True, purpose="status") == EVENING + timedelta(seconds=2)


def test_an_operator_s_retry_of_a_reminder_at_night_waits_for_the_morning(sessions, settings, clock):
    clock.now = EVENING
    sms = TestChannel()
    sms.will(PHONE, PermanentFailure("30007", "filtered"))
    outbox_id = queued(sessions, purpose=Purpose.REMINDER, urgent=False, now=clock())
    make_worker(sessions, [sms], clock).run_once()
    assert row(sessions, outbox_id).status == "failed"

    late = EVENING + timedelta(hours=2)
    with sessions.begin() as session:
        operator.retry(session, outbox_id, late, settings)
    retried = row(sessions, outbox_id)
    assert (retried.status, retried.attempts, retried.next_attempt_at) == ("queued", 0, NEXT_MORNING)
    clock.now = late
    assert make_worker(sessions, [sms], clock).run_once() == 0  # nothing at 23:00
    clock.now = NEXT_MORNING
    assert make_worker(sessions, [sms], clock).run_once() == 1
    assert sms.texts(PHONE) == ["Hello"]
