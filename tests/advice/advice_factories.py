"""A valid article as text, for tests to break one field at a time."""

from __future__ import annotations

from pathlib import Path

BODY = " ".join(["Lock the back door, check the camera and report every incident to the police."] * 14)


def article_text(article_id: str = "test-article", **overrides: str) -> str:
    """Front matter + body of a valid article; ``overrides`` replace whole front-matter lines by key."""
    fields = {
        "id": f"id: {article_id}",
        "title": "title: A test article",
        "topics": "topics: [burglary]",
        "sectors": "sectors: [all]",
        "seasons": "seasons: [all]",
        "summary": "summary: Lock up, light up and report it.",
        "steps": "steps:\n  - Lock the back door tonight.",
        "sources": "sources:\n  - name: Secured by Design\n    url: https://www.securedbydesign.com/",
        "related": "related: []",
        "review_by": "review_by: 2027-11-01",
    }
    for key, line in overrides.items():
        fields[key] = line
    front = "\n".join(line for line in fields.values() if line)
    return f"---\n{front}\n---\n# A test article\n\n{BODY}\n"


def write_article(directory: Path, article_id: str = "test-article", filename: str | None = None, **overrides: str) -> Path:
    path = directory / (filename or f"{article_id}.md")
    path.write_text(article_text(article_id, **overrides), encoding="utf-8")
    return path
