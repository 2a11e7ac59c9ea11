"""Small text helpers shared by the extractors.

Extractors match on a *cleaned* copy of the message that has exactly the same length as the
original (control characters and odd spaces become plain spaces, curly quotes become straight
ones), so every character offset found in the copy is valid in the original text.
"""

from __future__ import annotations

import re

_TRANSLATE = {ord(c): " " for c in "\u00a0\u2007\u202f\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000"}
_TRANSLATE.update({ord("\u2019"): "'", ord("\u2018"): "'", ord("\u201c"): '"', ord("\u201d"): '"',
                   ord("\u2013"): "-", ord("\u2014"): "-", ord("\uff0f"): "/"})
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2028\u2029\ufeff]")


def clean(text: str) -> str:
    """``text`` with control characters and unusual spaces/quotes replaced one-for-one."""
    return _CONTROL.sub(" ", text.translate(_TRANSLATE))
