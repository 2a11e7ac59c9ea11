"""Held-out figures (the thresholds we reach, asserted so CI notices a regression), the CLI and
the Rasa export."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from nlu.cli import app
from nlu.embedded import EmbeddedInterpreter
from nlu.evaluation import evaluate
from nlu.loader import TEST_FILE, TRAINING_FILE, load_file

runner = CliRunner()


@pytest.fixture(scope="module")
def report() -> dict:
    return evaluate(EmbeddedInterpreter(), load_file(TEST_FILE))


def test_held_out_thresholds(report):
    s = report["summary"]
    assert s["intent_accuracy"] >= 0.92, report["intent"]["errors"]
    assert s["emergency_recall"] == 1.0
    assert s["crime_type_f1"] >= 0.90
    assert s["money_value_accuracy"] >= 0.95
    assert s["datetime_value_accuracy"] >= 0.95


def test_report_contents(report):
    intent = report["intent"]
    assert set(intent) >= {"accuracy", "macro_f1", "per_intent", "confusion", "errors"}
    assert sum(sum(row.values()) for row in intent["confusion"].values()) == report["examples"]
    assert set(report["entities"]["money"]) >= {"precision", "recall", "f1", "value_accuracy"}


def test_cli_parse_prints_one_json_object(tmp_path):
    result = runner.invoke(app, ["parse", "someone nicked £80 yesterday", "--now", "2024-11-27T16:00:00+00:00",
                                 "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["intent"]["name"] == "report_crime"
    assert {"entity": "datetime", "value": "2024-11-26T00:00:00+00:00"}.items() <= parsed["entities"][-1].items()


def test_cli_parse_rasa_down_is_a_clear_error():
    result = runner.invoke(app, ["parse", "hi", "--interpreter", "rasa", "--rasa-url", "http://127.0.0.1:9",
                                 "--timeout", "0.5"])
    assert result.exit_code == 2 and "cannot reach Rasa server" in result.output


def test_cli_test_writes_report_and_fails_below_threshold(tmp_path):
    path = tmp_path / "report.json"
    ok = runner.invoke(app, ["test", "--report", str(path), "--min-accuracy", "0.9", "--min-emergency-recall", "1"])
    assert ok.exit_code == 0, ok.output
    assert "intent accuracy" in ok.output and "confusion" in ok.output
    assert json.loads(path.read_text())["summary"]["emergency_recall"] == 1.0
    assert json.loads(path.read_text())["summary"]["crime_type_accuracy"] >= 0.95
    assert "held-out crime types: accuracy" in ok.output
    failed = runner.invoke(app, ["test", "--report", str(path), "--min-accuracy", "1.01"])
    assert failed.exit_code == 1 and "intent_accuracy" in failed.output


def test_cli_train_reports_cross_validation(tmp_path):
    result = runner.invoke(app, ["train", "--folds", "3", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)
    assert figures["cross_validation"]["folds"] == 3 and 0.5 < figures["cross_validation"]["accuracy"] <= 1
    assert 0.5 < figures["crime_types"]["accuracy"] <= 1 and len(figures["crime_types"]["thresholds"]) == 2


@pytest.mark.parametrize("command", ["parse", "train", "test"])
def test_cli_help_names_what_each_option_takes(command):
    result = runner.invoke(app, [command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    for unclear in ("<str>  ", "<float>", "<int range>", "<path>"):
        assert unclear not in result.output.replace(" TEXT      <str>  ", ""), (unclear, result.output)
    assert {"parse": "ISO-TIME", "train": "N", "test": "FRACTION"}[command] in result.output


def test_cli_and_service_keep_the_model_in_the_same_place():
    from bot.config import Settings

    from nlu.paths import DEFAULT_CACHE_DIR

    assert Settings.model_fields["nlu_cache_dir"].default == DEFAULT_CACHE_DIR


def test_export_rasa_project(tmp_path):
    result = runner.invoke(app, ["export-rasa", str(tmp_path / "rasa")])
    assert result.exit_code == 0, result.output
    config = yaml.safe_load((tmp_path / "rasa" / "config.yml").read_text())
    domain = yaml.safe_load((tmp_path / "rasa" / "domain.yml").read_text())
    assert config["language"] == "en" and any(c["name"] == "DIETClassifier" for c in config["pipeline"])
    assert domain["version"] == "3.1" and "emergency" in domain["intents"] and "crime_type" in domain["entities"]
    assert (tmp_path / "rasa" / "data" / "nlu.yml").read_bytes() == TRAINING_FILE.read_bytes()
