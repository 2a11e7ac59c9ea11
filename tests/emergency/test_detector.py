"""The danger detector on the labelled messages (both parts) and on the cases its rules are about."""

from __future__ import annotations

from collections import defaultdict

import pytest

from bot.advice.gsm7 import is_gsm7, segments
from bot.emergency import (EMERGENCY_TEXT, MINOR_THREAT_TEXT, THREAT_TEXT, Level, assess, emergency_reply,
                           hold_reminder, is_over, normalise, weapon_mentioned)
from emergency_data import CLASSES, PARTS, load, read, score

MAX_FALSE_ALARMS = 0.01


def outcome(message) -> str | None:
    level = assess(message.text).level
    return "999" if level in (Level.NOW, Level.THREAT) else "101" if level is Level.MINOR_THREAT else None


@pytest.fixture(scope="module", params=list(PARTS))
def scores(request):
    return request.param, score(load(request.param), outcome)


def test_the_data_set_is_big_enough_and_says_each_message_once():
    assert sum(len(load(part)) for part in PARTS) >= 300
    labels = defaultdict(set)
    for part in PARTS:
        for message in read(part):
            labels[message.text].add(message.label)
    assert {text: found for text, found in labels.items() if len(found) > 1} == {}
    for part in PARTS:
        assert {m.label for m in load(part)} == set(CLASSES)


def test_every_danger_now_message_gets_999(scores):
    part, result = scores
    assert result["danger_now"].rate_999 == 1.0, part


def test_every_serious_threat_gets_999(scores):
    part, result = scores
    assert result["threat_serious_later"].rate_999 == 1.0, part


def test_serious_threats_get_the_threat_wording():
    for part in PARTS:
        threats = [m for m in load(part) if m.label == "threat_serious_later"]
        worded = [m for m in threats if assess(m.text).level is Level.THREAT]
        assert len(worded) >= 0.9 * len(threats), part


def test_ordinary_answers_rarely_get_999_or_101(scores):
    part, result = scores
    assert result["ordinary"].rate_999 <= MAX_FALSE_ALARMS, part
    assert result["ordinary"].rate_101 <= MAX_FALSE_ALARMS, part


def test_threats_without_immediacy_get_101_not_999(scores):
    part, result = scores
    assert result["threat_no_immediacy"].rate_999 == 0.0, part
    assert result["threat_no_immediacy"].rate_101 >= 0.9, part


@pytest.mark.parametrize("text", ["help", "Help", "help?", "HELP", "stop", "cancel", "back", "start again", "skip"])
def test_a_bare_command_is_not_an_emergency(text):
    assert assess(text).level is None


@pytest.mark.parametrize("text", [
    "help me", "help!!", "HELP HES HERE", "heeelp", "Help!", "help us please", "pls help hes hitting my cashier",
    "he's still in the shop", "they're still outside", "my staff member is bleeding", "someone is hurt",
    "help me he is attacking us", "they are back", "come quick", "he has a knife now", "call 999",
    "it's happening right now", "my colleague is unconscious", "HES GOT A NIFE", "guy w knife in store rn",
    "fire in the shop", "KNIFE!!!", "sum1 attackin my staff asap",
])
def test_danger_now_is_recognised_however_it_is_typed(text):
    assert assess(text).level is Level.NOW


@pytest.mark.parametrize("text", [
    "they stole 80 quid yesterday", "he had a knife yesterday", "cut hand, was bleeding", "no one was hurt",
    "someone smashed the window last night", "two lads nicked meat this morning",
    "I was robbed at the till last week, he had a knife", "no, nobody's hurt, he ran off", "Patel's Corner Shop",
    "Joe's Deli", "a man phoned pretending to be our card company", "how do I stop knife crime in my shop",
    "kitchen knives £30", "help me report a theft", "I need help with my report please",
])
def test_past_events_names_and_questions_are_not_emergencies(text):
    assert assess(text).level is None


@pytest.mark.parametrize("text, level", [
    # "about"/"around" are a place only with no age, size or time after them
    ("he's about 30, grey hoodie", None), ("she's around 5 foot 4", None), ("yes he's about", Level.NOW),
    ("she's still around somewhere", Level.NOW),
    # a habit is a pattern to report, unless "now" is said too
    ("she's in here every week", None), ("the same lads come back every week", None),
    ("she's always kicking off when we ask for ID", None), ("he's in here every week and he's in here now", Level.NOW),
    # "still" with nowhere to be
    ("they are still at large", None), ("he's still in the shop", Level.NOW),
    # a dropped g on any word the rules know
    ("2 lads batterin a customer", Level.NOW), ("some guy stranglin a woman outside", Level.NOW),
])
def test_ages_habits_and_nowhere_are_not_now_and_dropped_gs_are_read(text, level):
    assert assess(text).level is level


def test_threats_told_on_in_other_words_are_serious():
    for text in ("he told me im dead when i close up tonight", "he said I wont live to see tomorrow",
                 "told my staff theyre going to get stabbed", "he said he'll be waiting for me after work"):
        assert assess(text).level is Level.THREAT, text
    assert assess("he said he'd be waiting for me one day").level is Level.MINOR_THREAT
    assert assess("I'm dead tired after that shift").level is None


def test_threats_later_are_999_or_101_by_seriousness_and_time():
    assert assess("they said theyll come back and kill me tonight").level is Level.THREAT
    assert assess("he said hes gonna burn the shop down 2nite").level is Level.THREAT
    assert assess("he said I'd regret it").level is Level.MINOR_THREAT
    assert assess("last month he said he'd kill me").level is Level.MINOR_THREAT
    assert assess("a bloke threatened to stab me over a refund").level is Level.MINOR_THREAT
    assert assess("what if he comes back and stabs me").level is None


def test_each_decision_names_its_rule_and_not_the_message():
    decision = assess("my cashier Priya is bleeding")
    assert decision.reason == "someone hurt now" and "Priya" not in decision.reason


@pytest.mark.parametrize("text, weapon", [
    ("I was robbed at the till last week, he had a knife", "knife"), ("he pulled a blade on me yesterday", "knife"),
    ("robbed at gunpoint on friday", "gun"), ("two men, one was carrying a baseball bat", "bat"),
    ("he threatened my staff with a hammer", "hammer"), ("he waved a nife about", "knife"),
    ("took two kitchen knives £30", None), ("how do I stop knife crime", None), ("he didn't have a weapon", None),
    ("Gun Hill Garage", None), ("took cigarettes and ran", None),
])
def test_weapon_mentioned_names_the_weapon_for_the_report(text, weapon):
    assert weapon_mentioned(text) == weapon


@pytest.mark.parametrize("text", [
    "it's over", "its over", "its ova", "It's over: report it", "they've gone", "theyve gone", "hes gone",
    "he left", "we're safe", "we r safe now", "im ok", "carry on", "continue", "false alarm", "not an emergency",
    "police are here", "all clear",
])
def test_it_is_over_however_it_is_said(text):
    assert is_over(text)


@pytest.mark.parametrize("text", ["it's not over", "they haven't gone", "not safe yet", "ok", "what do i do",
                                  "he's still here", "no"])
def test_it_is_not_over_until_they_say_so(text):
    assert not is_over(text)


def test_text_speak_is_read_as_words():
    assert normalise("guy w knife in store rn!!").text == "guy with knife in store now"
    assert normalise("guy w knife in store rn!!").shout
    assert normalise("HES GOT A NIFE").text == "he's got a knife"


@pytest.mark.parametrize("report_under_way", [True, False])
def test_our_texts_are_gsm7_and_short_enough_for_sms(report_under_way):
    for threat in (False, True):
        text, buttons = emergency_reply(report_under_way, threat=threat)
        assert is_gsm7(text) and segments(text) <= 3
        assert all(is_gsm7(b.title) for b in buttons)
    reminder, _ = hold_reminder(report_under_way)
    assert is_gsm7(reminder) and segments(reminder) == 1
    assert is_gsm7(MINOR_THREAT_TEXT) and segments(MINOR_THREAT_TEXT) == 1


def test_the_999_guidance_keeps_what_matters():
    for text in (EMERGENCY_TEXT, THREAT_TEXT):
        assert text.startswith("Call 999 now.")
        assert "press 55" in text and "emergencySMS" in text
    assert "don't try to stop or follow them" in EMERGENCY_TEXT
    assert "threat to kill or seriously hurt" in THREAT_TEXT
    assert "even if they said it would happen later" in THREAT_TEXT
