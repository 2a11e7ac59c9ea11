"""Ways to reach someone or something: phone numbers, email addresses, links (to CCTV clips)."""

from __future__ import annotations

import re
from itertools import islice

import phonenumbers

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchContactExtractor"
# phonenumbers examines a message's number-like stretches one by one (a fraction of a millisecond
# each): at most this many, and at most this many possible numbers in them. Plenty for a real
# message (its numbers, dates and amounts), a ceiling for a paste of hundreds of numbers.
MAX_PHONE_CANDIDATES = 24

# Ofcom reserves these UK ranges for drama and documentation (they never ring anyone) and
# phonenumbers marks them invalid; we accept them so examples and tests can use safe numbers.
_OFCOM_DRAMA = re.compile(r"^\+44(?:7700900\d{3}|1632960\d{3}|113496\d{4}|114496\d{4}|115496\d{4}"
                          r"|116496\d{4}|117496\d{4}|118496\d{4}|121496\d{4}|131496\d{4}|141496\d{4}"
                          r"|151496\d{4}|161496\d{4}|191498\d{4}|2079460\d{3}|2890180\d{3}|2920180\d{3}"
                          r"|8081570\d{3}|9098790\d{3}|3069990\d{3})$")


def _e164(number: phonenumbers.PhoneNumber) -> str | None:
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.is_valid_number(number) or _OFCOM_DRAMA.match(e164):
        return e164
    return None


def normalise_phone(text: str, region: str = "GB") -> str | None:
    """``text`` as an E.164 number ("07700 900123" -> "+447700900123") if it is a valid number."""
    if not text or len(text) > 40:
        return None
    try:
        number = phonenumbers.parse(text.strip(), region)
    except phonenumbers.NumberParseException:
        return None
    return _e164(number)


def find_phone_numbers(text: str, region: str = "GB") -> list[Span]:
    """The valid phone numbers in ``text`` (among its first ``MAX_PHONE_CANDIDATES``); value is E.164."""
    spans = []
    matcher = phonenumbers.PhoneNumberMatcher(clean(text), region, leniency=phonenumbers.Leniency.POSSIBLE,
                                              max_tries=MAX_PHONE_CANDIDATES)
    for match in islice(matcher, MAX_PHONE_CANDIDATES):
        value = _e164(match.number)
        if value:
            spans.append(Span("phone_number", value, match.start, match.end, text[match.start:match.end], EXTRACTOR))
    return spans


_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}){0,8}"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}"
_EMAIL_WHOLE = re.compile(rf"(?P<local>{_LOCAL})@(?P<domain>{_DOMAIN})")
_EMAIL_IN_TEXT = re.compile(rf"(?<![\w.+-])(?P<local>[A-Za-z0-9._%+'-]{{1,64}})@(?P<domain>{_DOMAIN})(?![\w-]|\.\w)")


def normalise_email(text: str) -> str | None:
    """``text`` as an email address with the domain lower-cased, or None if it is not one."""
    candidate = (text or "").strip().strip("<>").strip()
    if candidate.lower().startswith("mailto:"):
        candidate = candidate[7:]
    if len(candidate) > 254:
        return None
    match = _EMAIL_WHOLE.fullmatch(candidate)
    if not match:
        return None
    return f"{match.group('local')}@{match.group('domain').lower()}"


def find_emails(text: str) -> list[Span]:
    """Every email address in ``text``; value is normalised (domain lower-cased)."""
    spans = []
    for match in _EMAIL_IN_TEXT.finditer(clean(text)):
        value = normalise_email(match.group(0))
        if value:
            spans.append(Span("email", value, match.start(), match.end(), text[match.start():match.end()], EXTRACTOR))
    return spans


_URL = re.compile(r"\b(?P<scheme>https?)://[^\s<>\"'`{}|\\^]{1,2048}", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*"
_PAIRS = {")": "(", "]": "[", "}": "{"}


def _trim(url: str) -> str:
    """Drop trailing punctuation that belongs to the sentence, not the link ("(see https://x.y/a).")."""
    while url:
        last = url[-1]
        if last in _TRAILING:
            url = url[:-1]
        elif last in _PAIRS and url.count(last) > url.count(_PAIRS[last]):
            url = url[:-1]
        else:
            break
    return url


def find_urls(text: str) -> list[Span]:
    """Every http(s) link in ``text``, exactly as typed; ``extra={"scheme": ...}``."""
    spans = []
    for match in _URL.finditer(clean(text)):
        url = _trim(match.group(0))
        if len(url) <= len(match.group("scheme")) + 3:
            continue
        end = match.start() + len(url)
        original = text[match.start():end]
        spans.append(Span("url", original, match.start(), end, original, EXTRACTOR,
                          extra={"scheme": match.group("scheme").lower()}))
    return spans
