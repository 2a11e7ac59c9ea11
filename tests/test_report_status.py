""""What's happening with my report?": only ever about the asker's own reports."""

from __future__ import annotations

from conftest import Chat
from dialog import PLACE, verify_dialog, you


def submit_a_report(chat: Chat) -> str:
    verify_dialog(chat, [("someone smashed our window last night", "still there"), ("no", "where did it happen"),
                         (PLACE, "anything to add"), ("that's all", "repair"),
                         ("£200", "describe"), ("skip", "cctv"), ("no", "anyone else"), ("no", "your name"), *you()])
    return chat.say("submit").split("reference is ", 1)[1][:12]


def test_status_of_my_reports_by_question_and_by_reference(engine):
    mine = Chat(engine, address="shop-a")
    reference = submit_a_report(mine)
    listed = mine.say("what's happening with my report?")
    assert reference in listed and "criminal damage" in listed and "received by the business crime team" in listed
    assert reference in mine.say(reference.lower().replace("-", " "))


def test_someone_elses_reference_reveals_nothing(engine):
    reference = submit_a_report(Chat(engine, address="shop-a"))
    stranger = Chat(engine, address="shop-b")
    reply = stranger.say(reference)
    assert "can't find a report" in reply and "criminal damage" not in reply


def test_status_with_no_reports_says_where_to_ask(chat):
    assert "can't find any reports sent from this chat" in chat.say("any update on my report?")
