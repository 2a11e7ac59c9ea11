"""Crime types named in text, from the synonym tables in ``nlu/data/nlu.yml``.

The YAML is the source of truth: a ``synonym:`` table whose name is the value of a ``crime_type``
annotation is a crime type, its variants and every ``crime_type`` annotation in the training
examples become phrase -> code entries. Matching is on words (case-insensitive; hyphens,
punctuation and runs of spaces are ignored), longest phrase first, so "smashed the window" wins over
"smashed" and "kicked the door in" over "kicked". Phrases match only as written: other word forms
and other words are the crime-type classifier's job (``nlu.crime_classifier``), because a stem
would also match a noun for a verb ("bottles" for "bottled", "drove off" for "a drive off").

Generic theft words ("stole", "nicked") describe what was taken in a burglary, robbery, drive-off,
fraud or cyber attack too, so they are dropped when one of those is also named.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable

from nlu.wordforms import tokens

from .span import Span
from .text import clean

EXTRACTOR = "BizwatchCrimeTypeExtractor"

GENERIC_THEFT = frozenset({
    "nicked", "nicking", "nick", "nickd", "stole", "stolen", "stolne", "stoled", "steal", "stealing", "theft",
    "thief", "thieves", "pinched", "swiped", "pocketed", "helped themselves", "helped himself", "helped herself",
})
_OVERRIDES_GENERIC_THEFT = {"burglary", "robbery", "making_off_without_payment", "fraud", "cyber_crime"}


def crime_type_codes(data) -> tuple[str, ...]:
    """The crime type codes of ``data`` (``nlu.loader.TrainingData``), in the order of their synonym tables."""
    annotated = {a.value for e in data.examples for a in e.entities if a.entity == "crime_type"}
    return tuple(name for name in data.synonyms if name in annotated)


def gazetteer_phrases(data) -> list[tuple[str, str]]:
    """(phrase, code) from the annotations, then from the synonym tables (so an explicit synonym
    wins over an annotation of the same words)."""
    codes = crime_type_codes(data)
    annotated: dict[str, tuple[str, str]] = {}
    for example in data.examples:
        for a in example.entities:
            if a.entity == "crime_type" and a.value in codes:
                annotated.setdefault(a.text.lower(), (a.text, a.value))  # the first annotation of a phrase counts
    return [*annotated.values(), *((variant, code) for code in codes for variant in data.synonyms[code])]


def _words(text: str) -> tuple[list[tuple[int, int]], tuple[str, ...]]:
    """Each word's (start, end), and the words (lower case, no apostrophes)."""
    matches = list(tokens(clean(text)))
    return [m.span() for m in matches], tuple(m.group(0).lower().replace("'", "") for m in matches)


class Gazetteer:
    """Phrase -> crime type code lookup over the words of a message."""

    def __init__(self, phrases: Iterable[tuple[str, str]]):
        self.table: dict[tuple[str, ...], str] = {}
        for phrase, code in phrases:
            _, words = _words(phrase)
            if words:
                self.table[words] = code
        self.longest = max((len(k) for k in self.table), default=1)

    def find(self, text: str) -> list[Span]:
        """Every crime type named in ``text`` (longest phrases first, non-overlapping)."""
        bounds, words = _words(text)
        spans: list[Span] = []
        i = 0
        while i < len(words):
            for size in range(min(self.longest, len(words) - i), 0, -1):
                phrase = words[i:i + size]
                code = self.table.get(phrase)
                if code:
                    start, end = bounds[i][0], bounds[i + size - 1][1]
                    spans.append(Span("crime_type", code, start, end, text[start:end], EXTRACTOR,
                                      extra={"generic": True} if " ".join(phrase) in GENERIC_THEFT else {}))
                    i += size
                    break
            else:
                i += 1
        if any(s.value in _OVERRIDES_GENERIC_THEFT for s in spans):
            spans = [s for s in spans if not (s.value == "shop_theft" and s.extra.get("generic"))]
        return spans


@lru_cache(maxsize=8)
def _default(data_file: Path | None) -> Gazetteer:
    from nlu.loader import TRAINING_FILE, load_file  # the loader imports nothing from extractors

    return Gazetteer(gazetteer_phrases(load_file(data_file or TRAINING_FILE)))


def find_crime_types(text: str, data_file: Path | None = None) -> list[Span]:
    """Every crime type named in ``text``, by the gazetteer of ``data_file`` (default ``nlu.yml``)."""
    return _default(data_file).find(text)
