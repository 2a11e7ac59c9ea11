"""Campaign presets: the shipped ones are sound and reach real articles; ``bizwatch advice check`` catches a broken one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.advice.cli import app as advice_app
from bot.advice.library import default_library
from bot.campaigns import presets as presets_module
from bot.campaigns.presets import check_presets, load_presets

KNOWN = {article.id for article in default_library().articles}
GOOD = """\
id: {id}
name: Lock up for the holidays
description: A reminder before the Christmas closure.
articles: [summer-and-holiday-closures]
audience:
  topics: [burglary, seasonal]
schedule:
  every: friday
  at: "10:00"
  from: "12-18"
  until: "12-24"
sms: "{{{{ business_name }}}}: check locks and alarms before you close. {{{{ advice_link }}}}"
chat: "{{{{ business_name }}}}: check locks and alarms before you close."
"""


def write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.yml").write_text(text, encoding="utf-8")


def test_the_shipped_presets_pass_and_cover_the_seasons_asked_for():
    assert check_presets(KNOWN) == []
    found = load_presets()
    assert set(found) == {"christmas-shop-theft", "black-friday", "summer-and-school-holidays",
                          "cyber-security-awareness", "counterfeit-notes", "winter-fuel-drive-offs"}
    for preset in found.values():
        assert preset.articles and set(preset.articles) <= KNOWN
        assert preset.schedule(date(2026, 6, 1)).problems() == []


def test_a_good_preset_in_a_folder_passes(tmp_path):
    write(tmp_path, "holiday-lock-up", GOOD.format(id="holiday-lock-up"))
    assert check_presets(KNOWN, tmp_path) == []


@pytest.mark.parametrize("change, told", [
    (("id: holiday-lock-up", "id: Holiday Lock Up"), "must be kebab-case and match the file name"),
    (("[summer-and-holiday-closures]", "[closing-for-the-summer]"), "there is no advice article 'closing-for-the-summer'"),
    (("topics: [burglary, seasonal]", "topics: [break_ins]"), "unknown topic 'break_ins'"),
    (("topics: [burglary, seasonal]", "topics: [burglary]\n  sectors: [shops]"), "unknown sector 'shops'"),
    (("check locks and alarms before you close. ", "check {{ locks }} before you close. "),
     "SMS text, line 1: unknown variable 'locks'"),
    (("chat: \"", "chat: \"{% for a in advice %}"), "chat text, line 1: Unexpected end of template"),
    (("check locks and alarms before you close. ", "check locks and alarms before you close. " + "Really. " * 60),
     "renders to 5 segment(s)"),
    (("check locks and alarms before you close. ", "check locks and alarms before you close \u2013 now. "),
     "characters outside GSM-7 (plain quotes and dashes, please): '\u2013'"),
    (("at: \"10:00\"", "at: \"01:30\""), "no send may be between 01:00 and 02:00"),
    (("from: \"12-18\"", "from: \"18 December\""), "from and until are a month and day such as 12-01"),
    (("name: Lock up for the holidays\n", ""), "missing field 'name'"),
    (("description:", "colour: red\ndescription:"), "unknown field 'colour'"),
])
def test_each_kind_of_broken_preset_is_caught(tmp_path, change, told):
    old, new = change
    text = GOOD.format(id="holiday-lock-up")
    assert old in text
    write(tmp_path, "holiday-lock-up", text.replace(old, new))
    problems = [f"{name}: {message}" for name, message in check_presets(KNOWN, tmp_path)]
    assert any(told in problem and problem.startswith("holiday-lock-up.yml: ") for problem in problems), problems


def test_advice_check_checks_the_presets_too(tmp_path, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(advice_app, ["check"]).exit_code == 0
    write(tmp_path, "holiday-lock-up", GOOD.format(id="holiday-lock-up").replace(
        "[summer-and-holiday-closures]", "[no-such-article]"))
    monkeypatch.setattr(presets_module, "presets_directory", lambda: tmp_path)
    result = runner.invoke(advice_app, ["check"])
    assert result.exit_code == 1
    assert "campaigns/holiday-lock-up.yml: there is no advice article 'no-such-article'" in result.output
