"""The crime-type registry is the one source: everything keyed by crime type agrees with it."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import crime_types
from bot.advice import vocabulary
from bot.flows.report.sequence import QUESTIONS
from bot.reports.summary import summary_lines
from bot.storage.models import Report

REPORT_FLOW = Path(crime_types.__file__).parent / "flows" / "report"
QUESTION_NAMES = {q.name for q in QUESTIONS}


def test_the_codes_are_unique_and_every_crime_type_has_what_the_conversation_shows():
    assert len(crime_types.CODES) == len(set(crime_types.CODES)) == 8
    for crime in crime_types.CRIME_TYPES:
        assert crime.label and crime.button and crime.advice_label


def test_advice_topics_and_lead_articles_cover_exactly_the_registry():
    codes = set(crime_types.CODES)
    assert set(vocabulary.CRIME_TYPES) == codes
    assert codes <= set(vocabulary.TOPICS)
    assert set(vocabulary.CRIME_TYPE_LEAD) == codes
    assert codes <= set(vocabulary.TOPIC_KEYWORDS)


def test_every_question_a_crime_type_names_exists():
    for crime in crime_types.CRIME_TYPES:
        assert set(crime.questions) <= QUESTION_NAMES, crime.code


def test_every_crime_specific_question_is_named_by_some_crime_type():
    named = {name for crime in crime_types.CRIME_TYPES for name in crime.questions}
    source = (REPORT_FLOW / "sequence.py").read_text() + (REPORT_FLOW / "harm.py").read_text()
    asked_for = set(re.findall(r'asked_for\("(\w+)"\)', source))
    asked_for |= set(re.findall(r'detail_question\(\s*"(\w+)"', source))
    assert asked_for <= named


def test_every_question_a_rule_or_follow_up_names_exists():
    for question in QUESTIONS:
        assert set(question.follow_ups) <= QUESTION_NAMES, question.name
    source = "\n".join(path.read_text() for path in REPORT_FLOW.glob("*.py"))
    for call in re.findall(r"(?:mark_answered|is_answered|was_asked)\(turn, ([^)]*)\)", source):
        for name in re.findall(r'"(\w+)"', call):
            assert name in QUESTION_NAMES, f"{name!r} in {call!r} is not a question"


@pytest.mark.parametrize("crime", crime_types.CRIME_TYPES, ids=lambda c: c.code)
def test_the_summary_names_the_value_as_the_registry_says(crime):
    report = Report(crime_type=crime.code, value_gbp=10, details={}, offenders=[], vehicle_registrations=[])
    report.items, report.attachments = [], []
    labels = [name for name, _ in summary_lines(report, ZoneInfo("Europe/London"))]
    if crime.value_label:
        assert crime.value_label in labels
    else:
        assert not {"Total value", "Repair estimate", "Amount lost"} & set(labels)
