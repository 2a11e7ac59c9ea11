"""How short answers and global commands are read (danger-now messages: tests/emergency)."""

from __future__ import annotations

import pytest

from bot.commands import parse_command
from bot.flows.answers import NoAnswer, clock_offset_minutes, duration_days, leading_count, no_answer, yes_no
from bot.reports.items import parse_items


@pytest.mark.parametrize("text, expected", [
    ("Yes", True), ("yeah!", True), ("yep", True), ("aye", True), ("👍", True), ("nope", False), ("Nah", False),
    ("no thanks", False), ("not sure", None), ("dunno", None), ("maybe", None),
])
def test_yes_no(text, expected):
    assert yes_no(text) is expected


@pytest.mark.parametrize("text, kind", [
    ("Skip it thx", NoAnswer.SKIP), ("just pass", NoAnswer.SKIP), ("N/A", NoAnswer.SKIP),
    ("haven't a clue", NoAnswer.UNKNOWN), ("not a clue tbh", NoAnswer.UNKNOWN), ("we dont kno", NoAnswer.UNKNOWN),
    ("I'm not sure sorry", NoAnswer.UNKNOWN), ("nope, nothing", NoAnswer.NONE), ("Nobody.", NoAnswer.NONE),
    ("no, that's everything", NoAnswer.DONE), ("all done ta", NoAnswer.DONE),
    ("no one saw, I was in the back", None), ("nothing but crisps", None), ("a crate of beer", None),
])
def test_no_answers_however_typed(text, kind):
    assert no_answer(text) is kind


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


def test_items_with_values_and_a_total():
    parsed = parse_items("cigarettes £1,200, till float £150")
    assert [(i.description, float(i.value_gbp)) for i in parsed.items] == [("cigarettes", 1200.0), ("till float", 150.0)]
    assert float(parsed.total_gbp) == 1350.0
    single = parse_items("6 bottles of vodka, £90")
    assert [(i.quantity, i.description) for i in single.items] == [(6, "bottles of vodka")]
    assert float(single.total_gbp) == 90.0


@pytest.mark.parametrize("story, goods", [
    ("a lad nicked from us earlier", None), ("someone stole off me this morning", None),
    ("took some stuff at lunchtime", None), ("stole from our till last night", None),
    ("nicked a crate of beer sometime last week", ["a crate of beer"]), ("took £200 from the till", ["cash"]),
    ("he took 6 steaks 20 mins ago", ["steaks"]),
])
def test_goods_in_a_story_are_real_goods_without_time_words(story, goods):
    from bot.reports.items import items_in_story

    found = items_in_story(story)
    assert (found and [item.description for item in found.items]) == goods
