"""Small text helpers shared by the extractors.

Extractors match on a *cleaned* copy of the message that has exactly the same length as the
original (control characters and odd spaces become plain spaces, curly quotes become straight
ones), so every character offset found in the copy is valid in the original text.

The copy is also where the extractors stop: only the first ``MAX_TEXT_CHARS`` characters are
looked at (cut back to a space near the end, so no number or word is cut in two), and entities
past them are not looked for. That bounds what any message can cost, whoever calls an extractor.
"""

from __future__ import annotations

import re

_TRANSLATE = {ord(c): " " for c in "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"}
_TRANSLATE.update({ord("\u2019"): "'", ord("\u2018"): "'", ord("\u201c"): '"', ord("\u201d"): '"',
                   ord("\u2013"): "-", ord("\u2014"): "-", ord("\uff0f"): "/"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\ufeff]")


# How much of a message the interpreter reads, classifiers and extractors alike: a long story pasted
# in one go (about 350 words) fits, and no message costs more than this much text does.
MAX_TEXT_CHARS = 2000
_LAST_SPACE = re.compile(r"\s(?=\S*$)")


def clean(text: str) -> str:
    """The first ``MAX_TEXT_CHARS`` characters of ``text`` with control characters and unusual
    spaces/quotes replaced one-for-one."""
    if len(text) > MAX_TEXT_CHARS:
        cut = _LAST_SPACE.search(text, MAX_TEXT_CHARS - 64, MAX_TEXT_CHARS)
        text = text[:cut.start() if cut else MAX_TEXT_CHARS]
    return _CONTROL.sub(" ", text.translate(_TRANSLATE))
