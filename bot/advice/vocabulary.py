"""The fixed words advice articles may use: topics, sectors, seasons and source publishers.

A closed vocabulary is what lets the conversation offer topic buttons, lets alerts and advice share
topic codes, and lets ``bizwatch advice check`` catch a typo in front matter before a business sees a
blank menu. Crime-type codes are the ones in DOMAIN.md (and the NLU ``crime_type`` entity), so a
report's crime type can be used directly as an advice topic.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from bot import crime_types

#: The eight business crime types, in the registry's order (bot.crime_types is their one source).
CRIME_TYPES: tuple[str, ...] = crime_types.CODES

#: Every topic code with the short label a person sees (buttons, lists).
TOPICS: Mapping[str, str] = MappingProxyType(
    {
        # crime types
        **{crime.code: crime.advice_label for crime in crime_types.CRIME_TYPES},
        # prevention themes
        "design_out_crime": "Designing out crime",
        "target_hardening": "Locks, shutters and alarms",
        "cctv": "CCTV",
        "cash_handling": "Handling cash",
        "staff_safety": "Staff safety",
        "lone_working": "Working alone",
        "age_restricted_sales": "Age-restricted sales",
        "forecourt": "Fuel forecourts",
        "licensed_premises": "Pubs, bars and clubs",
        "rural": "Farms and rural business",
        "office_security": "Offices",
        "partnerships": "Business crime partnerships",
        "reporting": "Reporting crime",
        "after_a_crime": "After a crime",
        "impact_statement": "Impact Statement for Business",
        "seasonal": "Seasonal plans",
        "counterfeit_notes": "Counterfeit notes",
        "card_fraud": "Card and refund fraud",
        "invoice_fraud": "Invoice and bank detail fraud",
        "scams": "Scam calls and impersonation",
        "modern_slavery": "Modern slavery",
        "cyber_basics": "Cyber security basics",
        "passwords": "Passwords and 2-step verification",
        "backups": "Backups",
        "phishing": "Phishing emails and texts",
        "ransomware": "Ransomware",
        "data_breach": "Data breaches",
    }
)

#: The top-level topics offered as buttons (at most eight, so they fit every channel's menu).
MENU_TOPICS: tuple[str, ...] = (
    "shop_theft",
    "making_off_without_payment",
    "burglary",
    "violence_against_staff",
    "fraud",
    "cyber_crime",
    "after_a_crime",
    "seasonal",
)

#: Menus for sectors whose worries differ from a shop's. Editorial choices, kept explicit so an
#: editor can change them; the check makes sure each has at most eight topics with articles.
SECTOR_MENUS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "forecourt": (
            "making_off_without_payment",
            "forecourt",
            "shop_theft",
            "robbery",
            "violence_against_staff",
            "fraud",
            "cyber_crime",
            "after_a_crime",
        ),
        "licensed": (
            "licensed_premises",
            "violence_against_staff",
            "making_off_without_payment",
            "burglary",
            "fraud",
            "cyber_crime",
            "after_a_crime",
            "seasonal",
        ),
        "rural": (
            "rural",
            "burglary",
            "criminal_damage",
            "fraud",
            "cyber_crime",
            "modern_slavery",
            "after_a_crime",
            "seasonal",
        ),
        "office": (
            "office_security",
            "cyber_crime",
            "fraud",
            "burglary",
            "violence_against_staff",
            "criminal_damage",
            "after_a_crime",
            "reporting",
        ),
    }
)
SECTOR_MENUS = MappingProxyType({**SECTOR_MENUS, "hospitality": SECTOR_MENUS["licensed"]})

#: The article offered first for each crime type when nothing else is known about the business
#: (drive-offs outnumber dine-and-dash, so a report of making off starts there).
CRIME_TYPE_LEAD: Mapping[str, str] = MappingProxyType(
    {
        "shop_theft": "shop-theft-prevention",
        "making_off_without_payment": "fuel-drive-offs",
        "criminal_damage": "graffiti-and-vandalism",
        "burglary": "shutters-locks-and-alarms",
        "robbery": "robbery-prevention",
        "violence_against_staff": "staff-safety-and-conflict",
        "fraud": "invoice-and-mandate-fraud",
        "cyber_crime": "cyber-essentials-and-basics",
    }
)

#: Business sectors an article may be written for; ``all`` means general advice.
SECTORS: tuple[str, ...] = ("retail", "licensed", "forecourt", "rural", "office", "hospitality", "all")

#: Seasons a campaign may run in; ``all`` means year-round advice.
SEASONS: tuple[str, ...] = ("christmas", "black_friday", "school_holidays", "summer", "all")

#: Publishers we cite, with the web host their URLs must be on. Public bodies only, so a
#: business can trust the source, and the host check catches a pasted link to a look-alike site.
PUBLISHERS: Mapping[str, str] = MappingProxyType(
    {
        "National Business Crime Centre": "nbcc.police.uk",
        "National Cyber Security Centre": "ncsc.gov.uk",
        "Secured by Design": "securedbydesign.com",
        "Action Fraud": "actionfraud.police.uk",
        "Home Office": "gov.uk",
        "Ministry of Justice": "gov.uk",
        "GOV.UK": "gov.uk",
        "National Police Chiefs' Council": "npcc.police.uk",
        "Information Commissioner's Office": "ico.org.uk",
        "Crimestoppers": "crimestoppers-uk.org",
        "Bank of England": "bankofengland.co.uk",
        "Police.uk": "police.uk",
    }
)

#: Words people use for a topic that articles may not. They are added to an article's searchable
#: text for each of its topics, so "ppl nicking booze" reaches the shop theft advice.
TOPIC_KEYWORDS: Mapping[str, str] = MappingProxyType(
    {
        "shop_theft": "shoplifting shoplifters steal stealing stolen nicking nick pinching thieves theft lifting goods stock shelf shelves",
        "making_off_without_payment": "drive off bilking make off without payment runner fuel theft",
        "criminal_damage": "vandalism vandals graffiti smashed broken damage tagging",
        "burglary": "burglary burglars break in broke in burgled breakin",
        "robbery": "robbery robbed robber hold up till snatch armed weapon knife demand",
        "violence_against_staff": "violence assault attacked abuse abusive threats threatened spat aggressive",
        "fraud": "fraud scam scammed fraudster con fake",
        "design_out_crime": "design layout lighting sightlines display displays shelves mirrors",
        "target_hardening": "secure security lock locks door doors window windows shutter shutters grille alarm bolts",
        "cash_handling": "cash till takings banking bank safe float money",
        "cyber_crime": "cyber hacked hacker online attack computer",
        "cctv": "cctv camera cameras footage recording recorder video",
        "staff_safety": "staff safety employees workers team safe conflict calm angry",
        "lone_working": "alone lone solo single staffed",
        "age_restricted_sales": "id age challenge 25 underage refuse refusal alcohol cigarettes vapes",
        "forecourt": "forecourt petrol station fuel pump garage",
        "licensed_premises": "pub bar club nightclub licensed drinks door",
        "rural": "farm farmer rural countryside agricultural land diesel fuel tank livestock sheep theft hare coursing poaching",
        "office_security": "office reception laptop",
        "partnerships": "partnership bcrp bid pubwatch shopwatch radio exclusion banned",
        "reporting": "report reporting police 101 999 online pointless worth bother",
        "after_a_crime": "after happened victim",
        "impact_statement": "impact statement isb court",
        "seasonal": "season seasonal busy period",
        "counterfeit_notes": "counterfeit fake notes money cash forged",
        "card_fraud": "card chargeback refund contactless stolen cards",
        "invoice_fraud": "invoice bank details supplier mandate payment boss ceo urgent",
        "scams": "scam call caller impersonation impersonating pretending fake official",
        "modern_slavery": "slavery trafficking exploited exploitation forced labour car wash nail bar workers",
        "cyber_basics": "cyber security basics protect",
        "passwords": "password passwords login 2fa mfa two factor",
        "backups": "backup backups copy restore",
        "phishing": "phishing dodgy suspicious email link text",
        "ransomware": "ransomware ransom encrypted locked files",
        "data_breach": "data breach gdpr personal data leaked lost exposed wrong recipient customer details ico",
    }
)

#: Multi-word expressions rewritten before words are split (applied to questions and articles
#: alike). Each pattern is a regular expression matched on lower-case text at word boundaries.
PHRASES: tuple[tuple[str, str], ...] = (
    # When something happened is not what it was about ("broken into last night").
    (r"last (?:night|week|month)|this (?:morning|afternoon|evening)|the other day|earlier today", " "),
    (r"brok(?:e|en) in(?:to)?", "burglary"),
    (r"break[- ]?ins?", "burglary"),
    (r"drive[- ]?offs?|driv(?:ing|es|e) off|drove off", "driveoff"),
    (r"dine[- ]and[- ]dash(?:ed|ing)?", "dineanddash"),
    (r"(?:walk|walked|walking|left|leave|leaving|ran|run|running)(?: out)? without pay(?:ing)?", "makeoff"),
    (r"making off without payment|make off without payment|without pay(?:ing)?|did a runner|do a runner", "makeoff"),
    (r"non[- ]?emergency", "101"),
    (r"half[- ]?terms?", "school holidays"),
    (r"kick(?:ed|ing|s)? off", "aggressive"),
    (r"lay(?:ing)? out", "layout"),
    (r"go(?:es|ing|ne)? missing|went missing", "steal"),
    (r"two[- ](?:step|factor)|2[- ]step", "twostep"),
    (r"time[- ]delay", "timedelay"),
    (r"pay[- ]at[- ]pump", "payatpump"),
    (r"black friday", "blackfriday"),
    (r"cyber essentials", "cyberessentials"),
    (r"backing up|back up|backed up", "backup"),
    (r"(?:run|runs|running|ran|made|make|walked|walking|legged it) (?:off|away|out) with", "steal"),
    (r"held up|hold[- ]?ups?|stick[- ]?ups?|stuck up|knifepoint|gunpoint", "robbery"),
    (r"de-?escalat\w*|calm(?:ing)? (?:\w+ )?down", "conflict"),
    (r"what'?s the point|why bother|is it worth", "pointless"),
    (r"claim(?:s|ed|ing)? to be|pretend(?:s|ed|ing)? to be|posing as|pose as", "impersonation"),
    (r"wrong (?:person|people|address|recipient)", "breach"),
    (r"(?:door|window|lock|shutter)s? (?:was |were |had been |been )?forced|forced (?:open|entry|in|the door)", "burglary"),
)

#: Query-side normalisation: slang, abbreviations and common misspellings mapped to the words
#: the articles use. Kept small and explicit; the fuzzy matcher in ``search`` covers other typos.
SYNONYMS: Mapping[str, str] = MappingProxyType(
    {
        "ppl": "people",
        "pple": "people",
        "u": "you",
        "ur": "your",
        "r": "are",
        "wot": "what",
        "wat": "what",
        "shud": "should",
        "pls": "please",
        "plz": "please",
        "nicking": "steal",
        "nicked": "steal",
        "nick": "steal",
        "pinch": "steal",
        "pinched": "steal",
        "pinching": "steal",
        "swiping": "steal",
        "swiped": "steal",
        "lifters": "shoplifters",
        "shoplifter": "shoplifters",
        "booze": "alcohol",
        "vodka": "alcohol",
        "whisky": "alcohol",
        "gin": "alcohol",
        "rum": "alcohol",
        "wine": "alcohol",
        "beer": "alcohol",
        "lager": "alcohol",
        "spirits": "alcohol",
        "bottles": "alcohol",
        "shoplifted": "steal",
        "thief": "theft",
        "thieves": "theft",
        "stolen": "steal",
        "stole": "steal",
        "coursers": "coursing",
        "bevvies": "alcohol",
        "fags": "cigarettes",
        "ciggies": "cigarettes",
        "cctv's": "cctv",
        "cam": "camera",
        "cams": "camera",
        "vid": "footage",
        "vids": "footage",
        "driveoffs": "driveoff",
        "bilkers": "bilking",
        "runners": "runner",
        "dashers": "dash",
        "burgled": "burglary",
        "burglars": "burglary",
        "burglar": "burglary",
        "breakin": "burglary",
        "robbed": "robbery",
        "robber": "robbery",
        "robbers": "robbery",
        "mugged": "robbery",
        "hackers": "hacker",
        "2fa": "twostep",
        "mfa": "twostep",
        "2sv": "twostep",
        "pw": "password",
        "pwd": "password",
        "passwrd": "password",
        "e-mail": "email",
        "emails": "email",
        "txt": "text",
        "txts": "text",
        "msg": "message",
        "isb": "impact",
        "quads": "quad",
        "atv": "quad",
        "atvs": "quad",
        "tractor": "machinery",
        "tractors": "machinery",
        "xmas": "christmas",
        "crimbo": "christmas",
        "hols": "holidays",
        "vandalised": "vandalism",
        "vandalized": "vandalism",
        "smashed": "damage",
        "counterfeits": "counterfeit",
        "dodgy": "suspicious",
        "scammers": "scam",
        "scammer": "scam",
        "gdpr": "data",
        "spat": "spitting",
        "spray": "graffiti",
        "paint": "graffiti",
        "painted": "graffiti",
        "hammer": "weapon",
        "machete": "weapon",
        "gun": "weapon",
        "bat": "weapon",
        "knives": "knife",
        "demanded": "demand",
        "demanding": "demand",
        "kids": "young",
        "teenagers": "young",
        "teens": "young",
        "youths": "young",
        "yobs": "young",
        "youngsters": "young",
        "perfume": "goods",
        "fragrance": "goods",
        "razors": "goods",
        "meat": "goods",
        "cheese": "goods",
        "makeup": "goods",
        "electronics": "goods",
        "products": "goods",
        "sprayed": "graffiti",
        "spraying": "graffiti",
        "tagged": "graffiti",
        "keyed": "damage",
        "broke": "damage",
        "broken": "damage",
        "threatened": "threat",
        "threatening": "threat",
        "threaten": "threat",
        "threats": "threat",
        "stab": "violence",
        "stabbed": "violence",
        "ring": "call",
        "rang": "call",
        "phoned": "call",
        "closure": "closing",
        "closures": "closing",
        "close": "closing",
        "closed": "closing",
        "august": "summer",
        "july": "summer",
        "counterfit": "counterfeit",
        "conterfeit": "counterfeit",
        "forged": "counterfeit",
        "tenner": "note",
        "twenty": "note",
        "fifty": "note",
        "encrypted": "ransomware",
        "safety": "safe",
        "safely": "safe",
        "safer": "safe",
    }
)

#: Words that show a question is about preventing a crime ("how do I stop break-ins") or about
#: one that has just happened ("got broken into last night, what now"). They tip the balance
#: between prevention articles and after-a-crime articles; they are matched on the raw words.
PREVENTION_CUES = frozenset(
    "stop stopping prevent prevention preventing avoid worried worry worrying deter protect "
    "reduce risk before tips secure ready prepare".split()
)
AFTERMATH_CUES = frozenset(
    "now just yesterday last morning overnight happened after afterwards was were been got had did "
    "gone".split()
)


#: What a generic crime type most often means in a sector. The language model reads plain "theft"
#: as shop theft; on a forecourt, theft is mostly fuel drive-offs, so that advice should lead.
SECTOR_READING: Mapping[tuple[str, str], str] = MappingProxyType(
    {("forecourt", "shop_theft"): "making_off_without_payment"}
)
