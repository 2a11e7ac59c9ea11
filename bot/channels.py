"""What each built-in channel can show, and the plain-text rendering for channels without buttons."""

from __future__ import annotations

from bot.messages import ChannelCapabilities, Outbound

WEB = ChannelCapabilities(buttons=True, media=False, max_length=4000)
TERMINAL = ChannelCapabilities(buttons=False, media=False, max_length=100_000)
# SMS: no buttons; ten segments at most per reply (throughput and cost count segments).
SMS = ChannelCapabilities(buttons=False, media=False, max_length=1530)
CAPABILITIES = {"web": WEB, "terminal": TERMINAL, "sms": SMS}


def render_plain(message: Outbound, compact: bool = False) -> str:
    """Text with options numbered; the engine maps a typed number back to the option.

    ``compact`` puts the options on one line, for SMS where every character counts.
    """
    if not message.buttons:
        return message.text
    numbered = [f"{number} {button.title}" for number, button in enumerate(message.buttons, start=1)]
    if compact:
        return f"{message.text}\nReply {', '.join(numbered)}"
    options = "\n".join(f"{number}. {button.title}" for number, button in enumerate(message.buttons, start=1))
    return f"{message.text}\n{options}\n(Reply with a number or in your own words.)"
