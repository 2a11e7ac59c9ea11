"""Evidence links people send (CCTV sharing links): kept only if they point somewhere public.

``bot.reports.links.check_link`` already refuses http, incomplete links and links with a password
inside; this adds the host: no private, loopback, link-local or otherwise non-public address, written
as an IP in any notation or as a name that only means something on a local network. The service
never fetches these links (an officer opens them), but a link to a shop's router or to our own
machine is no evidence and could be a trap for whoever opens it.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

from bot.reports.links import BadLink
from bot.reports.links import check_link as check_public_form

# Names that only resolve on the machine or the local network (RFC 6761, 6762, 8375 and habit).
LOCAL_NAMES = ("localhost", "localdomain", "local", "lan", "home", "internal", "intranet", "corp", "home.arpa",
               "test", "invalid", "example")
# A host made only of numbers (decimal, octal or hex parts): an IP in a notation browsers still accept
# ("127.1", "0x7f.0.0.1", "2130706433"), whatever ``ipaddress`` makes of it.
NUMERIC_HOST = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)(?:\.(?:0x[0-9a-f]*|[0-9]+))*\.?$", re.IGNORECASE)
NOT_PUBLIC = ("That link points to a private or local address, which nobody else can open. Please send the "
              "sharing link from the app or website (it starts https:// and a public name such as dropbox.com).")


def check_link(url: str) -> tuple[str, str]:
    """The URL exactly as given and its provider, or ``BadLink`` saying kindly what to send instead."""
    url, provider = check_public_form(url)
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if not public_host(host):
        raise BadLink(NOT_PUBLIC)
    return url, provider


def public_host(host: str) -> bool:
    """Whether ``host`` (as urlsplit gives it: lower case, IPv6 without brackets) names a public place."""
    host = host.rstrip(".").lower()
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        address = None
    if address is not None:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return address.is_global and not address.is_multicast
    if NUMERIC_HOST.match(host):
        return False
    return not any(host == name or host.endswith("." + name) for name in LOCAL_NAMES)
