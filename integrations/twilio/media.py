"""Photos and files people send (MMS, WhatsApp): fetched into the evidence store before the turn.

Twilio keeps a message's media at ``MediaUrl0..N`` on its API host, behind the account's basic
auth, and answers with a redirect to a short-lived link on its CDN (the client follows it; httpx
drops the credentials when the redirect leaves the API host). Each file is streamed into the
evidence store, hashed and size-capped there, so the turn sees an ``Attachment`` with its storage
key, size and SHA-256 and the exhibit can be proven unchanged later. Only URLs on the API host we
talk to are fetched: the request is signed, but credentials go nowhere else regardless.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bot.evidence.store import EvidenceStore, TooLarge
from bot.messages import Attachment

log = logging.getLogger(__name__)
TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 10.0
MAX_MEDIA = 10  # Twilio's own limit per message
CHUNK = 64 * 1024


@dataclass(frozen=True)
class Media:
    url: str
    content_type: str


def media_of(form: Mapping[str, str]) -> list[Media]:
    """The media a webhook form lists (``NumMedia``, ``MediaUrlN``, ``MediaContentTypeN``)."""
    try:
        count = min(int(form.get("NumMedia", "0") or 0), MAX_MEDIA)
    except ValueError:
        return []
    return [Media(form[f"MediaUrl{n}"], form.get(f"MediaContentType{n}", ""))
            for n in range(count) if form.get(f"MediaUrl{n}")]


def kind_of(content_type: str) -> str:
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    return "document"


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


class MediaFetcher:
    """Fetches a message's media from the Twilio API (``api_base``) with the account's credentials."""

    def __init__(self, account_sid: str, auth_token: str, api_base: str | None, store: EvidenceStore,
                 max_bytes: int) -> None:
        self.auth = (account_sid, auth_token)
        self.origin = _origin(api_base or TWILIO_API)
        self.store = store
        self.max_bytes = max_bytes

    def fetch(self, media: list[Media]) -> tuple[Attachment, ...]:
        """The media that could be fetched and kept, as attachments (the rest are logged and left out)."""
        if not media:
            return ()
        attachments = []
        with httpx.Client(auth=self.auth, follow_redirects=True, timeout=TIMEOUT_SECONDS) as client:
            for item in media:
                attachment = self._fetch_one(client, item)
                if attachment is not None:
                    attachments.append(attachment)
        return tuple(attachments)

    def _fetch_one(self, client: httpx.Client, item: Media) -> Attachment | None:
        if _origin(item.url) != self.origin:
            log.warning("media not fetched: its URL is not on the Twilio API host")
            return None
        try:
            with client.stream("GET", item.url) as response:
                if response.status_code != 200:
                    log.warning("media not fetched: HTTP %d", response.status_code)
                    return None
                stored = self.store.save(response.iter_bytes(CHUNK), self.max_bytes)
        except TooLarge:
            log.warning("media not kept: larger than %d bytes", self.max_bytes)
            return None
        except httpx.HTTPError as error:
            log.warning("media not fetched: %s", type(error).__name__)
            return None
        content_type = stored.content_type if stored.content_type != "application/octet-stream" else item.content_type
        return Attachment(kind=kind_of(content_type), url=item.url, content_type=content_type,
                          storage_key=stored.key, size=stored.size, sha256=stored.sha256)
