"""Advice articles: Markdown files with YAML front matter, shipped as package data.

Articles are content, not code: editors change them without touching Python, and the same files
serve the chat answer (summary, body), the SMS answer (summary, steps) and the CI check. This module
only parses; ``bot.advice.check`` decides whether the content is acceptable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, Iterable

import yaml

ARTICLE_SUFFIX = ".md"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)
_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BLOCK_START = re.compile(r"^\s*(?:#|[-*+] |\d+[.)] )")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


class ArticleFormatError(ValueError):
    """An article file cannot be parsed into an :class:`Article` (names the file)."""


@dataclass(frozen=True)
class Source:
    """A public body an article draws on, shown so a business can check the advice itself."""

    name: str
    url: str


@dataclass(frozen=True)
class Article:
    """One piece of prevention advice.

    ``topics[0]`` is the article's main topic; the others say where else it belongs. ``sectors`` and
    ``seasons`` contain ``"all"`` for general, year-round advice.
    """

    id: str
    title: str
    topics: tuple[str, ...]
    sectors: tuple[str, ...]
    seasons: tuple[str, ...]
    summary: str
    steps: tuple[str, ...]
    sources: tuple[Source, ...]
    related: tuple[str, ...]
    review_by: dt.date
    body: str

    @property
    def primary_topic(self) -> str:
        """The topic the article is mainly about."""
        return self.topics[0]

    def is_for_sector(self, sector: str | None) -> bool:
        """True if the article was written for ``sector`` specifically (not just ``all``)."""
        return sector is not None and sector in self.sectors

    def suits_sector(self, sector: str | None) -> bool:
        """True if the article applies to ``sector``, specifically or as general advice."""
        return sector is None or "all" in self.sectors or sector in self.sectors

    def is_seasonal(self) -> bool:
        """True for advice tied to particular seasons rather than all year."""
        return "all" not in self.seasons

    def plain_body(self) -> str:
        """The body without Markdown markup, for channels that cannot render it (SMS, terminal)."""
        return markdown_to_text(self.body)


def markdown_to_text(markdown: str) -> str:
    """Strip the small Markdown subset articles use (headings, bold, links) to plain text.

    Lines wrapped in the source are joined within each paragraph, so a phone lays the text out
    itself instead of breaking mid-sentence; headings, list items and blank lines keep their breaks.
    """
    text = _MD_HEADING.sub("", _join_wrapped_lines(markdown))
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_LINK.sub(r"\1", text)
    return text.strip()


def _join_wrapped_lines(markdown: str) -> str:
    lines: list[str] = []
    for line in markdown.splitlines():
        previous = lines[-1] if lines else ""
        if line.strip() and previous.strip() and not _BLOCK_START.match(line) \
                and not previous.lstrip().startswith("#"):
            lines[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def markdown_links(markdown: str) -> list[str]:
    """Targets of ``[text](target)`` links in ``markdown``, in order."""
    return [target for _text, target in _MD_LINK.findall(markdown)]


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split a file into its YAML front matter (a mapping) and Markdown body.

    Raises ``ValueError`` with a short reason if the front matter is missing or not a mapping.
    """
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        raise ValueError("no YAML front matter (the file must start with '---' and close it with '---')")
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ValueError("front matter must be a YAML mapping of field: value")
    return meta, match.group(2).strip() + "\n"


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def article_from_mapping(meta: dict[str, Any], body: str) -> Article:
    """Build an :class:`Article` from parsed front matter; raises ``KeyError``/``ValueError``/``TypeError``."""
    return Article(
        id=str(meta["id"]),
        title=str(meta["title"]).strip(),
        topics=tuple(str(t) for t in meta["topics"]),
        sectors=tuple(str(s) for s in meta["sectors"]),
        seasons=tuple(str(s) for s in meta["seasons"]),
        summary=" ".join(str(meta["summary"]).split()),
        steps=tuple(" ".join(str(s).split()) for s in meta["steps"]),
        sources=tuple(Source(name=str(s["name"]), url=str(s["url"])) for s in meta["sources"]),
        related=tuple(str(r) for r in (meta.get("related") or ())),
        review_by=_as_date(meta["review_by"]),
        body=body,
    )


def parse_article(text: str, name: str = "<article>") -> Article:
    """Parse one article file's text; ``name`` is used in error messages."""
    try:
        meta, body = split_front_matter(text)
        return article_from_mapping(meta, body)
    except KeyError as exc:
        raise ArticleFormatError(f"{name}: missing field {exc.args[0]!r}") from exc
    except (ValueError, TypeError) as exc:
        raise ArticleFormatError(f"{name}: {exc}") from exc


def default_directory() -> Traversable | Path:
    """The articles shipped with the package (``advice_content/articles``).

    Falls back to scanning the package path when ``importlib.resources`` cannot resolve it: an
    editable install made before ``advice_content`` had an ``__init__.py`` registers it as a
    namespace package with a non-directory path entry, which ``files()`` rejects.
    """
    try:
        return files("advice_content") / "articles"
    except (NotADirectoryError, TypeError):
        import advice_content

        for entry in getattr(advice_content, "__path__", []):
            candidate = Path(entry) / "articles"
            if candidate.is_dir():
                return candidate
        raise


def article_files(directory: Traversable | Path | None = None) -> list[Traversable | Path]:
    """The ``*.md`` files in ``directory`` (default: the shipped articles), sorted by name."""
    root = default_directory() if directory is None else directory
    return sorted(
        (entry for entry in root.iterdir() if entry.is_file() and entry.name.endswith(ARTICLE_SUFFIX)),
        key=lambda entry: entry.name,
    )


def load_articles(directory: Traversable | Path | None = None) -> list[Article]:
    """Load every article in ``directory`` (default: the shipped articles), sorted by id.

    Raises :class:`ArticleFormatError` on the first file that cannot be parsed; run
    ``bizwatch advice check`` for a full list of problems.
    """
    return sorted(
        (parse_article(entry.read_text(encoding="utf-8"), entry.name) for entry in article_files(directory)),
        key=lambda article: article.id,
    )


def index_by_id(articles: Iterable[Article]) -> dict[str, Article]:
    """Map article id to article (later duplicates win; the check reports duplicates)."""
    return {article.id: article for article in articles}
