"""``bizwatch advice check`` and ``bizwatch advice search`` through Typer's test runner."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from bot.advice.cli import app

from advice_factories import write_article

runner = CliRunner()


def test_check_passes_on_the_shipped_articles() -> None:
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "OK:" in result.output and "articles checked" in result.output


def test_check_fails_and_lists_problems(tmp_path: Path) -> None:
    write_article(tmp_path, "lock-up", related="related: [nowhere]")
    result = runner.invoke(app, ["check", "--dir", str(tmp_path), "--today", "2026-11-22"])
    assert result.exit_code == 1
    assert "lock-up.md: related article 'nowhere' does not exist (broken link)" in result.output
    assert "problem(s) found" in result.output


def test_check_flags_review_dates_that_have_passed(tmp_path: Path) -> None:
    write_article(tmp_path, "lock-up")
    result = runner.invoke(app, ["check", "--dir", str(tmp_path), "--today", "2028-01-01"])
    assert result.exit_code == 1
    assert "review_by 2027-11-01 has passed" in result.output


def test_search_prints_ranked_articles() -> None:
    result = runner.invoke(app, ["search", "drive offs keep happening"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("1.") and "fuel-drive-offs" in first and "Preventing fuel drive-offs" in first


def test_search_uses_sector_and_crime_type() -> None:
    result = runner.invoke(app, ["search", "theft", "--sector", "forecourt"])
    assert "fuel-drive-offs" in result.output.splitlines()[0]
    result = runner.invoke(app, ["search", "any advice", "--crime-type", "burglary"])
    assert "shutters-locks-and-alarms" in result.output.splitlines()[0]


def test_search_with_no_match_offers_the_topics() -> None:
    result = runner.invoke(app, ["search", "banana pyjamas"])
    assert result.exit_code == 0
    assert "No article fits" in result.output and "shop_theft: Shop theft" in result.output


def test_search_explain_shows_the_working() -> None:
    result = runner.invoke(app, ["search", "ransomware", "--explain"])
    assert result.output.startswith("terms: ransomwar")
    assert "+ " in result.output and "coverage=" in result.output


def test_advice_is_registered_on_the_bizwatch_command() -> None:
    from bot.cli import app as bizwatch

    result = runner.invoke(bizwatch, ["advice", "search", "ransomware"])
    assert result.exit_code == 0, result.output
    assert "ransomware" in result.output


def test_search_refuses_an_unknown_sector_or_season_with_the_choices() -> None:
    result = runner.invoke(app, ["search", "how do I stop theft", "--sector", "nonsense"])
    assert result.exit_code == 2 and "nonsense" in result.output and "forecourt" in result.output
    result = runner.invoke(app, ["search", "how do I stop theft", "--season", "easter"])
    assert result.exit_code == 2 and "christmas" in result.output
    result = runner.invoke(app, ["search", "how do I stop theft", "--sector", "forecourt"])
    assert result.exit_code == 0 and "fuel-drive-offs" in result.output


def test_check_refuses_an_impossible_date_kindly() -> None:
    result = runner.invoke(app, ["check", "--today", "2026-13-01"])
    assert result.exit_code == 2 and "2026-13-01" in result.output and "Traceback" not in result.output
