"""The Twilio adapter's parts on their own: carrier words, rendering and segments, error codes, the
recorded payloads, status arithmetic, building the channels, and the demo command."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from twilio.base.exceptions import TwilioRestException

from bot.advice.gsm7 import is_gsm7
from bot.channels import CAPABILITIES
from bot.channels.base import Part
from bot.config import Settings
from bot.delivery.errors import PermanentFailure, RecipientGone, RetryLater
from bot.delivery.outbox import Status
from bot.messages import Button, Outbound
from integrations.twilio import capabilities
from integrations.twilio.channels import SmsChannel, WhatsAppChannel, build_channels, template_variables
from integrations.twilio.encoding import cost, plain_punctuation
from integrations.twilio.fake import FakeTwilio, Media, segment
from integrations.twilio.fake import inbound as fake_inbound
from integrations.twilio.inbound import message_from
from integrations.twilio.keywords import (
    CARRIER_WORDS,
    HELP_TEXT,
    OPT_IN_WORDS,
    OPT_OUT_WORDS,
    Keyword,
    carrier_word,
    keyword_of,
)
from integrations.twilio.sending import TwilioSender, translate
from integrations.twilio.status import part_status, report_from, row_status
from twilio_test_support import Receiver

FIXTURES = Path(capabilities.__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parents[3]
USER = "+447700900123"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.json").read_text())


def sender_for(fake: FakeTwilio, token: str | None = None) -> TwilioSender:
    return TwilioSender(fake.account_sid, token or fake.auth_token, "https://bizwatch.example/webhooks/twilio/status",
                        fake.base_url)


# Carrier words
def test_the_carrier_words_are_twilios_the_ones_the_fake_carrier_acts_on() -> None:
    assert OPT_OUT_WORDS == fake_inbound.OPT_OUT_WORDS
    assert OPT_IN_WORDS == fake_inbound.OPT_IN_WORDS
    assert {"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"} == OPT_OUT_WORDS


@pytest.mark.parametrize(("body", "word"), [
    ("STOP", "STOP"), ("stop", "STOP"), ("  Stop.  ", "STOP"), ("'quit'", "QUIT"), ("UnSubscribe!", "UNSUBSCRIBE"),
    ("start", "START"), ("Unstop", "UNSTOP"), ("yes", "YES"), ("info?", "INFO"), ("\nHelp\n", "HELP"),
    ("stop it please", None), ("pls stop", None), ("stopped", None), ("s t o p", None), ("", None),
    ("cancel the report", None), ("end.", "END"), ("delete", None), ("999", None),
])
def test_a_carrier_word_is_the_whole_message_in_any_case(body: str, word: str | None) -> None:
    assert carrier_word(body) == word


def test_each_carrier_word_has_one_meaning() -> None:
    assert {keyword_of(w) for w in OPT_OUT_WORDS} == {Keyword.OPT_OUT}
    assert {keyword_of(w) for w in OPT_IN_WORDS} == {Keyword.OPT_IN}
    assert {keyword_of(w) for w in ("HELP", "INFO")} == {Keyword.HELP}


def test_sms_and_whatsapp_have_their_own_word_for_cancel_and_the_core_uses_it() -> None:
    for channel in (capabilities.SMS, capabilities.WHATSAPP):
        assert channel.cancel_word.upper() not in CARRIER_WORDS
    assert CAPABILITIES["sms"] is capabilities.SMS


def test_the_help_text_is_one_plain_text_naming_the_service_999_and_stop() -> None:
    assert cost(HELP_TEXT).encoding == "GSM-7" and cost(HELP_TEXT).segments == 1
    for needed in ("bizwatch", "999", "text STOP", "report"):
        assert needed in HELP_TEXT


# Rendering and segments
def sms_channel(from_: str = "+447700900000", opt_out_number: str | None = None) -> SmsChannel:
    return SmsChannel(TwilioSender("AC" + "0" * 32, "token", "https://example/status"), from_,
                      opt_out_number=opt_out_number)


def test_options_are_numbered_on_one_line_and_typographic_punctuation_is_made_plain() -> None:
    message = Outbound("We\u2019ll keep \u201cPriya\u2019s\u201d report \u2013 is it over\u2026?",
                       (Button("No, it's over", "no"), Button("Yes, danger now", "yes")))
    [part] = sms_channel().render(message)
    assert part.text == "We'll keep \"Priya's\" report - is it over...?\nReply 1 No, it's over, 2 Yes, danger now"
    assert cost(part.text).encoding == "GSM-7"
    assert plain_punctuation("\u00a0caf\u00e9\u2014ok\u2026") == " café-ok..."


def test_a_long_message_is_split_at_ten_segments_with_the_options_on_the_last_part() -> None:
    paragraph = "Save a copy of the footage from the recorder before it is recorded over, and note the clock. "
    message = Outbound((paragraph * 6 + "\n\n") * 4 + "Is that right?", (Button("Yes", "yes"), Button("No", "no")))
    parts = sms_channel().render(message)
    assert len(parts) == 2 and parts[0].text.count("\n\n") == 1  # cut at a paragraph break (two of four fit)
    assert all(len(p.text) <= capabilities.MAX_PART_CHARS and cost(p.text).segments <= 10 for p in parts)
    assert parts[-1].text.endswith("Reply 1 Yes, 2 No") and parts[-1].buttons == message.buttons


@pytest.mark.parametrize("text", [
    "Thanks. Say 'skip' for anything you can't answer.", "£80 of meat; [CCTV] 7 days", "x" * 160, "x" * 161,
    "y" * 306, "y" * 307, "€" * 80, "€" * 81, "emoji \U0001f44d", "naïve", "a" * 153 + "€" + "a" * 151,
])
def test_our_segment_count_agrees_with_the_fake_carrier(text: str) -> None:
    ours, theirs = cost(text), segment(text)
    assert (ours.encoding, ours.units, ours.segments) == (theirs.encoding, theirs.units, theirs.segments)


def test_a_one_way_sender_says_where_to_text_stop() -> None:
    with pytest.raises(ValueError, match="BIZWATCH_TWILIO_OPT_OUT_NUMBER"):
        sms_channel("WMPolice")
    channel = sms_channel("WMPolice", opt_out_number="07700 900000")
    [part] = channel.render(Outbound("Shop theft is up in Walsall this week: check your CCTV works."))
    footer = "Replies to WMPolice are not read. To stop these texts, text STOP to 07700 900000."
    assert part.text.endswith("\n" + footer) and is_gsm7(part.text)
    assert channel.one_way and not sms_channel("+447700900000").one_way and not sms_channel("84321").one_way


def test_template_variables_are_one_line_and_bounded() -> None:
    assert json.loads(template_variables("Your report\n\nBW-1  is   in.")) == {"1": "Your report BW-1 is in."}
    assert len(json.loads(template_variables("word " * 500))["1"]) == 1000


# Errors, by code
def rest_error(status: int, code: int | None) -> TwilioRestException:
    return TwilioRestException(status, "https://api.twilio.com/2010-04-01/Accounts/AC/Messages.json", "refused", code)


@pytest.mark.parametrize(("status", "code", "kind", "opted_out"), [
    (400, 21610, RecipientGone, True), (400, 21211, PermanentFailure, None), (400, 30006, PermanentFailure, None),
    (429, 20429, RetryLater, None), (429, None, RetryLater, None), (400, 30003, RetryLater, None),
    (503, None, RetryLater, None), (500, 20500, RetryLater, None), (401, 20003, RetryLater, None),
    (400, 21617, PermanentFailure, None), (404, 20404, PermanentFailure, None),
])
def test_twilio_errors_are_translated_by_code(status: int, code: int | None, kind: type, opted_out: bool | None
                                              ) -> None:
    error = translate(rest_error(status, code))
    assert type(error) is kind
    assert error.code == (str(code) if code else f"http-{status}")
    if opted_out is not None:
        assert error.opted_out is opted_out


def test_retry_after_is_honoured_when_given() -> None:
    assert translate(rest_error(429, 20429), "7").after_seconds == 7.0
    assert translate(rest_error(429, 20429), "Wed, 21 Oct 2026 07:28:00 GMT").after_seconds is None


@pytest.mark.parametrize("name", ["error_21610", "error_21211", "error_20429"])
def test_the_recorded_refusals_read_as_the_library_reads_them(name: str) -> None:
    recorded = fixture(name)
    error = TwilioRestException(recorded["status"], "uri", recorded["body"]["message"], recorded["body"]["code"])
    expected = {"error_21610": RecipientGone, "error_21211": PermanentFailure, "error_20429": RetryLater}[name]
    assert type(translate(error)) is expected


def test_sending_through_the_fake_raises_what_the_worker_acts_on() -> None:
    with FakeTwilio(rate=1, retry_after_header=True) as fake:
        sender = sender_for(fake)
        assert sender.create(to=USER, from_=fake.settings.phone_number, body="one").startswith("SM")
        with pytest.raises(RetryLater) as throttled:
            sender.create(to=USER, from_=fake.settings.phone_number, body="two")
        assert (throttled.value.code, throttled.value.after_seconds) == ("20429", 1.0)
        fake.settings.rate = 1000
        with pytest.raises(PermanentFailure) as invalid:
            sender.create(to="+4412", from_=fake.settings.phone_number, body="three")
        assert invalid.value.code == "21211"
        with pytest.raises(RetryLater) as credentials:
            sender_for(fake, token="rotated").create(to=USER, from_=fake.settings.phone_number, body="four")
        assert credentials.value.code == "20003"
        base_url = fake.base_url
    with pytest.raises(RetryLater) as unreachable:  # the fake has gone: nothing listens there now
        TwilioSender("AC" + "0" * 32, "token", "https://example/status", base_url).create(
            to=USER, from_="+447700900000", body="five")
    assert unreachable.value.code == "network"


# Recorded payloads, and the fake posting the same shapes
@pytest.mark.parametrize(("name", "channel", "media"), [
    ("inbound_sms", "sms", 0), ("inbound_mms", "sms", 1), ("inbound_whatsapp", "whatsapp", 1)])
def test_the_recorded_inbound_payloads_become_messages(name: str, channel: str, media: int) -> None:
    message = message_from(fixture(name)["form"])
    assert message is not None
    assert (message.channel, message.address, len(message.media)) == (channel, USER, media)
    assert message.sid.startswith("SM" if media == 0 else "MM")
    if media:
        assert message.media[0].url.startswith("https://api.twilio.com/2010-04-01/Accounts/")
        assert message.media[0].content_type == "image/jpeg"
    assert message_from({"Body": "no sender, no sid"}) is None


@pytest.mark.parametrize(("name", "status", "code"), [
    ("status_delivered", "delivered", None), ("status_undelivered_30003", "undelivered", "30003"),
    ("status_failed_63016", "failed", "63016"), ("status_read_whatsapp", "read", None)])
def test_the_recorded_status_callbacks_become_reports(name: str, status: str, code: str | None) -> None:
    report = report_from(fixture(name)["form"])
    assert report is not None and (report.status, report.error_code) == (status, code)
    assert report.to.removeprefix("whatsapp:") == USER


def test_the_fake_posts_every_parameter_the_recorded_payloads_have() -> None:
    receiver = Receiver()
    receiver.url = receiver.server.start()
    try:
        with FakeTwilio(inbound_url=receiver.url + "/webhooks/twilio/messages") as fake:
            fake.send_sms(USER, "hello")
            fake.send_sms(USER, "pic", media=[Media("image/jpeg", b"\xff\xd8\xff")])
            fake.send_whatsapp(USER, "pic", media=[Media("image/jpeg", b"\xff\xd8\xff")])
    finally:
        receiver.server.stop()
    for name, received in zip(("inbound_sms", "inbound_mms", "inbound_whatsapp"), receiver.requests):
        assert set(fixture(name)["form"]) <= set(received.form), name


# Status arithmetic
def test_a_part_s_status_is_its_furthest_report_and_a_failure_wins_a_tie() -> None:
    assert part_status([]) is None
    assert part_status([Status.DELIVERED, Status.SENT, Status.SENDING]) is Status.DELIVERED
    assert part_status([Status.SENT, Status.UNDELIVERED, Status.DELIVERED]) is Status.UNDELIVERED


def test_a_row_is_as_far_as_its_least_advanced_part_and_failed_if_any_part_failed() -> None:
    assert row_status([Status.DELIVERED, None], 2) is Status.SENT  # part 2 handed over, no report yet
    assert row_status([Status.DELIVERED, Status.DELIVERED], 2) is Status.DELIVERED
    assert row_status([Status.DELIVERED], 2) is Status.SENDING  # part 2 not sent yet
    assert row_status([Status.DELIVERED, Status.UNDELIVERED], 2) is Status.UNDELIVERED
    assert row_status([Status.FAILED], 3) is Status.FAILED


# Building the channels from settings
def test_channels_exist_only_with_their_settings() -> None:
    base = Settings(_env_file=None)
    assert build_channels(base) == {}
    assert build_channels(base.model_copy(update={"twilio_account_sid": "AC1", "twilio_auth_token": "t"})) == {}
    both = build_channels(base.model_copy(update={
        "twilio_account_sid": "AC1", "twilio_auth_token": "t", "twilio_from_number": "+447700900000",
        "twilio_whatsapp_from": "whatsapp:+447700900001", "twilio_sms_media": True}))
    assert isinstance(both["sms"], SmsChannel) and isinstance(both["whatsapp"], WhatsAppChannel)
    assert both["sms"].capabilities.media and both["whatsapp"].from_ == "whatsapp:+447700900001"
    assert both["whatsapp"].sms_possible
    assert (both["sms"].segments(Part("x" * 161)), both["whatsapp"].segments(Part("x" * 1600))) == (2, 1)
    one_way = build_channels(base.model_copy(update={
        "twilio_account_sid": "AC1", "twilio_auth_token": "t", "twilio_from_number": "WMPolice",
        "twilio_opt_out_number": "+447700900000", "twilio_whatsapp_from": "+447700900001"}))
    assert not one_way["whatsapp"].sms_possible  # nobody can reply to a one-way sender: no SMS fallback


def test_the_demo_command_serves_a_fake_twilio_for_this_service(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "BIZWATCH_PUBLIC_BASE_URL": "http://127.0.0.1:8765"}
    process = subprocess.Popen([sys.executable, "-m", "bot", "dev", "fake-twilio", "--port", str(port),
                                "--callback-delay", "0"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().strip() == f"Fake Twilio listening on http://127.0.0.1:{port}"
        hint = process.stderr.readline() + process.stderr.readline()
        assert f"BIZWATCH_TWILIO_API_BASE_URL=http://127.0.0.1:{port}" in hint
        sender = TwilioSender("AC" + "0" * 31 + "1", "fa4e" * 8, "http://127.0.0.1:8765/webhooks/twilio/status",
                              f"http://127.0.0.1:{port}")
        assert sender.create(to=USER, from_="+447700900000", body="demo").startswith("SM")
    finally:
        process.terminate()
        process.wait(timeout=10)
