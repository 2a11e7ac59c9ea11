"""The fixed words advice articles may use: topics, sectors, seasons and source publishers.

A closed vocabulary is what lets the conversation offer topic buttons, lets alerts and advice share
topic codes, and lets ``bizwatch advice check`` catch a typo in front matter before a business sees a
blank menu. Crime-type codes are the ones in DOMAIN.md (and the NLU ``crime_type`` entity), so a
report's crime type can be used directly as an advice topic.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

#: The eight business crime types (DOMAIN.md), in the order they are usually offered.
CRIME_TYPES: tuple[str, ...] = (
    "shop_theft",
    "making_off_without_payment",
    "criminal_damage",
    "burglary",
    "robbery",
    "violence_against_staff",
    "fraud",
    "cyber_crime",
)

#: Every topic code with the short label a person sees (buttons, lists).
TOPICS: Mapping[str, str] = MappingProxyType(
    {
        # crime types
        "shop_theft": "Shop theft",
        "making_off_without_payment": "Drive-offs and walk-outs",
        "criminal_damage": "Vandalism and damage",
        "burglary": "Break-ins",
        "robbery": "Robbery",
        "violence_against_staff": "Violence and abuse to staff",
        "fraud": "Fraud and scams",
        "cyber_crime": "Cyber crime",
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

#: Sector-specific menu swaps: a farm sees its own topic instead of drive-offs, and so on.
MENU_SECTOR_TOPIC: Mapping[str, str] = MappingProxyType(
    {
        "forecourt": "forecourt",
        "licensed": "licensed_premises",
        "rural": "rural",
        "office": "office_security",
        "hospitality": "licensed_premises",
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
        "shop_theft": "shoplifting shoplifters steal stealing stolen nicking nick pinching thieves theft lifting",
        "making_off_without_payment": "drive off bilking making off without paying walk out runner fuel theft",
        "criminal_damage": "vandalism vandals graffiti smashed broken damage tagging",
        "burglary": "burglary burglars break in broke in burgled breakin",
        "robbery": "robbery robbed robber hold up till snatch armed weapon knife",
        "violence_against_staff": "violence assault attacked abuse abusive threats threatened spat aggressive",
        "fraud": "fraud scam scammed fraudster con fake",
        "cyber_crime": "cyber hacked hacker online attack computer",
        "cctv": "cctv camera cameras footage recording",
        "staff_safety": "staff safety employees workers team safe",
        "lone_working": "alone lone solo single staffed",
        "age_restricted_sales": "id age challenge 25 underage refuse refusal alcohol cigarettes vapes",
        "forecourt": "forecourt petrol station fuel pump garage theft",
        "licensed_premises": "pub bar club nightclub licensed drinks door",
        "rural": "farm farmer rural countryside agricultural",
        "office_security": "office reception laptop",
        "partnerships": "partnership bcrp bid pubwatch shopwatch radio exclusion banned",
        "reporting": "report reporting police 101 999 online",
        "after_a_crime": "after happened victim",
        "impact_statement": "impact statement isb court",
        "seasonal": "season seasonal busy period",
        "counterfeit_notes": "counterfeit fake notes money cash forged",
        "card_fraud": "card chargeback refund contactless stolen cards",
        "invoice_fraud": "invoice bank details supplier mandate payment",
        "scams": "scam call caller impersonation pretending",
        "modern_slavery": "slavery trafficking exploited forced labour",
        "cyber_basics": "cyber security basics protect",
        "passwords": "password passwords login 2fa mfa two factor",
        "backups": "backup backups copy restore",
        "phishing": "phishing dodgy suspicious email link text",
        "ransomware": "ransomware ransom encrypted locked files",
        "data_breach": "data breach gdpr personal data leaked ico",
    }
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
        "bevvies": "alcohol",
        "fags": "cigarettes",
        "ciggies": "cigarettes",
        "cctv's": "cctv",
        "cam": "camera",
        "cams": "camera",
        "vid": "footage",
        "vids": "footage",
        "driveoff": "drive",
        "driveoffs": "drive",
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
        "hacked": "hacked",
        "hackers": "hacker",
        "2fa": "two-step",
        "mfa": "two-step",
        "2sv": "two-step",
        "pw": "password",
        "pwd": "password",
        "passwrd": "password",
        "e-mail": "email",
        "emails": "email",
        "txt": "text",
        "txts": "text",
        "msg": "message",
        "isb": "impact",
        "quad": "quad",
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
        "safety": "safe",
        "safely": "safe",
        "safer": "safe",
    }
)
