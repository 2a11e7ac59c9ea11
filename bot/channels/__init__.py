"""Channels: the Channel protocol, and the built-in web chat and terminal.

Outside services (Telegram, Twilio SMS and WhatsApp) live in ``integrations/``, each a unit with
its own webhook, rendering, sending and fixtures; they implement the same protocol.
"""

from bot.channels.base import Channel, Part, SendingChannel
from bot.channels.plain import render_plain, split_text
from bot.messages import ChannelCapabilities

WEB = ChannelCapabilities(buttons=True, media=False, max_length=4000)
TERMINAL = ChannelCapabilities(buttons=False, media=False, max_length=100_000)
# SMS: no buttons; ten segments at most per reply (throughput and cost count segments). "cancel" is a
# carrier opt-out word, so the dialogue tells SMS users to say "delete" instead.
SMS = ChannelCapabilities(buttons=False, media=False, max_length=1530, cancel_word="delete")
CAPABILITIES = {"web": WEB, "terminal": TERMINAL, "sms": SMS}

__all__ = ["CAPABILITIES", "Channel", "Part", "SMS", "SendingChannel", "TERMINAL", "WEB", "render_plain",
           "split_text"]
