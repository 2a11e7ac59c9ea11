"""Channel-neutral message types.

Flows speak only in these; each channel adapter turns an ``Outbound`` into what its channel can
show (inline keyboard, numbered options, web buttons) according to ``ChannelCapabilities``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Button:
    """An option offered to the user; ``payload`` is sent back as if the user had typed it."""

    title: str
    payload: str


@dataclass(frozen=True)
class Attachment:
    """Media the user sent (a photo, a video, a file), referenced by the channel's id or URL."""

    kind: str
    url: str | None = None
    file_id: str | None = None
    content_type: str | None = None
    name: str | None = None
    # Set once the channel has fetched the file into the evidence store (before the turn begins).
    storage_key: str | None = None
    size: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class Inbound:
    """One message from a user on a channel; ``message_id`` makes redelivery harmless."""

    channel: str
    address: str
    message_id: str
    text: str
    received_at: datetime
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Outbound:
    """One reply to show the user."""

    text: str
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class ChannelCapabilities:
    """What a channel can show, so flows can skip what it cannot do (photos by SMS, say)."""

    buttons: bool = False
    media: bool = False
    max_length: int = 4096
    # The word the dialogue tells people to say to abandon what is under way. On SMS "cancel" is a
    # carrier opt-out word (it would unsubscribe them from everything), so SMS has its own.
    cancel_word: str = "cancel"


@dataclass
class Reply:
    """Everything one turn produced, in order."""

    messages: list[Outbound] = field(default_factory=list)

    def add(self, text: str, buttons: tuple[Button, ...] | list[Button] = ()) -> None:
        self.messages.append(Outbound(text=text, buttons=tuple(buttons)))
