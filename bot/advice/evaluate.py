"""Measuring search quality against a labelled set of questions.

The test suite asserts the accuracy we reach and the benchmark prints it; both use this module so
they cannot disagree about what "top-1 correct" means.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.advice.library import AdviceLibrary


@dataclass(frozen=True)
class LabelledQuestion:
    """A question, the hints the conversation would pass with it, and acceptable answers."""

    text: str
    expect: tuple[str, ...]
    sector: str | None = None
    crime_type: str | None = None
    season: str | None = None


@dataclass(frozen=True)
class Miss:
    """A question whose best answer was not ranked first."""

    question: LabelledQuestion
    got: tuple[str, ...]
    in_top3: bool


@dataclass(frozen=True)
class Evaluation:
    """Accuracy over a labelled set, with the misses for inspection."""

    total: int
    top1: float
    top3: float
    misses: list[Miss] = field(default_factory=list)


def load_questions(path: str | Path) -> list[LabelledQuestion]:
    """Read ``questions:`` entries ({q, expect, sector?, crime_type?, season?}) from a YAML file."""
    data: dict[str, Any] = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [
        LabelledQuestion(
            text=str(item["q"]),
            expect=tuple(item["expect"]),
            sector=item.get("sector"),
            crime_type=item.get("crime_type"),
            season=item.get("season"),
        )
        for item in data["questions"]
    ]


def evaluate(library: AdviceLibrary, questions: list[LabelledQuestion]) -> Evaluation:
    """Top-1 and top-3 accuracy of ``library.search`` on ``questions``."""
    hits1 = hits3 = 0
    misses: list[Miss] = []
    for question in questions:
        results = library.search(
            question.text, crime_type=question.crime_type, sector=question.sector, season=question.season, limit=3
        )
        got = tuple(r.article.id for r in results)
        first = bool(got) and got[0] in question.expect
        within3 = any(article_id in question.expect for article_id in got)
        hits1 += first
        hits3 += within3
        if not first:
            misses.append(Miss(question, got, within3))
    total = len(questions)
    return Evaluation(total, hits1 / total if total else 0.0, hits3 / total if total else 0.0, misses)
