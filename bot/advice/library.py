"""Finding the advice that answers a question: BM25 ranking plus what we know about the asker.

Why BM25 and not embeddings: the library is a few dozen articles, answers must be explainable to
an editor ("why did this question get that article?"), and the service must run with no model
download. Text similarity is combined with hints the conversation already has: the NLU
``crime_type`` entity, the business's sector (a forecourt asking about theft means fuel
drive-offs) and the season. When nothing fits well enough, search returns nothing, so the
conversation can offer the topic menu instead of guessing.
"""

from __future__ import annotations

import difflib
import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Iterable

from bot.advice.articles import Article, load_articles
from bot.advice.text import query_words, stem, terms, words
from bot.advice.vocabulary import (
    AFTERMATH_CUES,
    PREVENTION_CUES,
    CRIME_TYPES,
    CRIME_TYPE_LEAD,
    MENU_TOPICS,
    SEASONS,
    SECTOR_MENUS,
    SECTOR_READING,
    SECTORS,
    TOPIC_KEYWORDS,
    TOPICS,
)

# Field weights: a word in the title says more about an article than one in passing in the body.
FIELD_WEIGHTS = {"title": 3.0, "topic": 3.0, "topics": 1.0, "summary": 2.0, "steps": 1.0, "body": 1.0}
# An article is only a candidate if the question matches what it is about (its title or topic
# words), not just words used in passing in its summary or body: "the weather" must not find
# modern slavery advice, nor "book a table" dine-and-dash. (Allowing weaker body-only matches was
# measured and gained no accuracy on the labelled sets while letting such questions through.)
HEAD_FIELDS = frozenset({"title", "topic", "topics"})
K1 = 1.2
B = 0.75

# Multipliers applied to the text score. Hints re-order candidates that already match the text;
# they never create a match on their own (a zero text score stays zero).
CRIME_TYPE_PRIMARY_BOOST = 1.8
CRIME_TYPE_BOOST = 1.4
CRIME_TYPE_LEAD_BOOST = 1.1
SECTOR_SPECIFIC_BOOST = 1.25
SECTOR_TOPIC_BOOST = 1.6
SECTOR_MISMATCH_PENALTY = 0.7
SEASON_BOOST = 1.5
OFF_SEASON_PENALTY = 0.75
AFTERMATH_BOOST = 1.3
PREVENTION_AFTERMATH_PENALTY = 0.8

#: The topics a sector means when it asks a general question (a forecourt's "theft" is fuel).
SECTOR_TOPICS: dict[str, tuple[str, ...]] = {
    "forecourt": ("making_off_without_payment", "forecourt"),
    "licensed": ("licensed_premises",),
    "hospitality": ("licensed_premises", "making_off_without_payment"),
    "rural": ("rural",),
    "office": ("office_security",),
}

# "No good match": an article must cover at least this share of the question's weight (see
# ``AdviceLibrary._coverage``), and the best one must reach this final score. Calibrated on
# tests/advice/questions*.yml and the off-topic questions in tests/advice/test_advice_search.py.
MIN_COVERAGE = 0.20
MIN_SCORE = 1.0
# Lower-ranked results must score at least this fraction of the best one to be shown.
RELATIVE_CUTOFF = 0.25
# Query words not in the index are corrected to the closest index word at or above this similarity.
FUZZY_CUTOFF = 0.88
FUZZY_MIN_LENGTH = 6


@dataclass(frozen=True)
class ScoredArticle:
    """A search result: the article, its final score and the query terms that matched it."""

    article: Article
    score: float
    matched: tuple[str, ...] = ()


class AdviceLibrary:
    """The advice articles with a search index. Build once and share; it does not change."""

    def __init__(self, articles: Iterable[Article]) -> None:
        self._articles: dict[str, Article] = {}
        for article in articles:
            self._articles[article.id] = article
        self._doc_tf: dict[str, Counter[str]] = {}
        self._head_terms: dict[str, frozenset[str]] = {}
        self._doc_len: dict[str, float] = {}
        df: Counter[str] = Counter()
        surface: set[str] = set()
        for article in self._articles.values():
            tf: Counter[str] = Counter()
            head: set[str] = set()
            for field, text in _fields(article).items():
                for term in terms(text):
                    tf[term] += FIELD_WEIGHTS[field]
                    if field in HEAD_FIELDS:
                        head.add(term)
                surface.update(w for w in words(text) if w.isalpha())
            self._head_terms[article.id] = frozenset(head)
            self._doc_tf[article.id] = tf
            self._doc_len[article.id] = sum(tf.values())
            df.update(tf.keys())
        n = max(len(self._articles), 1)
        self._avg_len = sum(self._doc_len.values()) / n if self._doc_len else 1.0
        # Lucene's BM25 idf: always positive, so common words still count a little.
        self._idf = {term: math.log(1 + (n - freq + 0.5) / (freq + 0.5)) for term, freq in df.items()}
        self._surface = sorted(w for w in surface if len(w) >= 4)

    @classmethod
    def from_directory(cls, directory: Traversable | Path | None = None) -> "AdviceLibrary":
        """Load a library from a directory of articles (default: the shipped articles)."""
        return cls(load_articles(directory))

    # --- lookup -------------------------------------------------------------------------------

    @property
    def articles(self) -> list[Article]:
        """Every article, sorted by id."""
        return [self._articles[key] for key in sorted(self._articles)]

    def get(self, article_id: str) -> Article | None:
        """The article with this id, or None (ids can arrive from user-pressed buttons)."""
        return self._articles.get(article_id)

    def related(self, article: Article, *, sector: str | None = None) -> list[Article]:
        """The articles ``article`` links to that suit ``sector``, in the author's order."""
        found = (self._articles.get(article_id) for article_id in article.related)
        return [a for a in found if a is not None and a.suits_sector(sector)]

    # --- browsing -----------------------------------------------------------------------------

    def topics_menu(self, sector: str | None = None) -> list[tuple[str, str]]:
        """Up to eight (topic code, label) pairs for topic buttons, for the business's sector.

        Forecourts, pubs, farms and offices get their own menus (``SECTOR_MENUS``); topics with no
        article are left out so a button never leads nowhere.
        """
        topics = SECTOR_MENUS.get(sector or "", MENU_TOPICS)
        covered = {t for a in self._articles.values() for t in a.topics}
        return [(topic, TOPICS[topic]) for topic in topics if topic in covered][:8]

    def by_topic(self, topic: str, sector: str | None = None) -> list[Article]:
        """Articles on ``topic``, best first: those that suit ``sector``, mainly about the topic,
        written for the sector, year-round. Articles for other sectors come last, not never."""
        chosen = [a for a in self._articles.values() if topic in a.topics]
        return sorted(
            chosen,
            key=lambda a: (
                not a.suits_sector(sector),
                a.primary_topic != topic,
                not a.is_for_sector(sector),
                a.is_seasonal(),
                len(a.topics),
                a.id,
            ),
        )

    def for_crime_type(self, crime_type: str, sector: str | None = None) -> list[Article]:
        """Advice to offer after a report of ``crime_type``, best first.

        Articles written for the business's sector come first (a pub reporting a walk-out gets
        dine-and-dash, a forecourt gets drive-offs), then the crime type's lead article, then
        others mainly about the crime type, then those that touch on it. Articles written for
        other sectors come last rather than not at all.
        """
        if crime_type not in CRIME_TYPES:
            return []
        chosen = [a for a in self._articles.values() if crime_type in a.topics]
        return sorted(
            chosen,
            key=lambda a: (
                not a.suits_sector(sector),
                not (a.is_for_sector(sector) and a.primary_topic in (crime_type, *SECTOR_TOPICS.get(sector or "", ()))),
                a.id != CRIME_TYPE_LEAD.get(crime_type),
                a.primary_topic != crime_type,
                a.is_seasonal(),
                "after_a_crime" in a.topics,
                len(a.topics),
                a.id,
            ),
        )

    # --- search -------------------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        crime_type: str | None = None,
        sector: str | None = None,
        season: str | None = None,
        limit: int = 3,
    ) -> list[ScoredArticle]:
        """Rank articles for a free-text question; an empty list means "nothing fits well".

        ``crime_type`` (the NLU entity), ``sector`` and ``season`` re-order matching articles;
        unknown values are ignored rather than rejected, because they come from other components.
        """
        if limit <= 0:
            return []
        ranked = [c for c in self.explain(query, crime_type=crime_type, sector=sector, season=season) if c.accepted]
        if not ranked or ranked[0].score < MIN_SCORE:
            return []
        best = ranked[0].score
        return [
            ScoredArticle(self._articles[c.article_id], c.score, c.matched)
            for c in ranked
            if c.score >= best * RELATIVE_CUTOFF
        ][:limit]

    def explain(
        self,
        query: str,
        *,
        crime_type: str | None = None,
        sector: str | None = None,
        season: str | None = None,
    ) -> list["Candidate"]:
        """Every article sharing a term with the question, best first, with the numbers behind
        its score and whether it passed the match rules. For editors and tuning; ``search`` is
        this list filtered."""
        crime_type = crime_type if crime_type in CRIME_TYPES else None
        sector = sector if sector in SECTORS and sector != "all" else None
        season = season if season in SEASONS and season != "all" else None
        if crime_type and sector:
            crime_type = SECTOR_READING.get((sector, crime_type), crime_type)
        query_terms = self.query_terms(query)
        if not query_terms and crime_type:
            # "any advice?" after the NLU found a crime type: the crime type is the question.
            query_terms = self.query_terms(f"{TOPICS[crime_type]} {TOPIC_KEYWORDS[crime_type]}")
        asks_season = any(t in _SEASON_TERMS for t in query_terms)
        timing = question_timing(query)
        candidates = []
        for article in self._articles.values():
            text_score, matched = self._bm25(article.id, query_terms)
            if text_score <= 0:
                continue
            coverage = self._coverage(query_terms, matched)
            # About the question: it matches the article's title or topic words, or the NLU says
            # the question is about a crime type the article covers.
            about = bool(self._head_terms[article.id].intersection(matched)) or crime_type in article.topics
            boost = self._boost(article, crime_type, sector, season, asks_season, timing)
            candidates.append(
                Candidate(
                    article_id=article.id,
                    text_score=text_score,
                    coverage=coverage,
                    score=text_score * boost,
                    matched=tuple(matched),
                    accepted=about and coverage >= MIN_COVERAGE,
                )
            )
        return sorted(candidates, key=lambda c: (-c.score, c.article_id))

    def query_terms(self, query: str) -> list[str]:
        """The terms a question is searched with: normalised, stemmed, and with words that are
        not in the index corrected to the closest index word when they are close enough."""
        out: list[str] = []
        for word in query_words(query):
            term = stem(word)
            if term not in self._idf and len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                close = difflib.get_close_matches(word, self._surface, n=1, cutoff=FUZZY_CUTOFF)
                if close:
                    term = stem(close[0])
            if term not in out:
                out.append(term)
        return out

    def _bm25(self, article_id: str, query_terms: list[str]) -> tuple[float, list[str]]:
        """Okapi BM25 with field-weighted term frequencies; returns the score and matched terms."""
        tf = self._doc_tf[article_id]
        norm = K1 * (1 - B + B * self._doc_len[article_id] / self._avg_len)
        score = 0.0
        matched = []
        for term in query_terms:
            freq = tf.get(term, 0.0)
            if freq:
                score += self._idf[term] * freq * (K1 + 1) / (freq + norm)
                matched.append(term)
        return score, matched

    def _coverage(self, query_terms: list[str], matched: list[str]) -> float:
        """Share of the question's informativeness (idf) that matched. Words not in the index
        count as rare, so a question that is mostly about something else is not matched on one
        shared word."""
        rare = max(self._idf.values(), default=1.0)
        total = sum(self._idf.get(t, rare) for t in query_terms)
        return sum(self._idf[t] for t in matched) / total if total else 0.0

    def _boost(
        self,
        article: Article,
        crime_type: str | None,
        sector: str | None,
        season: str | None,
        asks_season: bool,
        timing: str | None,
    ) -> float:
        """The multiplier hints apply to an article's text score (see the constants above)."""
        boost = 1.0
        if "after_a_crime" in article.topics:
            if timing == "after":
                boost *= AFTERMATH_BOOST
            elif timing == "before":
                boost *= PREVENTION_AFTERMATH_PENALTY
        if crime_type:
            if article.id == CRIME_TYPE_LEAD.get(crime_type):
                boost *= CRIME_TYPE_LEAD_BOOST
            if article.primary_topic == crime_type:
                boost *= CRIME_TYPE_PRIMARY_BOOST
            elif crime_type in article.topics:
                boost *= CRIME_TYPE_BOOST
        if sector:
            if not article.suits_sector(sector):
                boost *= SECTOR_MISMATCH_PENALTY
            elif article.is_for_sector(sector):
                boost *= SECTOR_SPECIFIC_BOOST
                if article.primary_topic in SECTOR_TOPICS.get(sector, ()):
                    boost *= SECTOR_TOPIC_BOOST
        if article.is_seasonal():
            if season and season in article.seasons:
                boost *= SEASON_BOOST
            elif not asks_season:
                boost *= OFF_SEASON_PENALTY
        return boost


@dataclass(frozen=True)
class Candidate:
    """Why an article scored what it did for a question (see :meth:`AdviceLibrary.explain`)."""

    article_id: str
    text_score: float
    coverage: float
    score: float
    matched: tuple[str, ...]
    accepted: bool


def question_timing(query: str) -> str | None:
    """"before" for a prevention question, "after" for one about a crime that has happened,
    None when the words do not say (or say both)."""
    raw = set(words(query))
    before, after = bool(raw & PREVENTION_CUES), bool(raw & AFTERMATH_CUES)
    if before == after:
        return None
    return "before" if before else "after"


_SEASON_TERMS = frozenset(
    stem(w) for w in ("christmas", "blackfriday", "holiday", "holidays", "summer", "sale", "sales", "festive", "december")
)


def _fields(article: Article) -> dict[str, str]:
    """The searchable text of an article, by field; topics add their labels and everyday words."""
    def describe(topic: str) -> str:
        return f"{TOPICS.get(topic, topic)} {TOPIC_KEYWORDS.get(topic, '')}"

    return {
        "title": article.title,
        "topic": describe(article.primary_topic),
        "topics": " ".join(describe(t) for t in article.topics[1:]),
        "summary": article.summary,
        "steps": " ".join(article.steps),
        "body": article.plain_body(),
    }


@lru_cache(maxsize=1)
def default_library() -> AdviceLibrary:
    """The shipped articles, loaded and indexed once per process."""
    return AdviceLibrary.from_directory()


def search(
    query: str,
    *,
    crime_type: str | None = None,
    sector: str | None = None,
    season: str | None = None,
    limit: int = 3,
) -> list[ScoredArticle]:
    """Search the shipped articles; see :meth:`AdviceLibrary.search`."""
    return default_library().search(query, crime_type=crime_type, sector=sector, season=season, limit=limit)


def for_crime_type(crime_type: str, sector: str | None = None) -> list[Article]:
    """Shipped advice for a reported crime type; see :meth:`AdviceLibrary.for_crime_type`."""
    return default_library().for_crime_type(crime_type, sector)


def by_topic(topic: str, sector: str | None = None) -> list[Article]:
    """Shipped articles on a topic; see :meth:`AdviceLibrary.by_topic`."""
    return default_library().by_topic(topic, sector)


def topics_menu(sector: str | None = None) -> list[tuple[str, str]]:
    """Topic buttons for the shipped articles; see :meth:`AdviceLibrary.topics_menu`."""
    return default_library().topics_menu(sector)


def get(article_id: str) -> Article | None:
    """A shipped article by id, or None."""
    return default_library().get(article_id)
