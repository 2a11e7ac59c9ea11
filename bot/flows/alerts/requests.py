"""What someone asks about their alerts, in their own words: sign up, show, change, pause, resume, stop.

The language model knows "subscribe" and "unsubscribe"; the finer requests ("pause for 2 weeks",
"change my area", "too many alerts") are read from the words here, with misspellings of the key
words ("alrets", "unsuscribe") put right first. The options this conversation offers send fixed
words (``PAYLOADS``) that read back as the request they name, whatever the interpreter makes of them.
"""

from __future__ import annotations

import difflib
import functools
import re
from enum import Enum

from bot.flows.answers import normalise

INTENT_CONFIDENCE = 0.5
STOP_CONFIDENCE = 0.6


class Request(Enum):
    SIGN_UP = "sign_up"
    ANOTHER_NUMBER = "another_number"  # sign up again, to a different phone (a pending one was mistyped)
    SHOW = "show"
    CHANGE = "change"  # which part is not said: show them, with the parts to change
    CHANGE_TOPICS = "change_topics"
    CHANGE_AREA = "change_area"
    CHANGE_SECTOR = "change_sector"
    CHANGE_CAP = "change_cap"
    FEWER = "fewer"  # "too many alerts": fewer a week, or stop
    PAUSE = "pause"
    RESUME = "resume"
    STOP = "stop"
    SEND_AGAIN = "send_again"  # the text to confirm an SMS subscription, once more


# The words each option sends (button payloads): they read back as exactly this request.
PAYLOADS: dict[Request, str] = {
    Request.SIGN_UP: "get crime alerts",
    Request.ANOTHER_NUMBER: "alerts to another number",
    Request.SHOW: "show my alerts",
    Request.CHANGE_TOPICS: "change alert topics",
    Request.CHANGE_AREA: "change alert area",
    Request.CHANGE_SECTOR: "change alert business type",
    Request.CHANGE_CAP: "change how many alerts",
    Request.PAUSE: "pause alerts",
    Request.RESUME: "resume alerts",
    Request.STOP: "stop alerts",
    Request.SEND_AGAIN: "send the alerts text again",
}
_BY_PAYLOAD = {payload: request for request, payload in PAYLOADS.items()}

_KEY_WORDS = ("alerts", "subscribe", "unsubscribe")
# A longer word cannot be 0.8 alike (difflib's ratio) to the longest key word.
_LONGEST_NEAR_MISS = int(max(map(len, _KEY_WORDS)) * 1.5)
MENDED_WORDS = 40
_EXACT = frozenset({*_KEY_WORDS, "alert", "alerting", "alarm", "alarms", "after", "alter", "altered", "subscribed",
                    "unsubscribed", "subscription", "subscriptions", "describe", "subscriber"})
_ALERTS = r"(?:crime |my |the |these |your |all |any |text |email )*(?:alerts?|warnings|notifications|subscriptions?)"
_STOP = re.compile(
    rf"\b(?:unsubscribe|unsub|opt (?:me )?out|stop (?:sending (?:me )?|getting )?{_ALERTS}|no more {_ALERTS}"
    rf"|(?:cancel|end|turn off|switch off|remove me from|take me off) {_ALERTS}|{_ALERTS} off"
    rf"|(?:don'?t|do not) (?:want|need) (?:any )?(?:more )?{_ALERTS})\b")
_PAUSE = re.compile(r"\b(?:pause|paws|mute|snooze|hold off|put on hold|on holiday|a break from|break from)\b")
_RESUME = re.compile(rf"\b(?:resume|unpause|un pause|restart {_ALERTS}|(?:turn|switch|put) {_ALERTS} (?:back )?on"
                     rf"|{_ALERTS} back on|start {_ALERTS} again|start (?:sending )?{_ALERTS}(?: again)?)\b")
_SHOW = re.compile(rf"\b(?:show|see|view|check|list|look at)(?: me)? {_ALERTS}|\bwhat {_ALERTS}"
                   r"|^my (?:crime )?(?:alerts?|subscriptions?)(?: settings| details)?\??$"
                   r"|\b(?:alert|subscription) (?:settings|details)\b|\bam i (?:signed up|subscribed)\b")
_CHANGE = re.compile(r"\b(?:change|edit|update|amend|alter|different)\b")
_FEWER = re.compile(rf"\b(?:fewer|less|too many|so many|too much|once a week|less often|not so often) {_ALERTS}"
                    rf"|{_ALERTS} (?:less often|once a week)")
_PARTS = (
    (Request.CHANGE_TOPICS, re.compile(r"\b(?:topics?|subjects?|what (?:they'?re|it'?s|i get) about|crimes?|types?)\b")),
    (Request.CHANGE_AREA, re.compile(r"\b(?:areas?|postcodes?|district|location|where|town)\b")),
    (Request.CHANGE_SECTOR, re.compile(r"\b(?:business|sector|trade|industry)\b")),
    (Request.CHANGE_CAP, re.compile(r"\b(?:how (?:many|often)|per week|a week|cap|limit|number of|frequency|fewer|less)\b")),
)
_ABOUT_ALERTS = re.compile(rf"{_ALERTS}|\b(?:subscribe|unsubscribe|unsub|sign (?:me )?up|opt (?:me )?(?:in|out)"
                           r"|register)\b")


def _mended(text: str) -> str:
    """``text`` normalised, with near misses of the key words put right ("alrets" -> "alerts").

    Only the first ``MENDED_WORDS`` words: a request about alerts is short, and every turn asks
    (twice), so a long story must not cost a fuzzy match per word inside the turn's transaction.
    """
    words = normalise(text).split()
    return " ".join([*map(_mend, words[:MENDED_WORDS]), *words[MENDED_WORDS:]])


@functools.lru_cache(maxsize=4096)
def _mend(word: str) -> str:
    if not 4 <= len(word) <= _LONGEST_NEAR_MISS or word in _EXACT:
        return word
    close = difflib.get_close_matches(word, _KEY_WORDS, n=1, cutoff=0.8)
    return close[0] if close else word


def read_request(text: str, intent: str | None = None, confidence: float = 0.0,
                 subscribed: bool = False) -> Request | None:
    """The alerts request ``text`` makes (``intent`` is the language model's reading), or None.

    From someone ``subscribed``, "pause for 2 weeks" or "change my area" is about their alerts
    even without the word: nothing else here has an area or can be paused.
    """
    words = _mended(text)
    if words in _BY_PAYLOAD:
        return _BY_PAYLOAD[words]
    about_alerts = bool(_ABOUT_ALERTS.search(words)) or (
        intent in ("subscribe_alerts", "unsubscribe_alerts") and confidence >= INTENT_CONFIDENCE)
    if not about_alerts:
        return _subscriber_request(words) if subscribed else None
    if _PAUSE.search(words):
        return Request.PAUSE
    if _RESUME.search(words):
        return Request.RESUME
    if _FEWER.search(words):
        return Request.FEWER
    if _CHANGE.search(words):
        return _part(words) or Request.CHANGE
    if _SHOW.search(words):
        return Request.SHOW
    if _STOP.search(words) or (intent == "unsubscribe_alerts" and confidence >= STOP_CONFIDENCE):
        return Request.STOP
    return Request.SIGN_UP


def _part(words: str) -> Request | None:
    return next((request for request, pattern in _PARTS if pattern.search(words)), None)


def _subscriber_request(words: str) -> Request | None:
    if _PAUSE.search(words):
        return Request.PAUSE
    if re.match(r"^(?:please )?(?:resume|unpause|un pause)\b", words):
        return Request.RESUME
    if re.match(r"^(?:please )?(?:can i |i want to |i'd like to )?(?:change|edit|update|amend)\b", words):
        return _part(words)
    return None
