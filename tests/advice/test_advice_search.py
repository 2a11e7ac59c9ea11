"""Search quality and behaviour: the labelled questions, nonsense, sector and crime-type hints."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.advice import by_topic, for_crime_type, get, search, topics_menu
from bot.advice.evaluate import evaluate, load_questions
from bot.advice.library import default_library

HERE = Path(__file__).parent


def accuracy(filename: str) -> tuple[float, float, list[str]]:
    result = evaluate(default_library(), load_questions(HERE / filename))
    misses = [f"{m.question.text!r} -> {m.got} (want {m.question.expect})" for m in result.misses]
    return result.top1, result.top3, misses


def test_labelled_set_is_large_and_points_at_real_articles() -> None:
    questions = load_questions(HERE / "questions.yml")
    assert len(questions) >= 70
    ids = {a.id for a in default_library().articles}
    assert {article_id for q in questions for article_id in q.expect} <= ids
    # every article is the expected answer to at least one question
    assert ids == {article_id for q in questions for article_id in q.expect}


@pytest.mark.parametrize(
    ("filename", "min_top1", "min_top3"),
    [
        # Reached: 0.938 / 1.000 (targets in the issue: 0.80 / 0.95).
        ("questions.yml", 0.93, 0.99),
        # Held-out sets: 0.675 / 0.775 and 0.800 / 0.857 on first sight; after the general fixes
        # they prompted, 0.875 / 0.975 and 0.943 / 1.000. Kept as regression guards.
        ("questions_holdout.yml", 0.85, 0.95),
        ("questions_holdout2.yml", 0.90, 0.97),
    ],
)
def test_accuracy_on_labelled_questions(filename: str, min_top1: float, min_top3: float) -> None:
    top1, top3, misses = accuracy(filename)
    assert top1 >= min_top1, misses
    assert top3 >= min_top3, misses


@pytest.mark.parametrize(
    "question",
    [
        "whats the weather tomorrow",
        "banana pyjamas",
        "asdfgh qwerty",
        "what time is the football on",
        "recipe for lasagne",
        "who won the match last night",
        "can you order me a pizza",
        "book a table for two",
        "how much is a pint of milk",
        "tell me a joke",
        "what is the capital of france",
        "when do the clocks go back",
        "hello",
        "",
    ],
)
def test_questions_with_nothing_to_do_with_crime_return_nothing(question: str) -> None:
    assert search(question) == []


def test_a_forecourt_asking_about_theft_gets_drive_off_advice_first() -> None:
    assert search("theft", sector="forecourt")[0].article.id == "fuel-drive-offs"
    assert search("how do i stop theft", sector="forecourt")[0].article.id == "fuel-drive-offs"
    assert search("how do i stop theft", sector="retail")[0].article.id == "shop-theft-prevention"


def test_a_pub_asking_about_walk_outs_gets_dine_and_dash_first() -> None:
    assert search("people leaving without paying", sector="licensed")[0].article.id == "dine-and-dash"


def test_the_crime_type_entity_is_enough_when_the_words_say_nothing() -> None:
    assert search("any advice?") == []
    assert search("any advice?", crime_type="burglary")[0].article.id == "shutters-locks-and-alarms"


def test_the_crime_type_entity_reorders_matching_articles() -> None:
    plain = [r.article.id for r in search("what should i do about the cctv", limit=5)]
    hinted = [r.article.id for r in search("what should i do about the cctv", crime_type="burglary", limit=5)]
    assert plain and hinted
    assert hinted.index("after-a-break-in") < (plain.index("after-a-break-in") if "after-a-break-in" in plain else 99)


def test_season_brings_seasonal_advice_forward() -> None:
    assert search("busy period shop theft", season="christmas")[0].article.id == "christmas-crime-prevention"
    assert search("shop theft")[0].article.id == "shop-theft-prevention"


def test_prevention_and_aftermath_questions_differ() -> None:
    assert search("how do i stop break ins")[0].article.id == "shutters-locks-and-alarms"
    assert search("we were broken into last night")[0].article.id == "after-a-break-in"


def test_results_are_limited_ranked_and_explained() -> None:
    results = search("phishing email", limit=2)
    assert len(results) == 2
    assert results[0].score >= results[1].score
    assert results[0].article.id == "phishing-emails-and-texts"
    assert "phish" in results[0].matched
    assert search("phishing email", limit=0) == []


def test_unknown_hints_are_ignored_not_fatal() -> None:
    assert search("drive offs", sector="spaceport", crime_type="piracy", season="monsoon")[0].article.id == "fuel-drive-offs"


@pytest.mark.parametrize(
    ("crime_type", "sector", "first"),
    [
        ("shop_theft", None, "shop-theft-prevention"),
        ("making_off_without_payment", None, "fuel-drive-offs"),
        ("making_off_without_payment", "forecourt", "fuel-drive-offs"),
        ("making_off_without_payment", "hospitality", "dine-and-dash"),
        ("criminal_damage", None, "graffiti-and-vandalism"),
        ("burglary", None, "shutters-locks-and-alarms"),
        ("robbery", None, "robbery-prevention"),
        ("violence_against_staff", None, "staff-safety-and-conflict"),
        ("fraud", None, "invoice-and-mandate-fraud"),
        ("cyber_crime", None, "cyber-essentials-and-basics"),
    ],
)
def test_after_a_report_the_advice_matches_its_crime_type(crime_type: str, sector: str | None, first: str) -> None:
    articles = for_crime_type(crime_type, sector)
    assert articles[0].id == first
    assert all(crime_type in a.topics for a in articles)


def test_for_crime_type_puts_other_sectors_last_and_ignores_unknown_types() -> None:
    ids = [a.id for a in for_crime_type("shop_theft", "licensed")]
    assert "shop-theft-prevention" in ids
    assert for_crime_type("piracy") == []


def test_topics_menu_fits_in_eight_buttons_and_follows_the_sector() -> None:
    menu = topics_menu()
    assert 1 <= len(menu) <= 8
    assert menu[0] == ("shop_theft", "Shop theft")
    assert topics_menu("forecourt")[0][0] == "making_off_without_payment"
    assert topics_menu("rural")[0][0] == "rural"
    for sector in (None, "retail", "licensed", "forecourt", "rural", "office", "hospitality"):
        for code, _label in topics_menu(sector):
            assert by_topic(code, sector), (sector, code)


def test_get_returns_an_article_or_none() -> None:
    article = get("ransomware")
    assert article is not None and article.title.startswith("Ransomware")
    assert get("no-such-article") is None
    assert [a.id for a in default_library().related(article)][:1] == ["backups"]
