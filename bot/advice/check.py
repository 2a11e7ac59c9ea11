"""Schema check for advice articles and the campaign presets that link to them (``bizwatch advice check``; CI).

Advice is read by businesses who have just been victims of crime, often by SMS. A missing field,
an over-long summary that splits into three texts, a curly quote that doubles the SMS cost, a dead
link between articles or advice past its review date should stop a merge, not reach a user. The
check collects every problem (with the file name) rather than stopping at the first, so an editor
can fix a batch in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from bot.advice import gsm7
from bot.advice.articles import Article, article_files, article_from_mapping, markdown_links, split_front_matter
from bot.advice.vocabulary import (
    CRIME_TYPE_LEAD,
    CRIME_TYPES,
    MENU_TOPICS,
    PUBLISHERS,
    SEASONS,
    SECTOR_MENUS,
    SECTORS,
    TOPICS,
)

REQUIRED_FIELDS = ("id", "title", "topics", "sectors", "seasons", "summary", "steps", "sources", "review_by")
OPTIONAL_FIELDS = ("related",)
MAX_SUMMARY_SEPTETS = 2 * gsm7.MULTI_GSM7  # 306: two concatenated SMS segments
MAX_STEP_SEPTETS = gsm7.SINGLE_GSM7  # 160: one step fits one SMS
MAX_STEPS = 6
MAX_TITLE_CHARS = 70
MIN_BODY_WORDS = 150
MAX_BODY_WORDS = 400
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one article file (or with the library as a whole)."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def check_articles(
    directory: Traversable | Path | None = None,
    *,
    today: dt.date | None = None,
    coverage: bool = True,
) -> list[Problem]:
    """Check every article in ``directory`` (default: the shipped articles).

    ``today`` decides which review dates have passed (default: the real date). ``coverage`` also
    requires every crime type and menu topic to have at least one article; turn it off to check a
    partial set.
    """
    today = today or dt.date.today()
    problems: list[Problem] = []
    parsed: dict[str, tuple[dict[str, Any], str]] = {}
    unparsed_stems: set[str] = set()
    for entry in article_files(directory):
        try:
            parsed[entry.name] = split_front_matter(entry.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem(entry.name, str(exc)))
            unparsed_stems.add(entry.name.removesuffix(".md"))
    if not parsed and not problems:
        return [Problem(str(directory or "advice_content/articles"), "no articles found")]

    ids = Counter(str(meta.get("id")) for meta, _body in parsed.values() if "id" in meta)
    # A file that failed to parse is reported once; links to it are not reported again as broken.
    known_ids = set(ids) | unparsed_stems
    articles: list[Article] = []
    for name, (meta, body) in parsed.items():
        file_problems = [Problem(name, message) for message in _check_one(name, meta, body, known_ids, today)]
        if ids.get(str(meta.get("id")), 0) > 1:
            file_problems.append(Problem(name, f"duplicate id {meta['id']!r} (used by another file)"))
        problems.extend(file_problems)
        if not file_problems:
            articles.append(article_from_mapping(meta, body))
    if coverage:
        problems.extend(_check_coverage(articles))
    if directory is None:
        problems.extend(_check_campaign_presets(known_ids, today))
    return problems


def _check_campaign_presets(known_ids: set[str], today: dt.date) -> list[Problem]:
    """The shipped campaign presets (advice_content/campaigns) link to the shipped articles, so they are
    checked with them: linked articles exist, texts compile in the sandbox and fit the SMS cap."""
    from bot.campaigns.presets import check_presets  # campaigns build on advice, not the other way round

    return [Problem(f"campaigns/{name}", message) for name, message in check_presets(known_ids, today=today)]


def _check_one(name: str, meta: dict[str, Any], body: str, known_ids: set[str], today: dt.date) -> list[str]:
    """Problems with one article, as messages (the caller adds the file name)."""
    out: list[str] = []
    for field in REQUIRED_FIELDS:
        if field not in meta or meta[field] in (None, "", []):
            out.append(f"missing field {field!r}")
    for field in meta:
        if field not in REQUIRED_FIELDS and field not in OPTIONAL_FIELDS:
            out.append(f"unknown field {field!r} (allowed: {', '.join(REQUIRED_FIELDS + OPTIONAL_FIELDS)})")

    article_id = meta.get("id")
    stem = name.removesuffix(".md")
    if article_id:
        if not isinstance(article_id, str) or not ID_PATTERN.match(article_id):
            out.append(f"id {article_id!r} must be kebab-case (lower-case words joined by hyphens)")
        if article_id != stem:
            out.append(f"id {article_id!r} does not match the file name {stem!r}")

    title = meta.get("title")
    if title and (not isinstance(title, str) or len(title) > MAX_TITLE_CHARS):
        out.append(f"title must be text of at most {MAX_TITLE_CHARS} characters")

    out += _check_codes(meta.get("topics"), "topics", TOPICS)
    out += _check_codes(meta.get("sectors"), "sectors", SECTORS)
    out += _check_codes(meta.get("seasons"), "seasons", SEASONS)
    out += _check_summary(meta.get("summary"))
    out += _check_steps(meta.get("steps"))
    out += _check_sources(meta.get("sources"))
    out += _check_related(meta.get("related"), article_id, known_ids)
    out += _check_review_by(meta.get("review_by"), today)
    out += _check_body(body, known_ids)
    return out


def _check_codes(values: Any, field: str, allowed: Any) -> list[str]:
    if values in (None, "", []):
        return []  # already reported as missing
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [f"{field} must be a list of codes"]
    out = [f"unknown {field[:-1]} {v!r} (allowed: {', '.join(allowed)})" for v in values if v not in allowed]
    if len(set(values)) != len(values):
        out.append(f"{field} lists a code more than once")
    if "all" in values and len(values) > 1:
        out.append(f"{field}: 'all' cannot be combined with other codes")
    return out


def _check_summary(summary: Any) -> list[str]:
    if summary in (None, ""):
        return []
    if not isinstance(summary, str):
        return ["summary must be text"]
    text = " ".join(summary.split())
    out = []
    bad = gsm7.non_gsm7_chars(text)
    if bad:
        out.append(f"summary has characters outside GSM-7 (they make SMS cost more): {''.join(bad)!r}")
    length = gsm7.gsm7_length(text)
    if length > MAX_SUMMARY_SEPTETS:
        out.append(f"summary is {length} GSM-7 characters; the limit is {MAX_SUMMARY_SEPTETS} (two SMS segments)")
    return out


def _check_steps(steps: Any) -> list[str]:
    if steps in (None, "", []):
        return []
    if not isinstance(steps, list) or not all(isinstance(s, str) and s.strip() for s in steps):
        return ["steps must be a list of plain sentences (put a step in double quotes if it contains ': ')"]
    out = []
    if len(steps) > MAX_STEPS:
        out.append(f"{len(steps)} steps; keep to at most {MAX_STEPS}")
    for number, step in enumerate(steps, start=1):
        text = " ".join(step.split())
        bad = gsm7.non_gsm7_chars(text)
        if bad:
            out.append(f"step {number} has characters outside GSM-7: {''.join(bad)!r}")
        if gsm7.gsm7_length(text) > MAX_STEP_SEPTETS:
            out.append(f"step {number} is {gsm7.gsm7_length(text)} characters; the limit is {MAX_STEP_SEPTETS}")
    return out


def _check_sources(sources: Any) -> list[str]:
    if sources in (None, "", []):
        return []
    if not isinstance(sources, list):
        return ["sources must be a list of {name, url}"]
    out = []
    for number, source in enumerate(sources, start=1):
        if not isinstance(source, dict) or set(source) != {"name", "url"}:
            out.append(f"source {number} must have exactly 'name' and 'url'")
            continue
        name, url = str(source["name"]), str(source["url"])
        parsed = urlparse(url)
        if parsed.scheme != "https" or not parsed.hostname:
            out.append(f"source {number} URL {url!r} must be an https URL")
            continue
        domain = PUBLISHERS.get(name)
        if domain is None:
            out.append(f"source {number} {name!r} is not a known public body (see bot/advice/vocabulary.py PUBLISHERS)")
        elif parsed.hostname != domain and not parsed.hostname.endswith("." + domain):
            out.append(f"source {number} URL {url!r} is not on {name}'s site ({domain})")
    return out


def _check_related(related: Any, article_id: Any, known_ids: set[str]) -> list[str]:
    if related in (None, []):
        return []
    if not isinstance(related, list) or not all(isinstance(r, str) for r in related):
        return ["related must be a list of article ids"]
    out = [f"related article {r!r} does not exist (broken link)" for r in related if r not in known_ids]
    if article_id in related:
        out.append("related lists the article itself")
    return out


def _check_review_by(value: Any, today: dt.date) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            return [f"review_by {value!r} is not an ISO date (YYYY-MM-DD)"]
    if value < today:
        return [f"review_by {value.isoformat()} has passed (today is {today.isoformat()}): review the advice and set a new date"]
    return []


def _check_body(body: str, known_ids: set[str]) -> list[str]:
    out = []
    words = len(body.split())
    if not MIN_BODY_WORDS <= words <= MAX_BODY_WORDS:
        out.append(f"body is {words} words; write {MIN_BODY_WORDS}-{MAX_BODY_WORDS}")
    for target in markdown_links(body):
        scheme = urlparse(target).scheme
        if scheme == "https":
            continue
        if scheme:
            out.append(f"link {target!r} must use https")
        elif target.removesuffix(".md") not in known_ids:
            out.append(f"link {target!r} does not point at an existing article (broken link)")
    return out


def _check_coverage(articles: list[Article]) -> list[Problem]:
    """Every crime type and every menu button needs an article; each crime type's lead article
    must exist and be about that crime type; menus must fit in eight buttons."""
    where = "advice_content/articles"
    covered = {topic for article in articles for topic in article.topics}
    by_id = {article.id: article for article in articles}
    needed = dict.fromkeys(CRIME_TYPES + MENU_TOPICS + tuple(t for menu in SECTOR_MENUS.values() for t in menu))
    out = [Problem(where, f"no valid article covers topic {topic!r}") for topic in needed if topic not in covered]
    for crime_type, article_id in CRIME_TYPE_LEAD.items():
        lead = by_id.get(article_id)
        if lead is None or crime_type not in lead.topics:
            out.append(Problem(where, f"lead article {article_id!r} for {crime_type!r} is missing or not about it"))
    for sector, menu in SECTOR_MENUS.items():
        if len(menu) > 8 or sector not in SECTORS:
            out.append(Problem(where, f"menu for sector {sector!r} must be a known sector with at most 8 topics"))
    return out
