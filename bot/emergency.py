"""Danger now? Checked on every turn before anything else (DOMAIN.md, THRIVE: call 999, not a chat).

Deterministic rules, because a missed emergency is the worst error the service can make, and each
decision has to be explainable (``Assessment.reason`` names the rule). The text is normalised
first (text-speak, common misspellings, elongated letters, a few emoji and Welsh words), then read
for four outcomes:

* danger now (999): the offender is still there or back, anyone is hurt now, a weapon is there
  now, a fire, an attack or break-in under way, or a call for help now ("help me", "help!!",
  "send police"). A bare "help" is the help command, not an emergency.
* a serious threat still to come (999, threat wording): to kill, stab, shoot, cut, burn, firebomb,
  beat up or throw acid, or to come back armed, said as still to come ("he'll", "coming back",
  "tonight"), also told on in other words ("he told me I'm dead", "I won't live to see tomorrow",
  "they're going to get stabbed"), or to lie in wait with a time set ("he'll be waiting for me after
  work"); unless it was said a week or more ago with no time set for it.
* a threat without immediacy (101 guidance; the report carries on): vague or minor threats ("you'll
  regret it", "watch your back", "I'll smash your windows"), serious ones said a week or more ago,
  and "he threatened to stab me" told only as part of what happened.
* nothing.

Tense decides between now and a report. Cues that say "now" by themselves ("he's got a knife",
"is bleeding", "still here", "we're being robbed") are danger now. Cues that do not carry their
own tense ("man with a knife", "he pulled a knife", "fire in the shop") are danger now unless the
message also says it is over or past: a time ("last week", "yesterday"), an ending ("ran off",
"it's ok now"), "was", "had", habit ("keeps"), a past verb besides the cue ("they smashed the door
with a hammer"), an offender description ("20s, grey hoodie, carrying a knife") or CCTV talk. Recall
comes first, so an untensed cue with nothing to say it is past counts as now; but violence without
a weapon told in the past simple ("a customer assaulted my cashier") is a report, whose own first
question asks whether anyone is in danger now. Any cue said as a habit ("she's in here every week",
"the same lads come back every week") is a pattern to report, not now; and "about"/"around" are a
place only when no age, size or time follows ("he's about", not "he's about 30").

The interpreter's ``emergency`` intent is not used: measured on the labelled messages
(benchmarks/danger_benchmark.py --interpreter), at any threshold from 0.1 to 0.9 it catches nothing
the rules miss and adds false alarms on ordinary answers ("Joe's Deli", "The Gun Inn").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.messages import Button


class Level(str, Enum):
    """What a message says about danger; the values are the data set's class names."""

    NOW = "danger_now"
    THREAT = "threat_serious_later"
    MINOR_THREAT = "threat_no_immediacy"


@dataclass(frozen=True)
class Assessment:
    """The decision and the rule that made it (never the message itself, so it can be logged)."""

    level: Level | None
    reason: str = ""

    @property
    def needs_999(self) -> bool:
        return self.level in (Level.NOW, Level.THREAT)


NOTHING = Assessment(None)

# --- normalising ------------------------------------------------------------------------------
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u201c": '"', "\u201d": '"'})
_EMOJI = {"\U0001F52A": " knife ", "\U0001F5E1": " knife ", "\U0001F52B": " gun ", "\U0001F525": " fire ",
          "\U0001F198": " sos ", "\U0001FA78": " blood "}
# An address starts where a word starts: tried from every character of a long unbroken string, the
# e-mail pattern cost quadratic time (12 s for 64 kB of letters).
_LINK = re.compile(r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@[^\s@]+\.\S+")
_ELONGATED = re.compile(r"([a-z])\1{2,}")
_SPELLING = {
    # contractions typed without the apostrophe
    "hes": "he's", "shes": "she's", "theyre": "they're", "thyre": "they're", "im": "i'm", "ive": "i've",
    "theres": "there's", "thers": "there's", "its": "it's", "wont": "won't", "cant": "can't", "dont": "don't",
    "didnt": "didn't", "isnt": "isn't", "wasnt": "wasn't", "werent": "weren't", "arent": "aren't",
    "theyve": "they've", "weve": "we've", "theyll": "they'll", "youll": "you'll", "hed": "he'd",
    "theyd": "they'd", "someones": "someone's", "somebodys": "somebody's", "nobodys": "nobody's",
    "youre": "you're", "thats": "that's", "whos": "who's", "havent": "haven't", "hasnt": "hasn't",
    "wouldnt": "wouldn't", "couldnt": "couldn't", "doesnt": "doesn't", "shell": "she'll",
    # text-speak
    "r": "are", "u": "you", "ur": "your", "w": "with", "pls": "please", "plz": "please", "plse": "please",
    "pleez": "please", "pleas": "please", "plez": "please", "asap": "now", "nw": "now", "2nite": "tonight",
    "2night": "tonight", "tonite": "tonight", "2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow",
    "tmrw": "tomorrow", "tmw": "tomorrow", "tomoz": "tomorrow", "tomoro": "tomorrow", "tomorow": "tomorrow",
    "gonna": "going to", "gna": "going to", "gunna": "going to", "sum1": "someone", "some1": "someone",
    "any1": "anyone", "no1": "no one", "noone": "no one", "bk": "back", "ppl": "people", "ova": "over",
    "gon": "gone", "wit": "with", "quik": "quick", "kwik": "quick", "qwik": "quick", "em": "them",
    # misspellings of the words that matter here
    "hlp": "help", "hepl": "help", "halp": "help", "hlep": "help", "helo": "help",
    "polis": "police", "poilce": "police", "plice": "police", "pollice": "police", "poice": "police",
    "polcie": "police", "ambulence": "ambulance", "ambulanse": "ambulance", "ambulnce": "ambulance",
    "amberlance": "ambulance", "nife": "knife", "knif": "knife", "knive": "knife", "kife": "knife",
    "kinfe": "knife", "nief": "knife", "knofe": "knife", "knief": "knife", "nifes": "knives",
    "knifes": "knives", "nives": "knives", "wepon": "weapon", "weapen": "weapon", "weopon": "weapon",
    "weapn": "weapon", "wepaon": "weapon", "weppon": "weapon", "wepons": "weapons", "wiv": "with", "wid": "with",
    "machette": "machete", "macheti": "machete", "mashete": "machete", "machet": "machete", "stabed": "stabbed",
    "stabd": "stabbed", "stabin": "stabbing", "bleding": "bleeding", "bledding": "bleeding", "bleading": "bleeding",
    "atacking": "attacking", "attaking": "attacking", "atackin": "attacking", "atacked": "attacked",
    "attaked": "attacked", "hiting": "hitting", "fiting": "fighting", "threatnin": "threatening",
    "thretening": "threatening", "threating": "threatening", "threatning": "threatening", "thretened": "threatened",
    "threatend": "threatened", "emergancy": "emergency", "emergeny": "emergency", "emergncy": "emergency",
    "emergecy": "emergency", "kil": "kill", "stab": "stab", "unconcious": "unconscious", "unconsious": "unconscious",
    # (dropped g, "hittin", "burnin": _DROPPED_G, made from the rules' own words)
    # Welsh, for Welsh/English mixes
    "helpwch": "help", "cyllell": "knife", "gyllell": "knife", "chyllell": "knife", "nghyllell": "knife",
    "tân": "fire", "dân": "fire", "nawr": "now", "rwan": "now", "rŵan": "now", "heddlu": "police",
    "argyfwng": "emergency", "gwaedu": "bleeding", "yma": "here", "gyda": "with", "efo": "with",
    "siop": "shop", "ganddo": "he has", "ganddi": "she has",
}
_PHRASES = (
    (re.compile(r"\bw/\s*"), "with "),
    (re.compile(r"\bhell\s+(?=come|be|kill|stab|shoot|burn|get|do|hurt|smash|cut|find|wait)"), "he'll "),
    # "were" with no subject before it is "we're" typed without the apostrophe: "and were shut".
    (re.compile(r"(?:^|(?<=\. )|(?<=\band )|(?<=\bbut )|(?<=\bcos )|(?<=\bso ))were\s+"
                r"(?=being|closed|shut|locked|hiding|trapped|stuck|scared|terrified|alone|on our own)"), "we're "),
    (re.compile(r"\bmae\s+(?:o|e|fe|fo)\b"), "he is"),
    (re.compile(r"\bmae\s+hi\b"), "she is"),
    (re.compile(r"\bmae\s+dyn\b"), "there's a man"),
    (re.compile(r"\bmae\s+"), "there's "),
    (re.compile(r"\byn\s+y\s+"), "in the "),
    (re.compile(r"\bar\s+fire\b"), "on fire"),
    (re.compile(r"\bright\s+now\b|\brn\b"), "now"),
)
_WORD = re.compile(r"[a-z0-9'\u00e0-\u017f]+")


@dataclass(frozen=True)
class Normalised:
    text: str     # lower case, spellings fixed, clauses ended by " . "
    shout: bool   # "!" or elongated letters ("heeelp")


def normalise(text: str) -> Normalised:
    """The message as the rules read it: "HES GOT A NIFE!!" -> "he's got a knife .", shouted."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    text = _LINK.sub(" link ", text)
    for emoji, word in _EMOJI.items():
        text = text.replace(emoji, word)
    lowered = text.lower()
    shout = "!" in text or bool(_ELONGATED.search(lowered))
    lowered = _ELONGATED.sub(r"\1", lowered).replace("&", " and ")
    lowered = re.sub(r"(?<=\d)/(?=\d)", "-", lowered)
    lowered = re.sub(r"\bw/", "w ", lowered)
    lowered = re.sub(r"[.!?,;:\n()\"]+", " . ", lowered)
    lowered = re.sub(r"[^a-z0-9'£\-.\s\u00e0-\u017f]", " ", lowered).replace("-", " ")
    lowered = _WORD.sub(lambda m: _SPELLING.get(m.group(0).strip("'")) or _DROPPED_G.get(m.group(0), m.group(0)),
                        lowered)
    for pattern, replacement in _PHRASES:
        lowered = pattern.sub(replacement, lowered)
    return Normalised(re.sub(r"\s+", " ", lowered).strip(" ."), shout)


# --- vocabulary ------------------------------------------------------------------------------------
def _words(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


_B, _E = r"(?<![\w'])", r"(?![\w'])"   # word edges that treat "he's" as one word
# "my colleague's", "Sam's": anyone's, but not "nobody's" or "it's".
ANYONE_S = r"(?!(?:nobody|noone|nothing|none|it|that|what|there|here|who|where|how|everyone|everybody)'s)\w+'s"
PERSON = _words(
    "he", "she", "they", "someone", "somebody", "some one", "him", "them", "people", "ppl", "man", "men", "guy",
    "guys", "bloke", "blokes", "lad", "lads", "woman", "women", "girl", "girls", "boy", "boys", "gang", "group",
    "thief", "thieves", "shoplifter", "shoplifters", "robber", "robbers", "burglar", "burglars", "intruder",
    "intruders", "offender", "offenders", "customer", "drunk", "youths", "kids", "fella", "person", "partner",
    "dude", "dudes", "geezer", "geezers", "thug", "thugs", "yob", "yobs", "mugger", "muggers", "attacker",
    "attackers", "nutter")
# People on our side who get hurt: "my cashier", "a customer", "staff".
STAFF = _words(
    "staff", "cashier", "cashiers", "colleague", "colleagues", "worker", "workers", "manager", "son", "daughter",
    "wife", "husband", "partner", "mum", "dad", "brother", "sister", "friend", "mate", "boss", "employee",
    "employees", "assistant", "security", "security guard", "guard", "team", "customer", "customers", "member",
    "owner", "driver", "kid", "child", "girl", "boy", "lad", "man", "woman", "people", "everyone", "someone",
    "somebody", "person")
VICTIM = _words("me", "us", "him", "her", "them", "someone", "somebody", "everyone", "anyone", "people", "staff",
                "customers", rf"(?:my|our|the|a|his|her|their) (?:\w+ )?{STAFF}")
# "the lads who robbed us yesterday are ...": a relative clause between the person and the verb.
PERSON_BE = _words("he's", "she's", "they're", "someone's", "somebody's", "he is", "she is", "they are",
                   "someone is", "somebody is", rf"{PERSON}(?: (?:who|that)(?: \w+){{1,5}}?)? (?:is|are)",
                   rf"{PERSON}'s", "there's a " + PERSON,
                   "there is a " + PERSON, "there are " + PERSON, "there's " + PERSON, "there's an? \\w+ " + PERSON)
PREMISES = _words("shop", "store", "building", "warehouse", "stockroom", "storeroom", "office", "back", "unit",
                  "yard", "till", "counter", "door", "car park", "carpark", "forecourt", "kitchen", "bar", "pub",
                  "garage", "site", "premises", "front", "entrance", "roof", "cellar", "toilets?", "pumps?", "aisle",
                  "staff room", "cash office", "station", "lobby", "reception", "hall", "corridor", "stairs",
                  "loading bay", "street", "road", "alley", "house", "flat", "car", "van", "window", "lane", "park",
                  "queue", "checkout", "room", "restaurant", "cafe", "salon", "hotel", "depot")
# "about" and "around" are places only when nothing follows that makes them an age, a size or a time:
# "he's about", "she's around somewhere", but not "he's about 30" or "he's around my height".
_ROUND_HERE = (rf"(?:around|about)(?=\s*$|\s+\.|\s+(?:here|outside|somewhere|still|now|again|and|"
               rf"the (?:\w+ )?{PREMISES})(?![\w']))")
PLACE = _words(
    "here", "there", "in here", "out here", "inside", "outside", "upstairs", "downstairs", _ROUND_HERE,
    "out the back", "out front", r"round (?:the )?(?:back|front|side|corner)",
    rf"(?:in|at|on|by|near|outside|inside) (?:the|my|our|this) (?:\w+ )?{PREMISES}", r"at (?:till|pump|checkout) \d+",
    r"in (?:store|shop)", "on site")
LOCUS = re.compile(rf"{_B}(?:here|outside|inside|upstairs|downstairs|in (?:store|shop)|at (?:till|pump|checkout) \d+|"
                   rf"(?:in|at|outside|inside|on) (?:the|my|our|this) (?:\w+ )?{PREMISES}){_E}")
WEAPON_WORDS = {
    "knife": "knife", "knives": "knife", "blade": "knife", "blades": "knife", "machete": "machete",
    "machetes": "machete", "gun": "gun", "guns": "gun", "firearm": "gun", "pistol": "gun", "shotgun": "gun",
    "rifle": "gun", "handgun": "gun", "weapon": "weapon", "weapons": "weapon", "axe": "axe", "hammer": "hammer",
    "crowbar": "crowbar", "bat": "bat", "baseball bat": "bat", "cricket bat": "bat", "golf club": "golf club",
    "acid": "acid", "syringe": "syringe", "needle": "syringe", "screwdriver": "screwdriver", "sword": "sword",
    "taser": "taser", "stun gun": "taser", "iron bar": "metal bar", "metal bar": "metal bar",
    "broken bottle": "broken bottle", "knuckle duster": "knuckle duster", "knuckleduster": "knuckle duster",
}
# ... and their plurals: "lads with bats", "two men with hammers".
WEAPON_WORDS |= {(word + "es" if word.endswith(("sh", "ch", "x")) else word + "s"): name
                 for word, name in WEAPON_WORDS.items() if not word.endswith("s")}
WEAPON = _words(*sorted((re.escape(w) for w in WEAPON_WORDS), key=len, reverse=True))
# A weapon word that is goods or a topic, not a weapon in someone's hand.
_NOT_A_WEAPON = re.compile(
    rf"{_B}(?:butter|craft|pen|set of|pack of|box of|\d+|x\d+)\s+(?:\w+\s+)?{WEAPON}{_E}"
    rf"|{_B}{WEAPON}\s+(?:block|set|sales?|crime|arch|wand|amnesty|policy|tattoo|display|rack|sharpener|x\s?\d|£|"
    rf"in stock|for sale|on sale|on the shelf|from the)")
ARTICLE = r"(?:(?:a|an|his|her|their|the|some|two|2|a big|big|a massive|a huge|a long|a kitchen|kitchen)\s+)?"
VIOLENT_ING = _words(
    "attacking", "hitting", "beating", "punching", "kicking", "fighting", "stabbing", "slashing", "assaulting",
    "threatening", "smashing", "trashing", "wrecking", "robbing", "strangling", "choking", "hurting",
    "battering", "going for", "coming at", "kicking off", "swinging at", "throwing", "chasing", "mugging",
    "setting fire", "burning", "shooting", "breaking in", "breaking into", "kicking in", "headbutting",
    "spitting at", "dragging", "grabbing", "surrounding", "going mental", "going mad", "going crazy",
    "going nuts", "going berserk", "going ballistic", "losing it", "chucking", "lobbing", "hurling", "booting",
    "strangling", "glassing", "knifing", "raging", "bottling")
VIOLENT_PAST = _words("hit", "punched", "stabbed", "knifed", "attacked", "slashed", "assaulted", "glassed", "beat",
                      "kicked", "headbutted", "knocked out", "shot", "strangled", "choked", "slapped")
NEGATION = re.compile(rf"{_B}(?:no|not|n't|never|nobody|no one|none|without|neither|nor|nothing|didn't|don't|"
                      rf"doesn't|isn't|aren't|wasn't|weren't|haven't|hasn't|hadn't|won't|wouldn't|can't)"
                      rf"(?:'s)?(?:\s+\w+){{0,2}}\s*$")
_NEGATION_BARRIER = re.compile(rf"{_B}(?:he|she|they|he's|she's|they're|someone|somebody|someone's|there's|i|"
                               rf"i'm|we|we're|but|and)\s")
# Told as advice or "what if": not an emergency however it is worded.
_HYPOTHETICAL = re.compile(
    rf"{_B}(?:what (?:should|do|can|would|to) (?:i|we|you|staff)?\s*(?:do\s+)?(?:if|when)|what if|what happens if|"
    rf"in case|if (?:someone|somebody|a|an|anyone|they ever|he ever|a customer|people|staff|customers|"
    rf"shoplifters?)|how (?:do|can|should|to|would) (?:i|we|you)?\s*(?:stop|prevent|deal|protect|handle|avoid|"
    rf"reduce|keep|make|train|tackle|cope|spot|respond)|how to|advice|tips?|is it (?:legal|ok|okay|allowed)|"
    rf"can (?:i|we) (?:keep|have|carry)|should (?:i|we) (?:call|ring|phone|keep|have)|"
    rf"(?:worried|worry|afraid|scared|frightened|concerned|nervous) (?:about|of)|fear of|risk of)")


@dataclass(frozen=True)
class Rule:
    reason: str
    pattern: re.Pattern[str]


def _rules(*pairs: tuple[str, str]) -> tuple[Rule, ...]:
    return tuple(Rule(reason, re.compile(pattern)) for reason, pattern in pairs)


_BE_NOW = rf"(?:is|are|am|i'm|we're|he's|she's|they're|someone's|somebody's|{ANYONE_S})"
# "still at large", "still on the run", "still in custody": "still" with no place to be in.
_NOWHERE = r"(?!\s+(?:large|the run|the loose|bail|remand|custody|prison|jail|hospital))"
_HAS_NOW = rf"(?:has|have|he's|she's|they've|we've|someone's|somebody's|{ANYONE_S})"
# Lying still, as an injury: "he's not moving", not "I'm not moving shop".
_STILL = r"not moving(?!\s+(?:shop|premises|house|home|out|away|on|in|to|my|our|the|again|anywhere|jobs?)(?![\w']))"
# Getting in, but not "in touch" or into a computer system.
_INTO_A_SYSTEM = r"(?!\s+(?:touch|contact|the (?:cctv|system|app|account|email|website|portal)))"
# Cues that say "now" by themselves.
NOW_RULES = _rules(
    ("offender still there", rf"{_B}(?:{PERSON_BE}|{PERSON}|they've|and is|and are)\s+(?:\w+\s+)?"
                             rf"(?:still|stil)\s+(?:{PLACE}|hanging|lurking|waiting|sat|sitting|standing|kicking|"
                             rf"refusing|trying|shouting|threatening|being|going|in|at|on){_E}{_NOWHERE}"),
    ("offender still there", rf"^(?:yes\s+)?(?:still|stil)\s+(?:{PLACE}|in|at|on){_E}{_NOWHERE}"),
    ("offender back", rf"{_B}(?:{PERSON_BE}|{PERSON}|they've|he's|she's)\s+(?:back|come back|back again){_E}"),
    ("offender back", rf"{_B}(?:is|are) (?:back|in the \w+ again|here again) (?:in|at|outside|inside|again|here|"
                      rf"now|with){_E}|{_B}(?:is|are) (?:in|at) the \w+ again{_E}"),
    ("offender there now", rf"{_B}{PERSON_BE}\s+(?:still\s+)?(?:(?:sat|sitting|stood|standing|parked|lurking|hiding|"
                           rf"waiting|hanging about|hanging around)\s+)?{PLACE}{_E}"),
    ("offender there now", rf"{_B}{PERSON}\s+(?:still\s+)?(?:inside|in here|upstairs|downstairs|"
                           rf"in the (?:shop|store|building|warehouse|stockroom|office|back|unit|yard)){_E}"),
    ("offender there now", rf"{_B}{PERSON}\s+(?:\w+\s+){{0,3}}?(?:in|inside|outside|at|on) (?:the|my|our) "
                           rf"(?:\w+ )?{PREMISES} (?:now|again){_E}"),
    ("offender will not leave", rf"{_B}(?:{PERSON_BE}|{PERSON}|and)\s+(?:\w+\s+)?(?:won't|will not|"
                                rf"refus(?:es|ing) to|refuse to|not|isn't) (?:leave|leaving|go away){_E}"
                                rf"|{_B}won't let (?:me|us|them|anyone|my \w+) (?:leave|out|go|get out)"
                                rf"|{_B}blocking the (?:door|exit|way out|doorway){_E}"),
    ("break-in under way", rf"{_B}(?<!was )(?<!were )(?:trying|try|tries) to (?:get|break|come|kick|force|smash)"
                           rf"(?: (?:\w+ ){{0,3}}?(?:in|into|inside|down|open)| their way| his way){_E}"
                           rf"{_INTO_A_SYSTEM}"),
    ("someone can be heard or seen inside now", rf"{_B}i can (?:hear|see) (?:them|him|her|someone|somebody|"
                                                rf"people|men|a man)(?:\s+\w+){{0,3}}\s+(?:in|inside|downstairs|"
                                                rf"upstairs|now|on){_E}"),
    ("hiding or trapped", rf"{_B}(?:i'm|i am|we're|we are)\s+(?:\w+\s+)?(?:hiding|locked in|trapped|barricaded)"
                          rf"|{_B}(?:locked|shut|barricaded) (?:myself|ourselves|us|me) in|{_B}hiding in the|"
                          rf"{_B}stuck in (?:the|a|my|our) (?:\w+ )?(?:back|office|toilets?|stockroom|storeroom|room|"
                          rf"cupboard|kitchen)"),
    ("offender waiting or following", rf"{_B}{_BE_NOW}\s+(?:\w+\s+)?(?:waiting|following) (?:outside|for (?:me|"
                                      rf"us|my|him|her)|me|us|my){_E}"),
    ("someone held", rf"{_B}(?:pinned (?:down|to|against)|by the (?:throat|neck|hair)|hostage|in a headlock|"
                     rf"(?:up )?against the (?:wall|door|counter|shutter)|{_HAS_NOW} (?:just )?cornered){_E}"),
    ("someone hurt now", rf"{_B}{_BE_NOW}\s+(?:badly |seriously |really |very |bad )?(?:hurt|injured|bleeding|"
                         rf"unconscious|unresponsive|out cold|dying|not breathing|{_STILL}|knocked out|on the floor|"
                         rf"collapsed|in a bad way|hurt real bad|losing (?:a lot of |so much |loads of )?blood){_E}"),
    ("someone hurt now", rf"{_B}{_HAS_NOW}\s+(?:just\s+)?(?:been\s+)?(?:stabbed|shot|knocked out|collapsed|"
                         rf"slashed|glassed|passed out|overdosed){_E}"),
    ("someone hurt now", rf"{_B}(?<!had )(?<!'d )been (?:stabbed|shot|glassed|slashed|knifed){_E}"),
    ("someone hurt now", rf"{_B}(?:{PERSON}|{STAFF}|on the (?:floor|ground))\s+(?:\w+\s+){{0,2}}?(?:unresponsive|"
                         rf"out cold|{_STILL}|won't wake up){_E}"),
    # "there's blood on the door where he cut his hand" is a trace: told as past or not (UNTENSED_RULES).
    ("someone hurt now", rf"{_B}(?:not breathing|can't breathe|cannot breathe|blood everywhere|"
                         rf"(?:there's|there is) (?:so much |a lot of |loads of )?blood(?! on (?:the|a|our|my) "
                         rf"(?:floor|door|shutter|window|glass|wall|counter|ground|pavement|step|handle|till|screen|"
                         rf"car|van|shelf|shelves))|pouring (?:with )?blood|"
                         rf"lots of blood|bleeding (?:a lot|badly|everywhere|heavily)|hurt bad|hurt badly){_E}"),
    ("ambulance needed", rf"{_B}(?:need|needs|call|get|send)\s+(?:an |the )?ambulance|ambulance\s+(?:now|please|"
                         rf"quick|urgent)"),
    # "someone's taking stuff and hitting my staff": a second -ing verb joined to the first.
    ("attack under way", rf"{_B}{_BE_NOW}\s+(?:\w+\s+)?(?:\w+ing\s+(?:\w+\s+)?and\s+)?(?:{VIOLENT_ING}|trying to "
                         rf"(?:stab|kill|hit|attack|hurt|grab|rob|punch|shoot|strangle|get at)){_E}"),
    ("attack under way", rf"{_B}(?<!keep )(?<!keeps )(?<!kept )(?:being|getting)\s+(?:attacked|robbed|assaulted|"
                         rf"threatened|mugged|held up|held hostage|beaten|stabbed|followed|chased|hit|punched|"
                         rf"kicked|burgled|raided|ram raided|broken into|jumped|glassed|knifed|slashed|battered){_E}"),
    ("attack under way", rf"{_B}(?:{PERSON_BE}|{PERSON}|they've|he's|she's)\s+(?:just|only just)\s+(?:\w+\s+)?"
                         rf"(?:{VIOLENT_PAST}|pulled|threw|set fire){_E}"),
    ("attack under way", rf"{_B}{_HAS_NOW}\s+(?:just\s+)?{VIOLENT_PAST}\s+{VICTIM}{_E}"),
    ("attack under way", rf"{_B}(?:there's|there is|theres)\s+(?:a\s+)?(?:big\s+|massive\s+)?(?:fight|brawl|ruck|"
                         rf"scrap|punch up|scuffle){_E}"),
    ("attack under way", rf"{_B}(?:there's|there is|there are)\s+(?:(?:a|an|some|two|three|four|\d+|a few|a couple of|"
                         rf"loads of)\s+)?(?:\w+\s+)?{PERSON}\s+(?:\w+\s+)?{VIOLENT_ING}{_E}"),
    ("attack under way", rf"{_B}(?:in progress|happening now|it's happening|going on now|as we speak|"
                         rf"kicking off now){_E}"),
    # (a bare "he got a knife" may be past, "got hold of one": UNTENSED_RULES)
    ("weapon now", rf"{_B}(?:{PERSON_BE}|he|she|they|someone|somebody|{PERSON})\s+(?:has|have|has got|have got)\s+"
                   rf"{ARTICLE}(?:\w+\s+)?{WEAPON}{_E}"),
    ("weapon now", rf"{_B}(?:he's|she's|they've|they're|someone's|somebody's|he has|she has|{ANYONE_S})\s+"
                   rf"(?:got\s+)?{ARTICLE}(?:\w+\s+)?{WEAPON}{_E}"),
    ("weapon now", rf"{_B}{_BE_NOW}\s+(?:holding|waving|pointing|carrying|brandishing|swinging|wielding|pulling|"
                   rf"pulling out|pulled|pulled out)\s+{ARTICLE}(?:\w+\s+)?{WEAPON}{_E}"),
    ("weapon now", rf"{_B}{_BE_NOW}\s+(?:holding|pointing)\s+(?:\w+\s+){{0,2}}at (?:knife|gun) ?point{_E}"),
    ("weapon now", rf"{_B}(?:gunshots?|gun shots?|shots fired|gunfire){_E}"),
    ("bomb or suspicious package", rf"{_B}(?:suspicious (?:package|parcel|bag|device)|bomb threat|"
                                   rf"(?:there's|there is|it's|its) a bomb){_E}"),
    ("someone hurt now", rf"{_B}(?:having|is having|'s having) (?:a )?(?:seizure|fit|heart attack|stroke|"
                         rf"overdose){_E}"),
    # "he smashed a bottle and is waving it at me": whatever it is, it is aimed at someone now.
    ("weapon now", rf"{_B}{_BE_NOW}\s+(?:pointing|waving|swinging|brandishing|wielding|holding)\s+"
                   rf"(?!(?:his|her|their|a) (?:phone|camera|receipt|card|hands?|arms?|fists?|fingers?|money)(?![\w']))"
                   rf"(?:something|it|that|this|\w+ \w+)\s+(?:at|to|towards|against)\s+{VICTIM}{_E}|{_B}tooled up{_E}"),
    ("fire", rf"{_B}(?:(?:there's|there is) (?:a )?fire|it's spreading|is spreading|"
             rf"smoke (?:everywhere|coming|pouring|in the|is)|flames (?:everywhere|coming|in|from)|"
             rf"(?:in|see|there are) flames|(?:{_BE_NOW}|it's|it is) (?:burning|on fire|alight|ablaze)|"
             rf"(?:{_BE_NOW}|it's|it is) (?:full of|filling (?:up )?with|filled with) smoke|"
             rf"{_HAS_NOW} (?:just )?(?:set fire|set (?:\w+\s+){{1,3}}?(?:alight|on fire|ablaze))|"
             rf"{_HAS_NOW} (?:just )?(?:poured|thrown|splashed|sprayed) (?:\w+\s+)?(?:petrol|fuel|lighter fluid|"
             rf"diesel)){_E}"),
    ("call for help", rf"{_B}(?:send\s+(?:someone|somebody|an officer|officers)|(?:send|get|need)\s+(?:the\s+)?"
                      rf"(?:police|cops|help))(?:\s+(?:now|quick|please|here|urgently|asap))?{_E}"
                      rf"(?!\s+(?:to|with|for|on|about|report|reporting|using|filling)){_E}"),
    ("call for help", rf"{_B}(?<!i )(?<!we )(?<!you )(?<!to )(?<!i'll )(?<!i'd )(?<!we'll )(?<!or )(?<!should )"
                      rf"(?:call|ring|phone|dial)\s+(?:the\s+)?(?:police|cops|999){_E}"),
    ("call for help", rf"{_B}(?:come quick|come quickly|come now|hurry|urgent help|help urgently|be quick|"
                      rf"sos|danger now|in danger|(?:scared|fear|frightened|terrified) for my life|police please){_E}"),
    ("call for help", rf"{_B}(?:scared|afraid|frightened|terrified) (?:that )?(?:he|she|they|he's|she's|they're|"
                      rf"someone|someone's)\s+(?:is |are )?(?:going to|will|'ll|about to) (?:hurt|kill|attack|stab|hit|"
                      rf"shoot|get) (?:me|us|my|our|someone){_E}"),
    ("call for help", rf"{_B}(?:this is an|it's an|its an|it is an|we have an|there's an|got an) emergency{_E}"
                      rf"|{_B}emergency (?:at|in|now|here|help|please){_E}"),
)
# Cues that do not carry their own tense: now, unless the message says it is over or past.
UNTENSED_RULES = _rules(
    ("offender there", rf"{_B}{PERSON}\s+(?:lurking|creeping|prowling|loitering|sneaking|hanging about|hanging around|"
                       rf"sat|sitting|stood|standing|waiting|hiding)\s+(?:\w+\s+)?{PLACE}{_E}"),
    ("weapon", rf"{_B}(?:with|got|holding|waving|pointing|carrying|brandishing|swinging|wielding|pulling|pulled|"
               rf"pulled out|pulling out|armed with|came in with|came back with|come in with|threatening|"
               rf"threatened|going for|coming at|came at)\s+(?:\w+\s+){{0,3}}?{ARTICLE}(?:\w+\s+)?{WEAPON}{_E}"),
    ("weapon", rf"{_B}{WEAPON}\s+(?:in|at|outside|inside|here|there|now)(?:\s+(?:the|my|our|store|shop))?{_E}"),
    ("weapon", rf"{_B}armed (?:man|men|guy|guys|bloke|gang|lad|lads|person|people|robber|robbers){_E}"),
    # "knife guy", "knifeman", "gunmen", "knife wielding thug": the weapon names the person.
    ("weapon", rf"{_B}{WEAPON}\s*(?:man|men|guy|guys|bloke|blokes|lad|lads|gang|wielding){_E}"),
    ("weapon", rf"{_B}{WEAPON}\s+(?:to|at|against|in)\s+(?:my|his|her|their|our|your|the|{ANYONE_S})\s+"
               rf"(?:throat|neck|head|face|chest|back|side|belly|stomach|ribs){_E}"),
    ("weapon", rf"{_B}at (?:knife|gun) ?point{_E}"),
    ("someone hurt", rf"{_B}(?:{PERSON}|{STAFF}|i|i'm|me|we|we're)\s+(?:\w+\s+){{0,3}}?(?:bleeding|unconscious|"
                     rf"collapsed|stabbed|knifed|glassed|slashed|knocked out|passed out|overdosed){_E}"),
    ("someone hurt", rf"{_B}(?:there's|there is) (?:\w+\s+)?blood on{_E}"),
    ("attack", rf"{_B}{PERSON}\s+(?:\w+\s+){{0,2}}?{VIOLENT_ING}(?:\s+(?:\w+\s+)?(?:me|us|him|her|them|my|our|the|"
               rf"staff|people|customers|everyone|anyone|someone|a|an)|\s+(?:\w+\s+){{0,2}}?(?:in|at|outside|inside|"
               rf"now|here)|(?=\s*$|\s+\.|\s+and{_E})){_E}"),
    ("attack", rf"{_B}(?:throwing|chucking|lobbing|hurling|swinging)\s+(?:\w+\s+){{0,2}}?at\s+(?:{VICTIM}|"
               rf"(?:the|my|our) (?:\w+ )?(?:{PREMISES}|windows|doors|cars)){_E}"),
    ("attack", rf"{_B}(?:threatening|attacking|hitting|punching|beating|kicking|headbutting|strangling|choking) "
               rf"(?:{VICTIM}|my|our){_E}"),
    ("attack", rf"{_B}tried to (?:stab|shoot|knife|kill|strangle|glass){_E}"),
    ("attack", rf"{_B}(?:(?:it's|it has|it|fight|trouble|all) (?:all )?kicked off|(?:bottles|glasses|chairs|bricks|"
               rf"punches|fists) (?:flying|being thrown)){_E}"),
    ("attack", rf"{_B}\w+ing\s+(?:\w+\s+){{0,4}}?to (?:get|break|force (?:their|his|her) way) (?:in|into|inside){_E}"
               rf"{_INTO_A_SYSTEM}"),
    ("attack", rf"{_B}(?:fight|fighting|brawl|ruck|scrap|punch up|scuffle|kicking off|robbery|raid|hold up|burglary|"
               rf"mugging|break in|breaking in){_E}(?:\s+(?:in|at|outside|inside|going on|happening|under way|underway|"
               rf"taking place|now|here)){_E}"),
    ("fire", rf"{_B}(?:on fire|fire (?:in|at) (?:the|my|our|here)){_E}"),
    # "shop fire", "kitchen fire", "bin fire"; not "shop fire alarm" or "kitchen fire door".
    ("fire", rf"{_B}(?:{PREMISES}|bins?|wheelie bins?|skip|electrical)\s+fire{_E}(?!\s+(?:alarms?|exits?|doors?|"
             rf"drills?|extinguishers?|brigade|service|station|escape|safety|risk|blanket|insurance|officer|"
             rf"certificate|marshal|engines?|regulations)){_E}"),
    ("fire", rf"{_B}(?:set fire|setting fire|fire bomb|firebomb|firebombed|petrol bomb|"
             rf"set (?:\w+\s+){{1,3}}?(?:alight|ablaze)){_E}"),
    ("fire", rf"{_B}(?:poured|pouring|splashed|splashing|sprayed|spraying|thrown|throwing) (?:\w+\s+)?(?:petrol|"
             rf"fuel|lighter fluid|diesel){_E}"),
)
# Every -ing word the rules know, typed without its g: "batterin", "stranglin", "burnin".
_DROPPED_G = {word[:-1]: word for rule in (*NOW_RULES, *UNTENSED_RULES)
              for word in re.findall(r"[a-z]{2,}ing(?![a-z])", rule.pattern.pattern)}
_SHOUT_WORDS = {"knife", "knives", "gun", "guns", "weapon", "machete", "fire", "help", "please", "now", "quick",
                "emergency", "sos", "police", "999", "ambulance", "danger", "urgent", "hurry", "blade", "me", "us",
                "someone"}
_ALARM_WORDS = _SHOUT_WORDS - {"help", "please", "now", "quick", "me", "us", "someone"}
# "help" as a cry: "help me", "help he's here", "pls help", "help my cashier"; not "help with my report".
_HELP = re.compile(rf"(?:^|\.\s)(?:(?:please|someone|somebody|quick|oh god|omg|oh my god|sos)\s+){{0,3}}help"
                   rf"(?:\s+(?:me|us))?(?:\s+(?:please|now|quick|quickly))?(?=\s*$|\s+\.|\s+(?:he|she|they|he's|"
                   rf"she's|they're|someone|somebody|someone's|there's|there|i'm|i|we|we're|my {STAFF}|our {STAFF}|"
                   rf"{PERSON}){_E})")
_NOW_WORDS = re.compile(rf"{_B}(?:now|at the moment|as we speak|currently|still|in here|out here|"
                        rf"over here|this minute|(?:a|\d+|few|couple of) (?:mins?|minutes?|secs?|seconds?) ago|"
                        rf"just now){_E}")
_SAFE_NOW = re.compile(rf"{_B}(?:gone|left|ok|okay|fine|alright|all right|safe|over|good|better|sorted|calm|"
                       rf"closed|quiet) now{_E}")
_PAST = re.compile(
    rf"{_B}(?:yesterday|last (?:night|week|month|year|weekend|time|monday|tuesday|wednesday|thursday|friday|"
    rf"saturday|sunday|summer|christmas)|ago|earlier|this morning|overnight|the other (?:day|night|week)|"
    rf"(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tues|weds|thurs)|on the \d+\w*|"
    rf"at the weekend|"
    rf"over the weekend|in (?:january|february|march|april|may|june|july|august|september|october|november|"
    rf"december)|\d{{1,2}}-\d{{1,2}}|was|were|wasn't|weren't|had|hadn't|did|didn't|used to|since|"
    rf"ran off|run off|ran out|rode off|legged it|drove off|driven off|made off|walked out|walked off|got away|"
    rf"fled|(?:has|have|had|he's|she's|they've|they|he|she) (?:gone|left)|gone now|left now|it's over|is over|"
    rf"all over|no longer|by the time|police (?:came|arrived|attended|caught|took|arrested|turned up)|"
    rf"(?:got|given) \d+ (?:years|months|weeks)|sentenced|jailed|convicted|charged|in prison|"
    rf"(?:ok|okay|fine|alright|safe|all good|sorted) now|(?:he's|she's|it's|we're|i'm|they're|everyone's) "
    rf"(?:ok|okay|fine|alright|safe)|keeps|keep|always|every (?:day|night|week|time)|all the time|"
    rf"for (?:weeks|months|ages)|regularly|footage|recording|video|shows|showed|on camera|on cctv){_E}"
)
_PAST_VERBS = re.compile(
    rf"(?<!being )(?<!been )(?<!is )(?<!are )(?<!'s )(?<!has )(?<!have )(?<!get )(?<!got )(?<!just )"
    rf"{_B}(?:came|went|took|stole|nicked|grabbed|ran|left|walked|pulled|threw|pushed|punched|smashed|broke|"
    rf"demanded|said|told|shouted|threatened|asked|tried|filled|put|picked|legged|drove|used|attacked|stabbed|"
    rf"waved|held|pointed|kicked|spat|called|rang|phoned|found|saw|noticed|followed|chased|escaped|forced|"
    rf"entered|climbed|jumped|started|kept|refused|assaulted|robbed|mugged|challenged|swore|damaged|sprayed|"
    rf"emailed|paid|bought|collected|arrived|caught|arrested|slashed|glassed|burgled|burnt|burned|lit|cut|"
    rf"circled|rode|wouldn't|couldn't)"
    rf"{_E}")
_DAYS = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_HABIT_AFTER = re.compile(
    rf"\s+(?:\w+\s+){{0,2}}?(?:(?:every|each|most) (?:other )?(?:day|night|week|weekend|morning|afternoon|evening|time|"
    rf"{_DAYS})s?|(?:once|twice|\w+ times) a (?:day|week|month)|all the time|most of the time|on {_DAYS}s|"
    rf"usually|always|normally|often|regularly|daily|nightly|weekly){_E}")
_RIGHT_NOW = re.compile(rf"{_B}(?:now|at the moment|as we speak|currently|this minute){_E}")
_HABIT_BEFORE = re.compile(rf"{_B}(?:usually|always|normally|often|sometimes|regularly){_E}")
# An offender description ("white male, 20s, black hoodie, carrying a knife") is about what happened.
_DESCRIPTION = re.compile(
    rf"{_B}(?:\d0s|\d0's|aged|years old|wearing|hoodie|hoody|jacket|coat|trackies|tracksuit|joggers|jeans|"
    rf"trainers|cap|balaclavas?|mask|scarf|gloves|tall|skinny|slim|stocky|build|bald|beard|hair|tattoos?|scar|"
    rf"male|female|mid \d0s|late \d0s|early \d0s|(?:one|the other|the other one|one of them) (?:with|had|was|"
    rf"carrying|holding|wearing)){_E}")

# --- threats ------------------------------------------------------------------------------------
_SAYING = r"(?:said|saying|says|told|tells|texted|texting|messaged|messaging|shouted|screamed|swore|threatened)"
# Threats that carry their own future: "you're dead", told on as "he told me I'm dead", "I won't live to see
# tomorrow". The shifted forms ("I'm dead", "they're dead") only after a word of saying: alone they are
# other things ("I'm dead tired").
_DOOM = (rf"you're dead|you are dead|dead m[ae]n|{_SAYING}\s+(?:\w+\s+){{0,3}}?(?:that\s+)?(?:i'm|i am|we're|we are|"
         rf"they're|they are|he's|she's|\w+ (?:is|are)) (?:dead|a dead man|dead men)|(?:won't|will not|not going to|"
         rf"never going to) (?:live|survive|make it (?:home|through|out|to))")
# Whom a threat is against: "do my son in", "give my manager a slap".
_WHOM = rf"(?:me|you|him|her|us|them|everyone|(?:my|our|your|his|her|their) (?:\w+ )?{STAFF})"
_HARM = re.compile(
    rf"{_B}(?:kill|killing|murder|stab|stabbing|shoot|shooting|knife (?:me|you|him|her|us|them)|"
    rf"cut (?:me|you|him|her|us|them)|slash|slit (?:my|your|his|her|their) throat|cut (?:my|your|his|her) throat|"
    rf"burn (?:\w+\s+){{0,3}}(?:down|out)|burn (?:the|my|our|your|his|her) (?:shop|place|house|store|business|"
    rf"car|van)|burn (?:us|me|you|them)|set fire|set (?:\w+\s+){{1,3}}?(?:alight|ablaze|on fire)|torch|firebomb|"
    rf"fire bomb|petrol bomb|bomb|acid|"
    rf"do {_WHOM} (?:in|over)|finish {_WHOM} off|end (?:me|you|him|her|us|them)|beat {_WHOM} up|batter {_WHOM}|"
    rf"(?:get|be) (?:stabbed|shot|killed|knifed|slashed|murdered|torched|firebombed|petrol bombed|burnt|burned|"
    rf"done in|done over|beaten up|battered)|"
    rf"smash (?:my|your|his|her|their) (?:head|face) in|break (?:my|your|his|her) (?:legs|neck|arms|jaw)|"
    rf"hurt (?:me|you|him|her|us|them) (?:badly|bad|seriously|properly)|blow (?:up|the place up)|"
    rf"put (?:me|you|him|her) in (?:hospital|the ground)|{_DOOM}|"
    rf"(?:come|be|coming) back (?:\w+\s+){{0,3}}(?:with|armed)\s+{ARTICLE}(?:\w+\s+)?{WEAPON}|"
    rf"waiting (?:\w+\s+){{0,4}}with\s+{ARTICLE}{WEAPON}|(?:bring|bringing|brings) (?:\w+\s+)?{ARTICLE}{WEAPON}){_E}")
_FUTURE = re.compile(
    rf"{_B}(?:will|'ll|he'll|she'll|they'll|i'll|we'll|you'll|going to|coming back|be back|come back|"
    rf"wait for (?:me|you|us)|waiting for (?:me|you|us)|next time|would|he'd|she'd|they'd|i'd|we'd|you'd|"
    rf"tonight|tomorrow|later|threatened to|threatening to|{_DOOM}){_E}")
# Said to be still to come even when told as "he threatened to ...": "threatened to come back and torch it".
_WILL = re.compile(rf"{_B}(?:will|'ll|he'll|she'll|they'll|going to|coming back|be back|come back){_E}")
# Lying in wait for someone: serious when a time is set ("he'll be waiting for me after work").
_AMBUSH = re.compile(
    rf"{_B}(?:he|she|they|he'll|she'll|they'll|he'd|she'd|they'd|he's|she's|they're|he is|she is|they are|"
    rf"his mates|their mates)\s+(?:\w+\s+){{0,3}}?(?:wait|waiting|lie in wait|lying in wait)"
    rf"(?:\s+outside)?(?:\s+for (?:me|us|you|him|her|them|my \w+|our \w+)|\s+outside|(?=\s+(?:when|after|tonight|"
    rf"tomorrow)\s))")
_NEAR = re.compile(
    rf"{_B}(?:tonight|today|tomorrow|later|this (?:evening|afternoon|weekend|week)|when (?:i|we|you) "
    rf"(?:close|lock|finish|leave|get home)|after (?:work|school|closing|my shift|close)|at closing|soon|"
    rf"any minute|on (?:his|their|her) way|now|next time){_E}")
_OLD = re.compile(
    rf"{_B}(?:last (?:week|month|year|summer|christmas|monday|tuesday|wednesday|thursday|friday|saturday|"
    rf"sunday)|(?:weeks|months|years|a week|a month|a year|days|a while) ago|"
    rf"in (?:january|february|march|april|may|june|july|august|september|october|november|december)){_E}")
_MINOR = re.compile(
    rf"{_B}(?:regret|be sorry|watch (?:your|my|his|her|their) back|watch (?:yourself|myself|out)|"
    rf"know(?:s)? where (?:i|you|we|she|he) live|find out where (?:i|you|we) live|get (?:me|you|us|him|her)|"
    rf"sort (?:me|you|us) out|make (?:me|you|us) pay|be back|come back|coming back|"
    rf"smash (?:\w+\s+){{0,2}}(?:windows?|shop|place|car|van)|trash|wreck|report (?:us|you|me)|sue|"
    rf"(?:bad|terrible|awful|\d star|one star) reviews?|"
    rf"or else|get (?:their|his|her) (?:mates|cousins|brothers|friends|family)|"
    rf"remember (?:my|your) face|remember (?:this|that|me|you|us|them)|what's coming|"
    rf"waiting for (?:me|you|us)|give {_WHOM} a (?:slap|smack|kicking|beating|hiding)|threats|"
    rf"threatened to(?! (?:cut off|shut off|disconnect|suspend|close|cancel|freeze|block|take)))"
    rf"{_E}")
_SAID = re.compile(rf"{_B}(?:said|says|say|saying|told|tells|threatened|threatening|shouted|texted|texting|"
                   rf"message|messaging|made|making|note|letter|call|phone call){_E}")


def _live(text: str, match: re.Match[str]) -> bool:
    """A cue that is neither negated ("no one is hurt") nor hypothetical ("what if someone has a knife")."""
    before = text[:match.start()]
    clause = before[before.rfind(" . ") + 1:] if " . " in before else before
    negation = NEGATION.search(clause)
    # "no one came, he's still here": a new subject ends the negation's reach.
    if negation and not _NEGATION_BARRIER.search(clause[negation.start():] + match.group(0)):
        return False
    return not _HYPOTHETICAL.search(clause)


def _habitual(text: str, match: re.Match[str]) -> bool:
    """A cue said of what happens regularly ("she's in here every week", "the same lads come back every
    week", "usually he's outside"): the report of a pattern, not of now. Only a frequency right after
    the cue, or a habit word before it in the same clause, counts, and "now" said anywhere wins:
    "he's always in here and he's here now" is now."""
    if _RIGHT_NOW.search(_SAFE_NOW.sub(" ", text)):
        return False
    before = text[:match.start()]
    clause = before[before.rfind(" . ") + 1:] if " . " in before else before
    return bool(_HABIT_AFTER.match(text, match.end()) or _HABIT_BEFORE.search(clause + match.group(0)))


def _goods(text: str, match: re.Match[str]) -> bool:
    """A weapon word inside "kitchen knives £30" or "knife crime" is goods or a topic."""
    return any(m.start() < match.end() and match.start() < m.end() for m in _NOT_A_WEAPON.finditer(text))


def _first_live(rules: tuple[Rule, ...], text: str) -> tuple[str, re.Match[str]] | None:
    for rule in rules:
        for match in rule.pattern.finditer(text):
            if _live(text, match) and not _goods(text, match) and not _habitual(text, match):
                return rule.reason, match
    return None


def _shouted_alarm(said: Normalised) -> bool:
    """The whole message is a cry: "KNIFE", "fire!!", "help me", "help!!", "999 now", "HELP HELP"."""
    words = said.text.replace(".", " ").split()
    if not words or not set(words) <= _SHOUT_WORDS:
        return False
    if set(words) & _ALARM_WORDS:
        return True
    # Only help/please/now words: "help me", "please help", "help!!", "heeelp", "help help"; a bare "help"
    # (or "help?") is the help command.
    return said.shout or len(words) > 1


def _told_as_past(text: str, cue: re.Match[str]) -> bool:
    """Said to be over or past: a time, an ending, "was"/"had", a past verb besides the cue itself, the
    offender described, or CCTV talked about ("it shows him with the knife")."""
    if _PAST.search(text):
        return True
    if any(not (cue.start() <= m.start() < cue.end()) for m in _PAST_VERBS.finditer(text)):
        return True
    return bool(_DESCRIPTION.search(text)) and not LOCUS.search(text)


def _threat(text: str) -> Assessment:
    """Threats of harm still to come: serious (999) or not (101)."""
    if _HYPOTHETICAL.search(text):
        return NOTHING
    harm = _HARM.search(text)
    if harm and _live(text, harm) and _FUTURE.search(text):
        if _OLD.search(text) and not _NEAR.search(text):
            return Assessment(Level.MINOR_THREAT, "serious threat made a week or more ago")
        if re.search(rf"{_B}threatened to{_E}", text) and not (_NEAR.search(text) or _WILL.search(text)):
            return Assessment(Level.MINOR_THREAT, "threat made during the incident")
        return Assessment(Level.THREAT, "threat of serious harm still to come")
    ambush = _AMBUSH.search(text)
    if ambush and _live(text, ambush) and _NEAR.search(text) and not _OLD.search(text):
        return Assessment(Level.THREAT, "threat to lie in wait, with a time set")
    minor = _MINOR.search(text)
    if minor and _live(text, minor) and _SAID.search(text):
        return Assessment(Level.MINOR_THREAT, "threat without immediacy")
    return NOTHING


def assess(text: str) -> Assessment:
    """Danger now, a threat (serious or not), or nothing, and the rule that decided."""
    said = normalise(text)
    if not said.text:
        return NOTHING
    strong = _first_live(NOW_RULES, said.text)
    if strong:
        return Assessment(Level.NOW, strong[0])
    if _shouted_alarm(said):
        return Assessment(Level.NOW, "a cry for help")
    helped = _HELP.search(said.text)
    if helped and (len(said.text.split()) > 1 or said.shout) and _live(said.text, helped):
        return Assessment(Level.NOW, "a call for help")
    threat = _threat(said.text)
    if threat.level is Level.THREAT:
        return threat
    untensed = _first_live(UNTENSED_RULES, said.text)
    if untensed:
        reason, cue = untensed
        if _NOW_WORDS.search(_SAFE_NOW.sub(" ", said.text)) or not _told_as_past(said.text, cue):
            return Assessment(Level.NOW, f"{reason}, not said to be over")
    return threat


# --- what a past-tense message says -------------------------------------------------------------
_USED = re.compile(
    rf"{_B}(?:had|has|have|got|with|holding|held|waving|waved|pointing|pointed|carrying|carried|brandishing|"
    rf"brandished|swinging|swung|wielding|pulled|pulling|pulled out|armed with|threatened|threatening|"
    rf"came at|going for|went for|used)\s+(?:\w+\s+){{0,3}}?{ARTICLE}(?:\w+\s+)?(?P<weapon>{WEAPON}){_E}"
    rf"|{_B}at (?P<point>knife|gun) ?point{_E}|{_B}(?P<pointed>knife|gun)point{_E}")


def weapon_mentioned(text: str) -> str | None:
    """The weapon a message says someone had or used ("he had a knife" -> "knife"), for the report.

    Goods and topics ("kitchen knives £30", "knife crime") are not weapons; nor is a weapon
    someone did not have ("he didn't have a knife").
    """
    said = normalise(text).text
    for match in _USED.finditer(said):
        if _live(said, match) and not _goods(said, match):
            word = match.group("weapon") or match.group("point") or match.group("pointed")
            return WEAPON_WORDS[word]
    return None


# --- what to say ----------------------------------------------------------------------------------
_HOW_TO_CALL = ("- On a mobile, if you can't talk, call 999 and press 55 when asked.\n"
                "- Deaf or speech-impaired? Text 999 if you've registered with emergencySMS.")
EMERGENCY_TEXT = (
    "Call 999 now. If the person is still there, or anyone is hurt or in danger, you need the police "
    "straight away, not an online report.\n"
    "- Keep yourself and your staff safe: don't try to stop or follow them.\n" + _HOW_TO_CALL)
THREAT_TEXT = (
    "Call 999 now. A threat to kill or seriously hurt someone, or to set fire to your business, needs the "
    "police now, even if they said it would happen later.\n"
    "- Keep yourself and your staff safe: stay away from them and don't reply.\n" + _HOW_TO_CALL)
MINOR_THREAT_TEXT = ("Threats are a crime. If you're worried about this one, call 101 to tell the police. "
                     "If they come back or anyone is in danger, call 999.")
IT_IS_OVER = Button("It's over", "it's over")
REPORT_IT = Button("It's over: report it", "it's over")


def emergency_reply(report_under_way: bool, threat: bool = False) -> tuple[str, tuple[Button, ...]]:
    """The full 999 guidance, ending with the way back once everyone is safe."""
    text = THREAT_TEXT if threat else EMERGENCY_TEXT
    if report_under_way:
        return f"{text}\nWhen everyone is safe, say 'it's over' and we'll carry on where we left off.", (IT_IS_OVER,)
    return f"{text}\nWhen everyone is safe, say 'it's over' and I'll take a report of what happened.", (REPORT_IT,)


def hold_reminder(report_under_way: bool) -> tuple[str, tuple[Button, ...]]:
    """While holding after 999 guidance: short and kind, with the way back."""
    then = "we'll carry on" if report_under_way else "I'll take a report"
    return (f"Please call 999 if you haven't yet, and keep safe. When it's over, say 'it's over' and {then}.",
            (IT_IS_OVER if report_under_way else REPORT_IT,))


# --- "it's over" -------------------------------------------------------------------------------------
_OVER = re.compile(
    rf"{_B}(?:(?:it's|it is|all|is) over|over now|(?:he's|she's|they've|they're|he|she|they|has|have|they have|"
    rf"he has|she has|everyone's|all) (?:gone|left|run off|ran off|driven off|drove off)|gone now|left now|"
    rf"(?:we're|we are|i'm|i am|everyone's|everyone is|all|we|i|staff are|everybody's) (?:safe|ok|okay|fine|"
    rf"alright|all right|good)|safe now|all clear|carry on|continue|resume|keep going|go on|"
    rf"police (?:are|is) here|police (?:have|has) (?:arrived|come|been|got him|got them|taken him)|"
    rf"(?:not|no) (?:an )?emergency|no danger|not in danger|false alarm|(?:was a |my )?mistake|wrong button|"
    rf"didn't mean|report it|report a crime){_E}")
_NOT_OVER = re.compile(rf"{_B}(?:not|isn't|isnt|aren't|haven't|hasn't|not yet|don't feel|do not feel|never)\s+"
                       rf"(?:\w+\s+)?(?:over|gone|left|safe|ok|okay|fine){_E}")


def is_over(text: str) -> bool:
    """Said while holding after 999 guidance: is it over, so the conversation can carry on?"""
    said = normalise(text).text
    return bool(_OVER.search(said)) and not _NOT_OVER.search(said)
