"""A user's SMS or WhatsApp message arriving at Twilio and passed on to the app's messaging webhook.

Before passing it on, Twilio acts as the carrier: an SMS that is exactly an opt-out word stops every
further message to that number (sending then fails with 21610) and an opt-in word lifts that; a
WhatsApp message opens the user's 24-hour window for free-form replies. Media are kept by the fake
and offered at Twilio-style media URLs behind basic auth. The form has Twilio's parameter names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import phonenumbers

from integrations.twilio.fake.courier import API_VERSION, Courier, Forgery, Posted
from integrations.twilio.fake.segments import segment
from integrations.twilio.fake.settings import FakeSettings
from integrations.twilio.fake.state import WHATSAPP, Ledger, Media, bare_number, new_sid

# Twilio's default keywords on SMS (not WhatsApp): the whole message, any case, surrounding spaces ignored.
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES"})

MESSAGE_TYPES = {"image": "image", "video": "video", "audio": "audio"}


@dataclass(frozen=True)
class InboundResult:
    """What the fake posted to the app for one user message, and the app's answer."""

    message_sid: str
    posted: Posted

    @property
    def status_code(self) -> int | None:
        return self.posted.status_code

    @property
    def text(self) -> str:
        return self.posted.text

    @property
    def params(self) -> dict[str, str]:
        return self.posted.params


def _country(number: str) -> str:
    try:
        return phonenumbers.region_code_for_country_code(phonenumbers.parse(number).country_code or 0)
    except phonenumbers.NumberParseException:
        return ""


class InboundMessages:
    def __init__(
        self,
        settings: FakeSettings,
        ledger: Ledger,
        courier: Courier,
        clock: Callable[[], float],
        base_url: Callable[[], str],
    ) -> None:
        self._settings = settings
        self._ledger = ledger
        self._courier = courier
        self._clock = clock
        self._base_url = base_url

    async def receive(
        self,
        from_: str,
        body: str = "",
        media: Sequence[Media] = (),
        to: str | None = None,
        url: str | None = None,
        forge: Forgery | None = None,
        profile_name: str = "",
    ) -> InboundResult:
        """Take a user's message from ``from_`` (``whatsapp:+44...`` for WhatsApp) and post it to the app."""
        target = url or self._settings.inbound_url
        if not target:
            raise ValueError("no inbound_url configured for the fake's phone number")
        whatsapp = from_.startswith(WHATSAPP)
        if whatsapp:
            to = to or WHATSAPP + self._settings.whatsapp_number
            self._ledger.heard_from(from_, self._clock())
        else:
            to = to or self._settings.phone_number
            self._apply_keywords(from_, body)
        sid = new_sid("MM" if media else "SM")
        params = {
            "AccountSid": self._settings.account_sid,
            "ApiVersion": API_VERSION,
            "MessageSid": sid,
            "SmsMessageSid": sid,
            "SmsSid": sid,
            "SmsStatus": "received",
            "From": from_,
            "To": to,
            "Body": body,
            "NumMedia": str(len(media)),
            "NumSegments": "1" if whatsapp else str(segment(body).segments),
        }
        for index, item in enumerate(media):
            params[f"MediaContentType{index}"] = item.content_type
            params[f"MediaUrl{index}"] = self._media_url(sid, self._ledger.add_media(item))
        if whatsapp:
            params["ProfileName"] = profile_name
            params["WaId"] = bare_number(from_).lstrip("+")
            kind = media[0].content_type.split("/")[0] if media else "text"
            params["MessageType"] = MESSAGE_TYPES.get(kind, "document" if media else "text")
        else:
            for side, number in (("From", from_), ("To", to)):
                params[f"{side}Country"] = _country(number)
                params[f"{side}State"] = params[f"{side}City"] = params[f"{side}Zip"] = ""
        return InboundResult(sid, await self._courier.post(target, params, forge))

    def _apply_keywords(self, number: str, body: str) -> None:
        word = body.strip().upper()
        if word in OPT_OUT_WORDS:
            self._ledger.stop(number)
        elif word in OPT_IN_WORDS:
            self._ledger.start(number)

    def _media_url(self, message_sid: str, media_sid: str) -> str:
        account = self._settings.account_sid
        return f"{self._base_url()}/{API_VERSION}/Accounts/{account}/Messages/{message_sid}/Media/{media_sid}"
