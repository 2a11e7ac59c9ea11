"""Loading the shipped articles and the small helpers around them."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.advice import gsm7
from bot.advice.articles import ArticleFormatError, load_articles, markdown_to_text, parse_article
from bot.advice.vocabulary import CRIME_TYPES

from advice_factories import article_text


def test_the_library_ships_at_least_32_articles_covering_every_crime_type() -> None:
    articles = load_articles()
    assert len(articles) >= 32
    covered = {topic for article in articles for topic in article.topics}
    assert set(CRIME_TYPES) <= covered


def test_prevention_themes_from_the_domain_brief_all_have_articles() -> None:
    covered = {topic for article in load_articles() for topic in article.topics}
    themes = {
        "design_out_crime", "forecourt", "target_hardening", "staff_safety", "reporting", "partnerships",
        "cyber_basics", "backups", "passwords", "phishing", "ransomware", "data_breach", "invoice_fraud",
        "counterfeit_notes", "modern_slavery", "licensed_premises", "rural", "seasonal", "cctv",
        "after_a_crime", "impact_statement",
    }
    assert themes <= covered


def test_an_article_parses_into_typed_fields() -> None:
    article = parse_article(article_text("lock-up"), "lock-up.md")
    assert article.id == "lock-up"
    assert article.primary_topic == "burglary"
    assert article.review_by == dt.date(2027, 11, 1)
    assert article.sources[0].url == "https://www.securedbydesign.com/"
    assert article.suits_sector("forecourt") and not article.is_for_sector("forecourt")
    assert not article.is_seasonal()


def test_a_file_without_front_matter_names_the_file() -> None:
    with pytest.raises(ArticleFormatError, match="broken.md"):
        parse_article("# Just a heading\n", "broken.md")


def test_markdown_is_flattened_for_sms_and_terminal() -> None:
    text = markdown_to_text("## Heading\n**Bold** and [a link](https://www.ncsc.gov.uk/).")
    assert text == "Heading\nBold and a link."


def test_summaries_fit_two_gsm7_segments() -> None:
    for article in load_articles():
        assert gsm7.is_gsm7(article.summary), article.id
        assert gsm7.segments(article.summary) <= 2, article.id


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("€" * 80, 1), ("€" * 81, 2), ("“hi”" * 18, 2)],
)
def test_segment_arithmetic(text: str, expected: int) -> None:
    assert gsm7.segments(text) == expected


def test_plain_text_joins_wrapped_lines_but_keeps_headings_and_lists_apart():
    from bot.advice.articles import markdown_to_text

    markdown = "# Title\n\nA sentence wrapped\nacross two lines.\n\n## Next part\nFirst line\n- one item\n- two **items**\n"
    assert markdown_to_text(markdown) == ("Title\n\nA sentence wrapped across two lines.\n\nNext part\nFirst line\n"
                                          "- one item\n- two items")
