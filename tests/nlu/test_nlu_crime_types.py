"""Crime types said in other words: the gazetteer, the classifier head, and the held-out figure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.crime_types import BY_CODE
from nlu.embedded import EmbeddedInterpreter, training_files
from nlu.evaluation import crime_type_report
from nlu.extractors import crime_type_codes, find_crime_types
from nlu.loader import (CRIME_TYPES_HOLDOUT_FILE, DATA_DIR, NLUDataError, TRAINING_FILE, load_crime_type_holdout,
                        load_data, load_file, load_string)

NOW = datetime(2024, 11, 27, 16, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def interpreter() -> EmbeddedInterpreter:
    return EmbeddedInterpreter()


def crime_type(interpreter: EmbeddedInterpreter, text: str) -> str | None:
    """The crime type a report takes from this message: the first crime_type entity."""
    found = [e for e in interpreter.parse(text, now=NOW)["entities"] if e["entity"] == "crime_type"]
    return found[0]["value"] if found else None


@pytest.mark.parametrize("text, expected", [  # the eight phrasings issue 7 found missed
    ("walked out with £80 of meat", "shop_theft"),
    ("customers keep walking out without paying", "shop_theft"),
    ("fare dodger ran off", "making_off_without_payment"),
    ("breaking into the warehouse", "burglary"),
    ("smashing up the front", "criminal_damage"),
    ("demanding the till money", "robbery"),
    ("robbing the till", "robbery"),
    ("damaging the fence", "criminal_damage"),
])
def test_the_issues_examples_get_their_crime_type(interpreter, text, expected):
    assert crime_type(interpreter, text) == expected


@pytest.mark.parametrize("text, expected", [  # wording in neither the training data nor the held-out file
    ("SOME LAD JUST ROBBED ME OUTSIDE THE BOOKIES", "robbery"),
    ("vandalisin the bus stop again", "criminal_damage"),
    ("dude keeps nickin meat from the fridges", "shop_theft"),
    ("they broke in 2 the lock up over nite", "burglary"),
    ("a guy head-butted my doorman", "violence_against_staff"),
    ("our email got hacked n all the contacts got spam", "cyber_crime"),
    ("somebody paid with a dodgy fifty quid note", "fraud"),
    ("van filled up at pump 1 then shot off", "making_off_without_payment"),
    ("the fare dodger ran off this morning", "making_off_without_payment"),  # a time says nothing of the crime
])
def test_other_forms_and_spellings(interpreter, text, expected):
    assert crime_type(interpreter, text) == expected


@pytest.mark.parametrize("text", ["hello, it's Dave from the garage", "Unit 4, Meadow Way, Lichfield",
                                  "the manager is called Priya", "we open at 8", "thank you so much"])
def test_no_crime_type_where_none_is_named(interpreter, text):
    assert crime_type(interpreter, text) is None


def test_the_classifiers_entity_is_a_normal_rasa_entity_on_the_cue(interpreter):
    text = "fare dodger ran off"
    [entity] = [e for e in interpreter.parse(text, now=NOW)["entities"] if e["entity"] == "crime_type"]
    assert entity["extractor"] == "BizwatchCrimeTypeClassifier"
    assert 0.0 < entity["confidence_entity"] < 1.0
    assert text[entity["start"]:entity["end"]] in ("fare", "dodger", "fare dodger")


def test_a_phrase_the_gazetteer_knows_wins(interpreter):
    [entity] = [e for e in interpreter.parse("someone used a stolen card at the till", now=NOW)["entities"]
                if e["entity"] == "crime_type"]
    assert (entity["value"], entity["extractor"], entity["confidence_entity"]) == (
        "fraud", "BizwatchCrimeTypeExtractor", 1.0)


def test_held_out_crime_type_accuracy(interpreter):
    report = crime_type_report(interpreter, load_crime_type_holdout(), NOW)
    assert report["examples"] >= 150 and report["per_type"]["none"]["support"] >= 30
    assert report["accuracy"] >= 0.95, report["errors"]


def test_the_held_out_file_is_never_trained_on():
    held_out = load_crime_type_holdout()
    assert {code for _, code, _ in held_out} == {*crime_type_codes(load_file(TRAINING_FILE)), "none"}
    training = load_data(DATA_DIR)
    seen = {e.text.lower() for e in training.examples} | {v.lower() for vs in training.synonyms.values() for v in vs}
    assert [text for text, _, _ in held_out if text.lower() in seen] == []
    assert CRIME_TYPES_HOLDOUT_FILE not in training_files(DATA_DIR)
    with pytest.raises(NLUDataError, match="unknown top-level key 'crime_types'"):
        load_string(CRIME_TYPES_HOLDOUT_FILE.read_text(encoding="utf-8"), CRIME_TYPES_HOLDOUT_FILE)


def test_nlu_and_the_service_know_the_same_crime_types():
    assert set(crime_type_codes(load_file(TRAINING_FILE))) == set(BY_CODE)


def test_the_gazetteer_alone_still_reads_exact_phrases():
    assert [s.value for s in find_crime_types("had a drive off at pump 4")] == ["making_off_without_payment"]
    assert find_crime_types("fare dodger ran off") == []  # other words are the classifier's job
