"""`bizwatch subscribers import|export|list` through Typer's runner, on a real database."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from alerts_support import consents, subscriber, subscription
from bot.campaigns import subscribers_cli
from bot.cli import app
from bot.config import get_settings
from bot.storage.models import Consent, Contact, Subscription

LONDON = ZoneInfo("Europe/London")
HEADER = "channel,address,topics,areas,sector,max_per_week,business_name,consent_at\n"
GOOD_AND_BAD = HEADER + "\n".join([
    "sms,07700 900001,shop_theft; fraud,WS1,retail,2,Kumar's Convenience Store,2025-11-02",  # line 2
    "sms,0770090,fraud,WS1,,,,2025-11-02",  # 3: bad phone
    "telegram,123456789,shoplifitng,WS1,,,,2025-11-02",  # 4: unknown topic
    "sms,07700 900002,all,Narnia,,,,2025-11-02",  # 5: unknown area
    "sms,07700 900003,fraud,WS1,bakery,,,2025-11-02",  # 6: unknown sector
    "sms,07700 900004,fraud,WS1,,,,",  # 7: no consent time
    "sms,+447700900001,burglary,B1,,,,2025-11-03",  # 8: the same number as line 2
    "whatsapp,07700900005,,all,other,9,,2025-11-02",  # 9: cap out of range
    "email,someone@example.com,fraud,WS1,,,,2025-11-02",  # 10: not a channel alerts go by
    'telegram,123456789,Fraud and scams,Walsall;ST16,Licensed premises,1,"The Crown, High St",02/11/2025 10:15',  # 11
    "sms,07700 900006,fraud,WS1,,,,next tuesday",  # 12: not a date
]) + "\n"


@pytest.fixture
def cli(settings, sessions, monkeypatch):
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def written(tmp_path: Path, text: str, name: str = "subscribers.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def count(sessions, model) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


EXPECTED_PROBLEMS = [
    "  line 3: bad phone number '0770090' (a UK mobile such as 07700 900123)",
    "  line 4: unknown topic 'shoplifitng'",
    "  line 5: unknown area 'Narnia'",
    "  line 6: unknown sector 'bakery'",
    "  line 7: no consent time (consent_at): when did they agree to alerts?",
    "  line 8: same channel and address as line 2",
    "  line 9: max_per_week '9' is not a whole number from 1 to 7",
    "  line 10: unknown channel 'email' (sms, telegram or whatsapp)",
    "  line 12: consent time 'next tuesday' is not a date such as 2025-11-02 or 2025-11-02T10:15",
]


def test_a_dry_run_reports_every_bad_row_by_line_and_writes_nothing(cli, sessions, tmp_path):
    result = cli.invoke(app, ["subscribers", "import", written(tmp_path, GOOD_AND_BAD), "--dry-run",
                              "--source", "Walsall BCRP paper form"])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[:3] == ["Checked 11 rows in subscribers.csv.", "Would add: 2.", "Not imported: 9."]
    assert lines[3:-1] == EXPECTED_PROBLEMS
    assert lines[-1] == "Dry run: nothing was written."
    assert count(sessions, Subscription) == 0 and count(sessions, Consent) == 0


def test_an_import_keeps_the_good_rows_with_their_consent_and_never_makes_two_rows(cli, sessions, tmp_path):
    path = written(tmp_path, GOOD_AND_BAD)
    result = cli.invoke(app, ["subscribers", "import", path, "--source", "Walsall BCRP paper form",
                              "--wording", "Yes, send me crime alerts by text"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:3] == ["Added: 2.", "Not imported: 9."]
    with sessions() as session:
        shop = subscription(session, "sms", "+447700900001")
        assert (shop.status, shop.topics, shop.areas, shop.sector, shop.max_per_week, shop.business_name,
                shop.source) == ("active", ["shop_theft", "fraud"], ["WS1"], "retail", 2,
                                 "Kumar's Convenience Store", "import")
        assert shop.confirmed_at == datetime(2025, 11, 2, tzinfo=LONDON)
        pub = subscription(session, "telegram", "123456789")
        assert (pub.topics, pub.areas, pub.sector, pub.max_per_week, pub.business_name) == \
            (["fraud"], ["walsall", "ST16"], "licensed", 1, "The Crown, High St")
        assert pub.confirmed_at == datetime(2025, 11, 2, 10, 15, tzinfo=LONDON)
        [consent] = consents(session, "+447700900001")
        assert (consent.action, consent.scope, consent.source, consent.at) == \
            ("opt_in", "alerts", "import", datetime(2025, 11, 2, tzinfo=LONDON))
        assert consent.wording == ("Consent obtained: Walsall BCRP paper form. Wording agreed to: Yes, send me "
                                   "crime alerts by text.")
    again = cli.invoke(app, ["subscribers", "import", path, "--source", "Walsall BCRP paper form"])
    assert "Added: 0." in again.stdout
    assert "Already subscribed (left as they are): 2, on lines 2, 11." in again.stdout
    assert count(sessions, Subscription) == 2 and count(sessions, Consent) == 2


def test_an_import_needs_the_consent_source(cli, sessions, tmp_path):
    path = written(tmp_path, GOOD_AND_BAD)
    refused = cli.invoke(app, ["subscribers", "import", path])
    assert refused.exit_code == 2 and "--source" in refused.output
    blank = cli.invoke(app, ["subscribers", "import", path, "--source", "  "])
    assert blank.exit_code == 2 and "must say where the consent came from" in blank.output
    assert count(sessions, Subscription) == 0


def test_a_file_without_the_needed_columns_is_refused_whole(cli, sessions, tmp_path):
    result = cli.invoke(app, ["subscribers", "import", written(tmp_path, "phone,name\n07700 900001,Priya\n"),
                              "--source", "form"])
    assert result.exit_code == 2
    assert "has no channel, address, areas, consent_at columns" in result.output


def test_an_opt_out_after_the_consent_is_honoured_and_an_older_one_is_not(cli, sessions, tmp_path):
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        session.add(Contact(channel="sms", address="+447700900001", opted_out_at=now - timedelta(days=3)))
        old = subscriber(session, "+447700900002", now - timedelta(days=400))
        old.status, old.unsubscribed_at = "unsubscribed", now - timedelta(days=300)
    text = HEADER + f"sms,07700 900001,fraud,WS1,,,,{(now - timedelta(days=10)).date()}\n" \
                    f"sms,07700 900002,fraud,WS1,,,,{(now - timedelta(days=10)).date()}\n"
    result = cli.invoke(app, ["subscribers", "import", written(tmp_path, text), "--source", "website form"])
    assert f"line 2: opted out on {(now - timedelta(days=3)):%Y-%m-%d}, after this consent: not imported" \
        in result.stdout
    with sessions() as session:
        assert subscription(session, "sms", "+447700900001") is None
        assert subscription(session, "sms", "+447700900002").status == "active"


def test_the_import_report_as_json(cli, tmp_path):
    result = cli.invoke(app, ["subscribers", "import", written(tmp_path, GOOD_AND_BAD), "--source", "form",
                              "--format", "json", "--dry-run"])
    report = json.loads(result.stdout)
    assert (report["rows"], report["added"], report["dry_run"]) == (11, 2, True)
    assert report["not_imported"][0] == {"line": 3, "reason": "bad phone number '0770090' (a UK mobile such as "
                                                              "07700 900123)"}


def test_a_long_import_shows_a_progress_bar(cli, sessions, tmp_path, monkeypatch):
    monkeypatch.setattr(subscribers_cli, "PROGRESS_FROM", 50)
    rows = "".join(f"sms,07700 9{n:05d},all,WS1,,,,2025-11-02\n" for n in range(120))
    result = cli.invoke(app, ["subscribers", "import", written(tmp_path, HEADER + rows), "--source", "form"])
    assert result.exit_code == 0, result.output
    assert "Importing" in result.stderr and "Importing" not in result.stdout
    assert "Added: 120." in result.stdout and count(sessions, Subscription) == 120


def test_export_and_list_with_filters(cli, sessions, tmp_path):
    cli.invoke(app, ["subscribers", "import", written(tmp_path, GOOD_AND_BAD), "--source", "form"])
    exported = cli.invoke(app, ["subscribers", "export"])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert [(r["channel"], r["address"], r["topics"], r["areas"], r["status"]) for r in rows] == [
        ("sms", "+447700900001", "shop_theft; fraud", "WS1", "active"),
        ("telegram", "123456789", "fraud", "walsall; ST16", "active")]
    # What export writes, import reads back (into an empty database: both added, nothing refused).
    with sessions.begin() as session:
        session.query(Consent).delete()
        session.query(Subscription).delete()
    back = cli.invoke(app, ["subscribers", "import", written(tmp_path, exported.stdout, "export.csv"),
                            "--source", "export from the old system"])
    assert back.exit_code == 0 and "Added: 2." in back.stdout and "ignored" not in back.stdout
    as_json = json.loads(cli.invoke(app, ["subscribers", "export", "--format", "json"]).stdout)
    assert as_json[1]["areas"] == ["walsall", "ST16"] and as_json[1]["consent_at"].startswith("2025-11-02T10:15")
    listed = json.loads(cli.invoke(app, ["subscribers", "list", "--area", "WS1", "--format", "json"]).stdout)
    assert [r["address"] for r in listed] == ["+447700900001", "123456789"]  # Walsall holds WS1
    only = json.loads(cli.invoke(app, ["subscribers", "list", "--topic", "shop theft", "-f", "json"]).stdout)
    assert [r["address"] for r in only] == ["+447700900001"]
    pubs = cli.invoke(app, ["subscribers", "list", "--sector", "licensed", "--channel", "telegram"])
    assert pubs.stdout.splitlines()[1].split()[:4] == [str(as_json[1]["id"]), "telegram", "123456789", "active"]
    assert pubs.stdout.splitlines()[-1] == "1 subscriber."
    unknown = cli.invoke(app, ["subscribers", "list", "--topic", "knitting"])
    assert unknown.exit_code == 2 and "Unknown topic 'knitting'" in unknown.output
    assert cli.invoke(app, ["subscribers", "list", "--status", "paused"]).stdout == "No subscribers match.\n"


def test_a_pause_that_has_ended_lists_as_active(cli, sessions):
    now = datetime.now(timezone.utc)
    with sessions.begin() as session:
        over = subscriber(session, "+447700900001", now - timedelta(days=30))
        over.status, over.paused_until = "paused", now - timedelta(days=1)
        still = subscriber(session, "+447700900002", now - timedelta(days=30))
        still.status, still.paused_until = "paused", now + timedelta(days=1)
    active = json.loads(cli.invoke(app, ["subscribers", "list", "--status", "active", "-f", "json"]).stdout)
    paused = json.loads(cli.invoke(app, ["subscribers", "list", "--status", "paused", "-f", "json"]).stdout)
    assert [(r["address"], r["status"]) for r in active] == [("+447700900001", "active")]
    assert [(r["address"], r["status"]) for r in paused] == [("+447700900002", "paused")]
