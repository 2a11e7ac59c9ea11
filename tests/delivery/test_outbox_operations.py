"""What an operator sees and does: `bizwatch outbox list|show|retry`, `/healthz`'s oldest unsent message,
workers inside `serve`, and a worker in another process woken by PostgreSQL's NOTIFY."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from bot.delivery.errors import PermanentFailure
from bot.delivery.wakeup import Listener, Wakeup
from bot.engine import Engine
from bot.service import default_flows
from bot.storage.types import utcnow
from conftest import TEST_CAPABILITIES, Chat
from delivery_support import TestChannel, make_worker, row, send_later
from edge_servers import serve

PHONE = "+447700900123"


@pytest.fixture
def cli(settings, sessions, monkeypatch):
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_an_operator_finds_a_failed_message_reads_its_history_and_sends_it_again(cli, sessions, monkeypatch):
    # The command reads the real clock: no quiet hours, so the retry goes at once whenever this runs.
    monkeypatch.setenv("BIZWATCH_QUIET_HOURS_START", "00:00")
    monkeypatch.setenv("BIZWATCH_QUIET_HOURS_END", "00:00")
    sms = TestChannel()
    sms.will(PHONE, PermanentFailure("30007", "message filtered by the carrier"))
    now = utcnow()
    failed_id = send_later(sessions, "sms", PHONE, "Your report BW-7KQM-3XZ9 was received.", now=now)
    sent_id = send_later(sessions, "sms", "+447700900456", "Thanks for your report.", now=now)
    make_worker(sessions, [sms], utcnow).drain()

    listing = cli.invoke(app, ["outbox", "list", "--status", "failed"])
    assert listing.exit_code == 0
    header, line = listing.output.splitlines()
    assert header.split()[:3] == ["Id", "Channel", "Status"]
    assert line.split()[:3] == [str(failed_id), "sms", "failed"] and "30007" in line
    as_json = json.loads(cli.invoke(app, ["outbox", "list", "--channel", "sms", "--format", "json"]).output)
    assert {m["id"]: m["status"] for m in as_json} == {failed_id: "failed", sent_id: "sent"}

    shown = cli.invoke(app, ["outbox", "show", str(failed_id)])
    assert shown.exit_code == 0 and "Your report BW-7KQM-3XZ9 was received." in shown.output
    assert "30007" in shown.output and "History:" in shown.output
    detail = json.loads(cli.invoke(app, ["outbox", "show", str(failed_id), "-f", "json"]).output)
    assert [e["status"] for e in detail["events"]] == ["sending", "failed"]
    assert detail["messages"][0]["text"] == "Your report BW-7KQM-3XZ9 was received."

    assert cli.invoke(app, ["outbox", "retry", str(sent_id)]).exit_code == 1  # only failed ones
    retried = cli.invoke(app, ["outbox", "retry", str(failed_id)])
    assert retried.exit_code == 0 and "queued" in retried.output
    make_worker(sessions, [sms], utcnow).drain()
    assert sms.texts(PHONE) == ["Your report BW-7KQM-3XZ9 was received."]
    again = json.loads(cli.invoke(app, ["outbox", "show", str(failed_id), "--format", "json"]).output)
    assert [(e["kind"], e["status"]) for e in again["events"]][-3:] == [
        ("operator", "queued"), ("attempt", "sending"), ("attempt", "sent")]
    assert cli.invoke(app, ["outbox", "show", "999999"]).exit_code == 1


def test_health_says_how_long_the_oldest_due_message_has_waited(service, sessions):
    now = utcnow()
    with serve(service) as server:
        assert httpx.get(f"{server.url}/healthz").json()["outbox"] == {"unsent": 0, "oldest_unsent_seconds": 0.0}
        send_later(sessions, "sms", PHONE, "Waiting for a worker.", now=now - timedelta(minutes=5))
        send_later(sessions, "sms", PHONE, "Due tomorrow.", now=now, due_at=now + timedelta(days=1))
        send_later(sessions, "web", "page-visitor", "Collected by the page, not a worker.", now=now - timedelta(hours=1))
        health = httpx.get(f"{server.url}/healthz")
    assert health.status_code == 200
    outbox = health.json()["outbox"]
    assert outbox["unsent"] == 1 and 300 <= outbox["oldest_unsent_seconds"] < 400


def test_serve_runs_workers_for_its_channels_and_stops_them(service, sessions):
    sms = TestChannel()
    outbox_id = send_later(sessions, "sms", PHONE, "Sent by the web process's own worker.", now=service.engine.clock())
    service.channels = {"sms": sms}
    assert service.start_workers()
    try:
        sms.wait_for(1)
    finally:
        service.stop_workers()
    assert service.delivery is None and row(sessions, outbox_id).status == "sent"


def test_a_worker_in_another_process_hears_the_turn_commit_on_postgresql(sessions, interpreter, settings):
    if not settings.database_url.startswith("postgresql"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's")
    web_side = Wakeup(settings.database_url)  # what `bizwatch serve` passes to the engine
    engine = Engine(sessions, interpreter, settings, flows=default_flows(), capabilities=TEST_CAPABILITIES,
                    on_queued=web_side)
    worker_side = Wakeup()  # the worker process's own: only the listener sets it
    listener = Listener(settings.database_url, worker_side)
    sms = TestChannel()
    worker = make_worker(sessions, [sms], utcnow, wakeup=worker_side, poll_seconds=60)
    listener.start()
    assert listener.listening.wait(10)
    worker.start()
    try:
        Chat(engine, channel="sms", address=PHONE).say("hello")
        sms.wait_for(1)  # long before the next poll
    finally:
        worker.stop()
        listener.stop()
        web_side.close()
    assert sms.texts(PHONE)
