"""The eight business-crime types (NPCC definition) in the words shown to users."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrimeType:
    code: str
    label: str
    button: str


CRIME_TYPES: tuple[CrimeType, ...] = (
    CrimeType("shop_theft", "shop theft", "Shop theft"),
    CrimeType("making_off_without_payment", "leaving without paying", "Drive-off / left without paying"),
    CrimeType("criminal_damage", "criminal damage", "Damage or graffiti"),
    CrimeType("burglary", "burglary", "Break-in (burglary)"),
    CrimeType("robbery", "robbery", "Robbery"),
    CrimeType("violence_against_staff", "violence or abuse against staff", "Violence or abuse to staff"),
    CrimeType("fraud", "fraud", "Fraud or scam"),
    CrimeType("cyber_crime", "cyber crime", "Cyber attack or hacking"),
)
BY_CODE = {crime.code: crime for crime in CRIME_TYPES}

# Crimes with goods or cash taken: ask what and how much.
THEFT_TYPES = {"shop_theft", "making_off_without_payment", "burglary", "robbery"}
# Reported to the national fraud reporting centre rather than the local force.
FRAUD_TYPES = {"fraud", "cyber_crime"}
ACTION_FRAUD = ("Fraud and cyber crime in England and Wales are recorded by Action Fraud "
                "(actionfraud.police.uk or 0300 123 2040). Please report it there too: you can copy "
                "the summary I show you before you send this report.")


def label(code: str | None) -> str:
    return BY_CODE[code].label if code in BY_CODE else "crime"
