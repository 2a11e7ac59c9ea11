"""The embedded interpreter: Rasa /model/parse shape, intents on real phrases, caching, threads."""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from pathlib import Path
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from nlu import embedded
from nlu.classifier import normalise_text
from nlu.embedded import EmbeddedInterpreter
from nlu.factory import build_interpreter
from nlu.loader import TEST_FILE, load_file
from nlu.rasa_http import RasaHttpInterpreter

NOW = datetime(2024, 11, 27, 16, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def interpreter() -> EmbeddedInterpreter:
    return EmbeddedInterpreter()


def test_parse_has_rasa_shape(interpreter):
    result = interpreter.parse("two lads nicked £80 of vodka yesterday about 3pm", now=NOW)
    assert set(result) == {"text", "intent", "entities", "intent_ranking"}
    assert result["intent"]["name"] == "report_crime"
    assert 0 < result["intent"]["confidence"] <= 1
    assert result["intent_ranking"][0] == result["intent"]
    assert len(result["intent_ranking"]) <= 10
    entity = result["entities"][0]
    assert set(entity) >= {"entity", "value", "start", "end", "confidence_entity", "extractor"}
    assert {(e["entity"], e["value"]) for e in result["entities"]} == {
        ("crime_type", "shop_theft"), ("money", 80.0), ("datetime", "2024-11-26T15:00:00+00:00")}


@pytest.mark.parametrize("text, intent", [
    ("hiya", "greet"), ("cheers bye", "goodbye"), ("thanks a lot", "thanks"), ("what can you do", "help"),
    ("yes", "affirm"), ("nope", "deny"), ("cancel", "cancel"), ("who won the football", "out_of_scope"),
    ("drive off at pump 4, reg AB12 CDE", "report_crime"), ("how do i stop shoplifters", "get_advice"),
    ("sign me up for alerts", "subscribe_alerts"), ("unsubscribe", "unsubscribe_alerts"),
    ("i want to make an impact statement", "impact_statement"), ("any news on BW-7K3M-Q9X3", "report_status"),
    ("i've got the cctv now", "add_evidence"),
])
def test_intents(interpreter, text, intent):
    assert interpreter.parse(text, now=NOW)["intent"]["name"] == intent


@pytest.mark.parametrize("text", [
    "he's still in the shop", "they are outside now with a knife", "my staff member is bleeding",
    "someone is attacking us", "help he's kicking off right now",
])
def test_emergencies_from_the_brief(interpreter, text):
    assert interpreter.parse(text, now=NOW)["intent"]["name"] == "emergency"


@pytest.mark.parametrize("text", ["asdfghjk qwpoeiru", "zzzzzzzzzz", "🙃🙃🙃", "   ", ""])
def test_gibberish_is_out_of_scope(interpreter, text):
    assert interpreter.parse(text, now=NOW)["intent"]["name"] == "out_of_scope"


def test_long_messy_message(interpreter):
    # The interpreter reads the first 2,000 characters (nlu.extractors.text.MAX_TEXT_CHARS): what
    # comes first is found, what comes after is not looked for, and the text comes back whole.
    text = "someone nicked £20 of sweets\x00 😡 " + ("so anyway " * 600) + "and £50 of crisps"
    result = interpreter.parse(text, now=NOW)
    assert result["text"] == text
    assert {(e["entity"], e["value"]) for e in result["entities"]} == {("money", 20.0), ("crime_type", "shop_theft")}
    assert result["intent"]["name"] == "report_crime"


def test_fast_path_matches_scikit_learn(interpreter):
    classifier = interpreter.classifier
    texts = [e.text for e in load_file(TEST_FILE).examples[::7]]
    slow = classifier.pipeline.predict_proba([normalise_text(t) for t in texts])
    fast = np.vstack([classifier.probabilities([t]) for t in texts])
    assert np.allclose(slow, fast, atol=1e-9)


def test_constructing_again_reuses_the_trained_model(interpreter):
    assert EmbeddedInterpreter().classifier is interpreter.classifier


def test_disk_cache_round_trip_and_corrupt_cache(tmp_path, interpreter, monkeypatch):
    monkeypatch.setattr(embedded, "_MODELS", {})
    first = EmbeddedInterpreter(cache_dir=tmp_path)
    [cache_file] = tmp_path.glob("intent-model-*.pkl")
    assert first.key in cache_file.name
    monkeypatch.setattr(embedded, "_MODELS", {})
    monkeypatch.setattr(embedded, "train", lambda *a, **k: pytest.fail("should have loaded the cache"))
    second = EmbeddedInterpreter(cache_dir=tmp_path)
    assert second.parse("hiya")["intent"]["name"] == "greet"
    monkeypatch.undo()
    monkeypatch.setattr(embedded, "_MODELS", {})
    cache_file.write_bytes(b"not a pickle")
    third = EmbeddedInterpreter(cache_dir=tmp_path)
    assert third.parse("hiya")["intent"]["name"] == "greet"
    assert isinstance(pickle.loads(cache_file.read_bytes()), type(third.model))  # rebuilt


def test_a_cached_model_loads_without_scikit_learn_or_the_yaml_loader(tmp_path):
    """What makes `bizwatch nlu parse` quick: a second process only unpickles plain arrays."""
    EmbeddedInterpreter(cache_dir=tmp_path)  # writes the cache (or finds the model trained in this process)
    if not list(tmp_path.glob("intent-model-*.pkl")):
        embedded.clear_memory_cache()
        EmbeddedInterpreter(cache_dir=tmp_path)
    script = ("import sys, json; from nlu.embedded import EmbeddedInterpreter; "
              f"r = EmbeddedInterpreter(cache_dir={str(tmp_path)!r}).parse('someone nicked £80 of meat'); "
              "print(json.dumps([r['intent']['name'], sorted(m for m in ('sklearn', 'scipy', 'yaml') if m in sys.modules)]))")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=root, check=True,
                         env={"PYTHONPATH": str(root), "PATH": ""}).stdout
    assert out.strip() == '["report_crime", []]'


def test_model_key_changes_with_the_data(tmp_path):
    data = tmp_path / "nlu.yml"
    data.write_text('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n- intent: bye\n'
                    '  examples: |\n    - bye\n', encoding="utf-8")
    one = EmbeddedInterpreter(data_dir=tmp_path)
    data.write_text(data.read_text() + "    - ta-ra\n", encoding="utf-8")
    two = EmbeddedInterpreter(data_dir=tmp_path)
    assert one.key != two.key and two.parse("ta-ra")["intent"]["name"] == "bye"


def test_parse_is_thread_safe(interpreter):
    texts = ["hiya", "he's still in the shop", "unsubscribe", "someone nicked £80 yesterday"] * 25
    expected = [interpreter.parse(t, now=NOW) for t in texts]
    results: list = [None] * len(texts)

    def work(offset: int) -> None:
        for i in range(offset, len(texts), 4):
            results[i] = interpreter.parse(texts[i], now=NOW)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected


def test_factory_chooses_by_settings(interpreter):
    assert isinstance(build_interpreter("embedded"), EmbeddedInterpreter)
    rasa = build_interpreter("rasa", rasa_url="http://127.0.0.1:5005", rasa_token="t", timeout=1.5)
    assert isinstance(rasa, RasaHttpInterpreter) and rasa.timeout == 1.5
    with pytest.raises(ValueError, match="needs a server URL"):
        build_interpreter("rasa")
    with pytest.raises(ValueError, match="unknown interpreter"):
        build_interpreter("spacy")
