"""Plain-text rendering for channels without buttons (SMS, WhatsApp, terminal), and splitting to fit.

Options become numbered ("Reply 1 Yes, 2 No") and the engine maps a typed number back to the
option; a message longer than a channel allows is split at paragraph breaks, then line breaks,
then spaces, never inside a word.
"""

from __future__ import annotations

from bot.messages import Outbound


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


def split_text(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut at the most natural break available."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        # The most natural break that still leaves a sensible amount in this piece; else cut at the limit.
        cut = next((at for at in (window.rfind(mark) for mark in ("\n\n", "\n", " ")) if at > limit // 3), limit)
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
