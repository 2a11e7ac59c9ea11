"""The one registry of business crime types (NPCC definition) and what each one means for a report.

Everything else derives from here: the report's questions (which apply to which crime), the
summary's value label, the advice topics, and (through a test, because ``nlu/`` never imports
``bot/``) the language model's ``crime_type`` entity values.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Cctv(Enum):
    """Whether a camera could have recorded this crime, so CCTV questions are asked only where it could."""

    RELEVANT = "relevant"
    IF_IN_PERSON = "if_in_person"  # fraud: a counterfeit note at the till, yes; a scam phone call, no
    NOT_RELEVANT = "not_relevant"  # cyber crime happens on computers, not in front of cameras


@dataclass(frozen=True)
class CrimeType:
    """One crime type with the traits the report conversation and its outputs depend on.

    ``questions`` names the report questions only this crime type asks, in addition to the ones
    every report asks; a test checks each name is a real question.
    """

    code: str
    label: str
    button: str
    advice_label: str
    goods_taken: bool = False
    action_fraud: bool = False
    cctv: Cctv = Cctv.RELEVANT
    offenders_seen: bool = True
    value_label: str | None = "Total value"
    questions: tuple[str, ...] = ()


GOODS = ("items", "value")

CRIME_TYPES: tuple[CrimeType, ...] = (
    CrimeType("shop_theft", "shop theft", "Shop theft", "Shop theft", goods_taken=True, questions=GOODS),
    CrimeType("making_off_without_payment", "leaving without paying", "Drive-off / left without paying",
              "Drive-offs and walk-outs", goods_taken=True,
              questions=("making_off_kind", "pump", "fuel", *GOODS)),
    CrimeType("criminal_damage", "criminal damage", "Damage or graffiti", "Vandalism and damage",
              value_label="Repair estimate", questions=("damage", "repair")),
    CrimeType("burglary", "burglary", "Break-in (burglary)", "Break-ins", goods_taken=True, questions=GOODS),
    CrimeType("robbery", "robbery", "Robbery", "Robbery", goods_taken=True, questions=(*GOODS, "injuries")),
    CrimeType("violence_against_staff", "violence or abuse against staff", "Violence or abuse to staff",
              "Violence and abuse to staff", value_label=None, questions=("injuries", "staff")),
    CrimeType("fraud", "fraud", "Fraud or scam", "Fraud and scams", action_fraud=True, cctv=Cctv.IF_IN_PERSON,
              offenders_seen=False, value_label="Amount lost", questions=("amount_lost", "how")),
    CrimeType("cyber_crime", "cyber crime", "Cyber attack or hacking", "Cyber crime", action_fraud=True,
              cctv=Cctv.NOT_RELEVANT, offenders_seen=False, value_label="Amount lost",
              questions=("amount_lost", "how")),
)
BY_CODE = {crime.code: crime for crime in CRIME_TYPES}
CODES: tuple[str, ...] = tuple(BY_CODE)

ACTION_FRAUD_NAME = "Action Fraud (actionfraud.police.uk or 0300 123 2040)"
ACTION_FRAUD = (f"Fraud and cyber crime in England and Wales are recorded by {ACTION_FRAUD_NAME}: "
                "please report it there too.")


def crime_type(code: str | None) -> CrimeType | None:
    return BY_CODE.get(code or "")


def label(code: str | None) -> str:
    found = crime_type(code)
    return found.label if found else "crime"


def asks(code: str | None, question: str) -> bool:
    """Does a report of this crime type ask ``question`` (one of its own questions)?"""
    found = crime_type(code)
    return found is not None and question in found.questions
