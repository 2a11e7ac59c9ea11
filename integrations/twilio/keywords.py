"""Carrier words: the messages that belong to the carrier, not to the dialogue.

On SMS, Twilio (as the carrier) acts on a message that is exactly one of these words before bizwatch
hears it: an opt-out word blocks every further message from our number to that phone (sending then
fails with 21610) and Twilio answers with its own confirmation; an opt-in word lifts the block;
HELP and INFO get the help text. bizwatch mirrors this before the engine sees the message, so STOP
is never taken as an answer or as "cancel this report", whatever conversation is under way.

Twilio matches only a message that is the word alone ("stop it please" stops nothing), in any case,
with spaces around it ignored. bizwatch also ignores punctuation around it ("Stop." or "STOP!"
opt out here): erring towards honouring an opt-out is the safe side.

YES is one of Twilio's default opt-in words, and it is an everyday answer ("yes, there is CCTV"). An
opt-in word only means something from a number that has opted out (nobody else is blocked), so for
everyone else YES, START and UNSTOP are ordinary messages for the dialogue.
"""

from __future__ import annotations

import re
from enum import Enum

OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "END", "QUIT", "CANCEL", "REVOKE", "OPTOUT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_WORDS = frozenset({"HELP", "INFO"})
CARRIER_WORDS = OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS

# What someone gets for HELP or INFO: the service, how to report, the emergency number, how to stop.
# One GSM-7 segment (a test holds it to that).
HELP_TEXT = ("bizwatch reports business crime to the police. Text what happened to report it, or reply to carry "
             "on. Emergency: call 999. To stop all texts, text STOP.")

_SURROUNDING = re.compile(r"^[\W_]+|[\W_]+$")


class Keyword(str, Enum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"


def carrier_word(body: str) -> str | None:
    """The carrier word a whole message is (upper case), or None: "  Stop! " -> "STOP"."""
    word = _SURROUNDING.sub("", body.strip()).upper()
    return word if word in CARRIER_WORDS else None


def keyword_of(word: str) -> Keyword:
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT
    if word in OPT_IN_WORDS:
        return Keyword.OPT_IN
    return Keyword.HELP
