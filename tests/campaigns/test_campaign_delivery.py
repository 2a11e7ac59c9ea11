"""A campaign's messages go through the real sender workers to the fake providers, and what a provider
refuses or fails to deliver is reported with its own error code: Twilio refuses a mistyped number
(21211) and a number that texted STOP while we were not listening (21610), a landline takes the text
but never delivers it (30006); a Telegram subscriber's message is sent (Telegram reports no delivery),
and a WhatsApp one goes as the approved template (outside the 24-hour window) and is read.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.campaigns.report import campaign_report
from bot.campaigns.wake import send_due
from bot.storage.models import Campaign, Consent, Contact
from campaign_support import (  # noqa: F401 - fixtures
    TEMPLATE,
    Providers,
    deliver_due,
    local,
    messages,
    providers,
    rules_for,
    scheduled_campaign,
    simple_draft,
    subscribe,
)
from conftest import Clock

SHOP, MISTYPED, STOPPED, LANDLINE, CHAT, WHATSAPP = (  # MISTYPED: digits lost in an import
    "+447700900101", "+44770", "+447700900103", "+441632960104", "1005", "+447700900106")


def test_what_the_providers_refuse_is_reported_with_their_own_codes(settings, sessions, providers: Providers):
    for address, channel in ((SHOP, "sms"), (MISTYPED, "sms"), (STOPPED, "sms"), (LANDLINE, "sms"),
                             (CHAT, "telegram"), (WHATSAPP, "whatsapp")):
        subscribe(sessions, address, channel=channel, business_name=f"Shop {address[-3:]}")
    providers.twilio.stop_number(STOPPED)  # their STOP reached the carrier while our webhook was down
    providers.twilio.set_delivery(LANDLINE, "undelivered", 30006)
    rules = rules_for(settings)
    campaign_id = scheduled_campaign(sessions, rules, simple_draft(), local(2026, 12, 1, 9, 0))

    [outcome] = send_due(sessions, rules, Clock(local(2026, 12, 4, 10, 0)))
    assert (outcome.audience, outcome.queued) == (6, 6)
    assert deliver_due(providers, local(2026, 12, 4, 10, 1)) == 4  # Twilio refused two outright

    rows = messages(sessions, campaign_id)
    assert {row.address: (row.status, row.error_code, providers.received(row)) for row in rows} == {
        SHOP: ("delivered", None, ["delivered"]),
        MISTYPED: ("failed", "21211", []),
        STOPPED: ("failed", "21610", []),
        LANDLINE: ("undelivered", "30006", ["undelivered"]),
        CHAT: ("sent", None, ["received"]),
        WHATSAPP: ("delivered", None, ["read"]),
    }
    assert [m.content_sid for m in providers.twilio.sent if m.to == "whatsapp:" + WHATSAPP] == [TEMPLATE]

    with sessions() as session:
        [report] = campaign_report(session, session.get(Campaign, campaign_id))
        contacts = {c.address: c for c in session.scalars(select(Contact).where(Contact.channel == "sms"))}
        consents = session.execute(select(Consent.address, Consent.action, Consent.source)).all()
    assert (report.queued, report.waiting, report.sent, report.delivered, report.failed) == (
        6, 0, 4, 2, {"21211": 1, "21610": 1, "30006": 1})
    assert report.opted_out_since == 1  # the carrier's STOP, learnt on sending
    # What the providers said is kept: the STOP as the subscriber's opt-out, the landline as unreachable.
    assert contacts[STOPPED].opted_out_at is not None and (STOPPED, "opt_out", "provider") in consents
    assert contacts[LANDLINE].unreachable_at is not None and contacts[LANDLINE].opted_out_at is None
