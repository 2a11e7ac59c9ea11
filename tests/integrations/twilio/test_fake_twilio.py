"""The fake Twilio, driven through the real twilio client and checked with its RequestValidator: what
the app will see when it sends SMS and WhatsApp messages and receives webhooks through it."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from integrations.twilio.fake import FakeTwilio, Media, segment, sign
from twilio_test_support import MESSAGES_URL, PUBLIC, STATUS_URL, ManualClock, Receiver, client_for

USER = "+447700900123"
OTHER_USER = "+447700900456"
JPEG = b"\xff\xd8\xff\xe0" + b"broken window, back door" * 40 + b"\xff\xd9"
ROOT = Path(__file__).resolve().parents[3]


# The servers live for the whole session (stopping one takes uvicorn a fifth of a second); each test
# gets them emptied, with the fake's settings as they started.
@pytest.fixture(scope="session")
def _receiver_server() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.url = receiver.server.start()
    yield receiver
    receiver.server.stop()


@pytest.fixture
def receiver(_receiver_server: Receiver) -> Receiver:
    _receiver_server.requests.clear()
    return _receiver_server


@pytest.fixture(scope="session")
def _session_clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def clock(_session_clock: ManualClock) -> ManualClock:
    return _session_clock


@pytest.fixture(scope="session")
def _fake_server(_receiver_server: Receiver, _session_clock: ManualClock) -> Iterator[FakeTwilio]:
    with FakeTwilio(
        clock=_session_clock,
        rate=1000,
        callback_delay=0.002,
        inbound_url=MESSAGES_URL,
        proxy={PUBLIC: _receiver_server.url},
    ) as fake:
        yield fake


@pytest.fixture
def fake(_fake_server: FakeTwilio, receiver: Receiver) -> Iterator[FakeTwilio]:
    initial = copy.deepcopy(vars(_fake_server.settings))
    yield _fake_server
    _fake_server.wait_idle()
    vars(_fake_server.settings).update(initial)
    _fake_server.reset()


@pytest.fixture
def client(fake: FakeTwilio) -> Client:
    return client_for(fake)


def send(client: Client, fake: FakeTwilio, body: str, to: str = USER, **kwargs: object):  # type: ignore[no-untyped-def]
    return client.messages.create(to=to, from_=fake.settings.phone_number, body=body, **kwargs)


def refusal(
    client: Client, fake: FakeTwilio, body: str = "Your report is saved.", **kwargs: object
) -> TwilioRestException:
    with pytest.raises(TwilioRestException) as caught:
        send(client, fake, body, **kwargs)
    return caught.value


# Segments and encoding
@pytest.mark.parametrize(
    ("body", "segments", "encoding"),
    [
        ("cant make it 2nite, shop ok? ta x", 1, "GSM-7"),
        ("a" * 160, 1, "GSM-7"),
        ("a" * 161, 2, "GSM-7"),
        ("b" * 306, 2, "GSM-7"),
        ("b" * 307, 3, "GSM-7"),
        ("£5 off at the café, 10% [today] only", 1, "GSM-7"),
        ("€" * 80, 1, "GSM-7"),  # extension characters take two septets each
        ("€" * 81, 2, "GSM-7"),
        ("We\u2019ll call you back", 1, "UCS-2"),  # one curly quote makes the whole text UCS-2
        ("x" * 69 + "\u2019", 1, "UCS-2"),
        ("x" * 70 + "\u2019", 2, "UCS-2"),
        ("\u201cthey ran off\u201d " + "y" * 119, 2, "UCS-2"),  # 134 units: two parts of 67
        ("\u201cthey ran off\u201d " + "y" * 120, 3, "UCS-2"),
        ("thanks \U0001f44d", 1, "UCS-2"),
        ("\U0001f6a8" * 35, 1, "UCS-2"),  # an emoji is two UTF-16 units: 70 exactly
        ("\U0001f6a8" * 36, 2, "UCS-2"),
        ("naïve question", 1, "UCS-2"),  # ï is not in GSM-7 (ä, ö, ü, ñ, à, é are)
    ],
)
def test_a_created_message_is_recorded_with_its_segments_and_encoding(
    client: Client, fake: FakeTwilio, body: str, segments: int, encoding: str
) -> None:
    message = send(client, fake, body)

    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert message.status == "queued"
    assert message.num_segments == str(segments)
    assert message.body == body and message.to == USER and message.from_ == fake.settings.phone_number
    [recorded] = fake.sent
    assert (recorded.sid, recorded.segments, recorded.encoding, recorded.body) == (
        message.sid,
        segments,
        encoding,
        body,
    )


def test_a_part_never_splits_an_escape_or_surrogate_pair() -> None:
    assert segment("a" * 152 + "€" + "a" * 152).segments == 3  # 306 septets, yet the euro cannot straddle parts
    assert segment("a" * 153 + "€" + "a" * 151).segments == 2
    assert segment("y" * 66 + "\U0001f6a8" + "y" * 66).segments == 3  # 134 units, the emoji pushed to part two
    assert segment("y" * 67 + "\U0001f6a8" + "y" * 65).segments == 2


def test_the_fake_signs_as_twilio_documents_it() -> None:
    # The worked example in Twilio's webhook security documentation.
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert sign("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


# Refusals
def test_wrong_credentials_are_refused_with_20003(fake: FakeTwilio) -> None:
    with pytest.raises(TwilioRestException) as caught:
        client_for(fake, auth_token="not-the-token").messages.create(
            to=USER, from_=fake.settings.phone_number, body="hi"
        )
    assert (caught.value.status, caught.value.code) == (401, 20003)
    assert fake.sent == []


def test_a_number_that_texted_stop_cannot_be_sent_to_until_it_texts_start(
    client: Client, fake: FakeTwilio, receiver: Receiver
) -> None:
    send(client, fake, "Thanks, your report is saved.")

    answer = fake.send_sms(USER, "  stop ")
    error = refusal(client, fake)
    assert (error.status, error.code) == (400, 21610)
    assert receiver.at("/webhooks/twilio/messages")[-1].form["Body"] == "  stop "  # the app hears the STOP too
    assert answer.status_code == 200

    send(client, fake, "To a neighbour", to=OTHER_USER)  # others still get messages
    fake.send_sms(USER, "Start")
    send(client, fake, "Welcome back")
    assert [m.to for m in fake.sent] == [USER, OTHER_USER, USER]


def test_a_number_stopped_by_the_test_is_refused_but_stop_inside_a_sentence_stops_nothing(
    client: Client, fake: FakeTwilio
) -> None:
    fake.stop_number(USER)
    assert refusal(client, fake).code == 21610

    fake.send_sms(OTHER_USER, "pls dont stop the reminders")
    send(client, fake, "Reminder: check your CCTV", to=OTHER_USER)
    assert not fake.is_stopped(OTHER_USER)


@pytest.mark.parametrize("to", ["+4412", "07700900123", "+44 not a number", "whatsapp:+1"])
def test_an_invalid_number_is_refused_with_21211(client: Client, fake: FakeTwilio, to: str) -> None:
    if to.startswith("whatsapp:"):
        with pytest.raises(TwilioRestException) as caught:
            client.messages.create(to=to, from_="whatsapp:" + fake.settings.whatsapp_number, body="hi")
        error = caught.value
    else:
        error = refusal(client, fake, to=to)
    assert (error.status, error.code) == (400, 21211)
    assert to in error.msg


def test_other_refusals_have_twilio_codes(client: Client, fake: FakeTwilio) -> None:
    fake.settings.sms_regions = frozenset({"GB"})
    assert refusal(client, fake, to="+12025550123").code == 21408
    assert refusal(client, fake, body="x" * 1601).code == 21617
    assert refusal(client, fake, to="whatsapp:" + USER).code == 21910
    with pytest.raises(TwilioRestException) as caught:
        client.messages.create(to=USER, from_=fake.settings.phone_number)
    assert caught.value.code == 21602
    assert fake.sent == []


# Rate limits
def test_more_segments_than_the_sender_rate_get_429_and_are_counted(clock: ManualClock, receiver: Receiver) -> None:
    with FakeTwilio(clock=clock, rate=3, sender_rates={"+447700900999": 100}) as fake:
        client = client_for(fake)
        send(client, fake, "a" * 200)  # two segments
        error = refusal(client, fake, body="a" * 200)  # four in the same second
        assert (error.status, error.code) == (429, 20429)
        assert "Too Many Requests" in error.msg
        send(client, fake, "one more segment fits")
        assert refusal(client, fake, body="no room").code == 20429
        client.messages.create(to=USER, from_="+447700900999", body="another sender has its own rate")

        clock.advance(1.0)
        send(client, fake, "a" * 200)

        assert [(t.sender, t.segments) for t in fake.throttled] == [("+447700900000", 2), ("+447700900000", 1)]
        stats = fake.stats()
        assert stats["throttled"] == 2
        assert stats["segments_by_sender"] == {"+447700900000": 5, "+447700900999": 1}
        assert stats["messages_by_sender"] == {"+447700900000": 3, "+447700900999": 1}


def test_retry_after_is_sent_only_when_asked(clock: ManualClock, receiver: Receiver) -> None:
    with FakeTwilio(clock=clock, rate=1) as fake:
        url = f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
        form = {"To": USER, "From": fake.settings.phone_number, "Body": "hi"}
        auth = (fake.account_sid, fake.auth_token)
        assert httpx.post(url, data=form, auth=auth).status_code == 201
        clock.advance(0.25)
        refused = httpx.post(url, data=form, auth=auth)
        assert refused.status_code == 429 and "retry-after" not in refused.headers
        assert refused.json() == {
            "code": 20429,
            "message": "Too Many Requests",
            "more_info": "https://www.twilio.com/docs/errors/20429",
            "status": 429,
        }
        fake.settings.retry_after_header = True
        assert httpx.post(url, data=form, auth=auth).headers["retry-after"] == "1"


# Fetch and list
def test_a_message_can_be_fetched_and_listed_with_its_progress(client: Client, fake: FakeTwilio) -> None:
    first = send(client, fake, "First")
    second = send(client, fake, "Second", to=OTHER_USER)
    fake.wait_idle()

    fetched = client.messages(first.sid).fetch()
    assert (fetched.status, fetched.body, fetched.error_code, fetched.date_sent is not None) == (
        "delivered",
        "First",
        None,
        True,
    )
    assert [m.sid for m in client.messages.list()] == [second.sid, first.sid]
    assert [m.sid for m in client.messages.list(to=OTHER_USER)] == [second.sid]
    assert [m.sid for m in client.messages.list(page_size=1)] == [second.sid, first.sid]  # follows next_page_uri
    with pytest.raises(TwilioRestException) as caught:
        client.messages("SM" + "0" * 32).fetch()
    assert (caught.value.status, caught.value.code) == (404, 20404)


# Status callbacks
def test_status_callbacks_arrive_signed_for_the_public_url(
    client: Client, fake: FakeTwilio, receiver: Receiver
) -> None:
    message = send(client, fake, "Your report BW-1234 is with the police.", status_callback=STATUS_URL)
    fake.wait_idle()

    callbacks = receiver.at("/webhooks/twilio/status")
    assert [c.form["MessageStatus"] for c in callbacks] == ["sent", "delivered"]  # never queued
    validator = RequestValidator(fake.auth_token)
    for callback in callbacks:
        form = callback.form
        assert (form["MessageSid"], form["SmsSid"], form["AccountSid"]) == (message.sid, message.sid, fake.account_sid)
        assert (form["To"], form["From"], form["SmsStatus"]) == (
            USER,
            fake.settings.phone_number,
            form["MessageStatus"],
        )
        assert "ErrorCode" not in form
        assert validator.validate(STATUS_URL, form, callback.headers["x-twilio-signature"])
        assert callback.url == STATUS_URL  # uvicorn rebuilds the public URL from the proxy's headers
        assert not validator.validate(receiver.url + callback.path, form, callback.headers["x-twilio-signature"])
        forged = {**form, "MessageStatus": "failed"}
        assert not validator.validate(STATUS_URL, forged, callback.headers["x-twilio-signature"])
        assert callback.headers["x-forwarded-proto"] == "https" and callback.headers["host"] == "bizwatch.example"
    assert [(a.status, a.response_status) for a in fake.callbacks] == [("sent", 200), ("delivered", 200)]


@pytest.mark.parametrize(
    ("status", "code", "seen"), [("undelivered", 30003, ["sent", "undelivered"]), ("failed", 30006, ["failed"])]
)
def test_an_undeliverable_number_reports_its_error_code(
    client: Client, fake: FakeTwilio, receiver: Receiver, status: str, code: int, seen: list[str]
) -> None:
    fake.set_delivery(USER, status, code)
    message = send(client, fake, "Are you still at the shop?", status_callback=STATUS_URL)
    fake.wait_idle()

    callbacks = receiver.at("/webhooks/twilio/status")
    assert [c.form["MessageStatus"] for c in callbacks] == seen
    assert callbacks[-1].form["ErrorCode"] == str(code)
    fetched = client.messages(message.sid).fetch()
    assert (fetched.status, fetched.error_code) == (status, code)
    assert fetched.error_message


def test_callbacks_can_come_shuffled_and_twice(client: Client, fake: FakeTwilio, receiver: Receiver) -> None:
    fake.settings.shuffle_callbacks = True
    fake.settings.duplicate_callbacks = 1.0
    fake.settings.seed = 7
    fake.reset()  # picks up the seed
    sids = [send(client, fake, f"Update {n}", status_callback=STATUS_URL).sid for n in range(6)]
    fake.wait_idle()

    by_message = {
        sid: [c.form["MessageStatus"] for c in receiver.at("/webhooks/twilio/status") if c.form["MessageSid"] == sid]
        for sid in sids
    }
    assert all(sorted(statuses) == ["delivered", "delivered", "sent", "sent"] for statuses in by_message.values())
    assert any(statuses[0] == "delivered" for statuses in by_message.values())  # some arrive out of order
    assert all(client.messages(sid).fetch().status == "delivered" for sid in sids)  # the resource moved forward only


def test_a_messaging_service_message_is_accepted_then_queued(
    client: Client, fake: FakeTwilio, receiver: Receiver
) -> None:
    service = "MG" + "1" * 32
    fake.settings.messaging_services[service] = "+447700900777"
    message = client.messages.create(
        to=USER, messaging_service_sid=service, body="From the pool", status_callback=STATUS_URL
    )
    fake.wait_idle()

    assert (message.status, message.from_, message.num_segments) == ("accepted", None, "0")
    callbacks = receiver.at("/webhooks/twilio/status")
    assert [c.form["MessageStatus"] for c in callbacks] == ["queued", "sent", "delivered"]
    assert {c.form["From"] for c in callbacks} == {"+447700900777"}
    assert callbacks[0].form["MessagingServiceSid"] == service


# Inbound messages
def test_an_inbound_mms_arrives_signed_and_its_media_downloads_with_basic_auth(
    fake: FakeTwilio, receiver: Receiver
) -> None:
    answer = fake.send_sms(USER, "pic of the damage", media=[Media("image/jpeg", JPEG)])

    [received] = receiver.at("/webhooks/twilio/messages")
    form = received.form
    assert answer.status_code == 200 and "<Response>" in answer.text
    assert form["MessageSid"] == answer.message_sid and form["MessageSid"].startswith("MM")
    assert (form["From"], form["To"], form["Body"]) == (USER, fake.settings.phone_number, "pic of the damage")
    assert (form["NumMedia"], form["MediaContentType0"], form["FromCountry"]) == ("1", "image/jpeg", "GB")
    assert form["AccountSid"] == fake.account_sid and form["SmsStatus"] == "received"
    assert RequestValidator(fake.auth_token).validate(MESSAGES_URL, form, received.headers["x-twilio-signature"])
    assert not RequestValidator(fake.auth_token).validate(
        receiver.url + received.path, form, received.headers["x-twilio-signature"]
    )  # posted through the proxy, signed for the public URL only

    media_url = form["MediaUrl0"]
    assert media_url.startswith(
        f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages/{form['MessageSid']}/Media/ME"
    )
    assert httpx.get(media_url).status_code == 401
    downloaded = httpx.get(media_url, auth=(fake.account_sid, fake.auth_token), follow_redirects=True)
    assert downloaded.content == JPEG and downloaded.headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("forge", ["token", "url", "params", "missing"])
def test_forged_inbound_signatures_fail_validation(fake: FakeTwilio, receiver: Receiver, forge: str) -> None:
    fake.send_sms(USER, "someone's nicked the charity box", forge=forge)  # type: ignore[arg-type]

    [received] = receiver.at("/webhooks/twilio/messages")
    signature = received.headers.get("x-twilio-signature", "")
    assert not RequestValidator(fake.auth_token).validate(MESSAGES_URL, received.form, signature)


def test_without_a_proxy_the_signature_covers_the_url_posted_to(clock: ManualClock, receiver: Receiver) -> None:
    url = f"{receiver.url}/webhooks/twilio/messages?channel=sms"
    with FakeTwilio(clock=clock, inbound_url=url) as fake:
        fake.send_sms(USER, "hello?")
    [received] = receiver.requests
    assert received.url == url
    assert RequestValidator(fake.auth_token).validate(url, received.form, received.headers["x-twilio-signature"])


# WhatsApp
def test_whatsapp_free_form_works_within_24_hours_of_the_users_last_message_only(
    client: Client, fake: FakeTwilio, clock: ManualClock, receiver: Receiver
) -> None:
    ours, theirs = "whatsapp:" + fake.settings.whatsapp_number, "whatsapp:" + USER
    inbound = fake.send_whatsapp(USER, "hiya, reporting a theft", profile_name="Priya")
    form = receiver.at("/webhooks/twilio/messages")[-1].form
    assert (form["From"], form["To"], form["WaId"], form["ProfileName"]) == (theirs, ours, USER[1:], "Priya")
    assert inbound.status_code == 200

    clock.advance(23 * 3600)
    within = client.messages.create(
        to=theirs, from_=ours, body="Thanks \U0001f44d what was taken?", status_callback=STATUS_URL
    )
    clock.advance(2 * 3600)
    outside = client.messages.create(to=theirs, from_=ours, body="Any update?", status_callback=STATUS_URL)
    template = client.messages.create(to=theirs, from_=ours, content_sid="HX" + "2" * 32, status_callback=STATUS_URL)
    fake.wait_idle()

    assert (within.status, within.num_segments) == ("queued", "1")
    assert client.messages(within.sid).fetch().status == "read"
    refused = client.messages(outside.sid).fetch()
    assert (refused.status, refused.error_code) == ("failed", 63016)
    assert client.messages(template.sid).fetch().status == "read"  # content templates may open a conversation
    statuses = {
        sid: [c.form["MessageStatus"] for c in receiver.at("/webhooks/twilio/status") if c.form["MessageSid"] == sid]
        for sid in (within.sid, outside.sid)
    }
    assert statuses == {within.sid: ["sent", "delivered", "read"], outside.sid: ["failed"]}
    assert [
        c.form["ErrorCode"] for c in receiver.at("/webhooks/twilio/status") if c.form["MessageSid"] == outside.sid
    ] == ["63016"]

    fake.send_whatsapp(USER, "stop")  # carrier opt-out words are an SMS matter
    again = client.messages.create(to=theirs, from_=ours, body="Noted.")
    fake.wait_idle()
    assert client.messages(again.sid).fetch().status == "read"
    assert not fake.is_stopped(USER)


# Reset and the command line
def test_reset_forgets_what_happened_but_keeps_the_settings(client: Client, fake: FakeTwilio) -> None:
    fake.stop_number(USER)
    send(client, fake, "hello", to=OTHER_USER)
    fake.reset()
    send(client, fake, "hello again")
    assert [m.to for m in fake.sent] == [USER]
    assert fake.stats()["messages_by_sender"] == {fake.settings.phone_number: 1}


def test_the_command_line_fake_serves_the_real_client(receiver: Receiver) -> None:
    command = [
        sys.executable,
        "-m",
        "integrations.twilio.fake",
        "--port",
        "0",
        "--callback-delay",
        "0",
        "--inbound-url",
        f"{receiver.url}/webhooks/twilio/messages",
    ]
    environment = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().split()[-1]
        sid_line = process.stdout.readline().split()
        account_sid, auth_token = sid_line[2], sid_line[5]
        client = Client(account_sid, auth_token)
        client.api.base_url = base_url  # the one-line alternative to a custom http_client
        message = client.messages.create(to=USER, from_="+447700900000", body="demo")
        assert message.status == "queued"
        answer = httpx.post(f"{base_url}/_fake/inbound", data={"From": USER, "Body": "hello"}).json()
        assert answer["status_code"] == 200
        assert [m["body"] for m in httpx.get(f"{base_url}/_fake/sent").json()] == ["demo"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert receiver.at("/webhooks/twilio/messages")[0].form["Body"] == "hello"
