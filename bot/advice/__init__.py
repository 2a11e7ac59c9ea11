"""Prevention advice: the article library, its schema check and search.

The conversation (``bot.flows.advice``) and report follow-ups use this package through the names
below; the articles themselves live in ``advice_content/articles`` as Markdown with front matter.
"""

from bot.advice.articles import Article, ArticleFormatError, Source, load_articles
from bot.advice.check import Problem, check_articles
from bot.advice.library import (
    AdviceLibrary,
    Candidate,
    ScoredArticle,
    by_topic,
    default_library,
    for_crime_type,
    get,
    search,
    topics_menu,
)

__all__ = [
    "AdviceLibrary",
    "Article",
    "ArticleFormatError",
    "Candidate",
    "Problem",
    "ScoredArticle",
    "Source",
    "by_topic",
    "check_articles",
    "default_library",
    "for_crime_type",
    "get",
    "load_articles",
    "search",
    "topics_menu",
]
