"""Words that work on every turn whatever the question: help, cancel, back, start again, change.

Only short messages count as commands, so a description such as "he tried to cancel the card
payment" is taken as an answer, not as "cancel".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.flows.answers import normalise

MAX_COMMAND_LENGTH = 40

_COMMANDS = [
    ("help", r"(?:help|\?|what do i do|what do i say|how does this work|instructions)"),
    # "delete" is the word SMS users are given (there "cancel" and "stop" belong to the carrier).
    ("cancel", r"(?:cancel|cancel (?:it|this|that|the report|my report|report)|stop|quit|abort|exit|forget it"
               r"|delete|delete (?:it|this|that|the report|my report|report)|scrap it|bin it)"),
    ("back", r"(?:back|go back|previous|undo|back one|last question)"),
    ("restart", r"(?:start again|start over|restart|begin again|start from the beginning|new report)"),
    ("resume", r"(?:carry on|continue|resume|keep going|go on|carry on with my report)"),
    ("menu", r"(?:menu|main menu|home|options)"),
]
_CHANGE = re.compile(
    r"^(?:(?:change|edit|correct|fix|update|amend)\s*(?P<part>.*)|(?:the\s+)?(?P<wrong>.+?)\s+(?:is|was|are)\s+wrong)$"
)


@dataclass(frozen=True)
class Command:
    name: str
    argument: str = ""


def parse_command(text: str) -> Command | None:
    """The global command in ``text``, if the whole (short) message is one."""
    words = normalise(text)
    if not words or len(words) > MAX_COMMAND_LENGTH:
        return None
    for name, pattern in _COMMANDS:
        if re.fullmatch(pattern, words):
            return Command(name)
    match = _CHANGE.match(words)
    if match:
        part = (match.group("part") or match.group("wrong") or "").strip()
        part = re.sub(r"^(?:the|my|our)\s+", "", part)
        return Command("change", "" if part in ("something", "it", "that", "an answer", "") else part)
    return None
