"""UK vehicle registrations (number plates) in the formats still on the road.

* current (2001-): ``AB12 CDE``
* prefix (1983-2001): ``A123 BCD``
* suffix (1963-1983): ``ABC 123D``
* dateless: ``ABC 123``, ``1234 AB`` and shorter

Only the current format is found anywhere in free text. The older formats look too much like
road names, models and codes ("M6 was shut", "A38 and"), so in free text they need capitals as
typed or a nearby cue ("reg", "plate", "car", "van" ...); dateless ones always need a cue.
"""

from __future__ import annotations

import re

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchVehicleRegistrationExtractor"

_CURRENT = re.compile(r"([A-HJ-PR-Y][A-HJ-PR-Y])(0[2-9]|[1-7][0-9])([A-HJ-PR-Z]{3})")
_PREFIX = re.compile(r"([A-HJ-NP-Y])([1-9][0-9]{0,2})([A-HJ-PR-Y][A-HJ-PR-Z]{2})")
_SUFFIX = re.compile(r"([A-HJ-PR-Z]{3})([1-9][0-9]{0,2})([A-HJ-NP-Y])")
_DATELESS_LETTERS_FIRST = re.compile(r"([A-HJ-PR-Z]{1,3})([1-9][0-9]{0,3})")
_DATELESS_DIGITS_FIRST = re.compile(r"([1-9][0-9]{0,3})([A-HJ-PR-Z]{1,3})")

_COMMON_WORDS = {
    "THE", "AND", "FOR", "WAS", "BUT", "NOT", "YOU", "ARE", "HIS", "HER", "HAS", "HAD", "ALL", "ANY",
    "CAN", "OUR", "OUT", "GOT", "GET", "ONE", "TWO", "SIX", "TEN", "PUT", "SAY", "SAW", "SEE", "MAN",
    "MEN", "NOW", "OFF", "OLD", "NEW", "WHO", "WHY", "HOW", "YES", "YET", "ASK", "TOO", "USE", "WAY",
    "DAY", "AGO", "AM", "PM", "HRS", "MIN", "MINS", "ISH", "ITS", "LET", "RAN", "RUN", "TOP", "VAN",
    "CAR", "BUS", "CASH", "NHS", "MPH", "CCTV", "KG", "LBS", "MPG", "QUID", "POUNDS", "LADS", "MAX",
    "ABT", "APPROX", "REG", "VRM", "SUV", "BMW", "VW", "AT", "ON", "IN", "TO", "OF", "IT", "IS", "BY", "UP",
    "MY", "ME", "HE", "WE", "NO", "SO", "OR", "AS", "AN", "PUMP", "NR", "NO", "RD", "ST", "AVE", "PER", "ODD", "FEW", "LOT", "BAG", "BOX", "TIN", "CAN", "PCS", "XL", "TILL",
}
_CUE = re.compile(r"\b(?:reg|registration|plate|plates|number\s*plate|reg\s*no|vrm|car|van|vehicle|motor|lorry|"
                  r"truck|bike|motorbike|moped|scooter|suv|hatchback|estate|saloon|4x4|pickup|transit)\b",
                  re.IGNORECASE)
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_JOINER = re.compile(r" ?-? ?")


def _classify(compact: str) -> tuple[str, str] | None:
    """(format, canonical) for an upper-case registration without spaces."""
    if m := _CURRENT.fullmatch(compact):
        return "current", f"{m.group(1)}{m.group(2)} {m.group(3)}"
    if m := _PREFIX.fullmatch(compact):
        return "prefix", f"{m.group(1)}{m.group(2)} {m.group(3)}"
    if m := _SUFFIX.fullmatch(compact):
        return "suffix", f"{m.group(1)} {m.group(2)}{m.group(3)}"
    if m := _DATELESS_LETTERS_FIRST.fullmatch(compact):
        return "dateless", f"{m.group(1)} {m.group(2)}"
    if m := _DATELESS_DIGITS_FIRST.fullmatch(compact):
        return "dateless", f"{m.group(1)} {m.group(2)}"
    return None


def normalise_vehicle_registration(text: str) -> str | None:
    """The canonical spacing of a UK registration ("ab12cde" -> "AB12 CDE"), or None."""
    compact = re.sub(r"[\s-]+", "", text or "").upper()
    if not 2 <= len(compact) <= 7:
        return None
    found = _classify(compact)
    return found[1] if found else None


def find_vehicle_registrations(text: str) -> list[Span]:
    """Registrations in free text (see the module docstring for how false alarms are avoided)."""
    cleaned = clean(text)
    tokens = [m for m in _TOKEN.finditer(cleaned) if len(m.group(0)) <= 7]
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        for size in (3, 2, 1):  # the longest run of up to three adjacent tokens that is a plate
            run = tokens[i:i + size]
            if len(run) < size or not _adjacent(cleaned, run):
                continue
            span = _accept(text, cleaned, run[0].start(), run[-1].end(), "".join(t.group(0) for t in run))
            if span:
                spans.append(span)
                i += size - 1
                break
        i += 1
    return spans


def _adjacent(cleaned: str, run: list[re.Match]) -> bool:
    for before, after in zip(run, run[1:]):
        if not _JOINER.fullmatch(cleaned[before.end():after.start()]) or after.start() == before.end():
            return False
    start, end = run[0].start(), run[-1].end()
    if start > 0 and cleaned[start - 1] in "£$/.:-@#_'":
        return False
    if end < len(cleaned) and (cleaned[end] in "/:@_'" or cleaned[end:end + 2][:1] in ".-" and cleaned[end + 1:end + 2].isalnum()):
        return False
    return True


def _accept(text: str, cleaned: str, start: int, end: int, joined: str) -> Span | None:
    raw = cleaned[start:end]
    compact = joined.upper()
    if not 2 <= len(compact) <= 7:
        return None
    if not any(c.isdigit() for c in compact) or not any(c.isalpha() for c in compact):
        return None
    found = _classify(compact)
    if not found:
        return None
    kind, value = found
    letters = re.findall(r"[A-Z]+", compact)
    if any(len(word) > 1 and word in _COMMON_WORDS for word in letters):
        return None
    cue = bool(_CUE.search(cleaned, max(0, start - 30), start))
    typed_upper = raw == raw.upper()
    if kind == "current":
        pass
    elif kind in ("prefix", "suffix"):
        if not (typed_upper or cue):
            return None
    elif not cue or len(compact) < 3:
        return None
    return Span("vehicle_registration", value, start, end, text[start:end], EXTRACTOR, extra={"format": kind})
