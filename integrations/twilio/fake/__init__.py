"""A fake Twilio API server for tests and local demos: real HTTP on 127.0.0.1, spoken to by the real
``twilio`` client library, with Twilio's errors, rate limits, status callbacks and signatures.

In a test (the server runs in a background thread; the test carries on)::

    from twilio.rest import Client
    from integrations.twilio.fake import FakeTwilio, Media

    with FakeTwilio(rate=10, inbound_url="https://bizwatch.example/webhooks/twilio/messages",
                    proxy={"https://bizwatch.example": app_url}) as fake:
        client = Client(fake.account_sid, fake.auth_token)
        client.api.base_url = fake.base_url   # or an http_client that rewrites https://api.twilio.com
        client.messages.create(to="+447700900123", from_=fake.settings.phone_number, body="Hello",
                               status_callback="https://bizwatch.example/webhooks/twilio/status")
        fake.wait_idle()                       # "sent" and "delivered" callbacks have been posted
        fake.sent[-1].segments                 # 1; fake.sent[-1].encoding == "GSM-7"
        fake.send_sms("+447700900123", "STOP")  # the app hears it, and the number now gets 21610
        fake.send_whatsapp("+447700900124", "photo", media=[Media("image/jpeg", jpeg_bytes)])

From a shell, for a local demo (runs until Ctrl-C and prints the credentials to use)::

    python -m integrations.twilio.fake --port 8401 \\
        --inbound-url http://127.0.0.1:8000/webhooks/twilio/messages
    curl -d From=+447700900123 -d Body=hello http://127.0.0.1:8401/_fake/inbound   # a user texts us
    curl http://127.0.0.1:8401/_fake/sent                                           # what the app sent

Covered: Messages create / fetch / list (form-encoded, basic auth, the real JSON shapes); segments
(GSM-7 160/153, UCS-2 70/67); errors 20003, 20404, 21211, 21408, 21602, 21603, 21604, 21610, 21617,
21910 and 429 / 20429 above a per-sender rate; status callbacks (sent then delivered, or undelivered /
failed with an error code; shuffled and duplicated when asked); the WhatsApp 24-hour window (as at
Twilio, a free-form message outside it is created, then fails with 63016; content templates pass);
inbound SMS, MMS and WhatsApp with the carrier's opt-out words; media behind basic auth; signatures.
Not covered: API keys, scheduling, the Media and Feedback subresources, Twilio's own replies to STOP
and HELP, per-sender opt-out (a STOP here stops the number for every sender), smart encoding, and
Twilio's queueing of messages above the rate (the fake refuses them with 429 instead).
"""

from integrations.twilio.fake.courier import Forgery
from integrations.twilio.fake.fake import FakeTwilio
from integrations.twilio.fake.inbound import InboundResult
from integrations.twilio.fake.segments import Segmentation, segment
from integrations.twilio.fake.settings import Delivery, FakeSettings
from integrations.twilio.fake.signature import sign
from integrations.twilio.fake.state import CallbackAttempt, Media, SentMessage, Throttle

__all__ = [
    "CallbackAttempt",
    "Delivery",
    "FakeSettings",
    "FakeTwilio",
    "Forgery",
    "InboundResult",
    "Media",
    "Segmentation",
    "SentMessage",
    "Throttle",
    "segment",
    "sign",
]
