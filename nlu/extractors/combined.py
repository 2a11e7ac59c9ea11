"""All extractors together, with overlaps settled by a fixed priority.

Earlier kinds win a clash: a reference or link is never also a plate, "£80" is money and not a
time, a postcode is not a vehicle registration, and a phone number is not a date. Crime types are a
separate layer found after the others: "a fake £20" is both a fraud and £20, so a crime type may
overlap money, and the crime-type classifier reads the text without the other entities (a date or
an amount says nothing about which crime it was).

Every step is linear in the text: a character map marks what is taken, instead of comparing each
span with every span already chosen.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from .contacts import find_emails, find_phone_numbers, find_urls
from .crime_types import find_crime_types
from .datetimes import find_datetimes
from .money import find_money
from .postcodes import find_postcodes
from .references import find_references
from .span import Span
from .vehicles import find_vehicle_registrations

PRIORITY = ("reference", "url", "email", "money", "phone_number", "postcode", "vehicle_registration",
            "datetime", "crime_type")


# Finds crime types in a text, given the entities of other kinds already found there.
CrimeTypeFinder = Callable[[str, list[Span]], list[Span]]


def gazetteer_crime_types(text: str, others: list[Span]) -> list[Span]:
    """The default crime-type finder: the gazetteer of ``nlu.yml`` alone."""
    return find_crime_types(text)


def find_other_entities(text: str, now: datetime, tz: str = "Europe/London") -> list[Span]:
    """Every entity but crime types, non-overlapping (earlier kinds in ``PRIORITY`` win), in text order."""
    candidates = [
        *find_references(text), *find_urls(text), *find_emails(text), *find_money(text),
        *find_phone_numbers(text), *find_postcodes(text), *find_vehicle_registrations(text),
        *find_datetimes(text, now, tz),
    ]
    rank = {name: i for i, name in enumerate(PRIORITY)}
    taken = bytearray(len(text))  # characters already inside a chosen entity
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (rank[s.entity], s.start)):
        if not any(taken[span.start:span.end]):
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def extract_entities(text: str, now: datetime, tz: str = "Europe/London",
                     crime_types: CrimeTypeFinder = gazetteer_crime_types) -> list[Span]:
    """Every entity in ``text``, non-overlapping except a crime type over money, in text order.
    ``crime_types`` finds the crime types (the interpreter passes its trained recogniser)."""
    others = find_other_entities(text, now, tz)
    taken = bytearray(len(text))
    for span in others:
        if span.entity != "money":
            taken[span.start:span.end] = b"\x01" * (span.end - span.start)
    crimes = [span for span in crime_types(text, others) if not any(taken[span.start:span.end])]
    return sorted(others + crimes, key=lambda s: (s.start, s.end))


def blank(text: str, spans: list[Span]) -> str:
    """``text`` with the spans' characters replaced by spaces (same length, so offsets still hold)."""
    chars = list(text)
    for span in spans:
        chars[span.start:span.end] = " " * (span.end - span.start)
    return "".join(chars)
