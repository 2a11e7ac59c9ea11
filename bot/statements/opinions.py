"""Opinions on sentence, which an Impact Statement for Business must not contain (Victims' Code).

The court decides the sentence; the statement is about the impact. A view on punishment is a
wish or a judgement about what should happen to the offender ("he should go to prison", "I want
him banned", "lock him up"), so a punishment word counts only with such a wish before it in the
same sentence, or as an order or a bare demand. Facts that mention punishment ("we banned him
from the shop", "he has been to prison before") are impact and history, and are kept.
"""

from __future__ import annotations

import re

from bot.flows.answers import normalise

_WHO = r"(?:him|her|them|'em|em|he|she|they|this (?:man|woman|lad|person|guy)|the (?:offender|thief|culprit))"
PUNISHMENT = (
    r"(?:prison|jail|gaol|(?:be|get|gets|getting|got) locked (?:up|away)|lock(?:ing)? (?:him|her|them|'em|em) up"
    r"|behind bars|(?:be|put|sent|kept|go) inside"
    r"|custody|custodial|sentenced?|sentencing|banned|banning|a (?:life(?:time)? |long |total )?ban"
    r"|ban (?:him|her|them)"
    r"|criminal behaviour order|cbo|asbo|tagged|an? (?:electronic )?tag|curfew|community (?:service|order|sentence)"
    r"|unpaid work|fined|an? (?:big |heavy |hefty |massive )?fine|punish(?:ed|ment)?|the book thrown|the maximum"
    r"|maximum sentence|harshest|deported|put away|sent down|send (?:\w+ )?down|strung up|hanged|flogged|let off"
    r"|walk free|get away with (?:a|just a) (?:caution|warning|fine)|a slap on the wrist|made an example of"
    r"|an example (?:made )?of)"
)
WISH = (
    r"(?:should|shud|shld|ought|must|need(?:s|ed)? to|needs|deserve[sd]?|want|wants|wanted|wish|hope|i'?d like|"
    r"would like|id like|give|make|get|gets|i'?d love|i'?d rather|better not|shouldn'?t|don'?t want|do not want|"
    r"should not|must not)"
)
_OPINION = re.compile(
    rf"\b{WISH}\b[^.!?;\n]{{0,45}}?\b{PUNISHMENT}\b"
    rf"|(?:^|[.!?;\n]\s*)(?:just |please |so |and )?(?:lock|jail|ban|send|put|throw|string|bang) {_WHO}\b"
    rf"|\bthrow (?:the book|away the key)\b|\bmake an example of\b|\bneeds? (?:locking|banning|jailing|putting away)\b"
    rf"|\bdeserves? (?:everything|all|whatever|what) (?:he|she|they|s?he) gets?\b"
    rf"|^(?:a |an |the )?(?:prison|jail|ban|life ban|lifetime ban|custodial sentence|prison sentence|jail time"
    rf"|maximum sentence|community service|a fine)(?: for (?:him|her|them))?$"
)


def sentence_opinion(text: str) -> bool:
    """Does ``text`` give a view on what sentence or punishment the offender should get?"""
    return bool(_OPINION.search(normalise(text)))
