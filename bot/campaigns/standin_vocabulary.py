"""Stand-in for the alerts helper's ``bot.campaigns.vocabulary`` (topic, sector, channel and area codes).

TODO(lead): use bot.campaigns.vocabulary (same names) once the alerts branch is merged, and delete this.
It is only as much as campaigns need to check an audience: the codes a subscription may hold.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from bot import crime_types
from bot.advice import vocabulary as advice_vocabulary
from nlu.extractors.postcodes import normalise_postcode

#: Topics a subscriber can choose: the crime types, seasonal advice and general advice.
TOPICS: Mapping[str, str] = MappingProxyType({
    **{crime.code: crime.advice_label for crime in crime_types.CRIME_TYPES},
    "seasonal": "Seasonal advice",
    "general": "General advice",
})

#: Sectors a subscriber can be in: the advice sectors (not "all") plus "other".
SECTORS: tuple[str, ...] = tuple(s for s in advice_vocabulary.SECTORS if s != "all") + ("other",)

#: Channels a subscription can be on.
CHANNELS: tuple[str, ...] = ("sms", "telegram", "whatsapp", "web")

_ANY_INWARD = "1AA"  # a valid inward code, to test an outward code (district) with the full-postcode check


def district(text: str) -> str | None:
    """The postcode district ("WS1") named by ``text`` (a district or a full postcode), else None."""
    compact = "".join(text.split()).upper()
    whole = normalise_postcode(compact)
    if whole:
        return whole.split()[0]
    return compact if normalise_postcode(compact + _ANY_INWARD) else None
