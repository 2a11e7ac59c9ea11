"""All extractors together, with overlaps settled by a fixed priority.

Earlier kinds win a clash: a reference or link is never also a plate, "£80" is money and not a
time, a postcode is not a vehicle registration, and a phone number is not a date. Crime types are a
separate layer: "a fake £20" is both a fraud and £20, so a crime type may overlap money.
"""

from __future__ import annotations

from datetime import datetime

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


def extract_entities(text: str, now: datetime, tz: str = "Europe/London") -> list[Span]:
    """Every entity in ``text``, non-overlapping, in text order."""
    candidates = [
        *find_references(text), *find_urls(text), *find_emails(text), *find_money(text),
        *find_phone_numbers(text), *find_postcodes(text), *find_vehicle_registrations(text),
        *find_datetimes(text, now, tz), *find_crime_types(text),
    ]
    rank = {name: i for i, name in enumerate(PRIORITY)}
    chosen: list[Span] = []
    for span in sorted(candidates, key=lambda s: (rank[s.entity], s.start)):
        if not any(span.overlaps(other) and not _may_overlap(span, other) for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: (s.start, s.end))


def _may_overlap(first: Span, second: Span) -> bool:
    return {first.entity, second.entity} == {"crime_type", "money"}
