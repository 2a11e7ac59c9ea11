"""Signing up for crime alerts by chat and by SMS: the choices shown back, SMS double opt-in, consent kept."""

from __future__ import annotations

from sqlalchemy import select

from alerts_support import consents, subscription
from bot.advice.gsm7 import is_gsm7, segments
from bot.campaigns import subscriptions as subs
from bot.channels import render_plain
from bot.storage.models import OutboxMessage
from conftest import START, Chat
from dialog import PLACE, verify_dialog, you

PHONE = "+447700900123"


def sms_texts(chat: Chat) -> list[str]:
    """The replies as an SMS shows them: options numbered on one line."""
    return [render_plain(reply, compact=True) for reply in chat.replies]


def assert_fit_for_sms(chat: Chat) -> None:
    for text in sms_texts(chat):
        assert is_gsm7(text), text
        assert segments(text) <= 3, text


def test_sign_up_in_the_web_chat_shows_the_choices_back_and_keeps_the_words_agreed_to(chat, sessions):
    verify_dialog(chat, [("Sign me up for alerts", "how would you like to get alerts")])
    assert chat.buttons == ["Here in this chat", "By text message"]
    verify_dialog(chat, [("here", "what would you like alerts about")])
    assert chat.buttons[:3] == ["All of these", "Shop theft", "Drive-offs and walk-outs"]
    # Topics can be tapped one at a time; each tap offers the rest with "Done".
    verify_dialog(chat, [("shop theft", "added shop theft")])
    assert chat.buttons[0] == "Done" and "Shop theft" not in chat.buttons
    verify_dialog(chat, [("fraud and scams", "added fraud and scams"), ("done", "which area"),
                         ("WS1 1QL", "what kind of business"), ("Retail", "how many alerts a week"),
                         ("2 a week", "please check")])
    shown = chat.text
    assert "About: Shop theft, Fraud and scams\nArea: WS1\nBusiness: Retail\nAt most: 2 a week" in shown
    assert "at most 2 a week" in shown and "stop alerts" in shown
    assert chat.buttons == ["Yes, sign me up", "Change something"]
    verify_dialog(chat, [("yes", "you're signed up")])
    with sessions() as session:
        row = subscription(session, "web", "shop-1")
        assert (row.status, row.topics, row.areas, row.sector, row.max_per_week, row.source) == \
            ("active", ["shop_theft", "fraud"], ["WS1"], "retail", 2, "conversation")
        assert row.confirmed_at == START and subs.is_receiving(session, row, START)
        [consent] = consents(session, "shop-1")
        assert (consent.action, consent.scope, consent.source, consent.channel, consent.at) == \
            ("opt_in", "alerts", "conversation", "web", START)
        assert consent.wording == shown  # exactly the words they said yes to


def test_sign_up_by_sms_is_numbered_and_waits_for_yes_before_anything_is_sent(engine, sessions):
    sms = Chat(engine, channel="sms", address=PHONE)
    sms.say("alerts pls")
    assert "Reply 1 All of these, 2 Shop theft, 3 Drive-offs and walk-outs" in sms_texts(sms)[-1]
    assert "how would you like" not in sms.text  # by text is the channel in use
    assert_fit_for_sms(sms)
    for said, expected in [("2 5 8", "which area"), ("ws1 1ql", "what kind of business"), ("1", "how many"),
                           ("3", "please check")]:
        verify_dialog(sms, [(said, expected)])
        assert_fit_for_sms(sms)
    assert "By: texts to this number\nAbout: Shop theft, Break-ins, Fraud and scams\nArea: WS1\n" \
           "Business: Retail\nAt most: 3 a week" in sms.text
    verify_dialog(sms, [("1", "reply yes to get crime alerts")])
    assert_fit_for_sms(sms)
    optin = sms.text.split("\n\n", 1)[1]
    assert optin.startswith("bizwatch: reply YES") and segments(optin) <= 2
    with sessions() as session:
        row = subscription(session, "sms", PHONE)
        assert row.status == "pending" and row.confirmed_at is None
        assert consents(session, PHONE) == [] and not subs.is_receiving(session, row, START)
    verify_dialog(sms, [("YES", "your crime alerts have started")])
    assert_fit_for_sms(sms)
    with sessions() as session:
        row = subscription(session, "sms", PHONE)
        assert row.status == "active" and subs.is_receiving(session, row, START)
        [consent] = consents(session, PHONE)
        assert (consent.action, consent.source, consent.wording) == ("opt_in", "conversation", optin)
    verify_dialog(sms, [("yes", "what would you like to do")])  # a second YES is just a yes


def test_a_phone_given_in_the_web_chat_gets_the_yes_text_through_the_outbox(engine, sessions):
    web = Chat(engine, address="web-visitor")
    verify_dialog(web, [("can you text me alerts about drive offs", "which mobile number"),
                        ("07700 90012", "doesn't look like a uk mobile"), ("07700 900123", "which area"),
                        ("anywhere", "what kind of business"), ("fuel forecourt", "how many"),
                        ("skip", "please check")])
    assert "By: texts to 07700 900123\nAbout: Drive-offs and walk-outs\nArea: Anywhere" in web.text
    verify_dialog(web, [("yes", "i've sent a text to 07700 900123. reply yes to it")])
    with sessions() as session:
        [text] = session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()
        assert (text.address, text.purpose, text.status, text.urgent) == (PHONE, "system", "queued", True)
        optin = text.body[0]["text"]
        assert "at most 2 a week" in optin and is_gsm7(optin) and segments(optin) <= 2
    stranger = Chat(engine, channel="sms", address="+447700900999")
    verify_dialog(stranger, [("YES", "what would you like to do")])  # nothing waits for this phone's YES
    phone = Chat(engine, channel="sms", address=PHONE)
    verify_dialog(phone, [("Yes", "your crime alerts have started")])
    with sessions() as session:
        [consent] = consents(session, PHONE)
        assert consent.wording == optin
        assert subscription(session, "sms", PHONE).contact_id is not None
    # The web visitor sees the alerts they set up, now on.
    verify_dialog(web, [("my alerts", "your crime alerts are on.\nby: texts to 07700 900123")])


def test_the_yes_text_is_sent_at_most_three_times_a_day(engine, sessions):
    web = Chat(engine, address="web-visitor")
    web.script("get crime alerts", "by text", "07700 900123", "all", "WS1", "other", "2", "yes")
    verify_dialog(web, [("send the alerts text again", "i've sent a text"),
                        ("send the alerts text again", "i've sent a text"),
                        ("send the alerts text again", "already sent 07700 900123 3 texts today")])
    with sessions() as session:
        assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms")).all()) == 3


def test_a_number_that_already_gets_alerts_is_changed_only_from_that_phone(engine, sessions):
    with sessions.begin() as session:
        subs.subscribe(session, subs.Choices("sms", PHONE, ("fraud",), ("B1",), None, 1), now=START,
                       wording="imported", source=subs.Source.IMPORT)
    web = Chat(engine, address="someone-else")
    web.script("get crime alerts", "by text", "07700 900123", "all", "WS1", "other", "5")
    verify_dialog(web, [("yes", "that number already gets crime alerts")])
    with sessions() as session:
        row = subscription(session, "sms", PHONE)
        assert (row.topics, row.areas, row.max_per_week, row.status) == (["fraud"], ["B1"], 1, "active")


def test_the_choices_can_be_changed_before_saying_yes(chat, sessions):
    chat.script("sign me up for alerts", "here", "all", "WS1", "retail", "2 a week")
    verify_dialog(chat, [("no", "which part would you like to change")])
    assert chat.buttons == ["How you get them", "Topics", "Area", "Business type", "How many a week",
                            "Nothing, go back"]
    verify_dialog(chat, [("change area", "which area"), ("Walsall and WS9", "please check")])
    assert "Area: Walsall, WS9" in chat.text
    verify_dialog(chat, [("change how many", "how many alerts a week"), ("twice a week", "at most: 2 a week"),
                         ("yes", "signed up")])
    with sessions() as session:
        assert subscription(session, "web", "shop-1").areas == ["walsall", "WS9"]


def test_leaving_a_sign_up_keeps_nothing(chat, sessions):
    verify_dialog(chat, [("sign me up for alerts", "how would you like"), ("here", "about"),
                         ("help", "for example: shop theft and fraud"),
                         ("cancel", "nothing about your alerts has changed")])
    with sessions() as session:
        assert subscription(session, "web", "shop-1") is None


def test_an_opening_message_fills_in_what_it_says(engine, sessions):
    shop = Chat(engine, address="forecourt")
    verify_dialog(shop, [("I run a petrol station, send me alerts about drive offs in WS2", "how would you like"),
                         ("here", "how many")])
    verify_dialog(shop, [("1", "please check")])
    assert "About: Drive-offs and walk-outs\nArea: WS2\nBusiness: Fuel forecourt\nAt most: 1 a week" in shop.text


def test_a_report_mid_sign_up_is_pointed_the_way(chat):
    chat.script("sign me up for alerts", "here")
    verify_dialog(chat, [("someone just stole 3 bottles of vodka from my shop and ran off",
                          "if you want to report a crime, say 'cancel' first")])
    assert "What would you like alerts about?" in chat.text
    # A list of crimes is an answer here, however much it sounds like a report.
    verify_dialog(chat, [("burglary and criminal damage, violence against staff, robbery, fraud", "which area")])


def test_alerts_are_offered_after_a_report_and_with_advice(chat):
    verify_dialog(chat, [("someone stole 2 bottles of gin this morning", "still there"), ("no", "where did it happen"),
                         (PLACE, "anything to add"), ("that's all", "worth"), ("£40", "describe"),
                         ("skip", "cctv"), ("no", "anyone else"), ("no", "your name"), *you(),
                         ("submit", "reference")])
    assert "Get crime alerts" in chat.buttons
    verify_dialog(chat, [("get crime alerts", "how would you like")])
    verify_dialog(chat, [("cancel", "nothing about your alerts has changed"),
                         ("tips to stop drive offs", "drive-off")])
    assert "Get crime alerts" in chat.buttons
    verify_dialog(chat, [("get crime alerts", "how would you like")])  # advice gives way to it
    assert "Business: Retail" not in chat.text


def test_the_advice_offer_sends_the_words_that_start_a_sign_up():
    from bot.flows.advice import AdviceFlow
    from bot.flows.alerts.requests import PAYLOADS, Request
    from bot.service import default_flows

    report = default_flows()["report"]
    offers = {b.title: b.payload for b in report.offers}
    assert offers["Get crime alerts"] == PAYLOADS[Request.SIGN_UP]

    class Seen:
        state = type("S", (), {"suspended": None})()

    advice_offer = {b.title: b.payload for b in AdviceFlow._options(AdviceFlow.__new__(AdviceFlow), Seen())}
    assert advice_offer["Get crime alerts"] == PAYLOADS[Request.SIGN_UP]
