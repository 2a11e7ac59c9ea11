"""How short answers, global commands and danger-now messages are read."""

from __future__ import annotations

import pytest

from bot.commands import parse_command
from bot.emergency import danger_now
from bot.flows.answers import clock_offset_minutes, duration_days, leading_count, yes_no
from bot.reports.items import parse_items


@pytest.mark.parametrize("text, expected", [
    ("Yes", True), ("yeah!", True), ("yep", True), ("aye", True), ("👍", True), ("nope", False), ("Nah", False),
    ("no thanks", False), ("not sure", None), ("dunno", None), ("maybe", None),
])
def test_yes_no(text, expected):
    assert yes_no(text) is expected


@pytest.mark.parametrize("text, days", [
    ("7 days", 7), ("48 hours", 2), ("a month", 30), ("2 weeks", 14), ("about 30 days", 30), ("a week", 7),
    ("a couple of weeks", 14), ("14", 14), ("dunno", None),
])
def test_cctv_overwrite_durations(text, days):
    assert duration_days(text) == days


@pytest.mark.parametrize("text, minutes", [
    ("5 minutes fast", 5), ("an hour slow", -60), ("it's right", 0), ("10 mins behind", -10),
    ("half an hour ahead", 30), ("it's out", None), ("no idea", None),
])
def test_cctv_clock_offsets(text, minutes):
    assert clock_offset_minutes(text) == minutes


@pytest.mark.parametrize("text, count", [("2 lads", 2), ("two men", 2), ("a woman", 1), ("tall guy", None)])
def test_offender_counts(text, count):
    assert leading_count(text) == count


@pytest.mark.parametrize("text, name, argument", [
    ("Help", "help", ""), ("cancel", "cancel", ""), ("STOP", "cancel", ""), ("change the time", "change", "time"),
    ("the postcode is wrong", "change", "postcode"), ("change something", "change", ""), ("carry on", "resume", ""),
    ("go back", "back", ""), ("start again", "restart", ""),
])
def test_global_commands(text, name, argument):
    command = parse_command(text)
    assert command is not None and (command.name, command.argument) == (name, argument)


@pytest.mark.parametrize("text", [
    "he tried to cancel the card payment and then ran off with the goods", "I need help with my report please, "
    "the form keeps asking the same thing over and over",
])
def test_long_messages_are_answers_not_commands(text):
    assert parse_command(text) is None


@pytest.mark.parametrize("text", [
    "he's still in the shop", "they're still outside", "my staff member is bleeding", "someone is hurt",
    "help me he is attacking us", "they are back", "come quick", "he has a knife now", "call 999",
    "it's happening right now", "my colleague is unconscious",
])
def test_danger_now_is_recognised(text):
    assert danger_now(text) == "certain"


@pytest.mark.parametrize("text", [
    "they stole 80 quid yesterday", "he had a knife yesterday", "cut hand, was bleeding", "no one was hurt",
    "someone smashed the window last night", "two lads nicked meat this morning",
])
def test_past_incidents_are_not_emergencies(text):
    assert danger_now(text) is None


def test_the_interpreter_alone_makes_danger_possible_not_certain():
    parse = {"text": "", "intent": {"name": "emergency", "confidence": 0.3}, "entities": [], "intent_ranking": []}
    assert danger_now("quick he's going for the staff", parse) == "possible"
    assert danger_now("he went for the staff yesterday", parse) is None


def test_items_with_values_and_a_total():
    parsed = parse_items("cigarettes £1,200, till float £150")
    assert [(i.description, float(i.value_gbp)) for i in parsed.items] == [("cigarettes", 1200.0), ("till float", 150.0)]
    assert float(parsed.total_gbp) == 1350.0
    single = parse_items("6 bottles of vodka, £90")
    assert [(i.quantity, i.description) for i in single.items] == [(6, "bottles of vodka")]
    assert float(single.total_gbp) == 90.0
