"""`bizwatch reports list|show|export` on a database holding real submitted reports."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.config import get_settings
from dialog import PLACE, verify_dialog, you


@pytest.fixture
def submitted_reference(chat) -> str:
    verify_dialog(chat, [("someone stole 2 bottles of gin worth £50 yesterday at 9am", "still there"),
                         ("no", "where did it happen"), (PLACE, "anything to add"), ("that's all", "describe"),
                         ("=HYPERLINK(\"x\") tall man", "cctv"), ("no", "anyone else"), ("no", "your name"), *you()])
    reply = chat.say("submit")
    return reply.split("reference is ", 1)[1][:12]


@pytest.fixture
def cli(settings, sessions, monkeypatch):
    monkeypatch.setenv("BIZWATCH_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_list_and_show(cli, submitted_reference):
    listing = cli.invoke(app, ["reports", "list"])
    assert listing.exit_code == 0
    header, row = listing.output.splitlines()
    assert header.split() == ["Reference", "Status", "Sent", "(or", "started)", "Crime", "Business"]
    assert row.startswith(submitted_reference) and "Shop theft" in row and "shop_theft" not in row
    assert row.split()[1] == "received"
    shown = cli.invoke(app, ["reports", "show", submitted_reference.lower().replace("-", " ")])
    assert shown.exit_code == 0, shown.output
    assert "Kumar's Convenience Store" in shown.output and "£50" in shown.output


def test_list_and_show_as_json_for_other_tools(cli, submitted_reference):
    [listed] = json.loads(cli.invoke(app, ["reports", "list", "--format", "json"]).output)
    assert listed["reference"] == submitted_reference and listed["crime_type"] == "shop_theft"
    shown = json.loads(cli.invoke(app, ["reports", "show", submitted_reference, "--format", "json"]).output)
    assert shown["business"]["postcode"] == "WS1 1QL"
    assert json.loads(cli.invoke(app, ["reports", "list", "--status", "draft", "-f", "json"]).output) == []


def test_an_unknown_status_is_refused_with_the_choices(cli):
    result = cli.invoke(app, ["reports", "list", "--status", "bogus"])
    assert result.exit_code == 2
    assert "bogus" in result.output and "submitted" in result.output and "draft" in result.output


def test_show_explains_an_unknown_or_mistyped_reference(cli, submitted_reference):
    typo = submitted_reference[:-1] + ("A" if submitted_reference[-1] != "A" else "B")
    result = cli.invoke(app, ["reports", "show", typo])
    assert result.exit_code == 1 and "No report with reference" in result.output


def test_export_json_and_csv(cli, submitted_reference, tmp_path):
    result = cli.invoke(app, ["reports", "export", "--format", "json"])
    assert result.exit_code == 0
    [report] = json.loads(result.output)
    assert report["reference"] == submitted_reference and report["value_gbp"] == 50.0
    target = tmp_path / "reports.csv"
    result = cli.invoke(app, ["reports", "export", "--format", "csv", "--output", str(target)])
    assert result.exit_code == 0
    [row] = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert row["reference"] == submitted_reference and row["business_postcode"] == "WS1 1QL" and row["reporter_preferred_contact"] == "text"
    assert json.loads(row["offenders"])[0]["description"].startswith("=HYPERLINK")  # JSON cell, not a formula


def test_export_with_no_reports_is_an_empty_list(cli):
    result = cli.invoke(app, ["reports", "export"])
    assert result.exit_code == 0 and json.loads(result.output) == []
