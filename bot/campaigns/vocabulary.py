"""The words subscriptions and campaigns share, defined once: topics, sectors and areas.

A subscription stores codes, never free words, so a campaign's audience can be matched exactly:

* **topics**: the eight crime types of ``bot.crime_types`` (labelled as in the advice library) plus
  ``seasonal`` and ``general`` advice;
* **sectors**: the advice library's sectors (``bot.advice.vocabulary.SECTORS``, without its "all")
  plus ``other``;
* **areas**: a postcode district ("WS1"; a full postcode is reduced to its district), a named area
  from ``advice_content/areas.yml`` ("walsall"), or ``ANYWHERE``.

The strict readers (``topic_codes``, ``sector_code``, ``area_codes``) take codes and labels, for
imports and the command line; the lenient ones (``topics_in``, ``areas_in``) read a person's own
words in the conversation. ``reaching`` says which stored area codes a campaign's areas reach.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from types import MappingProxyType

import yaml

from bot import crime_types
from bot.advice import vocabulary as advice
from nlu.extractors import find_crime_types, find_postcodes, normalise_postcode

SEASONAL = "seasonal"
GENERAL = "general"
#: Every topic code with the label a person sees (buttons, summaries, exports).
TOPICS: Mapping[str, str] = MappingProxyType({
    **{crime.code: crime.advice_label for crime in crime_types.CRIME_TYPES},
    SEASONAL: "Seasonal advice",
    GENERAL: "General prevention advice",
})
TOPIC_CODES: tuple[str, ...] = tuple(TOPICS)

OTHER_SECTOR = "other"
_SECTOR_LABELS = {"retail": "Retail", "licensed": "Licensed premises", "forecourt": "Fuel forecourt",
                  "rural": "Farm and rural", "office": "Office and professional", "hospitality": "Hospitality",
                  OTHER_SECTOR: "Other"}
#: The advice library's sectors (its "all" means general advice, not a kind of business) and "other".
SECTOR_CODES: tuple[str, ...] = (*(s for s in advice.SECTORS if s != "all"), OTHER_SECTOR)
SECTORS: Mapping[str, str] = MappingProxyType({code: _SECTOR_LABELS[code] for code in SECTOR_CODES})

#: The area code meaning "anywhere we cover": every campaign's areas reach it.
ANYWHERE = "all"
ANYWHERE_LABEL = "Anywhere"
_ANYWHERE_WORDS = frozenset({"all", "anywhere", "everywhere", "any", "all areas", "any area", "whole area",
                             "the whole area", "all of them", "everywhere please", "anywhere please"})
_ALL_TOPIC_WORDS = re.compile(r"\b(all|everything|every ?thing|any ?thing|the lot|all of (?:them|it|these))\b")
_DISTRICT_TOKEN = re.compile(r"\b[A-Za-z]{1,2}[0-9][A-Za-z0-9]?\b")
_LIST_SEPARATORS = re.compile(r"\s*(?:[,;/&+|\n]|\band\b|\bor\b|\bplus\b)\s*", re.IGNORECASE)
_CODE = re.compile(r"[a-z][a-z0-9-]{1,39}")


class UnknownWord(ValueError):
    """A word that is not in the vocabulary (``kind`` is "topic", "sector" or "area")."""

    def __init__(self, kind: str, word: str) -> None:
        super().__init__(f"unknown {kind} {word!r}")
        self.kind = kind
        self.word = word


def _plain(text: str) -> str:
    """Lower case, straight quotes, hyphens and underscores as spaces, single spaces."""
    text = text.replace("\u2019", "'").lower().replace("_", " ").replace("-", " ")
    return re.sub(r"\s+", " ", text).strip(" .!?")


def split_list(text: str) -> list[str]:
    """A list as people type it: "WS1, WS2 and B1" -> ["WS1", "WS2", "B1"]."""
    return [piece.strip() for piece in _LIST_SEPARATORS.split(text or "") if piece and piece.strip()]


def split_codes(text: str) -> list[str]:
    """A list in one cell of a file, separated by ";": labels may hold "and" ("Fraud and scams")."""
    return [piece.strip() for piece in (text or "").split(";") if piece.strip()]


# --- topics -----------------------------------------------------------------------------------------
_TOPIC_BY_WORDS = {**{_plain(code): code for code in TOPICS}, **{_plain(label): code for code, label in TOPICS.items()},
                   **{_plain(crime.label): crime.code for crime in crime_types.CRIME_TYPES},
                   **{_plain(crime.button): crime.code for crime in crime_types.CRIME_TYPES},
                   "general advice": GENERAL, "seasonal": SEASONAL, "general": GENERAL}
_SEASONAL_WORDS = re.compile(r"\b(seasonal|seasons?|christmas|xmas|black friday|holidays?|summer)\b")
_GENERAL_WORDS = re.compile(r"\b(general|prevention|tips|advice|security)\b")


def topic_label(code: str) -> str:
    return TOPICS.get(code, code)


def _in_order(codes: Iterable[str], order: tuple[str, ...]) -> list[str]:
    chosen = set(codes)
    return [code for code in order if code in chosen]


def topic_codes(items: Iterable[str]) -> list[str]:
    """Topic codes from codes or labels ("shop_theft", "Fraud and scams", "all"); raises ``UnknownWord``."""
    found: list[str] = []
    for item in items:
        words = _plain(item)
        if not words:
            continue
        if words in ("all", "all topics", "everything"):
            return list(TOPIC_CODES)
        code = _TOPIC_BY_WORDS.get(words)
        if code is None:
            raise UnknownWord("topic", item.strip())
        found.append(code)
    return _in_order(found, TOPIC_CODES)


def topics_in(text: str) -> list[str]:
    """The topics a person's own words name: "shoplifting and drive offs", "all of them", "xmas tips"."""
    words = _plain(text)
    if _ALL_TOPIC_WORDS.search(words):
        return list(TOPIC_CODES)
    found = [code for phrase, code in _TOPIC_BY_WORDS.items() if re.search(rf"\b{re.escape(phrase)}\b", words)]
    found += [span.value for span in find_crime_types(text) if span.value in TOPICS]
    rest = words
    for phrase in sorted((p for p in _TOPIC_BY_WORDS if " " in p), key=len, reverse=True):
        rest = rest.replace(phrase, " ")
    if _SEASONAL_WORDS.search(rest):
        found.append(SEASONAL)
    if _GENERAL_WORDS.search(rest):
        found.append(GENERAL)
    return _in_order(found, TOPIC_CODES)


def describe_topics(codes: Iterable[str]) -> str:
    """"all topics", or the labels in a line: "Shop theft, Robbery, Fraud and scams"."""
    chosen = _in_order(codes, TOPIC_CODES)
    if len(chosen) == len(TOPIC_CODES):
        return "all topics"
    return _sentence([topic_label(code) for code in chosen]) or "no topics"


# --- sectors ----------------------------------------------------------------------------------------
_SECTOR_BY_WORDS = {**{_plain(code): code for code in SECTORS}, **{_plain(label): code for code, label in SECTORS.items()},
                    "licensed": "licensed", "farm": "rural", "office": "office", "professional": "office",
                    "forecourt": "forecourt", "fuel": "forecourt"}


def sector_label(code: str | None) -> str:
    return SECTORS.get(code or "", "not given")


def sector_code(word: str) -> str:
    """A sector code from its code or label ("licensed", "Licensed premises"); raises ``UnknownWord``."""
    code = _SECTOR_BY_WORDS.get(_plain(word))
    if code is None:
        raise UnknownWord("sector", word.strip())
    return code


#: The channels a subscription can be on (the chat in use, or texts to a number they give).
CHANNELS: tuple[str, ...] = ("sms", "telegram", "whatsapp", "web")


# --- areas ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class NamedArea:
    """A place people know by name, as the postcode districts it covers."""

    code: str
    name: str
    districts: tuple[str, ...]
    aliases: tuple[str, ...] = ()


def district(text: str) -> str | None:
    """The postcode district ``text`` is or holds: "ws1" -> "WS1", "WS1 1QL" -> "WS1", "B11" -> "B11"."""
    compact = re.sub(r"\s+", "", text or "").upper()
    full = normalise_postcode(compact)
    if full is not None:
        return full.split()[0]
    if not 2 <= len(compact) <= 4:
        return None
    # A district is a valid outward code: append an inward code and let the postcode rules decide.
    probe = normalise_postcode(compact + "1AA")
    return compact if probe is not None and probe.split()[0] == compact else None


def load_named_areas(text: str | None = None) -> dict[str, NamedArea]:
    """The named areas in ``text`` (YAML; default: the shipped ``advice_content/areas.yml``), checked."""
    if text is None:
        text = files("advice_content").joinpath("areas.yml").read_text(encoding="utf-8")
    areas: dict[str, NamedArea] = {}
    for entry in (yaml.safe_load(text) or {}).get("areas", []):
        code = str(entry["code"])
        if not _CODE.fullmatch(code) or code == ANYWHERE or code in areas:
            raise ValueError(f"named area code {code!r} is not a new lower-case code")
        districts = tuple(district(str(d)) or "" for d in entry["districts"])
        if not districts or not all(districts):
            raise ValueError(f"named area {code!r} lists something that is not a postcode district")
        areas[code] = NamedArea(code, str(entry["name"]), districts,
                                tuple(str(a) for a in entry.get("aliases") or ()))
    return areas


NAMED_AREAS: Mapping[str, NamedArea] = MappingProxyType(load_named_areas())
_AREA_BY_WORDS = {_plain(words): area.code for area in NAMED_AREAS.values()
                  for words in (area.code, area.name, *area.aliases)}


def area_label(code: str) -> str:
    if code == ANYWHERE:
        return ANYWHERE_LABEL
    named = NAMED_AREAS.get(code)
    return named.name if named else code


def area_code(word: str) -> str:
    """An area code from a district, a full postcode, a named area's code, name or alias, or "all".

    Raises ``UnknownWord`` for anything else.
    """
    words = _plain(word)
    if words in _ANYWHERE_WORDS:
        return ANYWHERE
    named = _AREA_BY_WORDS.get(words)
    if named is not None:
        return named
    found = district(word)
    if found is None:
        raise UnknownWord("area", word.strip())
    return found


def area_codes(items: Iterable[str]) -> list[str]:
    """Area codes for ``items`` (see ``area_code``), without repeats; "all" stands alone."""
    codes: list[str] = []
    for item in items:
        if item.strip():
            code = area_code(item)
            if code not in codes:
                codes.append(code)
    return [ANYWHERE] if ANYWHERE in codes else codes


def areas_in(text: str) -> tuple[list[str], list[str]]:
    """The areas a person's own words name, and the pieces that name none.

    "WS1 and WS2", "my shop is WS1 1QL", "Walsall or Stoke", "anywhere" all work; a piece is
    read as a whole first, then for a postcode, a district or an area's name inside it.
    """
    codes: list[str] = []
    unknown: list[str] = []
    for piece in split_list(text):
        try:
            found = [area_code(piece)]
        except UnknownWord:
            found = _areas_inside(piece)
        if not found:
            unknown.append(piece)
        codes += [code for code in found if code not in codes]
    return ([ANYWHERE] if ANYWHERE in codes else codes), unknown


def _areas_inside(piece: str) -> list[str]:
    postcodes = [span.value.split()[0] for span in find_postcodes(piece)]
    if postcodes:
        return postcodes
    words = _plain(piece)
    named = [code for phrase, code in _AREA_BY_WORDS.items() if re.search(rf"\b{re.escape(phrase)}\b", words)]
    if named:
        return named[:1]
    districts = (district(token) for token in _DISTRICT_TOKEN.findall(piece))
    return [d for d in districts if d]


def describe_areas(codes: Iterable[str]) -> str:
    return _sentence([area_label(code) for code in codes]) or "no area"


def reaching(areas: Iterable[str]) -> frozenset[str] | None:
    """The stored area codes a campaign to ``areas`` reaches; None when it reaches everyone.

    A district reaches itself, every named area holding it and ``ANYWHERE``; a named area reaches
    itself, its districts, the named areas sharing a district with it, and ``ANYWHERE``.
    """
    wanted: set[str] = set()
    for code in areas:
        if code == ANYWHERE:
            return None
        named = NAMED_AREAS.get(code)
        wanted.add(code)
        wanted.update(named.districts if named else ())
    if not wanted:
        return None
    wanted.update(area.code for area in NAMED_AREAS.values() if wanted.intersection(area.districts))
    wanted.add(ANYWHERE)
    return frozenset(wanted)


def _sentence(parts: list[str]) -> str:
    """Labels in a line; commas only, since labels have "and" in them ("Fraud and scams")."""
    return ", ".join(parts)
