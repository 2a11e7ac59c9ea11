"""``bizwatch advice check``: the shipped content passes; each kind of bad article is caught."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.advice.check import check_articles

from advice_factories import write_article

TODAY = dt.date(2026, 11, 22)


def messages(directory: Path, today: dt.date = TODAY) -> list[str]:
    return [str(p) for p in check_articles(directory, today=today, coverage=False)]


def test_shipped_articles_pass_the_check_today() -> None:
    # Uses the real date on purpose: when review dates pass, CI fails until the advice is reviewed.
    assert [str(p) for p in check_articles(today=dt.date.today())] == []


def test_a_valid_article_passes(tmp_path: Path) -> None:
    write_article(tmp_path, "lock-up")
    assert messages(tmp_path) == []


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"title": ""}, "test-article.md: missing field 'title'"),
        ({"steps": "steps: []"}, "missing field 'steps'"),
        ({"summary": "summary: " + "Lock up. " * 40}, "the limit is 306 (two SMS segments)"),
        ({"summary": "summary: Don’t leave cash out."}, "characters outside GSM-7"),
        ({"steps": "steps:\n  - " + "Check the locks. " * 12}, "step 1 is"),
        ({"related": "related: [no-such-article]"}, "related article 'no-such-article' does not exist (broken link)"),
        ({"review_by": "review_by: 2026-01-01"}, "review_by 2026-01-01 has passed"),
        ({"review_by": "review_by: soon"}, "is not an ISO date"),
        ({"topics": "topics: [burglary, pickpocketing]"}, "unknown topic 'pickpocketing'"),
        ({"sectors": "sectors: [garage]"}, "unknown sector 'garage'"),
        ({"seasons": "seasons: [easter]"}, "unknown season 'easter'"),
        ({"seasons": "seasons: [all, christmas]"}, "'all' cannot be combined"),
        ({"sources": "sources:\n  - name: Secured by Design\n    url: http://www.securedbydesign.com/"}, "must be an https URL"),
        ({"sources": "sources:\n  - name: Some Blog\n    url: https://example.com/"}, "is not a known public body"),
        ({"sources": "sources:\n  - name: National Cyber Security Centre\n    url: https://ncsc.example.com/"}, "is not on National Cyber Security Centre's site"),
        ({"colour": "colour: blue"}, "unknown field 'colour'"),
        ({"title": "title: Two: colons"}, "front matter is not valid YAML"),
    ],
)
def test_each_problem_is_reported_with_the_file_name(tmp_path: Path, overrides: dict[str, str], expected: str) -> None:
    write_article(tmp_path, **overrides)
    found = messages(tmp_path)
    assert any(expected in message for message in found), found
    assert all(message.startswith("test-article.md: ") for message in found)


def test_id_must_match_the_file_name_and_be_unique(tmp_path: Path) -> None:
    write_article(tmp_path, "lock-up", filename="lock-up.md")
    write_article(tmp_path, "lock-up", filename="locks.md")
    found = messages(tmp_path)
    assert "locks.md: id 'lock-up' does not match the file name 'locks'" in found
    assert "locks.md: duplicate id 'lock-up' (used by another file)" in found


def test_body_links_must_be_https_or_another_article(tmp_path: Path) -> None:
    write_article(tmp_path, "other")
    path = write_article(tmp_path, "lock-up")
    path.write_text(
        path.read_text() + "\nSee [other](other.md), [gone](gone-article) and [old](http://example.org/).\n"
    )
    found = messages(tmp_path)
    assert "lock-up.md: link 'gone-article' does not point at an existing article (broken link)" in found
    assert "lock-up.md: link 'http://example.org/' must use https" in found
    assert not any("other.md'" in message for message in found)


def test_body_length_is_checked(tmp_path: Path) -> None:
    path = write_article(tmp_path)
    front, _, _body = path.read_text().partition("\n---\n")
    path.write_text(front + "\n---\nToo short.\n")
    assert "test-article.md: body is 2 words; write 150-400" in messages(tmp_path)


def test_coverage_reports_crime_types_without_articles(tmp_path: Path) -> None:
    write_article(tmp_path)
    found = [str(p) for p in check_articles(tmp_path, today=TODAY)]
    assert "advice_content/articles: no valid article covers topic 'robbery'" in found


def test_an_empty_directory_is_a_problem(tmp_path: Path) -> None:
    assert messages(tmp_path) == [f"{tmp_path}: no articles found"]
