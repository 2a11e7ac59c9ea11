"""Text features for the linear models: word n-grams, character n-grams inside word boundaries,
and named regex flags.

The n-gram analyzers make exactly the features scikit-learn's ``TfidfVectorizer`` makes with
``analyzer="word"`` (``ngram_range``, ``token_pattern``) and ``analyzer="char_wb"``, but they are
our own objects: training hands them to scikit-learn as callables, and a trained model pickles
them, so parsing with a cached model needs neither scikit-learn nor the analyzers it would build.
"""

from __future__ import annotations

import re

_WHITE_SPACES = re.compile(r"\s\s+")


class WordNgrams:
    """Word n-grams of lower-cased text, tokens found by ``pattern`` (scikit-learn's word analyzer)."""

    def __init__(self, pattern: str, ngram_range: tuple[int, int] = (1, 1)):
        self.pattern = re.compile(pattern)
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        return word_ngrams(self.pattern.findall(text.lower()), self.ngram_range)


class CharNgrams:
    """Character n-grams inside word boundaries, each word padded with a space at both ends
    (scikit-learn's ``char_wb`` analyzer)."""

    def __init__(self, ngram_range: tuple[int, int] = (2, 5)):
        self.ngram_range = ngram_range

    def __call__(self, text: str) -> list[str]:
        grams: list[str] = []
        for word in _WHITE_SPACES.sub(" ", text.lower()).split():
            grams.extend(char_ngrams(word, self.ngram_range))
        return grams


def word_ngrams(tokens: list[str], ngram_range: tuple[int, int]) -> list[str]:
    """The tokens' n-grams for n in ``ngram_range``, unigrams first, in scikit-learn's order."""
    low, high = ngram_range
    grams = list(tokens) if low == 1 else []
    for n in range(max(low, 2), min(high, len(tokens)) + 1):
        grams.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return grams


def char_ngrams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """N-grams of `` word `` (a word shorter than n gives itself once, then no longer n-grams)."""
    padded = f" {word} "
    grams: list[str] = []
    for n in range(ngram_range[0], ngram_range[1] + 1):
        if len(padded) <= n:
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(len(padded) - n + 1))
    return grams


class RegexFlags:
    """Names of the regex groups (any pattern of the group) that match the text; the way Rasa's
    RegexFeaturizer turns the ``regex:`` sections of the training data into features."""

    def __init__(self, groups: dict[str, list[str]]):
        self.names = sorted(groups)
        self.compiled = [re.compile("|".join(f"(?:{p})" for p in groups[n]), re.IGNORECASE) for n in self.names]

    def __call__(self, text: str) -> list[str]:
        return [name for name, rx in zip(self.names, self.compiled) if rx.search(text)]
