"""bizwatch report references: short, unambiguous, with a check character.

Format ``BW-XXXX-XXXC``: seven random characters and one check character from an alphabet
without 0/O/1/I, so a reference read over the phone or typed on a till keypad is hard to get
wrong, and a single mistyped character or swapped neighbours are caught (Luhn mod N).
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY_LENGTH = 7
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# Accepts the canonical form and the usual ways people retype it: lower case, spaces or no dashes.
REFERENCE_PATTERN = re.compile(
    r"\bBW[\s-]?([2-9A-HJ-NP-Z]{4})[\s-]?([2-9A-HJ-NP-Z]{4})\b", re.IGNORECASE
)


def check_character(body: str) -> str:
    """Luhn mod 32 check character for ``body`` (characters from ALPHABET)."""
    factor, total, n = 2, 0, len(ALPHABET)
    for char in reversed(body):
        addend = factor * _INDEX[char]
        factor = 1 if factor == 2 else 2
        total += addend // n + addend % n
    return ALPHABET[(n - total % n) % n]


def new_reference() -> str:
    """A fresh random reference (uniqueness is the caller's database constraint)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_reference(body + check_character(body))


def format_reference(chars: str) -> str:
    return f"BW-{chars[:4]}-{chars[4:]}"


REFERENCE_LENGTH = BODY_LENGTH + 1  # characters after "BW"
# Anything shaped like a reference, including characters a reference never has (0, O, 1, I) and one
# character too few or too many, so a mistyped one can be pointed out instead of silently not matching.
_LOOSE_PATTERN = re.compile(r"\bBW[\s-]?([0-9A-Z]{3,5})(?:[\s-]?([0-9A-Z]{3,5}))?\b", re.IGNORECASE)


def mistyped_reference(text: str) -> str | None:
    """A reference-shaped string in ``text`` with a wrong character, check character or length, as typed."""
    for match in _LOOSE_PATTERN.finditer(text.strip()):
        chars = "".join(group for group in match.groups() if group).upper()
        if len(chars) == REFERENCE_LENGTH and not normalise_reference(match.group(0)):
            return format_reference(chars)
        # A character missing or one too many; a digit, so "bw stores" is not taken for one.
        if abs(len(chars) - REFERENCE_LENGTH) == 1 and re.search(r"\d", chars):
            return format_reference(chars)
    return None


def reference_mistake(typed: str) -> str:
    """What is wrong with a reference ``mistyped_reference`` found, in a few words for the user."""
    count = len(typed.replace("-", "")) - len("BW")
    if count != REFERENCE_LENGTH:
        return f"it has {count} characters after BW, and references have {REFERENCE_LENGTH}"
    return "one of its characters may be mistyped"


def normalise_reference(text: str) -> str | None:
    """The canonical reference in ``text`` if it is one with a correct check character."""
    match = REFERENCE_PATTERN.search(text.strip())
    if not match:
        return None
    chars = (match.group(1) + match.group(2)).upper()
    if check_character(chars[:-1]) != chars[-1]:
        return None
    return format_reference(chars)
