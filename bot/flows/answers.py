"""Reading short answers the way people type them: yes/no, skip, don't know, durations, offsets."""

from __future__ import annotations

import re

from nlu.extractors.numbers import words_to_number

YES = {"yes", "y", "yeah", "yea", "yep", "yup", "aye", "sure", "ok", "okay", "correct", "right", "true",
       "definitely", "course", "of course", "it does", "it is", "they do", "i would", "yes please", "👍"}
NO = {"no", "n", "nope", "nah", "na", "not", "none", "never", "no thanks", "no thank you", "it doesn't",
      "it does not", "it isn't", "i wouldn't", "negative", "👎"}
UNKNOWN = {"not sure", "unsure", "don't know", "dont know", "do not know", "dunno", "idk", "no idea",
           "not known", "unknown", "don't remember", "can't remember", "cant remember", "maybe", "possibly",
           "dont no", "dno", "?"}
# Words that mean "move on without answering" at any question. "no", "none" and "nothing" are
# answers ("no witnesses", "nothing taken"), so each question reads those itself.
SKIP = {"skip", "pass", "next", "skip it", "skip this", "skip that", "skp", "n/a", "pass on that", "next question"}
DONE = {"done", "finished", "that's all", "thats all", "that is all", "that's it", "thats it", "nothing else",
        "nothing more", "nothing to add", "no more", "all done", "no", "nope", "nah", "none", "next"}
LATER = {"later", "send later", "i'll send it later", "ill send it later", "not now", "another time", "send it later",
         "will send later", "i'll send later", "ill send later", "later on", "l8r", "tomorrow"}

def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation at the ends and extra spaces removed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .!,;:-")


def yes_no(text: str) -> bool | None:
    """True, False, or None when the answer is "don't know" or not a yes/no at all."""
    words = normalise(text)
    if words in UNKNOWN:
        return None
    if words in YES or re.match(r"^(yes|yeah|yep|yup|y)\b", words):
        return True
    if words in NO or re.match(r"^(no|nope|nah|n)\b", words):
        return False
    return None


def is_unknown(text: str) -> bool:
    return normalise(text) in UNKNOWN


def is_skip(text: str) -> bool:
    return normalise(text) in SKIP


def is_done(text: str) -> bool:
    """"that's all", "done", "nothing else": the end of a list or a long answer."""
    return normalise(text) in DONE


def is_later(text: str) -> bool:
    return normalise(text) in LATER


def leading_count(text: str) -> int | None:
    """How many people a description starts with: "2 lads", "two men", "a woman" -> 2, 2, 1."""
    match = re.match(r"^(\d{1,2}|[a-z]+)\b", normalise(text))
    if not match:
        return None
    word = match.group(1)
    return int(word) if word.isdigit() else words_to_number(word)


def _amount(token: str) -> float | None:
    """A count in a duration: "7", "a", "two", "a couple of", "half an"."""
    token = re.sub(r"^(?:a\s+)?(couple|few)(?:\s+of)?$", r"\1", token.strip())
    if re.fullmatch(r"\d+(\.\d+)?", token):
        return float(token)
    if token.startswith("half"):
        return 0.5
    if token in ("few", "several"):
        return 3
    return words_to_number(token)


_DURATION = re.compile(
    r"(?P<n>\d+(?:\.\d+)?|a couple of|a few|half an|half a|an|a|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|couple|few|several)\s*"
    r"(?P<unit>min(?:ute)?s?|hrs?|hours?|h|days?|d|weeks?|wks?|w|months?|mths?)\b"
)
_MINUTES = {"mi": 1, "h": 60, "d": 1440, "w": 10080, "mo": 43200, "mt": 43200}


def _unit_key(unit: str) -> str:
    if unit.startswith("min"):
        return "mi"
    if unit.startswith(("mo", "mth")):
        return "mo"
    return unit[0]


def duration_days(text: str) -> int | None:
    """Days until CCTV is overwritten: "7 days" -> 7, "48 hours" -> 2, "a month" -> 30, "2 weeks" -> 14."""
    match = _DURATION.search(normalise(text))
    if not match:
        bare = re.fullmatch(r"(\d{1,3})", normalise(text))
        return int(bare.group(1)) if bare else None
    count = _amount(match.group("n"))
    if count is None:
        return None
    minutes = count * _MINUTES[_unit_key(match.group("unit"))]
    return max(1, round(minutes / 1440)) if minutes >= 60 * 12 else max(0, round(minutes / 1440))


def clock_offset_minutes(text: str) -> int | None:
    """How far the CCTV clock is out: "5 minutes fast" -> 5, "an hour slow" -> -60, "it's right" -> 0.

    Positive means the CCTV clock shows a later time than the real one. Returns None when the
    answer does not say (the caller then asks again or records "don't know").
    """
    words = normalise(text)
    if re.search(r"\b(right|correct|accurate|spot on|fine|ok|okay|bang on|exact|yes)\b", words) and not re.search(
        r"\b(fast|slow|ahead|behind|out|off|wrong)\b", words
    ):
        return 0
    match = _DURATION.search(words)
    if not match:
        return None
    count = _amount(match.group("n"))
    unit = _unit_key(match.group("unit"))
    if count is None or unit not in ("mi", "h"):
        return None
    minutes = round(count * _MINUTES[unit])
    if re.search(r"\b(slow|behind)\b", words):
        return -minutes
    if re.search(r"\b(fast|ahead|forward)\b", words):
        return minutes
    return None


def truncate(text: str, limit: int) -> str:
    """At most ``limit`` characters; "..." rather than "…", which would make an SMS UCS-2 (70 a segment)."""
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."
