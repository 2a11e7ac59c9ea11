"""The emergency interrupt as a user meets it: 999 guidance first, the hold, and the way back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.emergency import EMERGENCY_TEXT, MINOR_THREAT_TEXT, THREAT_TEXT
from bot.engine import Engine
from bot.service import default_flows
from bot.storage.models import Conversation, Report
from conftest import TEST_CAPABILITIES, Chat
from dialog import verify_dialog

TO_BUSINESS_NAME = [("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
                    ("today 2pm", "where did it happen")]


def draft(sessions) -> Report:
    with sessions() as session:
        return session.scalars(select(Report).where(Report.status == "draft")).one()


def answered(sessions) -> list[str]:
    with sessions() as session:
        return list(session.scalars(select(Conversation)).one().data["flow"]["answered"])


def test_danger_mid_report_is_never_the_answer_and_holds_until_it_is_over(chat, sessions):
    verify_dialog(chat, TO_BUSINESS_NAME)
    before = answered(sessions)
    assert chat.say("guy w knife in store rn").startswith(EMERGENCY_TEXT)
    assert chat.buttons == ["It's over"]
    for said in ("what do i do", "Kumar's Convenience Store", "cancel"):
        reply = chat.say(said)
        assert reply.startswith("Please call 999 if you haven't yet") and "say 'it's over'" in reply
        assert chat.buttons == ["It's over"]
    assert draft(sessions).business_name is None and answered(sessions) == before
    verify_dialog(chat, [("its ova", "where did it happen"), ("Kumar's Convenience Store", "address")])
    assert draft(sessions).business_name == "Kumar's Convenience Store"


def test_a_threat_of_serious_harm_later_gets_999_in_words_for_threats(chat, sessions):
    verify_dialog(chat, TO_BUSINESS_NAME)
    reply = chat.say("they said theyll come back and kill me tonight")
    assert reply.startswith(THREAT_TEXT) and "even if they said it would happen later" in reply
    assert draft(sessions).business_name is None
    verify_dialog(chat, [("we're safe now", "where did it happen")])


def test_a_threat_without_immediacy_gets_101_and_the_report_carries_on_with_it(chat, sessions):
    verify_dialog(chat, [*TO_BUSINESS_NAME, ("Kumar's Convenience Store, 12 High Street, Walsall WS1 1QL",
                                              "in your own words")])
    reply = chat.say("he took 2 bottles of vodka and said I'd regret it")
    assert reply.startswith(MINOR_THREAT_TEXT) and "999 now" not in reply and "noted: taken: 2 bottles of vodka" \
        in reply.lower()
    assert draft(sessions).description == "he took 2 bottles of vodka and said I'd regret it"


def test_on_the_first_turn_it_is_over_starts_the_report(chat, sessions):
    assert chat.say("HELP HES HERE").startswith(EMERGENCY_TEXT)
    assert chat.buttons == ["It's over: report it"]
    assert chat.say("hello?").startswith("Please call 999 if you haven't yet")
    assert chat.buttons == ["It's over: report it"]
    verify_dialog(chat, [("it's over", "what happened? pick one")])
    assert draft(sessions).status == "draft"


def test_a_past_event_with_a_weapon_is_a_report_not_an_emergency(chat):
    reply = chat.say("I was robbed at the till last week, he had a knife")
    assert "999 now" not in reply and "still there" in reply


def test_advice_is_interrupted_and_picked_up_again(chat):
    chat.say("how do I stop shoplifters")
    assert "Tell me more" in chat.buttons
    assert chat.say("fire in the shop").startswith(EMERGENCY_TEXT)
    chat.say("it's over")
    assert "Tell me more" in chat.buttons


def test_the_advice_offer_is_made_again_after_the_hold(chat):
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when"),
                         ("how do I stop shoplifters?", "prevention advice"),
                         ("pls help hes hitting my cashier", "call 999 now"),
                         ("they've gone", "would you like prevention advice now?"),
                         ("no", "when did it happen")])


def test_the_guidance_comes_before_the_note_about_a_long_message(chat):
    reply = chat.say("hes still in the shop " + "please " * 1000)
    assert reply.startswith(EMERGENCY_TEXT) and "very long" in chat.replies[1].text


def test_on_a_channel_without_buttons_1_means_it_is_over(sessions, interpreter, settings, clock):
    chat = Chat(Engine(sessions, interpreter, settings, default_flows(), TEST_CAPABILITIES, clock=clock),
                channel="terminal")
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"),
                         ("theres a fire", "call 999 now"), ("1", "what happened")])


def test_a_redelivered_danger_message_gets_the_same_guidance_once(chat, sessions):
    verify_dialog(chat, TO_BUSINESS_NAME)
    first = chat.say("he has a weapon", message_id="d1")
    assert chat.say("he has a weapon", message_id="d1") == first
    assert draft(sessions).business_name is None


def test_a_past_weapon_is_noted_on_the_report_shown_in_the_summary_and_exported(chat, sessions):
    verify_dialog(chat, [("I was robbed at the till last week, he had a knife", "weapon: knife"),
                         ("no", "where did it happen")])  # "last week" is a week: no "what time?"
    assert draft(sessions).details["weapon"] == "knife"


def test_yes_at_the_danger_question_holds_like_words_of_danger_do(chat, sessions):
    verify_dialog(chat, [("report a crime", "still there")])
    assert chat.say("yes").startswith(EMERGENCY_TEXT)
    assert chat.buttons == ["It's over"]
    assert chat.say("Kumar's Convenience Store").startswith("Please call 999 if you haven't yet")
    verify_dialog(chat, [("it's over", "still there"), ("yes but they've gone now", "what happened")])


def test_a_report_taken_after_it_is_over_does_not_ask_about_danger_again(chat):
    assert chat.say("theres a guy with a knife in the shop").startswith(EMERGENCY_TEXT)
    reply = chat.say("it's over")
    assert "still there" not in reply.lower() and "what happened" in reply.lower()


@pytest.mark.parametrize("unsure", ["i think so", "probably", "im not sure", "I'm not sure", "might be"])
def test_an_unsure_answer_to_the_danger_question_gets_the_999_guidance(chat, sessions, unsure):
    verify_dialog(chat, [("report a crime", "still there")])
    assert chat.say(unsure).startswith(EMERGENCY_TEXT)
    assert draft(sessions).crime_type is None
    verify_dialog(chat, [("it's over", "still there")])


@pytest.mark.parametrize("unsure", ["not sure", "maybe", "dunno", "don't know"])
def test_a_dont_know_answer_to_the_danger_question_gets_the_999_guidance(chat, unsure):
    verify_dialog(chat, [("report a crime", "still there")])
    assert chat.say(unsure).startswith(EMERGENCY_TEXT)
