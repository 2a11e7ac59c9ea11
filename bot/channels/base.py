"""The Channel protocol: how a way of reaching people shows a message and sends it.

A channel states its capabilities (buttons, media, the longest message); ``render`` turns one
channel-neutral ``Outbound`` into the parts that channel sends (an inline keyboard on Telegram,
numbered options by SMS), each within its limit; ``send`` hands one part to the provider's real
client library and returns the provider's message id, or raises one of ``bot.delivery.errors``.
Adapters translate, render and send; they never hold dialogue logic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from bot.channels.plain import split_text
from bot.messages import Button, ChannelCapabilities, Outbound


@dataclass(frozen=True)
class Part:
    """One message as a channel will send it: its text, and the options to attach (if it shows them)."""

    text: str
    buttons: tuple[Button, ...] = ()


@runtime_checkable
class Channel(Protocol):
    """Every channel: what it can show and how a message looks there."""

    name: str
    capabilities: ChannelCapabilities

    def render(self, message: Outbound) -> list[Part]:
        """The parts to send for ``message``, each within ``capabilities.max_length``."""
        ...


@runtime_checkable
class SendingChannel(Channel, Protocol):
    """A channel the service sends to through a provider (Telegram, SMS, WhatsApp), by sender workers.

    The web page and the terminal show replies at once instead, and the page collects the
    messages sent later itself.
    """

    def send(self, address: str, part: Part) -> str:
        """Send one part to ``address``; the provider's message id (raises bot.delivery.errors)."""
        ...


def split_for(capabilities: ChannelCapabilities, message: Outbound, text: str) -> list[Part]:
    """``text`` split to the channel's limit; the options go with the last part, where the question is."""
    pieces = split_text(text, capabilities.max_length) or [""]
    return [Part(piece) for piece in pieces[:-1]] + [Part(pieces[-1], message.buttons)]
