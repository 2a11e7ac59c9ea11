"""``bizwatch campaigns`` and ``bizwatch alerts`` as a lead uses them: what is printed, what is saved, what is not."""

from __future__ import annotations

import json

import time_machine
from sqlalchemy import func, select

from bot.cli import app
from bot.config import get_settings
from bot.storage.models import Campaign, OutboxMessage
from campaign_support import cli, local, subscribe  # noqa: F401

MONDAY = local(2026, 11, 30, 14, 0)


def invoke(cli, *args: str, at=MONDAY):
    with time_machine.travel(at, tick=False):
        return cli.invoke(app, list(args))


def ok(cli, *args: str, at=MONDAY) -> str:
    result = invoke(cli, *args, at=at)
    assert result.exit_code == 0, result.output
    return result.stdout


def created_id(output: str) -> str:
    return output.split("Campaign ", 1)[1].split(" ", 1)[0]


def test_a_bad_template_is_shown_with_its_line_and_nothing_is_saved(cli, sessions):
    result = invoke(cli, "campaigns", "create", "--name", "Christmas", "--by", "Alex", "--channel", "sms",
                    "--at", "2026-12-04 10:00", "--sms-text",
                    "Hi {{ business_name }}\nThefts are up in {{ postcode }}\n{{ ''.__class__.__mro__ }}")
    assert result.exit_code == 1
    assert "Nothing was saved. Please fix:" in result.output
    assert "- SMS text, line 2: unknown variable 'postcode'" in result.output
    assert "- SMS text, line 3: '__class__' cannot be used in a message" in result.output
    assert "Texts may use: {{ business_name }}, {{ area }}, {{ advice }}, {{ advice_link }}." in result.output
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Campaign)) == 0


def test_an_sms_too_long_for_the_cap_is_refused_with_the_count(cli):
    result = invoke(cli, "campaigns", "create", "--name", "Long", "--by", "Alex", "--channel", "sms", "--at",
                    "2026-12-04 10:00", "--sms-text", "Please lock up carefully tonight. " * 16)
    assert result.exit_code == 1
    assert "SMS text: renders to 4 segment(s), GSM-7" in result.output and "the most is 3 segment(s)" in result.output


def test_preview_figures_segments_audience_and_time_to_send(cli, sessions):
    for n in range(100):
        subscribe(sessions, f"+4477009{n:05d}", areas=("WS1",))
    for n in range(60):
        subscribe(sessions, f"tg-{n}", channel="telegram", areas=("WS1",))
    subscribe(sessions, "+447700999999", areas=("WS9",))
    campaign_id = created_id(ok(cli, "campaigns", "create", "--from-preset", "christmas-shop-theft", "--area", "WS1",
                                "--by", "Alex"))
    shown = json.loads(ok(cli, "campaigns", "preview", campaign_id, "--format", "json"))
    sms, chat = shown["texts"]
    assert (sms["kind"], sms["channels"], sms["sms"]["segments"], sms["sms"]["encoding"]) == \
        ("sms", ["sms"], 2, "GSM-7")
    assert chat["channels"] == ["telegram", "whatsapp", "web"] and "Read more:" in chat["text"]
    assert (shown["audience"], shown["by_channel"]) == (160, {"sms": 100, "telegram": 60})
    # 100 texts of 2 segments at 10 segments a second, 60 Telegram messages at 30 a second, side by side.
    assert shown["seconds_by_channel"] == {"sms": 20.0, "telegram": 2.0} and shown["seconds_to_send"] == 20.0
    text = ok(cli, "campaigns", "preview", campaign_id)
    assert "--- 2 segment(s), GSM-7, " in text and "Reaches 160 subscriber(s) now: 100 by sms, 60 by telegram" in text
    assert "about 20 s (sms 20 s, telegram 2 s)" in text


def test_a_preset_is_copied_and_edited_and_the_edit_needs_approving_again(cli, sessions):
    presets = json.loads(ok(cli, "campaigns", "presets", "--format", "json"))
    assert {p["id"] for p in presets} >= {"christmas-shop-theft", "black-friday", "winter-fuel-drive-offs"}
    output = ok(cli, "campaigns", "create", "--from-preset", "black-friday", "--area", "B1", "--from", "2026-11-16",
                "--until", "2026-11-27", "--by", "Alex", at=local(2026, 11, 10))
    campaign_id = created_id(output)
    assert "2 send(s): Mon 16 Nov 2026 09:30, Mon 23 Nov 2026 09:30" in output
    ok(cli, "campaigns", "submit", campaign_id, "--by", "Alex", at=local(2026, 11, 10))
    ok(cli, "campaigns", "approve", campaign_id, "--by", "Sam", at=local(2026, 11, 10))
    edited = ok(cli, "campaigns", "edit", campaign_id, "--by", "Sam", "--sms-file", str(write_sms(cli)),
                at=local(2026, 11, 10))
    assert "now submitted. It needs approving again by someone else." in edited
    refused = invoke(cli, "campaigns", "approve", campaign_id, "--by", "sam", at=local(2026, 11, 10))
    assert refused.exit_code == 1 and "Nothing was changed: Sam wrote or submitted this version" in refused.output
    ok(cli, "campaigns", "approve", campaign_id, "--by", "Alex", at=local(2026, 11, 10))
    scheduled = ok(cli, "campaigns", "schedule", campaign_id, "--by", "Alex", at=local(2026, 11, 10))
    assert "Sends: Mon 16 Nov 2026 09:30, Mon 23 Nov 2026 09:30" in scheduled
    shown = json.loads(ok(cli, "campaigns", "show", campaign_id, "--format", "json", at=local(2026, 11, 10)))
    assert shown["version"] == 2 and shown["preset"] == "black-friday" and shown["audience"]["areas"] == ["B1"]
    assert shown["texts"]["sms"].startswith("{{ business_name }}: card fraud")
    assert [(h["action"], h["by"], h["version"]) for h in shown["history"]] == [
        ("created", "Alex", 1), ("submitted", "Alex", 1), ("approved", "Sam", 1), ("edited", "Sam", 2),
        ("approved", "Alex", 2), ("scheduled", "Alex", 2)]
    listed = json.loads(ok(cli, "campaigns", "list", "--format", "json", at=local(2026, 11, 10)))
    assert listed == [{"id": int(campaign_id), "kind": "campaign", "name": "Black Friday and peak sales",
                       "status": "scheduled", "priority": "normal", "version": 2,
                       "next_send": local(2026, 11, 16, 9, 30).isoformat()}]
    text = ok(cli, "campaigns", "show", campaign_id)
    assert "History:" in text and "edited by Sam: changed after submitting: needs approving again" in text


def write_sms(cli):
    import tempfile
    from pathlib import Path

    path = Path(tempfile.mkdtemp()) / "sms.txt"
    path.write_text("{{ business_name }}: card fraud rises on Black Friday. Refund only to the card used.\n",
                    encoding="utf-8")
    return path


def test_a_one_person_team_can_approve_its_own_when_the_setting_says_so(cli, monkeypatch):
    campaign_id = created_id(ok(cli, "campaigns", "create", "--name", "Lock up", "--by", "Alex", "--at",
                                "2026-12-04 10:00", "--sms-text", "Lock up well.", "--chat-text", "Lock up well."))
    ok(cli, "campaigns", "submit", campaign_id, "--by", "Alex")
    assert invoke(cli, "campaigns", "approve", campaign_id, "--by", "Alex").exit_code == 1
    monkeypatch.setenv("BIZWATCH_CAMPAIGN_SINGLE_APPROVER", "true")
    get_settings.cache_clear()
    ok(cli, "campaigns", "approve", campaign_id, "--by", "Alex")


def test_an_urgent_alert_is_sent_now_from_one_command(cli, sessions):
    subscribe(sessions, "+447700900001", areas=("WS1",))
    subscribe(sessions, "tg-7", channel="telegram", areas=("WS1",))
    subscribe(sessions, "+447700900002", areas=("WS2",))
    night = local(2026, 12, 8, 23, 30)
    output = ok(cli, "alerts", "send", "--area", "ws1", "--urgent", "--text",
                "A distraction-theft pair is working WS1 shops tonight. Call 999 if they are with you.",
                "--by", "Sam", "--approved-by", "Alex", at=night)
    assert output.startswith("Alert ") and "2 message(s) queued to go now (2 subscriber(s) matched)" in output
    with sessions() as session:
        rows = list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.address)))
    assert [(r.address, r.urgent, r.due_at) for r in rows] == [("+447700900001", True, night), ("tg-7", True, night)]
    assert rows[0].body[0]["text"].endswith("\nTo change or end these alerts, reply MY ALERTS.")
    alert_id = output.split("Alert ", 1)[1].split(":", 1)[0]
    report = json.loads(ok(cli, "campaigns", "report", alert_id, "--format", "json", at=night))
    assert report["sends"][0]["queued"] == 2 and report["sends"][0]["waiting"] == 2


def test_an_alert_needs_a_second_name_and_nothing_is_sent_without_one(cli, sessions):
    subscribe(sessions, "+447700900001", areas=("WS1",))
    result = invoke(cli, "alerts", "send", "--area", "WS1", "--urgent", "--text", "Watch the tills.", "--by", "Sam")
    assert result.exit_code == 1 and "Nothing was sent: Sam wrote or submitted this version" in result.output
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_cancel_and_unknown_campaigns(cli):
    campaign_id = created_id(ok(cli, "campaigns", "create", "--name", "Lock up", "--by", "Alex", "--at",
                                "2026-12-04 10:00", "--sms-text", "Lock up well.", "--chat-text", "Lock up well."))
    assert "cancelled" in ok(cli, "campaigns", "cancel", campaign_id, "--by", "Alex", "--reason", "duplicate")
    again = invoke(cli, "campaigns", "cancel", campaign_id, "--by", "Alex")
    assert again.exit_code == 1 and "is already cancelled" in again.output
    missing = invoke(cli, "campaigns", "show", "999999")
    assert missing.exit_code == 1 and "There is no campaign 999999" in missing.output
    assert json.loads(ok(cli, "campaigns", "report", campaign_id, "--format", "json"))["sends"] == []


def test_schedules_a_lead_might_type_wrongly(cli):
    base = ("campaigns", "create", "--name", "x", "--by", "Alex", "--sms-text", "Lock up.", "--chat-text", "Lock up.")
    for args, told in (((), "say when"), (("--at", "next friday"), "not a date and time like"),
                       (("--every", "fryday", "--at", "10:00", "--from", "2026-12-01", "--until", "2026-12-24"),
                        "'fryday' is not a day of the week"),
                       (("--every", "friday", "--from", "2026-12-01", "--until", "2026-12-24"), "give the time too"),
                       (("--at", "2026-12-04 01:15"), "between 01:00 and 02:00")):
        result = invoke(cli, *base, *args)
        assert result.exit_code == 1 and told in result.output, (args, result.output)


def test_campaigns_and_alerts_are_on_the_bizwatch_command(cli):
    shown = ok(cli, "--help")
    assert "campaigns" in shown and "alerts" in shown
    assert "approve" in ok(cli, "campaigns", "--help") and "send" in ok(cli, "alerts", "--help")
