"""The advice journey by chat (web buttons) and by SMS (numbered options, GSM-7, few segments)."""

from __future__ import annotations

from bot.advice import by_topic
from bot.advice.gsm7 import is_gsm7, segments
from bot.channels import render_plain
from conftest import Chat
from dialog import PLACE, verify_dialog, you


def test_ask_in_words_then_steps_more_related_and_done(chat):
    verify_dialog(chat, [("tips to stop drive offs", "preventing fuel drive-offs")])
    assert chat.buttons[:2] == ["Tell me more", "What to do today"]
    verify_dialog(chat, [("steps", "do this today:\n1."), ("more", "drive-off"), ("related", "related advice")])
    assert len(chat.buttons) >= 1
    verify_dialog(chat, [("done", "glad to help")])
    verify_dialog(chat, [("hello", "what would you like to do")])  # the advice flow has ended


def test_topic_buttons_lead_to_advice(chat):
    verify_dialog(chat, [("advice", "pick a topic")])
    assert "Cyber crime" in chat.buttons and len(chat.buttons) <= 8
    chat.say("topic cyber_crime")
    cyber_titles = {article.title for article in by_topic("cyber_crime")}
    assert chat.text.split("\n")[0] in cyber_titles
    assert "Tell me more" in chat.buttons


def test_when_nothing_fits_it_says_so_and_offers_topics(chat):
    verify_dialog(chat, [("advice", "pick a topic"), ("xylophone recital tickets", "don't have advice that fits")])
    assert "Shop theft" in chat.buttons


def test_a_forecourt_asking_about_theft_gets_drive_off_advice_first(engine):
    shop = Chat(engine, address="corner-shop")
    verify_dialog(shop, [("advice", "pick a topic"), ("how do I stop theft", "stopping shop theft")])
    forecourt = Chat(engine, address="forecourt")
    verify_dialog(forecourt, [("advice", "pick a topic"), ("I run a petrol station, how do I stop theft",
                                                            "preventing fuel drive-offs")])
    verify_dialog(forecourt, [("how do I stop theft", "preventing fuel drive-offs")])  # sector remembered


def test_after_a_report_the_advice_matches_its_crime_type(chat):
    verify_dialog(chat, [("someone stole 2 bottles of gin this morning", "still there"), ("no", "where did it happen"),
                         (PLACE, "anything to add"), ("that's all", "worth"), ("£40", "describe"),
                         ("skip", "cctv"), ("no", "anyone else"), ("no", "your name"), *you(),
                         ("submit", "reference")])
    assert chat.buttons[0] == "Prevention advice"
    verify_dialog(chat, [("advice shop_theft", "stopping shop theft")])


def test_advice_mid_report_puts_the_report_aside_and_comes_back(chat):
    verify_dialog(chat, [("report a crime", "still there"), ("no", "what happened"), ("shop theft", "when did it"),
                         ("how can I stop shoplifters?", "would you like prevention advice now? your report is saved"),
                         ("yes", "stopping shop theft")])
    assert chat.buttons[0] == "Back to my report"
    verify_dialog(chat, [("steps", "do this today"), ("done", "back to your report")])
    assert "When did it happen?" in chat.text
    verify_dialog(chat, [("yesterday 3pm", "3:00pm")])


def test_advice_by_sms_is_short_gsm7_and_numbered(engine):
    sms = Chat(engine, channel="sms", address="+447700900123")
    sms.say("how do I protect against ransomware")
    [reply] = sms.replies
    text = render_plain(reply, compact=True)
    assert text.startswith(reply.text) and "Reply 1 Tell me more, 2 What to do today" in text
    assert len(reply.text) <= 306 and not reply.text.startswith("Ransomware\n")  # summary only, no title line
    assert is_gsm7(text) and segments(text) <= 3
    sms.say("2")
    assert sms.text.startswith("Do this today:")
    assert all(is_gsm7(render_plain(r, compact=True)) for r in sms.replies)
