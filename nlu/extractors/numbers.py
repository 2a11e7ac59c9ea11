"""English number words ("two hundred and fifty") to integers, for money amounts."""

from __future__ import annotations

UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "couple": 2,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
        "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1000, "grand": 1000, "k": 1000, "million": 1_000_000}

# Regex alternation of every number word (longest first so "seventeen" beats "seven").
NUMBER_WORD_PATTERN = "|".join(sorted([*UNITS, *TENS, "hundred", "thousand", "million"],
                                      key=len, reverse=True))


def words_to_number(words: str) -> int | None:
    """``"two hundred and fifty"`` -> 250; None if the words are not a number."""
    tokens = [t for t in words.lower().replace("-", " ").split() if t not in ("and", "of")]
    if len(tokens) > 1 and tokens[0] in ("a", "an"):
        tokens = tokens[1:]  # "a hundred", "a couple of hundred"
    if not tokens:
        return None
    total, current, seen = 0, 0, False
    for token in tokens:
        if token in UNITS:
            current += UNITS[token]
        elif token in TENS:
            current += TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in ("thousand", "million"):
            total += (current or 1) * SCALES[token]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None
