"""Who did it: a description of the offenders and any vehicle, asked in one question.

The registration is asked for separately only where it matters most (a fuel drive-off) or when
the description mentions a vehicle without one.
"""

from __future__ import annotations

import re

from bot.flows.answers import leading_count, normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Prompt, is_answered, mark_answered
from bot.flows.report.common import is_fuel, set_detail, text_answer
from bot.flows.report.fraud import offenders_seen
from bot.messages import Button
from bot.storage.models import Report
from nlu.extractors import find_vehicle_registrations

VEHICLE = re.compile(
    r"\b(car|cars|van|motorbike|motor bike|moped|scooter|vehicle|4x4|truck|lorry|taxi|hatchback|suv|pick-?up|transit|"
    r"golf|corsa|fiesta|astra|polo|bmw|audi|merc|mercedes|ford|vauxhall|vw|volkswagen|toyota|honda|nissan|"
    r"range rover|land rover|drove|driving|getaway)\b", re.IGNORECASE)
NO_REGISTRATION = re.compile(r"\b(didn'?t|did not|couldn'?t|could not|no vehicle|no car|none|on foot|walked|"
                             r"not see|never saw|too far|no plate|false plates?|no idea)\b")
# "no", "none", "no idea" and the like are read by text_answer (bot.flows.answers.no_answer).
NOT_SEEN = {"didn't see them", "didnt see them", "did not see them", "didn't see", "didnt see",
            "not seen", "no one saw them", "never saw them", "no description"}


def ask_offenders(turn: Turn, report: Report) -> Prompt:
    vehicle = "" if is_fuel(report) else ", and any vehicle (the registration if you saw it)"
    return Prompt(f"Can you describe them? How many, clothing, build, rough age, any marks or tattoos{vehicle}. "
                  "Say 'skip' if you didn't see them.", (Button("Didn't see them", "skip"),))


def answer_offenders(turn: Turn, report: Report, text: str) -> Answer:
    if normalise(text) in NOT_SEEN:
        report.offenders = []
        return "OK, no description."
    description = text_answer(text)
    report.offenders = [{"description": description, "count": leading_count(description)}]
    registrations = [span.value for span in find_vehicle_registrations(text)]
    if VEHICLE.search(text) and not registrations:
        set_detail(report, "vehicle_description", truncate(description, 500))
    if registrations and not is_answered(turn, "vehicle"):
        report.vehicle_registrations = list(dict.fromkeys(registrations))[:10]
        mark_answered(turn, "vehicle")
        return f"Noted: vehicle {', '.join(report.vehicle_registrations)}."
    return None


def clear_offenders(report: Report) -> None:
    report.offenders = []


def extend_offenders(report: Report, more: str) -> None:
    first = (report.offenders or [{}])[0].get("description", "")
    description = truncate(f"{first}\n{more}".strip(), 4000)
    report.offenders = [{"description": description, "count": leading_count(description)}]


def vehicle_applies(turn: Turn, report: Report) -> bool:
    """A vehicle matters on a fuel drive-off, or when one was described or its registration given.

    (A registration already given marks the question answered, so it is not asked again.)
    """
    return offenders_seen(turn, report) and (is_fuel(report) or bool(report.vehicle_registrations)
                                             or bool((report.details or {}).get("vehicle_description")))


def ask_vehicle(turn: Turn, report: Report) -> Prompt:
    lead = "What's the vehicle registration?" if is_fuel(report) else \
        "You mentioned a vehicle: did you get the registration?"
    return Prompt(f"{lead} For example AB12 CDE.", (Button("Don't know", "don't know"),))


def answer_vehicle(turn: Turn, report: Report, text: str) -> Answer:
    spans = find_vehicle_registrations(text)
    if spans:
        report.vehicle_registrations = list(dict.fromkeys(span.value for span in spans))[:10]
        rest = text
        for span in sorted(spans, key=lambda s: s.start, reverse=True):
            rest = rest[: span.start] + rest[span.end:]
        if len(normalise(rest).split()) >= 2:
            set_detail(report, "vehicle_description", truncate(text.strip(), 500))
        return f"Noted: {', '.join(report.vehicle_registrations)}."
    if yes_no(text) is False or NO_REGISTRATION.search(normalise(text)):
        report.vehicle_registrations = []
        return "OK, registration not known."
    if len(normalise(text).split()) >= 2:
        set_detail(report, "vehicle_description", truncate(text.strip(), 500))
        return "Noted. I couldn't see a registration in that, so I've kept your description of the vehicle."
    raise Invalid("That doesn't look like a UK registration. They look like AB12 CDE.")


def clear_vehicle(report: Report) -> None:
    report.vehicle_registrations = []
