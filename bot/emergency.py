"""Danger now? Checked on every turn before anything else (THRIVE: call 999, not a chat).

Deterministic patterns come first because a missed emergency is the worst error the service can
make and patterns cannot be retrained away; the interpreter's ``emergency`` intent adds recall
for phrasings the patterns miss, unless the message plainly talks about the past.
"""

from __future__ import annotations

import re

from bot.messages import Button
from nlu.interpreter import ParseResult

_PRESENT_DANGER = [
    r"\bstill\s+(?:here|there|in\s+(?:the\s+)?(?:shop|store|building|premises|car\s*park|office|pub|bar)|"
    r"outside|inside|around|on\s+site|hanging\s+around|about)\b",
    r"\b(?:he|she|they|someone|somebody|he's|she's|they're|hes|shes|theyre|theres|there's)\s+"
    r"(?:is\s+|are\s+)?(?:back|outside\s+now|here\s+now|in\s+the\s+shop\s+now)\b",
    r"\b(?:right\s+now|happening\s+now|as\s+we\s+speak|come\s+quick(?:ly)?|send\s+(?:someone|police|help|an?\s+officer)"
    r"|hurry|danger\s+now|in\s+danger|emergency)\b",
    r"\b(?:help\s+me|help\s+us|please\s+help|sos)\b",
    # "was bleeding" is an injury to record; "is bleeding" / "bleeding badly" is danger now.
    r"(?<!was\s)(?<!were\s)(?<!got\s)\b(?:bleeding|unconscious|not\s+breathing|can'?t\s+breathe|collapsed|"
    r"stabbed|been\s+shot|on\s+fire)\b",
    r"\b(?:is|are|am|'s|'re)\s+(?:badly\s+|seriously\s+)?(?:hurt|injured)\b",
    r"\b(?:attacking|being\s+attacked|beating\s+(?:him|her|me|us|them)|hitting\s+(?:him|her|me|us|them)|"
    r"kicking\s+off|threatening\s+(?:me|us|staff|my)|smashing\s+(?:the|my|our)\s+\w+\s+now)\b",
    r"\b(?:has|got|with)\s+an?\s+(?:knife|gun|machete|weapon|blade)\s+(?:now|here|right)\b",
    r"(?<!\d)999(?!\d)",
]
_PATTERNS = re.compile("|".join(_PRESENT_DANGER), re.IGNORECASE)
_PAST = re.compile(
    r"\b(?:yesterday|last\s+(?:night|week|month|year|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|ago|earlier|this\s+morning|was|were|had|did|happened|stole|took|left)\b",
    re.IGNORECASE,
)

EMERGENCY_TEXT = (
    "Call 999 now. If the person is still there, or anyone is hurt or in danger, you need the police "
    "straight away, not an online report.\n"
    "- Keep yourself and your staff safe: don't try to stop or follow them.\n"
    "- On a mobile, if you can't talk, call 999 and press 55 when asked.\n"
    "- Deaf or speech-impaired? Text 999 if you've registered with emergencySMS."
)
CARRY_ON = Button("Carry on with my report", "carry on")
REPORT_IT = Button("It's over: report it", "report a crime")


def emergency_reply(report_under_way: bool) -> tuple[str, tuple[Button, ...]]:
    """The 999 guidance, ending with the way back once everyone is safe."""
    if report_under_way:
        return f"{EMERGENCY_TEXT}\nWhen everyone is safe, say 'carry on' and we'll finish the report.", (CARRY_ON,)
    return f"{EMERGENCY_TEXT}\nWhen everyone is safe, I can take a report of what happened.", (REPORT_IT,)


SAFETY_LINE = "If anyone is in danger now or the person is still there, call 999."


def danger_now(text: str, parse: ParseResult | None = None) -> str | None:
    """"certain" when the words say danger now, "possible" when only the interpreter thinks so, else None.

    The interpreter flags anything that might be an emergency (it errs towards recall), so its
    word alone is "possible": the engine then gives 999 guidance without throwing away an answer.
    """
    if _PATTERNS.search(text):
        return "certain"
    if parse is None:
        return None
    intent = parse.get("intent") or {}
    if intent.get("name") == "emergency" and not _PAST.search(text):
        return "possible"
    return None
