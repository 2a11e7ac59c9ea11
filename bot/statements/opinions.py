"""Opinions on sentence, which an Impact Statement for Business must not contain (Victims' Code).

The court decides the sentence; the statement is about the impact. A view on punishment is a wish
or a judgement about what should happen to the offender ("he should be jailed", "a ban for him would
be good", "hang him", "a fine isn't enough"). Facts that mention punishment ("we had to ban him from
the shop", "he has been to prison before", "we fined the supplier") are impact and history, and are
kept. So a punishment counts only when it is:

- wished for in the same clause ("should", "need", "deserves", "want", "hope", "I'd be happy if" ...);
- ordered ("lock him up", "send the lot of them to prison", "please don't let him off");
- demanded bare ("jail", "a prison sentence please") or judged ("prison is the only answer",
  "a lifetime ban would be fair", "community service isn't enough");
- where they belong ("he belongs in jail").

Punishments are written out in the forms people use (jail, jailed, gaol, imprisoned, locked up,
banged up, sent down, custodial, community service, a fine, fined, a ban, banned, tagged, 5 years,
life ...). A business banning someone from its own shop is its own measure, not a sentence: "we need
to ban him" is kept, "I want him banned" is not. ``tests/statements/data/sentence_opinions.tsv`` is a
labelled set, written apart from these rules, that measures them.
"""

from __future__ import annotations

import re

from bot.flows.answers import normalise

# Who a punishment is done to, as an object ("lock HIM up", "send THE LOT OF THEM to prison").
_WHO = (r"(?:him|her|them|'?em|them all|the lot|the (?:lot|pair|two|three|both|whole lot|whole gang) of (?:them|'?em)"
        r"|(?:this|that|the|these|those) (?:man|woman|lad|lads|boy|boys|girl|girls|person|people|guy|guys|bloke"
        r"|thief|thieves|offenders?|culprits?|scumbags?|idiots?|gang)|people like (?:him|her|them|that))")
_NUMBER = r"(?:\d+|a few|a couple of|several|many|ten|five|two|three|four|six|seven|eight|nine|twenty|fifteen)"
_JAIL = r"(?:prison(?!\s+(?:officers?|guards?|staff|service|visits?|chaplain))|jail|gaol)"
_ADJECTIVE = (r"(?:long|longer|short|shorter|harsh|harsher|tough|tougher|proper|real|heavy|hefty|stiff|stiffer|severe"
              r"|lenient|soft|suspended|lengthy|big|bigger|maximum|strong|serious|custodial|prison|jail|life|lifetime"
              r"|total|permanent|complete|massive|huge|large|decent|good|fair|appropriate|stronger)")
# A punishment named as a thing: "prison", "a custodial sentence", "a lifetime ban", "community service".
_NOUN = (
    rf"(?:{_JAIL}(?: (?:time|sentence|term))?|imprisonment|custody|custodial(?: sentence)?|behind bars|a cell"
    rf"|young offenders'?(?: institution| institute)?|borstal|a short sharp shock"
    rf"|an? (?:{_ADJECTIVE} )?(?:sentence|stretch|term)|(?:{_ADJECTIVE} )+(?:sentence|ban|fine|stretch)s?"
    rf"|the maximum(?: sentence)?|life (?:sentence|imprisonment|ban)|an? (?:{_ADJECTIVE} )?ban\b"
    rf"|community (?:service|order|sentence|payback)|unpaid work"
    rf"|an? (?:{_ADJECTIVE} )?fine(?=$|\s+(?:for|of|and|or|to|from|would|is|isn'?t|won'?t|will|wouldn'?t|please|so"
    rf"|as|at|on|instead|too|then|but|like)\b)"  # "a fine for him", not "a fine amount"
    rf"|(?:an? )?(?:criminal behaviour order|cbo|asbo|restraining order|banning order|exclusion order|curfew)"
    rf"|an? (?:electronic )?tag\b(?!\s+(?:system|on|for|gun))|punishment|a slap on the wrist)"
)
# Done to them, as people say it after "should be", "want him", "hope he gets".
_PARTICIPLE = (
    rf"(?:jailed|gaoled|imprisoned|incarcerated|locked (?:up|away)|banged up|put (?:away|inside|behind bars)"
    rf"|sent (?:down|away|inside|to {_JAIL}|to (?:a )?young offenders)|thrown (?:in|into) (?:{_JAIL}|a cell)"
    rf"|kept (?:locked (?:up|away)|inside|in {_JAIL}|behind bars)|sentenced|banned|tagged|fined|punished"
    rf"|deported|hanged|hung|flogged|birched|caned|strung up|made an example of|let off)"
)
# Doing it to them: "lock him up", "give him 5 years", "throw the book at him".
_ACT = (
    rf"(?:(?:jail|gaol|imprison|fine|punish|tag|sentence|deport|hang|flog|birch|cane|banish) {_WHO}"
    rf"|(?:lock|bang) {_WHO} (?:up|away)|lock up {_WHO}|string {_WHO} up|let {_WHO} off"
    rf"|(?:put|send|throw|stick|chuck|bung) {_WHO} (?:away|down|inside|behind bars|in {_JAIL}|in a cell"
    rf"|(?:in)?to {_JAIL}|to (?:a )?young offenders)"
    rf"|keep {_WHO} (?:locked (?:up|away)|inside|in {_JAIL}|behind bars)"
    rf"|give {_WHO} (?:{_NOUN}|{_NUMBER} (?:more )?(?:years?|months?)|life)"
    rf"|make {_WHO} (?:pay (?:an? )?fine|do (?:community service|unpaid work|time))"
    rf"|throw(?:s|ing)? the book at {_WHO}|make an example of {_WHO})"
)
_BAN = rf"ban {_WHO}"  # the one act a business does itself: only an order, or wished by someone else
# Serving it: "do time", "get 2 years", "serve life", "go away for a few years", "rot in a cell".
_SERVE = (
    rf"(?:(?:do|does|doing|serve|serves|serving) (?:some |hard |real |proper |more |serious )?time"
    rf"|(?:do|does|doing|serve|serves|serving|get|gets|got|getting|given|give) (?:at least |a good |a minimum of )?"
    rf"{_NUMBER} (?:more )?(?:years?|months?)|(?:get|gets|got|given|serve|serves|do|deserves?) life\b"
    rf"|(?:go|be|sent|put) away for (?:{_NUMBER} (?:years?|months?)|a (?:long )?(?:time|while)|years|good)"
    rf"|rot (?:in|behind)|throw(?:s|ing|n)? away the key|the book thrown)"
)
_PUNISHMENT = rf"(?:{_NOUN}|{_PARTICIPLE}|{_ACT}|{_SERVE})"
_WISH = (
    r"(?:should|shud|shld|shouldn'?t|ought|must|mustn'?t|needs?|needed|deserves?|deserved|want|wants|wanted|wish"
    r"|hope|hoping|(?:i'?d|i would|we'?d|we would) (?:like|love|prefer|want|rather|be (?:happy|glad|pleased))"
    r"|would like|do ?n'?t want|do not want|never want|better|let'?s|please|it'?s time|about time|only fair"
    r"|would be (?:good|nice|great|right|fair|best|ideal|justice))"
)
_JUDGED = (
    r"(?:please|would be (?:good|nice|great|fair|right|best|ideal|justice|a start)|is (?:the only|what|all) \w+"
    r"|(?:is|would be) (?:the )?(?:only|best|right|fair) \w+|is (?:needed|deserved|the answer)"
    r"|(?:is ?n'?t|is not|won'?t be|wouldn'?t be|would not be|is never|will never be|not) enough"
    r"|(?:would be|is) (?:a joke|a waste of time|pointless|too soft|too lenient)"
    r"|won'?t (?:do anything|work|stop (?:him|her|them)|help))"
)
_OPINION = re.compile(
    rf"\b{_WISH}\b(?:[^.!?;,\n]{{0,60}}?)\b(?:{_PUNISHMENT})\b"  # wished for
    rf"|\b(?:needs?|wants?|deserves?)\s+(?:locking|banging|putting|sending|jailing|banning|punishing|deporting"
    rf"|hanging|imprisoning|stringing|throwing)\b"  # "he wants locking up", "they need sending down"
    rf"|^(?:(?:please|just|so|and|then|now|someone|somebody|you should|do ?n'?t|do not) )*(?:{_ACT}|{_BAN})\b"  # ordered
    rf"|^(?:please |not |no )?(?:a |an |the )?{_NOUN}(?: for (?:him|her|them|the lot))?(?: please)?$"  # demanded bare
    rf"|\b{_NOUN}(?: for (?:him|her|them))? {_JUDGED}"  # judged
    rf"|\b(?:the only|the best|the right|a fair|the fair) (?:fair |right |real )?(?:outcome|answer|option|thing"
    rf"|punishment|result|way) (?:is|would be) (?:{_NOUN}|{_PARTICIPLE})"
    rf"|\bbelongs? (?:in|behind) (?:{_JAIL}|bars|a cell|custody)"
    rf"|\bdeserves? (?:everything|all|whatever|what) (?:he|she|they|s?he) gets?\b"
    rf"|\bmake an example of\b|\bthrow(?:s|ing|n)? away the key\b"
)
# Someone wishing a ban they would not impose themselves ("I want him banned", "they should ban him"),
# as against the business's own measure ("we need to ban him from the shop").
_WISHED_BAN = re.compile(rf"\b{_WISH}\b(?:[^.!?;,\n]{{0,60}}?)\b{_BAN}\b")
_OWN_BAN = re.compile(rf"\b(?:we|i)\b[^.!?;,\n]{{0,20}}?\b{_WISH}\b(?:[^.!?;,\n]{{0,20}}?)\b{_BAN}\b")
_CLAUSE = re.compile(r"[.!?;\n]+|,\s+")
_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*")


def sentence_opinion(text: str) -> bool:
    """Does ``text`` give a view on what sentence or punishment the offender should get?"""
    return any(_clause_opinion(clause.strip()) for clause in _CLAUSE.split(normalise(text)))


def _clause_opinion(clause: str) -> bool:
    if not clause:
        return False
    if _OPINION.search(clause):
        return True
    return bool(_WISHED_BAN.search(clause)) and not _OWN_BAN.search(clause)


def without_opinions(text: str) -> str:
    """``text`` without the sentences that give a view on sentence, the rest as written ("" if nothing is left)."""
    kept = [sentence for sentence in _SENTENCE.split(text.strip()) if sentence and not sentence_opinion(sentence)]
    return " ".join(kept).strip()
