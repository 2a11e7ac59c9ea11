"""`reports show` (words and JSON) shows each change of the CCTV status with its time and reason; "there's
no footage" and "I'd rather not share it" read differently; closing a report settles footage still to follow."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from conftest import Chat
from dialog import PLACE, verify_dialog, you
from reports_support import cli  # noqa: F401 (a fixture)
from reports_support import reference_in, run, run_json

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)


def submit_with_cctv_later(chat: Chat) -> str:
    verify_dialog(chat, [("someone nicked £80 of meat yesterday at 3pm", "still there"), ("no", "where"),
                         (PLACE, "anything to add"), ("that's all", "describe"), ("skip", "cctv"),
                         ("yes, face clear, clock right, 14 days", "link"), ("later", "anyone else"),
                         ("no", "your name"), *you()])
    return reference_in(chat.say("submit"))


@pytest.mark.parametrize(("said", "reason", "words"), [
    ("there's no footage", "no footage", "no footage of it (there is none)"),
    ("I'd rather not share the footage", "rather not share it", "not shared, by choice"),
])
def test_no_footage_and_rather_not_are_shown_apart_with_their_history(cli, chat, clock, said, reason, words):
    reference = submit_with_cctv_later(chat)
    clock.now = MONDAY
    assert "won't remind you" in chat.say(said)

    shown = run(cli, "show", reference).stdout
    assert f"CCTV: yes, shows face, clock right, overwritten after 14 days, {words}" in shown
    assert shown.split("CCTV history:\n", 1)[1].splitlines() == [
        "  Sunday 22 November 2026, 4:00pm: pending (when the report was sent)",
        f"  Monday 23 November 2026, 10:00am: declined ({reason})"]
    cctv = run_json(cli, "show", reference)["cctv"]
    assert (cctv["status"], cctv["status_reason"]) == ("declined", reason)
    assert cctv["history"] == [
        {"status": "pending", "at": "2026-11-22T16:00:00+00:00", "reason": "when the report was sent"},
        {"status": "declined", "at": "2026-11-23T10:00:00+00:00", "reason": reason}]


def test_closing_a_report_settles_footage_still_to_follow(cli, chat):
    reference = submit_with_cctv_later(chat)
    closed = run(cli, "set-status", reference, "closed", "--outcome", "no_suspect", "--by", "PC Test", at=MONDAY)
    assert closed.exit_code == 0, closed.output

    shown = run(cli, "show", reference).stdout
    assert "footage to follow" not in shown and "not needed: report closed" in shown
    assert shown.split("CCTV history:\n", 1)[1].splitlines()[-1] == \
        "  Monday 23 November 2026, 10:00am: not needed (report closed)"
    cctv = run_json(cli, "show", reference)["cctv"]
    assert (cctv["status"], cctv["status_reason"]) == ("not_needed", "report closed")
    assert [change["status"] for change in cctv["history"]] == ["pending", "not_needed"]
