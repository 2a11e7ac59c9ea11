"""Word forms: one stem for the forms of a word, so "robbing", "robbed", "robber" and "rob" look
alike to the crime-type gazetteer and classifier, and so do "broke", "broken" and "breaking".

A light stemmer of our own rather than a full one: a table of the irregular verbs people use to
tell a crime (broke, stole, ran, took, threw ...), then a few suffix rules (-ies, -ing, -ed, -er,
-es, -s, a doubled last consonant, a final e). Stems need not be words ("damaging" and "damage"
both give "damag"); they only need to be the same for the forms of one word. The same function
builds the training features and reads messages, so a rule change only needs a retrain (the
model cache key covers this file).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

_IRREGULAR = {
    "broke": "break", "broken": "break", "stole": "steal", "stolen": "steal", "ran": "run", "took": "take",
    "taken": "take", "threw": "throw", "thrown": "throw", "spat": "spit", "drove": "drive", "driven": "drive",
    "went": "go", "gone": "go", "left": "leave", "got": "get", "gotten": "get", "paid": "pay", "beaten": "beat",
    "fought": "fight", "caught": "catch", "bought": "buy", "brought": "bring", "kept": "keep", "hid": "hide",
    "hidden": "hide", "held": "hold", "stuck": "stick", "struck": "strike", "shot": "shoot", "swore": "swear",
    "sworn": "swear", "tore": "tear", "torn": "tear", "came": "come", "ate": "eat", "eaten": "eat", "sped": "speed",
    "fled": "flee", "bit": "bite", "bitten": "bite", "made": "make", "said": "say", "told": "tell", "sold": "sell",
    "fuelled": "fuel", "thieves": "thief", "knives": "knife", "men": "man", "women": "woman", "children": "child",
}
_DOUBLED = re.compile(r"([bdgmnprt])\1$")
_VOWEL = re.compile(r"[aeiouy]")
# A word: letters and digits (and "£"), with an apostrophe inside ("didn't", "nick's").
TOKEN = re.compile(r"(?:[^\W_]|£)+(?:'(?:[^\W_])+)*")


def tokens(text: str) -> Iterator[re.Match]:
    """The words of ``text`` (apostrophes must already be straight: see ``nlu.extractors.text.clean``)."""
    return TOKEN.finditer(text)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of one lower-case word; words with digits or under four letters are kept as they are."""
    word = _IRREGULAR.get(word, word)
    if len(word) < 4 or not word.isalpha():
        return word
    for suffix, replacement, shortest in (("ies", "y", 2), ("ied", "y", 2), ("ing", "", 3), ("ed", "", 3),
                                          ("ers", "", 4), ("er", "", 4), ("es", "", 3), ("s", "", 3)):
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        if len(base) < shortest or not _VOWEL.search(base):
            continue
        if suffix == "es" and not base.endswith(("sh", "ch", "x", "ss", "z")):
            continue  # "shoes", "damages": only the "s" goes (below)
        if suffix == "s" and word.endswith(("ss", "us", "is")):
            break
        if suffix in ("ing", "ed", "ers", "er"):
            base = _DOUBLED.sub(r"\1", base)
        word = base + replacement
        break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word
