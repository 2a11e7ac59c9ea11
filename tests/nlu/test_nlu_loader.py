"""The Rasa 3.x YAML loader: the real data files, inline annotations, and malformed data."""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest

from nlu.extractors import crime_type_codes
from nlu.loader import TEST_FILE, TRAINING_FILE, NLUDataError, load_data, load_file, load_string, parse_annotated

CONTRACT_INTENTS = {"greet", "goodbye", "thanks", "help", "affirm", "deny", "cancel", "out_of_scope", "emergency",
                    "report_crime", "get_advice", "subscribe_alerts", "unsubscribe_alerts", "impact_statement",
                    "report_status", "add_evidence"}
CONTRACT_ENTITIES = {"crime_type", "money", "datetime", "postcode", "phone_number", "email", "url",
                     "vehicle_registration", "reference"}


def test_training_file_has_every_contract_intent_with_40_examples():
    data = load_file(TRAINING_FILE)
    counts = Counter(e.intent for e in data.examples)
    assert set(counts) == CONTRACT_INTENTS
    assert min(counts.values()) >= 40, counts
    assert data.warnings == []


def test_test_file_is_held_out_with_15_examples_per_intent():
    train, test = load_file(TRAINING_FILE), load_file(TEST_FILE)
    counts = Counter(e.intent for e in test.examples)
    assert set(counts) == CONTRACT_INTENTS and min(counts.values()) >= 15
    seen = {e.text.strip().lower() for e in train.examples}
    assert [e.text for e in test.examples if e.text.strip().lower() in seen] == []
    assert load_data().files == [str(TRAINING_FILE)]  # the default never includes test.yml


def test_entities_use_only_contract_names_and_values():
    codes = crime_type_codes(load_file(TRAINING_FILE))
    for path in (TRAINING_FILE, TEST_FILE):
        data = load_file(path)
        for example in data.examples:
            for annotation in example.entities:
                assert annotation.entity in CONTRACT_ENTITIES, (path, example.text)
                assert example.text[annotation.start:annotation.end] == annotation.text
                if annotation.entity == "crime_type":
                    assert annotation.value in codes, (path, example.text)
    training = load_file(TRAINING_FILE)
    annotated = {a.value for e in training.examples for a in e.entities if a.entity == "crime_type"}
    assert annotated == set(codes)  # every annotated crime type has its synonym table


def test_inline_annotation_forms():
    text, entities = parse_annotated(
        'lad [nicked](crime_type:shop_theft) [£80](money:80) of stock [yesterday]{"entity": "datetime", '
        '"role": "incident"} in [ws1 1ql](postcode)')
    assert text == "lad nicked £80 of stock yesterday in ws1 1ql"
    assert [(e.entity, e.value, text[e.start:e.end], e.role) for e in entities] == [
        ("crime_type", "shop_theft", "nicked", None), ("money", "80", "£80", None),
        ("datetime", "yesterday", "yesterday", "incident"), ("postcode", "ws1 1ql", "ws1 1ql", None)]


def test_sections_and_list_style_examples():
    data = load_string(textwrap.dedent('''\
        version: "3.1"
        nlu:
        - intent: greet
          examples:
          - text: hi
          - text: hello [Bob](name)
        - synonym: shop_theft
          examples: |
            - nicked
        - regex: postcode
          examples: |
            - \\b[A-Z]{1,2}[0-9]
        - lookup: town
          examples: |
            - Walsall
        '''))
    assert [e.text for e in data.examples] == ["hi", "hello Bob"]
    assert data.synonyms == {"shop_theft": ["nicked"]}
    assert data.regexes == {"postcode": ["\\b[A-Z]{1,2}[0-9]"]}
    assert data.lookups == {"town": ["Walsall"]}
    assert data.synonym_map() == {"nicked": "shop_theft"}


BAD = {
    "yaml syntax": ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n   bad: [\n', 6, "invalid YAML"),
    "unknown top key": ('version: "3.1"\nnlu: []\nintnets: []\n', 3, "unknown top-level key 'intnets'"),
    "no examples": ('version: "3.1"\nnlu:\n- intent: greet\n', 3, "has no 'examples'"),
    "two kinds": ('version: "3.1"\nnlu:\n- intent: greet\n  synonym: x\n  examples: |\n    - hi\n', 3,
                  "exactly one of"),
    "unknown item key": ('version: "3.1"\nnlu:\n- intent: greet\n  exmaples: |\n    - hi\n', 4,
                         "unknown key 'exmaples'"),
    "missing dash": ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    hello\n', 6,
                     "must start with '- '"),
    "bad annotation": ('version: "3.1"\nnlu:\n- intent: report_crime\n  examples: |\n    - hi\n'
                       '    - someone [nicked(crime_type) it\n', 6, "malformed entity annotation"),
    "bad json annotation": ('version: "3.1"\nnlu:\n- intent: report_crime\n  examples: |\n'
                            '    - took [£80]{"entity": money} worth\n', 5, "not valid JSON"),
    "empty example": ('version: "3.1"\nnlu:\n- intent: greet\n  examples: |\n    - hi\n    -\n', 6, "empty example"),
    "bad regex": ('version: "3.1"\nnlu:\n- regex: postcode\n  examples: |\n    - [A-Z\n', 5, "does not compile"),
    "bad version": ('version: "9.9"\nnlu: []\n', 1, "unsupported version"),
    "not a block": ('version: "3.1"\nnlu:\n- intent: greet\n  examples: hi\n', 4, "block string"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_malformed_data_names_file_line_and_problem(tmp_path, name):
    source, line, problem = BAD[name]
    path = tmp_path / "bad.yml"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(NLUDataError) as caught:
        load_file(path)
    assert caught.value.line == line, str(caught.value)
    assert problem in caught.value.problem
    assert str(caught.value).startswith(f"{path}:{line}: ")


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(NLUDataError, match="file not found"):
        load_file(tmp_path / "nope.yml")


def test_unquoted_version_is_a_warning_not_an_error():
    data = load_string("version: 3.1\nnlu:\n- intent: greet\n  examples: |\n    - hi\n")
    assert len(data.examples) == 1 and "quote the version" in data.warnings[0]
