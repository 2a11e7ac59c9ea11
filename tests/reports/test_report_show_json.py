"""`reports show|list|export`: the status history, the evidence and the messages about a report, for officers and tools."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.delivery.outbox import Purpose, queue
from bot.messages import Outbound
from bot.storage.models import Report
from conftest import TEST_CAPABILITIES, Chat
from reports_support import cli  # noqa: F401 (a fixture)
from reports_support import run, run_json, submit_shop_theft, submit_with_photo

LONDON = ZoneInfo("Europe/London")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
EXPORT_KEYS = {"reference", "status", "crime_type", "occurred_at", "occurred_time_known", "occurred_until",
               "created_at", "submitted_at", "channel", "business", "description", "items", "value_gbp", "details",
               "offenders", "vehicle_registrations", "injuries", "witnesses", "cctv", "photos", "reporter",
               "willing_to_give_statement", "willing_to_attend_court"}


def moved_on(cli, reference: str) -> None:
    for args, at in (((" crime reference", "--crime-number", "43/12345/26", "--by", "DC Patel"), MONDAY),
                     (("evidence_received", "--note", "Photo received.", "--by", "DC Patel"), MONDAY.replace(hour=22))):
        result = run(cli, "set-status", reference, *args, at=at)
        assert result.exit_code == 0, result.output


def test_show_json_has_history_evidence_and_messages(cli, engine, sessions):
    assert "media" in TEST_CAPABILITIES
    reference = submit_with_photo(Chat(engine, channel="media", address="chat-77"))
    moved_on(cli, reference)
    with sessions.begin() as session:  # a key that merely starts with the same digits belongs to another report
        report_id = session.scalars(select(Report.id).where(Report.reference == reference)).one()
        queue(session, channel="media", address="chat-77", key=f"report:{report_id}1:status:1",
              purpose=Purpose.STATUS, messages=[Outbound("Not about this report.")], now=MONDAY)
    data = run_json(cli, "show", reference)
    assert EXPORT_KEYS <= set(data) and data["status"] == "submitted"
    assert data["police"] == {"status": "evidence_received", "since": "2026-11-23T22:00:00+00:00",
                              "crime_number": "43/12345/26", "officer": None, "outcome": None}
    received, issued, evidence = data["status_history"]
    assert received == {"n": 1, "status": "received", "at": "2026-11-22T16:00:00+00:00", "note": None,
                        "crime_number": None, "officer": None, "outcome": None, "by": "bizwatch", "urgent": False,
                        "reporter_told": {"how": "in_chat"}}
    assert issued["reporter_told"] == {"how": "message", "key": f"report:{report_id}:status:2",
                                       "due_at": "2026-11-23T10:00:00+00:00"}
    assert evidence["note"] == "Photo received." and evidence["reporter_told"]["due_at"] == "2026-11-24T08:00:00+00:00"
    [photo] = data["evidence"]
    assert photo["kind"] == "photo" and photo["size_bytes"] == 48213 and photo["sha256"].startswith("c0ffee")
    assert photo["content_type"] == "image/jpeg" and photo["storage_key"] == "ab" * 16
    assert [m["key"] for m in data["messages"]] == [f"report:{report_id}:status:2", f"report:{report_id}:status:3"]
    first, second = data["messages"]
    assert first["status"] == "queued" and first["purpose"] == "status" and first["channel"] == "media"
    assert first["due_at"] == "2026-11-23T10:00:00+00:00" and first["sent_at"] is None
    assert "43/12345/26" in first["text"] and second["due_at"] == "2026-11-24T08:00:00+00:00"


def test_show_in_words_has_the_status_crime_number_and_history(cli, chat):
    reference = submit_shop_theft(chat)
    moved_on(cli, reference)
    shown = run(cli, "show", reference)
    assert shown.exit_code == 0, shown.output
    assert "Status: evidence received" in shown.stdout and "Crime number: 43/12345/26" in shown.stdout
    history = shown.stdout.split("History:\n", 1)[1].splitlines()
    assert len(history) == 3
    assert "received by the business crime team (bizwatch; told in the chat)" in history[0]
    assert "a crime reference was issued, 43/12345/26 (DC Patel; message due Monday 23 November 2026, 10:00am)" \
        in history[1]
    assert "Note: Photo received." in history[2] and "8:00am" in history[2]


def test_show_says_when_a_reference_is_mistyped(cli, chat):
    reference = submit_shop_theft(chat)
    typo = reference[:-1] + ("A" if reference[-1] != "A" else "B")
    result = run(cli, "show", typo)
    assert result.exit_code == 1 and "No report with reference" in result.stderr
    assert "doesn't look right" in result.stderr
    assert run_json(cli, "show", typo)["code"] == "mistyped_reference"


def test_list_and_export_carry_the_current_status(cli, chat, tmp_path):
    first = submit_shop_theft(chat)
    second = submit_shop_theft(Chat(chat.engine, address="shop-2"))
    moved_on(cli, first)
    listing = run(cli, "list").stdout.splitlines()
    assert [line.split()[:4] for line in listing[1:]] == [[first, "evidence", "received", "Sunday"],
                                                          [second, "received", "Sunday", "22"]]
    listed = {r["reference"]: r["police"]["status"] for r in run_json(cli, "list")}
    assert listed == {first: "evidence_received", second: "received"}
    exported = json.loads(run(cli, "export").stdout)
    assert [len(r["status_history"]) for r in exported] == [3, 1]
    target = tmp_path / "reports.csv"
    assert run(cli, "export", "--format", "csv", "--output", str(target)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [(r["police_status"], r["police_crime_number"]) for r in rows] == [("evidence_received", "43/12345/26"),
                                                                            ("received", "")]
    assert [c["status"] for c in json.loads(rows[0]["status_history"])] == ["received", "crime_reference_issued",
                                                                           "evidence_received"]
    Chat(chat.engine, address="shop-3").say("someone nicked 3 bottles of wine this morning")
    [draft] = run_json(cli, "list", "--status", "draft")
    assert draft["status"] == "draft" and draft["police"]["status"] is None and draft["status_history"] == []
    assert "draft" in run(cli, "list", "--status", "draft").stdout.splitlines()[1].split()
