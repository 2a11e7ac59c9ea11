"""The SMS and WhatsApp channels: how a message looks there, and handing each part to Twilio.

Both show options as numbers on one line ("Reply 1 Yes, 2 No"), make typographic punctuation plain
so a quoted answer cannot turn a text into UCS-2, and split at ten segments (``capabilities``).
``send`` returns Twilio's message SID or raises ``bot.delivery.errors`` (see ``sending``); WhatsApp
first asks ``window`` whether the message may go free-form, as a template, by SMS, or must wait.

A one-way sender (an alphanumeric id such as "WMPolice": nobody can reply to it, so nobody can text
STOP to it) adds a line to every message saying where to text STOP instead: our two-way number
(``BIZWATCH_TWILIO_OPT_OUT_NUMBER``), whose STOP opts the phone out of every SMS we send, whichever
sender it comes from. A text from us never leaves someone without a way to stop the next one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from bot.channels.base import Part, SendingChannel, split_for
from bot.channels.plain import render_plain
from bot.config import Settings
from bot.delivery.errors import Hold
from bot.messages import ChannelCapabilities, Outbound
from bot.storage.types import utcnow
from integrations.twilio import STATUS_PATH
from integrations.twilio.capabilities import SMS, WHATSAPP
from integrations.twilio.encoding import cost, plain_punctuation
from integrations.twilio.sending import TwilioSender
from integrations.twilio.window import Facts, FactsLookup, Route, WindowLookup, Way, whatsapp_route

WHATSAPP_PREFIX = "whatsapp:"
TEMPLATE_VARIABLE_CHARS = 1000
_TWO_WAY = re.compile(r"\+?[0-9]+")


class Held(Hold):
    """The WhatsApp message must wait for the person's next message (outside the 24-hour window, with
    no template or SMS to send instead); the WhatsApp webhook releases such rows when they write."""

    def __init__(self, reason: str) -> None:
        super().__init__("whatsapp-window", reason)
        self.hold_reason = reason


def is_one_way(sender: str) -> bool:
    """An alphanumeric sender id cannot be replied to; numbers (long codes, short codes) can."""
    return not _TWO_WAY.fullmatch(sender)


def render_plain_parts(capabilities: ChannelCapabilities, message: Outbound, footer: str | None = None) -> list[Part]:
    """Numbered options on one line, plain punctuation, an optional last line, split to fit."""
    text = plain_punctuation(render_plain(message, compact=True))
    if footer:
        text = f"{text}\n{footer}"
    return split_for(capabilities, message, text)


class SmsChannel:
    """Text messages from our Twilio number (or a one-way sender id)."""

    name = "sms"

    def __init__(self, sender: TwilioSender, from_: str, capabilities: ChannelCapabilities = SMS,
                 opt_out_number: str | None = None) -> None:
        self.sender = sender
        self.from_ = from_
        self.capabilities = capabilities
        self.one_way = is_one_way(from_)
        if self.one_way and not opt_out_number:
            raise ValueError(f"the SMS sender {from_!r} cannot take replies: set BIZWATCH_TWILIO_OPT_OUT_NUMBER to "
                             "a number of ours people can text STOP to")
        self.footer = (f"Replies to {from_} are not read. To stop these texts, text STOP to {opt_out_number}."
                       if self.one_way else None)

    def render(self, message: Outbound) -> list[Part]:
        return render_plain_parts(self.capabilities, message, self.footer)

    def send(self, address: str, part: Part) -> str:
        return self.sender.create(to=address, from_=self.from_, body=part.text)

    @staticmethod
    def segments(part: Part) -> int:
        """What a part costs against the sender's rate (Twilio counts segments; ``from_`` is the sender)."""
        return cost(part.text).segments


def template_variables(text: str) -> str:
    """``ContentVariables`` for the template: the text as ``{{1}}`` on one line (WhatsApp refuses new
    lines and long runs of spaces in a variable) and within its length."""
    flat = " ".join(text.split())
    if len(flat) > TEMPLATE_VARIABLE_CHARS:
        flat = flat[: TEMPLATE_VARIABLE_CHARS - 3].rstrip() + "..."
    return json.dumps({"1": flat})


class WhatsAppChannel:
    """WhatsApp through Twilio: plain text within the 24-hour window; see ``window`` for outside it.

    Addresses are E.164 numbers; ``whatsapp:`` is added on the way out.
    """

    name = "whatsapp"
    capabilities = WHATSAPP

    def __init__(self, sender: TwilioSender, from_number: str, window: FactsLookup,
                 template_sid: str | None = None, sms: SmsChannel | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.sender = sender
        self.from_ = WHATSAPP_PREFIX + from_number.removeprefix(WHATSAPP_PREFIX)
        self.window = window
        self.template_sid = template_sid
        self.sms = sms if sms is not None and not sms.one_way else None
        self.clock = clock

    def render(self, message: Outbound) -> list[Part]:
        return render_plain_parts(self.capabilities, message)

    @staticmethod
    def segments(part: Part) -> int:
        """A WhatsApp message counts once against the sender's rate, however long."""
        return 1

    @property
    def sms_possible(self) -> bool:
        """Whether a message could go by SMS instead (a two-way SMS number is configured)."""
        return self.sms is not None

    def decide(self, facts: Facts) -> Route:
        return whatsapp_route(self.clock(), facts, self.template_sid)

    def route(self, address: str) -> Route:
        return self.decide(self.window(address, self.sms_possible))

    def close(self) -> None:
        """Let go of the window lookup's connections (``Service.close`` closes every channel)."""
        close = getattr(self.window, "close", None)
        if close is not None:
            close()

    def send(self, address: str, part: Part) -> str:
        route = self.route(address)
        to = WHATSAPP_PREFIX + address
        if route.way is Way.FREE_FORM:
            return self.sender.create(to=to, from_=self.from_, body=part.text)
        if route.way is Way.TEMPLATE:
            return self.sender.create(to=to, from_=self.from_, content_sid=self.template_sid,
                                      content_variables=template_variables(part.text))
        if route.way is Way.SMS:
            assert self.sms is not None
            return self.sms.send(address, part)
        raise Held(route.reason)


def build_channels(settings: Settings, clock: Callable[[], datetime] = utcnow,
                   window: FactsLookup | None = None) -> dict[str, SendingChannel]:
    """The Twilio channels whose settings are given: "sms" with a sending number, "whatsapp" with a
    WhatsApp sender; none without the account's SID and auth token."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return {}
    sender = TwilioSender(settings.twilio_account_sid, settings.twilio_auth_token,
                          settings.public_base_url.rstrip("/") + STATUS_PATH, settings.twilio_api_base_url)
    channels: dict[str, SendingChannel] = {}
    sms = None
    if settings.twilio_from_number:
        sms = SmsChannel(sender, settings.twilio_from_number, replace(SMS, media=settings.twilio_sms_media),
                         settings.twilio_opt_out_number)
        channels["sms"] = sms
    if settings.twilio_whatsapp_from:
        channels["whatsapp"] = WhatsAppChannel(
            sender, settings.twilio_whatsapp_from, window or WindowLookup(settings.database_url),
            settings.twilio_whatsapp_template_sid, sms, clock)
    return channels
