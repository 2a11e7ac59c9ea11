"""Details people volunteer in any message, used and confirmed instead of asked again.

People tell the whole story at once ("some lad nicked £80 of meat this morning"): the crime type,
value, time, postcode and registrations it names fill the questions not yet answered. Answers
already given are never overwritten here: a correction goes through "change".
"""

from __future__ import annotations

from datetime import datetime

from bot.crime_types import BY_CODE, label
from bot.emergency import weapon_mentioned
from bot.flows.base import Invalid, Turn
from bot.flows.questions import is_answered, mark_answered
from bot.flows.report.common import set_detail
from bot.flows.report.goods import note_forecourt, note_value
from bot.flows.report.when import record_time
from bot.storage.models import Report


def note_entities(turn: Turn, report: Report) -> list[str]:
    """Fill unanswered questions from the interpreter's entities in this message; say what was noted."""
    noted: list[str] = []
    crime_types = turn.entities("crime_type")
    if crime_types and not is_answered(turn, "crime_type") and crime_types[0]["value"] in BY_CODE:
        report.crime_type = crime_types[0]["value"]
        mark_answered(turn, "crime_type")
        noted.append(label(report.crime_type))
    value = note_value(turn, report)
    if value:
        noted.append(value)
    moment = _note_time(turn, report)
    if moment:
        noted.append(moment)
    postcodes = turn.entities("postcode")
    if postcodes and not is_answered(turn, "business_postcode"):
        report.business_postcode = postcodes[0]["value"]
        mark_answered(turn, "business_postcode")
        noted.append(f"postcode {report.business_postcode}")
    registrations = turn.entities("vehicle_registration")
    if registrations and not is_answered(turn, "vehicle"):
        report.vehicle_registrations = list(dict.fromkeys(e["value"] for e in registrations))
        mark_answered(turn, "vehicle")
        noted.append(f"vehicle {', '.join(report.vehicle_registrations)}")
    noted.extend(note_forecourt(turn, report))
    weapon = weapon_mentioned(turn.text) if turn.text else None
    if weapon and not (report.details or {}).get("weapon"):
        set_detail(report, "weapon", weapon)  # an aggravating feature the investigator needs (DOMAIN.md)
        noted.append(f"weapon: {weapon}")
    return noted


def _note_time(turn: Turn, report: Report) -> str | None:
    moments = turn.entities("datetime")
    if not moments or is_answered(turn, "occurred_at"):
        return None
    info = moments[0].get("additional_info") or {}
    until = info.get("until")
    try:
        said = record_time(turn, report, datetime.fromisoformat(str(moments[0]["value"])),
                           bool(info.get("has_time", True)), datetime.fromisoformat(until) if until else None)
    except Invalid:
        return None  # a future time in passing ("back tomorrow") is not when it happened
    mark_answered(turn, "occurred_at")
    return said
