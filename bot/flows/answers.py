"""Reading short answers the way people type them: yes/no, skip, don't know, durations, offsets."""

from __future__ import annotations

import re
from enum import Enum

from nlu.extractors.numbers import words_to_number

YES = {"yes", "y", "yeah", "yea", "yep", "yup", "ya", "yah", "yh", "yeh", "ye", "aye", "sure", "ok", "okay", "correct", "right", "true",
       "definitely", "course", "of course", "it does", "it is", "they do", "i would", "yes please", "👍"}
NO = {"no", "n", "nope", "nah", "na", "not", "none", "never", "no thanks", "no thank you", "it doesn't",
      "it does not", "it isn't", "i wouldn't", "negative", "👎"}
class NoAnswer(Enum):
    """What a message that answers nothing means. Whichever it is, it is never kept as the answer."""

    SKIP = "skip"  # "skip pls", "pass", "next": move on without answering
    UNKNOWN = "unknown"  # "dunno", "no clue", "not sure"
    NONE = "none"  # "no", "none", "nothing", "nah": there is nothing to tell
    DONE = "done"  # "that's all", "done", "nothing else": nothing more to add
    LATER = "later"  # "later", "not now", "l8r": not yet


# Words around a no-answer that change nothing ("skip please", "sorry, no idea mate", "nothing at all").
_COURTESY = re.compile(r"\b(?:please|pls|plz|plse|thanks|thank you|thankyou|thx|ty|ta|cheers|sorry|soz|mate|tbh|"
                       r"to be honest|honestly|afraid|really|just|for now|at all|sadly|oh|um+|erm*|er|hmm+|well|lol|"
                       r"ok|okay|yeah|yea)\b")
_SUBJECT = re.compile(r"^(?:i|we|i'?ve|we'?ve|i have|we have|i'?m|im|i am|we'?re|we are)\s+")
_NONE = re.compile(r"no|nope|nah|na|naa|none|nothing|nil|nobody|no ?one|no-one|not any")
_NO_ANSWERS = (
    (NoAnswer.SKIP, re.compile(
        r"(?:skip|skp|skipp|pass|next|move on|n/a|not applicable|rather not say|prefer not to say)"
        r"(?: (?:it|this|that|this one|that one|(?:this |the |that )?question|on that|on this))?")),
    (NoAnswer.UNKNOWN, re.compile(
        r"(?:do ?n'?t|do not|did ?n'?t|did not) (?:know|kno|knw|no|remember|recall)"
        r"|(?:no|not a|not any|haven'?t a|have not a) (?:idea|clue|ide)"
        r"|(?:can'?t|cannot|couldn'?t) (?:remember|recall|say|tell)"
        r"|not ?sure|unsure|dunno|dno|idk|dk|god knows|who knows|not known|unknown|maybe|possibly|\?+")),
    (NoAnswer.DONE, re.compile(
        r"done|finished|all done|that'?s (?:all|it|everything)|that is (?:all|it)|nothing (?:else|more|to add)|no more"
        r"|that'?ll do")),
    (NoAnswer.LATER, re.compile(
        r"(?:(?:i'?ll|ill|i will|will|can i) )?(?:send (?:it |that |them )?|do (?:it |that )?|get (?:it |that )?)?"
        r"(?:later(?: on)?|l8r|tomorrow|another time)|not (?:right )?now|not yet")),
    (NoAnswer.NONE, _NONE),
)

# Hesitation and reaction, which answer no question: "hmm", "wait", "what?", "noo", "hang on", "oops".
_FILLER_WORD = re.compile(r"h+m+|u+m+|e+r+m*|u+h+|huh|e+h+|wha+t|wot|wat|wait|oops|whoops|sorry|soz|ok|okay|oh+|a+h+"
                          r"|actually|hang|hold|on|one|sec|lol|pardon|y+e+s+|yeah|yep|no+|nah+|nope|so|well|but|\?+")


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, punctuation at the ends and extra spaces removed."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    text = re.sub(r"\s+", " ", text)
    return text.strip(" .!,;:-")


def no_answer(text: str) -> NoAnswer | None:
    """The one reading of "skip", "don't know", "none", "that's all" and "later", however typed.

    People add courtesies and typos ("skip pls", "sorry no idea", "i dont no") or say two at once
    ("nah, that's all"): those are taken off before matching, so a question never stores them as
    the answer. A message that says anything more ("no one saw, I was in the back") gets None.
    """
    words = _COURTESY.sub(" ", normalise(text))
    kinds = [_no_answer_clause(clause) for clause in re.split(r"[,.;!]+", words) if clause.strip()]
    return kinds[-1] if kinds and None not in kinds else None


def _no_answer_clause(words: str) -> NoAnswer | None:
    words = _SUBJECT.sub("", re.sub(r"\s+", " ", words).strip(" -:"))
    while words:
        for kind, pattern in _NO_ANSWERS:
            if pattern.fullmatch(words):
                return kind
        # "nah nothing", "no that's all", "nope dunno": a leading no says no more than what follows.
        lead, _, words = words.partition(" ")
        if not _NONE.fullmatch(lead):
            return None
    return None


def is_filler(text: str) -> bool:
    """Nothing that could be an answer: hesitation ("hmm", "wait", "what?"), a bare yes or no, or "skip".

    So a question that takes any words (a business name) does not keep "hmm" as its answer.
    """
    if no_answer(text) is not None:
        return True
    return all(_FILLER_WORD.fullmatch(word) for word in re.findall(r"[\w']+|\?+", normalise(text)))


def yes_no(text: str) -> bool | None:
    """True, False, or None when the answer is "don't know" or not a yes/no at all."""
    words = normalise(text)
    if is_unknown(text):
        return None
    if words in YES or re.match(r"^(yes|yeah|yep|yup|y)\b", words):
        return True
    if words in NO or re.match(r"^(no+|nope|nah+|n)\b", words):
        return False
    return None


def is_unknown(text: str) -> bool:
    return no_answer(text) is NoAnswer.UNKNOWN


def is_skip(text: str) -> bool:
    return no_answer(text) is NoAnswer.SKIP


def is_done(text: str) -> bool:
    """"that's all", "no", "nothing else", "skip": the end of a list or a long answer."""
    return no_answer(text) in (NoAnswer.DONE, NoAnswer.NONE, NoAnswer.SKIP)


def is_later(text: str) -> bool:
    return no_answer(text) is NoAnswer.LATER


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
