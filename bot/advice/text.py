"""Turning advice text and shopkeepers' questions into comparable terms.

Questions arrive from phones mid-shift: lower case, slang ("nicking"), abbreviations ("ppl",
"2fa") and typos. A light stemmer, a small synonym table and a stop-word list are enough for a
library of a few dozen articles, and keep search explainable and dependency-free.
"""

from __future__ import annotations

import re

from bot.advice.vocabulary import PHRASES, SYNONYMS

_PHRASES = [(re.compile(rf"\b(?:{pattern})\b"), replacement) for pattern, replacement in PHRASES]
_WORD = re.compile(r"[a-z0-9£]+(?:['’][a-z]+)?")

#: Words that carry no topic: function words, and the "how do I stop..." frame every question has.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be been before being below
    between both but by can cant could did didnt do does doesnt doing dont down during each few for
    from further had has have having he her here hers him his how i if im in into is isnt it its
    itself ive just me more most my myself no nor not now of off on once only or other our ours out
    over own same she should so some such than that thats the their theirs them then there these they
    this those through to too under until up very was we were what whats when where which while who
    whom why will with would you your yours yourself youre
    tip tips advice advise help helps please pls stop stopping prevent prevention preventing avoid
    deal dealing handle best way ways keep keeps kept happening happen happens happened thing things
    need needs want wants get gets getting got go going anything something someone somebody anyone
    day days week weeks
    people guy guys lot lots really much many also still ever again us
    hi hello hey thanks thank ok okay im
    """.split()
)

#: Final consonants that are doubled before -ing/-ed ("robbed", "stopping") and can be undoubled.
_UNDOUBLE = set("bdgkmnprt")


def stem(word: str) -> str:
    """A deliberately small English stemmer (plural, -ing, -ed, -er, final e).

    Consistency matters more than linguistics: "damaged", "damage" and "damages" must meet.
    """
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ches", "shes", "xes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed", "er"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] in _UNDOUBLE:
                word = word[:-1]
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Lower-case words of ``text``, apostrophes dropped ("shop's" -> "shops")."""
    return [w.replace("'", "").replace("’", "") for w in _WORD.findall(text.lower())]


def rewrite_phrases(text: str) -> str:
    """Replace multi-word expressions ("broken into", "drive off") with one canonical word."""
    text = text.lower()
    for pattern, replacement in _PHRASES:
        text = pattern.sub(replacement, text)
    return text


def normalise(word: str) -> str:
    """Map slang, abbreviations and known misspellings to the words articles use."""
    return SYNONYMS.get(word, word)


def terms(text: str) -> list[str]:
    """Index terms for article text: the same mapping as questions get, then stemmed.

    Synonyms apply to articles too, so "robbed" in a question and "robbery" in an article meet.
    """
    return [stem(w) for w in query_words(text)]


def query_words(text: str) -> list[str]:
    """Words of a question after synonym mapping and stop-word removal, not yet stemmed."""
    out = []
    for word in words(rewrite_phrases(text)):
        for part in normalise(word).split():
            if part not in STOPWORDS:
                out.append(part)
    return out
