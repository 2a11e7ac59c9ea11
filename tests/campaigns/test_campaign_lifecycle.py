"""A campaign's life: a second person approves, edits need approving again, every change is recorded,
and a cancelled campaign sends nothing more."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.campaigns import lifecycle
from bot.campaigns.lifecycle import DraftRefused, NotAllowed
from bot.campaigns.wake import send_due
from bot.storage.models import Campaign, CampaignEvent, CampaignOccurrence, OutboxMessage
from campaign_support import local, messages, rules_for, scheduled_campaign, simple_draft, subscribe
from conftest import Clock

NOW = local(2026, 11, 30, 9, 0)


def create(sessions, rules, draft=None, by="Alex") -> int:
    with sessions.begin() as session:
        return lifecycle.create(session, draft or simple_draft(), by, NOW, rules.text_limits()).id


def act(sessions, campaign_id, action, *args, **kwargs):
    with sessions.begin() as session:
        return action(session, session.get(Campaign, campaign_id), *args, **kwargs)


def history(sessions, campaign_id) -> list[tuple[str, str, str | None, str]]:
    with sessions() as session:
        return [(e.action, e.by, e.from_status, e.to_status) for e in session.scalars(
            select(CampaignEvent).where(CampaignEvent.campaign_id == campaign_id).order_by(CampaignEvent.id))]


def status(sessions, campaign_id) -> str:
    with sessions() as session:
        return session.get(Campaign, campaign_id).status


def test_the_writer_cannot_approve_their_own_campaign_however_they_type_their_name(sessions, settings):
    rules = rules_for(settings)
    campaign_id = create(sessions, rules, by="Alex Smith")
    act(sessions, campaign_id, lifecycle.submit, "Alex Smith", NOW)
    for same in ("alex smith", "  ALEX   Smith "):
        with pytest.raises(NotAllowed, match="someone else must approve it"):
            act(sessions, campaign_id, lifecycle.approve, same, NOW, single_approver=False)
    assert status(sessions, campaign_id) == "submitted"
    act(sessions, campaign_id, lifecycle.approve, "Sam Jones", NOW, single_approver=False)
    act(sessions, campaign_id, lifecycle.schedule, "Sam Jones", NOW, rules.timezone)
    assert history(sessions, campaign_id) == [
        ("created", "Alex Smith", None, "draft"), ("submitted", "Alex Smith", "draft", "submitted"),
        ("approved", "Sam Jones", "submitted", "approved"), ("scheduled", "Sam Jones", "approved", "scheduled")]
    with sessions() as session:
        assert {e.at for e in session.scalars(select(CampaignEvent))} == {NOW}


def test_someone_who_only_submitted_cannot_approve_either(sessions, settings):
    rules = rules_for(settings)
    campaign_id = create(sessions, rules, by="Alex")
    act(sessions, campaign_id, lifecycle.submit, "Priya", NOW)
    with pytest.raises(NotAllowed):
        act(sessions, campaign_id, lifecycle.approve, "priya", NOW, single_approver=False)
    act(sessions, campaign_id, lifecycle.approve, "Sam", NOW, single_approver=False)


def test_a_one_person_deployment_may_approve_its_own(sessions, settings):
    rules = rules_for(settings)
    campaign_id = create(sessions, rules, by="Alex")
    act(sessions, campaign_id, lifecycle.submit, "Alex", NOW)
    act(sessions, campaign_id, lifecycle.approve, "Alex", NOW, single_approver=True)
    assert status(sessions, campaign_id) == "approved"


def test_steps_out_of_order_are_refused_and_change_nothing(sessions, settings):
    rules = rules_for(settings)
    campaign_id = create(sessions, rules)
    with pytest.raises(NotAllowed, match="is draft: it can be approved only when it is submitted"):
        act(sessions, campaign_id, lifecycle.approve, "Sam", NOW, single_approver=False)
    with pytest.raises(NotAllowed, match="it can be scheduled only when it is approved"):
        act(sessions, campaign_id, lifecycle.schedule, "Sam", NOW, rules.timezone)
    act(sessions, campaign_id, lifecycle.submit, "Alex", NOW)
    with pytest.raises(NotAllowed, match="is submitted"):
        act(sessions, campaign_id, lifecycle.submit, "Alex", NOW)
    with pytest.raises(NotAllowed, match="say who you are"):
        act(sessions, campaign_id, lifecycle.cancel, "  ", NOW)
    assert [h[0] for h in history(sessions, campaign_id)] == ["created", "submitted"]


def test_an_edit_after_approval_needs_approving_again_by_someone_other_than_the_editor(sessions, settings):
    rules = rules_for(settings)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW, writer="Alex", approver="Sam")
    with sessions.begin() as session:
        campaign = session.get(Campaign, campaign_id)
        changed = lifecycle.draft_of(campaign).replace(sms_text="{{ business_name }}: watch the tills in {{ area }}.")
        lifecycle.edit(session, campaign, changed, "Sam", NOW, rules.text_limits())
        assert (campaign.status, campaign.version) == ("submitted", 2)
    with pytest.raises(NotAllowed, match="Sam wrote or submitted this version"):
        act(sessions, campaign_id, lifecycle.approve, "Sam", NOW, single_approver=False)
    act(sessions, campaign_id, lifecycle.approve, "Alex", NOW, single_approver=False)
    assert history(sessions, campaign_id)[-2:] == [("edited", "Sam", "scheduled", "submitted"),
                                                   ("approved", "Alex", "submitted", "approved")]


def test_sends_wait_for_the_new_approval_within_the_grace_and_are_missed_after_it(sessions, settings):
    rules = rules_for(settings)  # an hour's grace
    subscribe(sessions, "+447700900001")
    draft = simple_draft(weekly=("friday", date(2026, 12, 1), date(2026, 12, 12)))
    campaign_id = scheduled_campaign(sessions, rules, draft, NOW)
    with sessions.begin() as session:
        campaign = session.get(Campaign, campaign_id)
        lifecycle.edit(session, campaign, lifecycle.draft_of(campaign).replace(name="Christmas thefts"), "Alex", NOW,
                       rules.text_limits())
    # Friday 4th: not approved again, so nothing goes at 10:00; still not at 11:01: missed, with the reason.
    assert send_due(sessions, rules, Clock(local(2026, 12, 4, 10, 0))) == []
    [missed] = send_due(sessions, rules, Clock(local(2026, 12, 4, 11, 1)))
    assert missed.status == "missed" and "waiting for approval" in missed.note
    # Approved and scheduled again before the 11th: that one goes, late by 20 minutes.
    act(sessions, campaign_id, lifecycle.approve, "Sam", local(2026, 12, 7), single_approver=False)
    act(sessions, campaign_id, lifecycle.schedule, "Sam", local(2026, 12, 7), rules.timezone)
    [sent] = send_due(sessions, rules, Clock(local(2026, 12, 11, 10, 20)))
    assert (sent.status, sent.queued) == ("sent", 1)
    assert status(sessions, campaign_id) == "sent"
    with sessions() as session:
        assert [(o.due_at, o.status) for o in session.scalars(select(CampaignOccurrence).order_by(
            CampaignOccurrence.due_at))] == [(local(2026, 12, 4, 10), "missed"), (local(2026, 12, 11, 10), "sent")]


def test_an_edit_that_changes_nothing_or_comes_too_late_is_refused(sessions, settings):
    rules = rules_for(settings)
    subscribe(sessions, "+447700900001")
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), NOW)
    with sessions.begin() as session:
        campaign = session.get(Campaign, campaign_id)
        with pytest.raises(NotAllowed, match="changes nothing"):
            lifecycle.edit(session, campaign, lifecycle.draft_of(campaign), "Alex", NOW, rules.text_limits())
    send_due(sessions, rules, Clock(local(2026, 12, 4, 10, 0)))
    with sessions.begin() as session:
        campaign = session.get(Campaign, campaign_id)
        with pytest.raises(NotAllowed, match="is sent and can no longer be changed"):
            lifecycle.edit(session, campaign, lifecycle.draft_of(campaign).replace(name="x"), "Alex", NOW,
                           rules.text_limits())
        with pytest.raises(NotAllowed, match="already sent"):
            lifecycle.cancel(session, campaign, "Alex", NOW)


def test_a_draft_with_problems_is_not_saved_and_every_problem_is_told(sessions, settings):
    rules = rules_for(settings)
    draft = simple_draft(topics=("shoplifting",), areas=("Walsall centre",), at=datetime(2026, 12, 6, 1, 30)) \
        .replace(sms_text="", articles=("no-such-article",))
    with pytest.raises(DraftRefused) as refused:
        create(sessions, rules, draft)
    problems = "\n".join(refused.value.problems)
    for expected in ("unknown topic 'shoplifting'", "'WALSALL CENTRE' is not a postcode district such as WS1, nor a named area",
                     "no advice article 'no-such-article'", "between 01:00 and 02:00", "write the SMS text"):
        assert expected in problems
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_cancelling_stops_the_sends_to_come_and_the_messages_not_yet_sent(sessions, settings):
    rules = rules_for(settings)
    for n in range(3):
        subscribe(sessions, f"+44770090000{n}")
    draft = simple_draft(weekly=("friday", date(2026, 12, 1), date(2026, 12, 24)), spread=60)
    campaign_id = scheduled_campaign(sessions, rules, draft, NOW)
    send_due(sessions, rules, Clock(local(2026, 12, 4, 10, 0)))
    with sessions.begin() as session:  # the first of the three has gone already
        first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
        first.status = "delivered"
    stopped = act(sessions, campaign_id, lifecycle.cancel, "Sam", local(2026, 12, 4, 10, 5), "wrong area")
    assert stopped == 2
    assert [m.status for m in messages(sessions, campaign_id)] == ["delivered", "cancelled", "cancelled"]
    assert send_due(sessions, rules, Clock(local(2026, 12, 11, 10, 0))) == []
    with sessions() as session:
        assert [o.status for o in session.scalars(select(CampaignOccurrence).order_by(CampaignOccurrence.due_at))] \
            == ["sent", "cancelled", "cancelled"]
    assert history(sessions, campaign_id)[-1] == ("cancelled", "Sam", "scheduled", "cancelled")


def test_scheduling_after_some_times_have_passed_keeps_only_those_to_come(sessions, settings):
    rules = rules_for(settings)
    draft = simple_draft(weekly=("friday", date(2026, 12, 1), date(2026, 12, 24)))
    later = local(2026, 12, 8)
    with sessions.begin() as session:
        campaign = lifecycle.create(session, draft, "Alex", later, rules.text_limits())
        lifecycle.submit(session, campaign, "Alex", later)
        lifecycle.approve(session, campaign, "Sam", later, single_approver=False)
        scheduled = lifecycle.schedule(session, campaign, "Sam", later, rules.timezone)
    assert scheduled.times == [local(2026, 12, 11, 10), local(2026, 12, 18, 10)]
    assert scheduled.past == [local(2026, 12, 4, 10)]
    with pytest.raises(NotAllowed, match="every time in this schedule has passed"):
        with sessions.begin() as session:
            campaign = lifecycle.create(session, draft, "Alex", later, rules.text_limits())
            lifecycle.submit(session, campaign, "Alex", later)
            lifecycle.approve(session, campaign, "Sam", later, single_approver=False)
            lifecycle.schedule(session, campaign, "Sam", later + timedelta(days=30), rules.timezone)
