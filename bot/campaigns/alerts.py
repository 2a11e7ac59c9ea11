"""Urgent (and not so urgent) alerts: a campaign to an area, written, approved, scheduled and sent in one go.

"A distraction-theft pair is working WS1 shops today" cannot wait for the next scheduler wake: the
command that writes the alert also approves it (with a second person's name, unless one person may),
makes its one occurrence due now and sends it in the same process, through the same fan-out as
any campaign, so it is in the outbox within seconds. An urgent alert breaks the quiet hours and
the weekly caps; a normal one keeps both.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.campaigns import lifecycle
from bot.campaigns.audience import AudienceSpec
from bot.campaigns.fanout import Progress
from bot.campaigns.lifecycle import CampaignDraft
from bot.campaigns.rules import CampaignRules
from bot.campaigns.schedule import once
from bot.campaigns.wake import SendOutcome, send_due


def alert_draft(*, text: str, chat_text: str | None, audience: AudienceSpec, urgent: bool,
                now: datetime, rules: CampaignRules, name: str | None = None) -> CampaignDraft:
    """An alert's draft: one text for every channel unless a longer chat text is given."""
    local = now.astimezone(rules.zone)
    areas = ", ".join(audience.areas) or "all areas"
    return CampaignDraft(
        name=name or f"{'Urgent alert' if urgent else 'Alert'}: {areas}, {local:%d %b %Y %H:%M}",
        sms_text=text, chat_text=chat_text or text, audience=audience, articles=(),
        schedule=once(local.replace(tzinfo=None)), urgent=urgent, kind="alert")


def send_alert(sessions: sessionmaker[Session], draft: CampaignDraft, *, by: str, approved_by: str | None,
               rules: CampaignRules, single_approver: bool, clock: Callable[[], datetime],
               progress: Progress | None = None) -> tuple[int, list[SendOutcome]]:
    """Create, approve and send the alert now; its campaign id and what the send did.

    Nothing is saved if it cannot be approved (the same person, no second name).
    """
    now = clock()
    approver = approved_by or by
    with sessions.begin() as session:
        campaign = lifecycle.create(session, draft, by, now, rules.text_limits(), sending_now=True)
        lifecycle.submit(session, campaign, by, now)
        lifecycle.approve(session, campaign, approver, now, single_approver=single_approver)
        lifecycle.schedule(session, campaign, approver, now, rules.timezone, at_once=True)
        campaign_id = campaign.id
    return campaign_id, send_due(sessions, rules, clock, campaign_id=campaign_id, progress=progress)
