"""Crime types named in text, from the synonym tables in ``nlu/data/nlu.yml``.

The YAML is the source of truth: every ``synonym:`` whose name is a crime type code, plus every
``crime_type`` annotation in the training examples, becomes a phrase -> code entry. Matching is
on word tokens (case-insensitive; hyphens, punctuation and runs of spaces are ignored), longest
phrase first, so "smashed the window" wins over "smashed" and "kicked the door in" over "kicked".

Generic theft words ("stole", "nicked") describe what was taken in a burglary, robbery, drive-off,
fraud or cyber attack too, so they are dropped when one of those is also named.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchCrimeTypeExtractor"

CRIME_TYPES = (
    "shop_theft", "making_off_without_payment", "criminal_damage", "burglary", "robbery",
    "violence_against_staff", "fraud", "cyber_crime",
)
GENERIC_THEFT = frozenset({
    "nicked", "nicking", "nick", "nickd", "stole", "stolen", "stolne", "stoled", "steal", "stealing", "theft",
    "thief", "thieves", "pinched", "swiped", "pocketed", "helped themselves", "helped himself", "helped herself",
})
_OVERRIDES_GENERIC_THEFT = {"burglary", "robbery", "making_off_without_payment", "fraud", "cyber_crime"}
_TOKEN = re.compile(r"[a-z0-9£]+(?:'[a-z]+)?")


def _tokens(text: str) -> list[re.Match]:
    return list(_TOKEN.finditer(text.lower()))


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(m.group(0).replace("'", "") for m in _tokens(phrase))


@lru_cache(maxsize=8)
def _gazetteer(data_file: Path | None) -> tuple[dict[tuple[str, ...], str], int]:
    from nlu.loader import TRAINING_FILE, load_file  # the loader imports nothing from extractors

    data = load_file(data_file or TRAINING_FILE)
    table: dict[tuple[str, ...], str] = {}
    for example in data.examples:
        for annotation in example.entities:
            if annotation.entity == "crime_type" and annotation.value in CRIME_TYPES:
                table.setdefault(_key(annotation.text), annotation.value)
    for value, variants in data.synonyms.items():
        if value in CRIME_TYPES:
            for variant in variants:
                table[_key(variant)] = value  # explicit synonyms win over annotations
    table.pop((), None)
    return table, max((len(k) for k in table), default=1)


def crime_type_phrases(data_file: Path | None = None) -> dict[str, str]:
    """Phrase -> crime type code, as loaded from the training data."""
    table, _ = _gazetteer(data_file)
    return {" ".join(k): v for k, v in table.items()}


def find_crime_types(text: str, data_file: Path | None = None) -> list[Span]:
    """Every crime type named in ``text`` (longest phrases first, non-overlapping)."""
    table, longest = _gazetteer(data_file)
    tokens = _tokens(clean(text))
    words = [m.group(0).replace("'", "") for m in tokens]
    spans: list[Span] = []
    i = 0
    while i < len(tokens):
        for size in range(min(longest, len(tokens) - i), 0, -1):
            value = table.get(tuple(words[i:i + size]))
            if value:
                start, end = tokens[i].start(), tokens[i + size - 1].end()
                phrase = " ".join(words[i:i + size])
                spans.append(Span("crime_type", value, start, end, text[start:end], EXTRACTOR,
                                  extra={"generic": True} if phrase in GENERIC_THEFT else {}))
                i += size
                break
        else:
            i += 1
    if any(s.value in _OVERRIDES_GENERIC_THEFT for s in spans):
        spans = [s for s in spans if not (s.value == "shop_theft" and s.extra.get("generic"))]
    return spans
