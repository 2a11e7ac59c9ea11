"""Evidence links people send (CCTV sharing links): kept only if they point somewhere public.

``bot.reports.links.check_link`` already refuses http, incomplete links and links with a password
inside; this adds the host: no private, loopback, link-local or otherwise non-public address, written
as an IP in any notation or as a name that only means something on a local network. The service
never fetches these links (an officer opens them), but a link to a shop's router or to our own
machine is no evidence and could be a trap for whoever opens it.

Every check looks at the host the way a browser will go to it (the WHATWG URL host parser):
percent-decoded, mapped by UTS #46 (which folds fullwidth and circled digits, ideographic full stops
and case, as NFKC does), and an all-number host read as an IPv4 address in decimal, octal or hex.
Checking the text as typed would let ``https://１２７.０.０.１/`` through while the officer's browser
opens 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import unicodedata
from urllib.parse import unquote, urlsplit

import idna

from bot.reports.links import BadLink, provider
from bot.reports.links import check_link as check_public_form

# Names that only resolve on the machine or the local network (RFC 6761, 6762, 8375 and habit).
LOCAL_NAMES = ("localhost", "localdomain", "local", "lan", "home", "internal", "intranet", "corp", "home.arpa",
               "test", "invalid", "example")
# Code points a browser refuses in a host once it is decoded (WHATWG "forbidden domain code point").
FORBIDDEN = frozenset("\x00\t\n\r #/:<>?@[\\]^|%\x7f") | frozenset(chr(c) for c in range(0x20))
NOT_PUBLIC = ("That link points to a private or local address, which nobody else can open. Please send the "
              "sharing link from the app or website (it starts https:// and a public name such as dropbox.com).")
ODD_ADDRESS = ("I can't tell where that link goes, because its address is written in an unusual way. Please send "
               "the sharing link from the app or website (it starts https:// and a public name such as dropbox.com).")


def check_link(url: str) -> tuple[str, str]:
    """The URL exactly as given and its provider, or ``BadLink`` saying kindly what to send instead."""
    url, _ = check_public_form(url)
    host = browser_host(urlsplit(url).hostname or "")
    if host is None:
        raise BadLink(ODD_ADDRESS)
    if not public_host(host):
        raise BadLink(NOT_PUBLIC)
    if ipv4_number(host) is not None and not is_dotted_quad(host):
        raise BadLink(ODD_ADDRESS)  # public, but written so that nobody reading it sees which address
    return url, provider(host)


def browser_host(host: str) -> str | None:
    """``host`` (as urlsplit gives it) as a browser resolves it: ASCII, lower case, no trailing dot,
    IDN labels in their xn-- form; None when a browser would not open it at all."""
    if ":" in host:  # IPv6, which urlsplit has taken out of its brackets; browsers do no mapping inside them
        return host.lower()
    try:
        decoded = unquote(host, errors="strict")
        mapped = idna.uts46_remap(unicodedata.normalize("NFKC", decoded), std3_rules=False, transitional=False)
        labels = mapped.rstrip(".").split(".")
        ascii_labels = [label if label.isascii() else idna.alabel(label).decode("ascii") for label in labels]
        for label in ascii_labels:
            if label.startswith("xn--"):
                idna.ulabel(label)  # a made-up xn-- label is no address a browser will go to
    except (UnicodeError, idna.IDNAError):
        return None
    result = ".".join(ascii_labels)
    if not result or any(label == "" for label in ascii_labels) or FORBIDDEN.intersection(result):
        return None
    if _ends_in_number(ascii_labels) and ipv4_number(result) is None:
        return None  # a browser refuses "10.0.0.256" or "foo.0x" rather than guess
    return result


def public_host(host: str) -> bool:
    """Whether ``host`` (as ``browser_host`` gives it) names a public place."""
    if not host:
        return False
    number = ipv4_number(host)
    if number is not None:
        return _public_address(ipaddress.IPv4Address(number))
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return not any(host == name or host.endswith("." + name) for name in LOCAL_NAMES)
    return _public_address(address)


def ipv4_number(host: str) -> int | None:
    """The IPv4 address a browser reads in an all-number host ("127.1", "0x7f.0.0.1", "0177.0.0.1",
    "2130706433" are all 127.0.0.1), or None when the host is not one."""
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = []
    for part in parts:
        if part[:2].lower() == "0x":
            digits, base = part[2:] or "0", 16
        elif len(part) > 1 and part.startswith("0"):
            digits, base = part[1:], 8
        else:
            digits, base = part, 10
        if not digits.isascii() or not digits.isalnum():
            return None
        try:
            numbers.append(int(digits, base))
        except ValueError:
            return None
    *leading, last = numbers
    if any(number > 255 for number in leading) or last >= 256 ** (5 - len(numbers)):
        return None
    return sum(number << (8 * (3 - index)) for index, number in enumerate(leading)) + last


def is_dotted_quad(host: str) -> bool:
    """Whether ``host`` is an IPv4 address in the one plain form people read (four decimals, no leading zeros)."""
    try:
        return str(ipaddress.IPv4Address(host)) == host
    except ValueError:
        return False


def _ends_in_number(labels: list[str]) -> bool:
    """WHATWG's test for "this host is meant as an IPv4 address": its last label is a number."""
    last = labels[-1]
    return (last.isascii() and last.isdigit()) or ipv4_number(last) is not None


def _public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast
