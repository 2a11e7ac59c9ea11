"""Evidence links: only https, and named when they are from a service officers know."""

from __future__ import annotations

from urllib.parse import urlsplit

# Host suffix -> provider. Police evidence portals (Axon Evidence, NICE Investigate, force sites)
# send single-use upload links that expire within days, so they are worth recognising.
PROVIDERS: tuple[tuple[str, str], ...] = (
    ("dropbox.com", "dropbox"), ("db.tt", "dropbox"),
    ("drive.google.com", "google_drive"), ("docs.google.com", "google_drive"),
    ("onedrive.live.com", "onedrive"), ("1drv.ms", "onedrive"), ("sharepoint.com", "onedrive"),
    ("wetransfer.com", "wetransfer"), ("we.tl", "wetransfer"),
    ("youtube.com", "youtube"), ("youtu.be", "youtube"),
    ("evidence.com", "police_portal"), ("niceinvestigate.com", "police_portal"),
    ("police.uk", "police_portal"),
)
MAX_URL_LENGTH = 2000
INCOMPLETE = "That doesn't look like a complete link. It should start https:// ."


class BadLink(ValueError):
    """A link we will not store; the message explains what to send instead."""


def provider(host: str) -> str:
    host = host.lower().rstrip(".")
    for suffix, name in PROVIDERS:
        if host == suffix or host.endswith("." + suffix):
            return name
    return "other"


def check_link(url: str) -> tuple[str, str]:
    """The URL exactly as given and its provider, or ``BadLink`` saying why not."""
    if len(url) > MAX_URL_LENGTH:
        raise BadLink("That link is too long to be a sharing link. Please copy it again from the app.")
    try:
        parts = urlsplit(url)
        hostname = parts.hostname  # reading it checks a bracketed IPv6 address
    except ValueError:  # "https://[::１]/", an unclosed "[": no host a browser would open
        raise BadLink(INCOMPLETE) from None
    if parts.scheme.lower() == "http":
        raise BadLink("That link starts with http://. For safety I can only take secure links starting https://.")
    if parts.scheme.lower() != "https" or not hostname or "." not in hostname:
        raise BadLink(INCOMPLETE)
    if parts.username or parts.password:
        raise BadLink("That link has a password inside it. Please send the sharing link without it.")
    return url, provider(hostname)
