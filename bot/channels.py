"""What each built-in channel can show, and the plain-text rendering for channels without buttons."""

from __future__ import annotations

from bot.messages import ChannelCapabilities, Outbound

WEB = ChannelCapabilities(buttons=True, media=False, max_length=4000)
TERMINAL = ChannelCapabilities(buttons=False, media=False, max_length=100_000)
CAPABILITIES = {"web": WEB, "terminal": TERMINAL}


def render_plain(message: Outbound) -> str:
    """Text with options as a numbered list; the engine maps a typed number back to the option."""
    if not message.buttons:
        return message.text
    options = "\n".join(f"{number}. {button.title}" for number, button in enumerate(message.buttons, start=1))
    return f"{message.text}\n{options}\n(Reply with a number or in your own words.)"
