"""Channels: the Channel protocol, and the built-in web chat and terminal.

Outside services (Telegram, Twilio SMS and WhatsApp) live in ``integrations/``, each a unit with
its own webhook, rendering, sending and fixtures; they implement the same protocol.
"""

from bot.channels.base import Channel, Part, SendingChannel
from bot.channels.plain import render_plain, split_text
from bot.messages import ChannelCapabilities
from integrations.twilio.capabilities import SMS

WEB = ChannelCapabilities(buttons=True, media=False, max_length=4000)
TERMINAL = ChannelCapabilities(buttons=False, media=False, max_length=100_000)
# SMS (defined with the Twilio adapter, next to the carrier words it must avoid): no buttons, ten
# segments at most per part, and "delete" where others say "cancel" (a carrier opt-out word).
CAPABILITIES = {"web": WEB, "terminal": TERMINAL, "sms": SMS}

__all__ = ["CAPABILITIES", "Channel", "Part", "SMS", "SendingChannel", "TERMINAL", "WEB", "render_plain",
           "split_text"]
