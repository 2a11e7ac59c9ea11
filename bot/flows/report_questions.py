"""The questions of a crime report, in the order asked (DOMAIN.md: what investigators need).

Each question stores its answer on the draft ``Report`` straight away, so nothing given is lost
if the user goes quiet, and it explains kindly, with an example, when it cannot use an answer.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bot.crime_types import ACTION_FRAUD, BY_CODE, CRIME_TYPES, FRAUD_TYPES, THEFT_TYPES, label
from bot.emergency import emergency_reply
from bot.flows.answers import clock_offset_minutes, duration_days, is_later, is_skip, is_unknown, leading_count, \
    normalise, truncate, yes_no
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Prompt, Question, takes_skip
from bot.messages import Button
from bot.reports.items import parse_items
from bot.reports.links import BadLink, check_link
from bot.reports.summary import money, summary_text, when
from bot.storage.models import Report, ReportAttachment, ReportItem
from nlu.extractors import (find_crime_types, find_emails, find_money, find_phone_numbers, find_postcodes,
                            find_urls, find_vehicle_registrations, normalise_postcode, parse_when)

FIELD_LIMIT = 4000
YES_NO = (Button("Yes", "yes"), Button("No", "no"))
YES_NO_UNSURE = (*YES_NO, Button("Not sure", "not sure"))
FUTURE_TOLERANCE = timedelta(minutes=5)
PUMP = re.compile(r"\bpump\s*(?:no\.?\s*|number\s*|#\s*)?(\d{1,2})\b")


def also_answered(turn: Turn, *names: str) -> None:
    """Mark other questions answered because this answer covered them too."""
    answered = turn.state.setdefault("answered", [])
    for name in names:
        if name not in answered:
            answered.append(name)


def details(report: Report) -> dict:
    """A copy of the type-specific details (JSON columns need a new object to register a change)."""
    return dict(report.details or {})


def set_detail(report: Report, key: str, value: object) -> None:
    data = details(report)
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    report.details = data


def text_answer(text: str, minimum: int = 2, problem: str = "Could you tell me a little more?") -> str:
    text = text.strip()
    if len(text) < minimum:
        raise Invalid(problem)
    return truncate(text, FIELD_LIMIT)


def yes_no_unsure(text: str) -> bool | None:
    """yes -> True, no -> False, "not sure"/"skip" -> None; anything else is asked again."""
    answer = yes_no(text)
    if answer is None and not (is_unknown(text) or is_skip(text)):
        raise Invalid("Please answer yes, no or not sure.")
    return answer


def yes_no_unsure_question(name: str, prompt: str, attribute: str, **options: Any) -> Question[Report]:
    """A question answered yes, no or not sure, stored as True, False or None on ``attribute``."""

    def ask(turn: Turn, report: Report) -> Prompt:
        return Prompt(prompt, YES_NO_UNSURE)

    @takes_skip
    def answer(turn: Turn, report: Report, text: str) -> str | None:
        setattr(report, attribute, yes_no_unsure(text))
        return None

    return Question(name, ask, answer, "'yes', 'no' or 'not sure'", optional=True, **options)


def detail_question(name: str, prompt: str, key: str, example: str, **options: Any) -> Question[Report]:
    """A question answered in the user's words, kept under ``key`` in the report's details."""

    def ask(turn: Turn, report: Report) -> Prompt:
        return Prompt(f"{prompt} For example {example}.")

    def answer(turn: Turn, report: Report, text: str) -> str | None:
        set_detail(report, key, text_answer(text))
        return None

    return Question(name, ask, answer, example, clear=lambda report: set_detail(report, key, None), **options)


def crime(*codes: str):
    return lambda turn, report: report.crime_type in codes


def is_fuel(report: Report) -> bool:
    return (report.details or {}).get("making_off_kind") == "fuel"


def cctv_yes(turn: Turn, report: Report) -> bool:
    return report.crime_type != "cyber_crime" and report.cctv_available is True


# --- what the user volunteers ---------------------------------------------------------------
def _answered(turn: Turn, name: str) -> bool:
    return name in turn.state.get("answered", [])


def note_entities(turn: Turn, report: Report) -> list[str]:
    """Fill unanswered questions from the interpreter's entities in this message; say what was noted.

    People tell the whole story at once ("some lad nicked £80 of meat this morning"); what they
    volunteer is used and confirmed back, not asked again. Answers already given are never
    overwritten here: a correction goes through "change".
    """
    noted: list[str] = []
    crime_types = turn.entities("crime_type")
    if crime_types and not _answered(turn, "crime_type") and crime_types[0]["value"] in BY_CODE:
        report.crime_type = crime_types[0]["value"]
        also_answered(turn, "crime_type")
        noted.append(label(report.crime_type))
    amounts = turn.entities("money")
    if amounts and not any(_answered(turn, n) for n in ("value", "amount_lost", "repair", "fuel")):
        report.value_gbp = Decimal(str(amounts[0]["value"]))
        also_answered(turn, "value", "amount_lost", "repair")
        noted.append(money(report.value_gbp))
    moments = turn.entities("datetime")
    if moments and not _answered(turn, "occurred_at"):
        value = datetime.fromisoformat(str(moments[0]["value"]))
        has_time = bool((moments[0].get("additional_info") or {}).get("has_time", True))
        if value <= turn.now + FUTURE_TOLERANCE:
            report.occurred_at, report.occurred_time_known = value, has_time
            also_answered(turn, "occurred_at", *(("occurred_time",) if has_time else ()))
            noted.append(when(value, turn.tz, has_time))
    postcodes = turn.entities("postcode")
    if postcodes and not _answered(turn, "business_postcode"):
        report.business_postcode = postcodes[0]["value"]
        also_answered(turn, "business_postcode")
        noted.append(f"postcode {report.business_postcode}")
    registrations = turn.entities("vehicle_registration")
    if registrations and not _answered(turn, "vehicle"):
        report.vehicle_registrations = list(dict.fromkeys(e["value"] for e in registrations))
        also_answered(turn, "vehicle")
        noted.append(f"vehicle {', '.join(report.vehicle_registrations)}")
    noted.extend(_note_forecourt(turn, report))
    return noted


def _note_forecourt(turn: Turn, report: Report) -> list[str]:
    """A drive-off told in one breath ("drive off at pump 3, diesel") needs no "fuel?" or "which pump?"."""
    if report.crime_type != "making_off_without_payment":
        return []
    noted = []
    words = normalise(turn.text)
    if not _answered(turn, "making_off_kind") and any(cue in words for cue in MAKING_OFF_KINDS["fuel"]):
        set_detail(report, "making_off_kind", "fuel")
        also_answered(turn, "making_off_kind")
        noted.append("fuel")
    pump = PUMP.search(words)
    if pump and is_fuel(report) and not _answered(turn, "pump"):
        set_detail(report, "pump_number", int(pump.group(1)))
        also_answered(turn, "pump")
        noted.append(f"pump {pump.group(1)}")
    return noted


# --- danger ------------------------------------------------------------------------------
def ask_danger(turn: Turn, report: Report) -> Prompt:
    return Prompt("First: is the person still there, or is anyone hurt or in danger right now?",
                  (Button("No, it's over", "no, it's over"), Button("Yes, danger now", "yes, danger now")))


def answer_danger(turn: Turn, report: Report, text: str) -> str | None:
    answer = yes_no(text)
    if answer is True:
        turn.say(*emergency_reply(report_under_way=True))
        turn.state["stay"] = True
        return None
    if answer is False or re.search(r"\b(over|gone|left|safe|fine|ok|okay)\b", normalise(text)):
        return "Thank you. I'll ask a few short questions; say 'skip' for any you can't answer."
    raise Invalid("Please answer yes or no.")


# --- what ----------------------------------------------------------------------------------
def ask_crime_type(turn: Turn, report: Report) -> Prompt:
    return Prompt("What happened? Pick one, or tell me in a few words.",
                  tuple(Button(c.button, c.code) for c in CRIME_TYPES))


def read_crime_type(turn: Turn, text: str) -> str | None:
    code = normalise(text).replace(" ", "_")
    if code in BY_CODE:
        return code
    for crime_type in CRIME_TYPES:
        if normalise(text) in (crime_type.label, normalise(crime_type.button)):
            return crime_type.code
    found = find_crime_types(text)
    if found:
        return found[0].value
    return None


def answer_crime_type(turn: Turn, report: Report, text: str) -> str | None:
    code = read_crime_type(turn, text)
    if code is None:
        raise Invalid("Sorry, I couldn't tell which kind of crime that was. Please pick one of these.")
    report.crime_type = code
    acknowledgement = f"Noted: {label(code)}."
    if code in FRAUD_TYPES:
        acknowledgement += " " + ACTION_FRAUD
    return acknowledgement


# --- when ----------------------------------------------------------------------------------
def ask_occurred_at(turn: Turn, report: Report) -> Prompt:
    return Prompt("When did it happen? For example 'yesterday about 3pm', 'last night' or 'Saturday 14:30'.")


def set_occurred(turn: Turn, report: Report, text: str) -> str:
    found = parse_when(text, turn.now, turn.settings.timezone)
    if found is None:
        raise Invalid("Sorry, I couldn't work out a date or time from that. Dates are day first, like 21/11.")
    if found.value > turn.now + FUTURE_TOLERANCE:
        raise Invalid(f"That would be {when(found.value, turn.tz, found.has_time)}, which is in the future.")
    report.occurred_at = found.value
    report.occurred_time_known = found.has_time
    return f"Got it: {when(found.value, turn.tz, found.has_time)}."


def answer_occurred_at(turn: Turn, report: Report, text: str) -> str | None:
    acknowledgement = set_occurred(turn, report, text)
    if report.occurred_time_known:
        also_answered(turn, "occurred_time")
    return acknowledgement


def ask_occurred_time(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly what time was it? For example '3pm' or 'about 14:30'.",
                  (Button("Don't know", "don't know"),))


def answer_occurred_time(turn: Turn, report: Report, text: str) -> str | None:
    if report.occurred_at is None:
        raise Invalid("I need the day first.")
    local_day = report.occurred_at.astimezone(turn.tz)
    end_of_day = local_day.replace(hour=23, minute=59)
    found = parse_when(text, min(end_of_day, turn.local_now), turn.settings.timezone)
    if found is None or not found.has_time:
        raise Invalid("Sorry, I couldn't read a time in that. Try '3pm' or '14:30'.")
    moment = local_day.replace(hour=found.value.hour, minute=found.value.minute)
    if moment > turn.now + FUTURE_TOLERANCE:
        raise Invalid("That time hasn't come yet today.")
    report.occurred_at = moment
    report.occurred_time_known = True
    return f"Got it: {when(moment, turn.tz)}."


# --- where ---------------------------------------------------------------------------------
def remembered_business(turn: Turn, report: Report) -> bool:
    return bool(turn.contact.business_name)


def ask_business_known(turn: Turn, report: Report) -> Prompt:
    c = turn.contact
    place = ", ".join(p for p in (c.business_name, c.business_address, c.business_postcode) if p)
    return Prompt(f"Was this at {place}?", (Button("Yes", "yes"), Button("Somewhere else", "somewhere else")))


def answer_business_known(turn: Turn, report: Report, text: str) -> str | None:
    answer = yes_no(text)
    if answer is True:
        c = turn.contact
        report.business_name, report.business_address = c.business_name, c.business_address
        report.business_postcode = c.business_postcode
        also_answered(turn, "business_name", "business_address", "business_postcode")
        return None
    if answer is False or "else" in normalise(text) or "different" in normalise(text):
        return None
    raise Invalid("Please say yes, or 'somewhere else'.")


def ask_business_name(turn: Turn, report: Report) -> Prompt:
    return Prompt("What's the name of the business?")


def answer_business_name(turn: Turn, report: Report, text: str) -> str | None:
    report.business_name = truncate(text_answer(text), 200)
    return None


def ask_business_address(turn: Turn, report: Report) -> Prompt:
    return Prompt("What's the address where it happened? Include the postcode if you can.")


def answer_business_address(turn: Turn, report: Report, text: str) -> str | None:
    address = text_answer(text, minimum=3)
    postcodes = find_postcodes(address)
    if postcodes:
        report.business_postcode = postcodes[-1].value
        address = (address[: postcodes[-1].start] + address[postcodes[-1].end:]).strip(" ,.")
        also_answered(turn, "business_postcode")
    report.business_address = truncate(address or text.strip(), 500)
    return None


def ask_business_postcode(turn: Turn, report: Report) -> Prompt:
    return Prompt("And the postcode? For example WS1 1QL.", (Button("Don't know", "don't know"),))


def answer_business_postcode(turn: Turn, report: Report, text: str) -> str | None:
    postcode = normalise_postcode(text)
    if postcode is None:
        found = find_postcodes(text)
        postcode = found[0].value if found else None
    if postcode is None:
        raise Invalid("That doesn't look like a UK postcode. It should look like WS1 1QL.")
    report.business_postcode = postcode
    return None


# --- what happened ----------------------------------------------------------------------------
def ask_description(turn: Turn, report: Report) -> Prompt:
    opening = turn.state.get("opening")
    if opening:
        return Prompt(f"You said: \"{truncate(opening, 200)}\"\nTell me more about what happened, in your own "
                      "words, or say 'that's all'.", (Button("That's all", "that's all"),))
    return Prompt("In your own words, what happened?")


def answer_description(turn: Turn, report: Report, text: str) -> str | None:
    opening = turn.state.get("opening")
    if opening and re.fullmatch(r"(that'?s (all|it)|nothing (else|to add|more)|no|nope|that is all|done)",
                                normalise(text)):
        report.description = truncate(opening, FIELD_LIMIT)
        return None
    body = text_answer(text)
    report.description = truncate(f"{opening}\n{body}" if opening and opening not in body else body, FIELD_LIMIT)
    return None


# --- leaving without paying -----------------------------------------------------------------------
MAKING_OFF_KINDS = {"fuel": ("fuel", "petrol", "diesel", "pump", "forecourt", "drive off", "drive-off"),
                    "food and drink": ("food", "drink", "meal", "restaurant", "dine", "bill", "table", "cafe", "pub"),
                    "taxi fare": ("taxi", "cab", "fare", "minicab", "uber")}


def ask_making_off_kind(turn: Turn, report: Report) -> Prompt:
    return Prompt("What did they leave without paying for?",
                  (Button("Fuel", "fuel"), Button("Food or drink", "food and drink"), Button("Taxi fare", "taxi fare"),
                   Button("Something else", "something else")))


def answer_making_off_kind(turn: Turn, report: Report, text: str) -> str | None:
    words = normalise(text)
    for kind, cues in MAKING_OFF_KINDS.items():
        if any(cue in words for cue in cues):
            set_detail(report, "making_off_kind", kind)
            return None
    set_detail(report, "making_off_kind", "other" if words in ("something else", "other") else truncate(text, 200))
    return None


def ask_pump(turn: Turn, report: Report) -> Prompt:
    return Prompt("Which pump number were they at? Say 'don't know' if you're not sure.")


def answer_pump(turn: Turn, report: Report, text: str) -> str | None:
    words = normalise(text)
    match = PUMP.search(words) or re.fullmatch(r"(?:number\s*|no\.?\s*|#\s*)?(\d{1,2})", words)
    if not match or not 1 <= int(match.group(1)) <= 99:
        raise Invalid("Please send just the pump number, like 4.")
    set_detail(report, "pump_number", int(match.group(1)))
    return None


def ask_fuel(turn: Turn, report: Report) -> Prompt:
    return Prompt("How much fuel did they take? Litres and the value, for example '45 litres, £68.50'.")


def answer_fuel(turn: Turn, report: Report, text: str) -> str | None:
    litres = re.search(r"(\d+(?:\.\d+)?)\s*(?:l\b|ltrs?\b|litres?\b|liters?\b)", text, re.IGNORECASE)
    found = find_money(text)
    if not litres and not found:
        raise Invalid("I couldn't find litres or a price in that.")
    if litres:
        set_detail(report, "litres", float(litres.group(1)))
    if found:
        report.value_gbp = Decimal(str(found[0].value))
    return None


# --- goods and value -----------------------------------------------------------------------------
def items_apply(turn: Turn, report: Report) -> bool:
    return report.crime_type in THEFT_TYPES and not is_fuel(report)


def ask_items(turn: Turn, report: Report) -> Prompt:
    if report.value_gbp is not None:
        return Prompt("What was taken? For example '6 bottles of vodka, 2 steaks'.")
    return Prompt("What was taken, and roughly what was it worth? For example '6 bottles of vodka, £90'.")


def answer_items(turn: Turn, report: Report, text: str) -> str | None:
    parsed = parse_items(text_answer(text))
    if not parsed.items:
        raise Invalid("Please tell me what was taken.")
    report.items = [ReportItem(description=i.description, quantity=i.quantity, value_gbp=i.value_gbp)
                    for i in parsed.items[:50]]
    if parsed.total_gbp is not None:
        report.value_gbp = parsed.total_gbp
    if report.value_gbp is not None:
        also_answered(turn, "value")
    return None


def ask_value(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly what was it all worth, in pounds?", (Button("Don't know", "don't know"),))


def answer_value(turn: Turn, report: Report, text: str) -> str | None:
    found = find_money(text)
    if not found:
        bare = re.fullmatch(r"\s*(\d{1,7}(?:\.\d{1,2})?)\s*", text.replace(",", ""))
        if not bare:
            raise Invalid("Please give an amount in pounds, like £90.")
        report.value_gbp = Decimal(bare.group(1))
    else:
        report.value_gbp = Decimal(str(found[0].value))
    return f"Noted: {money(report.value_gbp)}."


def clear_goods(report: Report) -> None:
    report.items = []


# --- damage, violence, fraud -------------------------------------------------------------------------
def ask_repair(turn: Turn, report: Report) -> Prompt:
    return Prompt("Roughly how much will the repair cost?", (Button("Don't know yet", "don't know"),))


def ask_injuries(turn: Turn, report: Report) -> Prompt:
    return Prompt("Was anyone hurt? Tell me the injuries, or say 'no'.", (Button("No one was hurt", "no"),))


def answer_injuries(turn: Turn, report: Report, text: str) -> str | None:
    report.injuries = "none" if yes_no(text) is False or normalise(text) in ("no one", "nobody", "none") \
        else text_answer(text)
    return None


def ask_amount_lost(turn: Turn, report: Report) -> Prompt:
    return Prompt("How much has the business lost? For example '£1,200', or 'nothing yet'.",
                  (Button("Nothing yet", "nothing yet"), Button("Don't know", "don't know")))


@takes_skip
def answer_amount(turn: Turn, report: Report, text: str) -> str | None:
    if re.search(r"\b(nothing|none|no loss|zero|nil)\b", normalise(text)):
        report.value_gbp = Decimal(0)
        return None
    if is_unknown(text) or is_skip(text):
        report.value_gbp = None
        return None
    return answer_value(turn, report, text)


# --- who ----------------------------------------------------------------------------------------------
def not_fraud(turn: Turn, report: Report) -> bool:
    return report.crime_type not in FRAUD_TYPES


def ask_offenders(turn: Turn, report: Report) -> Prompt:
    return Prompt("Can you describe them? How many, clothing, build, rough age, any marks or tattoos. "
                  "Say 'skip' if you didn't see them.", (Button("Skip", "skip"),))


def answer_offenders(turn: Turn, report: Report, text: str) -> str | None:
    description = text_answer(text)
    report.offenders = [{"description": description, "count": leading_count(description)}]
    return None


def ask_vehicle(turn: Turn, report: Report) -> Prompt:
    prompt = "What's the vehicle registration? For example AB12 CDE." if is_fuel(report) else \
        "Was a vehicle involved? Send the registration (for example AB12 CDE), or say 'no'."
    return Prompt(prompt, (Button("Don't know", "don't know"),) if is_fuel(report) else (Button("No", "no"),))


def answer_vehicle(turn: Turn, report: Report, text: str) -> str | None:
    registrations = [span.value for span in find_vehicle_registrations(text)]
    if registrations:
        report.vehicle_registrations = list(dict.fromkeys(registrations))[:10]
        extra = text
        for reg_text in sorted(find_vehicle_registrations(text), key=lambda s: s.start, reverse=True):
            extra = extra[: reg_text.start] + extra[reg_text.end:]
        if len(normalise(extra).split()) >= 2:
            set_detail(report, "vehicle_description", truncate(text.strip(), 500))
        return f"Noted: {', '.join(report.vehicle_registrations)}."
    if yes_no(text) is False:
        report.vehicle_registrations = []
        return None
    if len(normalise(text).split()) >= 2:
        set_detail(report, "vehicle_description", truncate(text.strip(), 500))
        return "Noted. I couldn't see a registration in that, so I've kept your description of the vehicle."
    raise Invalid("That doesn't look like a UK registration. They look like AB12 CDE.")


# --- evidence ----------------------------------------------------------------------------------------
def clear_cctv(report: Report) -> None:
    report.cctv_available = report.cctv_shows_face = None
    report.cctv_clock_offset_minutes = report.cctv_overwrite_days = None
    report.attachments = [a for a in report.attachments if a.kind != "cctv_link"]


def ask_clock(turn: Turn, report: Report) -> Prompt:
    return Prompt("Is the CCTV clock right? If not, how far out is it? For example '5 minutes fast'.",
                  (Button("It's right", "it's right"), Button("Don't know", "don't know")))


@takes_skip
def answer_clock(turn: Turn, report: Report, text: str) -> str | None:
    if is_unknown(text) or is_skip(text):
        report.cctv_clock_offset_minutes = None
        return None
    offset = clock_offset_minutes(text)
    if offset is None:
        raise Invalid("Sorry, I didn't catch that. Say 'it's right', or how far out, like '10 minutes slow'.")
    report.cctv_clock_offset_minutes = offset
    return None


def ask_overwrite(turn: Turn, report: Report) -> Prompt:
    return Prompt("How long until the footage is recorded over? For example '7 days' or '2 weeks'.",
                  (Button("Don't know", "don't know"),))


@takes_skip
def answer_overwrite(turn: Turn, report: Report, text: str) -> str | None:
    if is_unknown(text) or is_skip(text):
        report.cctv_overwrite_days = None
        return None
    days = duration_days(text)
    if days is None:
        raise Invalid("Sorry, I didn't catch that. Tell me a time like '7 days', '48 hours' or 'a month'.")
    report.cctv_overwrite_days = min(days, 3650)
    if report.occurred_at is not None and days <= 14:
        overwritten = report.occurred_at + timedelta(days=days)
        return (f"Please save a copy before {when(overwritten, turn.tz)}, when it will be recorded over.")
    return None


def ask_link(turn: Turn, report: Report) -> Prompt:
    return Prompt("If you can share the footage, send a link now (Dropbox, Google Drive, OneDrive, WeTransfer, "
                  "YouTube or a police upload link). Or say 'later'.",
                  (Button("Later", "later"), Button("I'd rather not share it", "rather not")))


@takes_skip
def answer_link(turn: Turn, report: Report, text: str) -> str | None:
    urls = find_urls(text)
    if urls:
        for span in urls[:10]:
            try:
                url, provider = check_link(span.value)
            except BadLink as problem:
                raise Invalid(str(problem)) from None
            if not any(a.url == url for a in report.attachments):
                report.attachments.append(ReportAttachment(kind="cctv_link", url=url, provider=provider))
        report.cctv_status = "provided"
        return "Thank you, link saved."
    words = normalise(text)
    if is_later(text) or is_skip(text) or is_unknown(text):
        report.cctv_status = "pending"
        return "OK. Please save a copy now so it isn't recorded over: the officer will ask for it."
    if re.search(r"\b(rather not|won'?t|not shar|decline|no)\b", words):
        report.cctv_status = "declined"
        return "OK, noted."
    raise Invalid("I couldn't find a link in that. Links start with https://.")


def can_take_photos(turn: Turn, report: Report) -> bool:
    return turn.capabilities.media


def ask_photos(turn: Turn, report: Report) -> Prompt:
    return Prompt("Send any photos now (of damage, the offender or the scene), then say 'done'. Or say 'skip'.",
                  (Button("Done", "done"), Button("Skip", "skip")))


@takes_skip
def answer_photos(turn: Turn, report: Report, text: str) -> str | None:
    photos = [a for a in turn.inbound.attachments if a.kind in ("photo", "image", "video", "document")]
    for photo in photos[:20]:
        report.attachments.append(ReportAttachment(kind="photo", url=photo.url, file_id=photo.file_id,
                                                   content_type=photo.content_type))
    if photos:
        turn.state["stay"] = True
        count = sum(1 for a in report.attachments if a.kind == "photo")
        return f"Got it ({count} photo{'s' if count != 1 else ''} so far). Send more, or say 'done'."
    if re.fullmatch(r"(done|finished|that'?s all|that'?s it|no more|skip|no|none|next)", normalise(text)):
        return None
    raise Invalid("I didn't get a photo there.")


def ask_witnesses(turn: Turn, report: Report) -> Prompt:
    return Prompt("Did anyone else see it? Names and how to contact them, or say 'no'.", (Button("No", "no"),))


def answer_witnesses(turn: Turn, report: Report, text: str) -> str | None:
    report.witnesses = text_answer(text)
    return None


# --- you ----------------------------------------------------------------------------------------------
def remembered_reporter(turn: Turn, report: Report) -> bool:
    return bool(turn.contact.name)


def ask_reporter_known(turn: Turn, report: Report) -> Prompt:
    c = turn.contact
    who = ", ".join(p for p in (c.name, c.role, c.phone, c.email) if p)
    return Prompt(f"Shall I use your details from last time: {who}?",
                  (Button("Yes", "yes"), Button("Change them", "change them")))


def answer_reporter_known(turn: Turn, report: Report, text: str) -> str | None:
    answer = yes_no(text)
    if answer is True:
        c = turn.contact
        report.reporter_name, report.reporter_role = c.name, c.role
        report.reporter_phone, report.reporter_email, report.preferred_contact = c.phone, c.email, c.preferred_contact
        also_answered(turn, "reporter_name", "reporter_role", "reporter_contact", "preferred_contact")
        return None
    if answer is False or "change" in normalise(text):
        return None
    raise Invalid("Please say yes, or 'change them'.")


def ask_name(turn: Turn, report: Report) -> Prompt:
    return Prompt("Nearly done. What's your name?")


def answer_name(turn: Turn, report: Report, text: str) -> str | None:
    report.reporter_name = truncate(text_answer(text, problem="Please tell me your name."), 200)
    return None


def ask_role(turn: Turn, report: Report) -> Prompt:
    return Prompt("And your role? For example owner, manager or cashier.",
                  (Button("Owner", "owner"), Button("Manager", "manager"), Button("Staff", "staff")))


def answer_role(turn: Turn, report: Report, text: str) -> str | None:
    if find_emails(text) or find_phone_numbers(text):
        raise Invalid("That looks like contact details: I'll ask for those next.")
    report.reporter_role = truncate(text_answer(text), 200)
    return None


def ask_contact(turn: Turn, report: Report) -> Prompt:
    return Prompt("What phone number or email can the police use to reach you?")


def answer_contact(turn: Turn, report: Report, text: str) -> str | None:
    phones = find_phone_numbers(text)
    emails = find_emails(text)
    if not phones and not emails:
        raise Invalid("I couldn't find a UK phone number or an email address in that. "
                      "For example 07700 900123 or name@yourshop.co.uk.")
    report.reporter_phone = phones[0].value if phones else None
    report.reporter_email = emails[0].value if emails else None
    if not phones:
        report.preferred_contact = "email"
        also_answered(turn, "preferred_contact")
    return None


def ask_preferred(turn: Turn, report: Report) -> Prompt:
    buttons = [Button("Phone call", "call"), Button("Text message", "text")]
    if report.reporter_email:
        buttons.append(Button("Email", "email"))
    return Prompt("How would you prefer to be contacted?", tuple(buttons))


def answer_preferred(turn: Turn, report: Report, text: str) -> str | None:
    words = normalise(text)
    for method, cues in (("email", ("email", "e-mail", "mail")), ("text", ("text", "sms", "message")),
                         ("call", ("call", "phone", "ring", "ring me"))):
        if any(cue in words for cue in cues):
            if method == "email" and not report.reporter_email:
                raise Invalid("I don't have an email address for you. Say 'change contact' to add one.")
            report.preferred_contact = method
            return None
    raise Invalid("Please pick call, text or email.")


def statement_given(turn: Turn, report: Report) -> bool:
    return report.willing_to_give_statement is True


def clear_court(report: Report) -> None:
    report.willing_to_attend_court = None


# --- review -------------------------------------------------------------------------------------------
def ask_review(turn: Turn, report: Report) -> Prompt:
    return Prompt("Here's your report:\n\n" + summary_text(report, turn.tz) +
                  "\n\nSay 'submit' to send it, or 'change' and the part to change (for example 'change the time').",
                  (Button("Submit", "submit"), Button("Change something", "change something")))


def answer_review(turn: Turn, report: Report, text: str) -> str | None:
    if re.fullmatch(r"(submit|send|send it|yes|ok|okay|confirm|correct|all correct|looks good|that'?s right|done|y)",
                    normalise(text)):
        return None
    raise Invalid("Say 'submit' to send the report, or 'change' and the part to change.")


QUESTIONS: tuple[Question[Report], ...] = (
    Question("danger", ask_danger, answer_danger, "'no' if it's over, or 'yes' if anyone is in danger now"),
    Question("crime_type", ask_crime_type, answer_crime_type, "'shop theft' or 'someone smashed our window'",
             labels=("type", "crime type", "crime", "kind of crime")),
    Question("occurred_at", ask_occurred_at, answer_occurred_at, "'yesterday about 3pm' or '21/11 14:30'",
             labels=("time", "date", "when", "day", "date and time"), follow_ups=("occurred_time",)),
    Question("occurred_time", ask_occurred_time, answer_occurred_time, "'3pm' or 'about 14:30'", optional=True),
    Question("business_known", ask_business_known, answer_business_known, "'yes', or 'somewhere else'",
             applies=remembered_business, labels=("place", "where", "business", "location", "shop"),
             follow_ups=("business_name", "business_address", "business_postcode")),
    Question("business_name", ask_business_name, answer_business_name, "'Kumar's Convenience Store'",
             labels=("business name", "name of the business", "shop name")),
    Question("business_address", ask_business_address, answer_business_address, "'12 High Street, Walsall WS1 1QL'",
             labels=("address",)),
    Question("business_postcode", ask_business_postcode, answer_business_postcode, "'WS1 1QL'",
             labels=("postcode", "post code"), optional=True),
    Question("description", ask_description, answer_description,
             "'Two men filled a bag with meat and walked out past the till'",
             labels=("description", "what happened", "story", "details")),
    Question("making_off_kind", ask_making_off_kind, answer_making_off_kind, "'fuel' or 'food and drink'",
             applies=crime("making_off_without_payment"), labels=("what they left without paying for",),
             clear=lambda r: set_detail(r, "making_off_kind", None)),
    Question("pump", ask_pump, answer_pump, "'pump 4'", optional=True,
             applies=lambda t, r: r.crime_type == "making_off_without_payment" and is_fuel(r), labels=("pump",),
             clear=lambda r: set_detail(r, "pump_number", None)),
    Question("fuel", ask_fuel, answer_fuel, "'45 litres, £68.50'",
             applies=lambda t, r: r.crime_type == "making_off_without_payment" and is_fuel(r),
             labels=("litres", "fuel"), clear=lambda r: set_detail(r, "litres", None)),
    Question("items", ask_items, answer_items, "'6 bottles of vodka, £90'", applies=items_apply,
             labels=("items", "what was taken", "stolen", "taken", "goods"), clear=clear_goods),
    Question("value", ask_value, answer_value, "'£90'", optional=True, applies=items_apply,
             labels=("value", "amount", "worth", "total", "price")),
    detail_question("damage", "What was damaged?", "damage", "'front window smashed' or 'graffiti on the shutter'",
                    applies=crime("criminal_damage"), labels=("damage", "what was damaged")),
    Question("repair", ask_repair, answer_amount, "'£350' or 'don't know'", optional=True,
             applies=crime("criminal_damage"), labels=("repair", "repair cost", "cost", "estimate")),
    Question("injuries", ask_injuries, answer_injuries, "'no', or 'cut to the hand'",
             applies=crime("violence_against_staff", "robbery"), labels=("injuries", "injury", "hurt"),
             clear=lambda r: setattr(r, "injuries", None)),
    detail_question("staff", "Which staff were involved? Names or roles.", "staff_involved", "'Sam, cashier'",
                    applies=crime("violence_against_staff"), labels=("staff", "staff involved", "who was involved")),
    Question("amount_lost", ask_amount_lost, answer_amount, "'£1,200' or 'nothing yet'", optional=True,
             applies=crime(*FRAUD_TYPES), labels=("loss", "amount lost", "money lost")),
    detail_question("how", "How did it happen?", "how_it_happened",
                    "'an email asked us to change a supplier's bank details'", applies=crime(*FRAUD_TYPES),
                    labels=("how it happened", "how")),
    Question("offenders", ask_offenders, answer_offenders, "'two men, 20s, grey hoodies, one had a neck tattoo'",
             optional=True, applies=not_fraud, labels=("offenders", "offender", "suspect", "suspects", "them",
                                                      "description of them", "who did it"),
             clear=lambda r: setattr(r, "offenders", [])),
    Question("vehicle", ask_vehicle, answer_vehicle, "'AB12 CDE'", optional=True, applies=not_fraud,
             labels=("vehicle", "registration", "reg", "car", "number plate"),
             clear=lambda r: setattr(r, "vehicle_registrations", [])),
    yes_no_unsure_question("cctv", "Do you have CCTV of it?", "cctv_available",
                           applies=lambda t, r: r.crime_type != "cyber_crime",
                           labels=("cctv", "video", "footage", "camera"),
                           follow_ups=("cctv_face", "cctv_clock", "cctv_overwrite", "cctv_link"), clear=clear_cctv),
    yes_no_unsure_question("cctv_face", "Does the CCTV show their face clearly?", "cctv_shows_face",
                           applies=cctv_yes, labels=("face",)),
    Question("cctv_clock", ask_clock, answer_clock, "'it's right' or '5 minutes fast'", optional=True,
             applies=cctv_yes, labels=("clock", "cctv clock")),
    Question("cctv_overwrite", ask_overwrite, answer_overwrite, "'7 days'", optional=True, applies=cctv_yes,
             labels=("overwritten", "recorded over", "overwrite")),
    Question("cctv_link", ask_link, answer_link, "'https://www.dropbox.com/...' or 'later'", optional=True,
             applies=cctv_yes, labels=("link", "cctv link", "footage link")),
    Question("photos", ask_photos, answer_photos, "a photo, then 'done'", optional=True, applies=can_take_photos,
             labels=("photos", "photo", "pictures")),
    Question("witnesses", ask_witnesses, answer_witnesses, "'Jo from the shop next door, 07700 900456'",
             optional=True, labels=("witnesses", "witness"), clear=lambda r: setattr(r, "witnesses", None)),
    Question("reporter_known", ask_reporter_known, answer_reporter_known, "'yes', or 'change them'",
             applies=remembered_reporter, labels=("my details", "your details", "details about me"),
             follow_ups=("reporter_name", "reporter_role", "reporter_contact", "preferred_contact")),
    Question("reporter_name", ask_name, answer_name, "'Priya Kumar'", labels=("name", "my name", "your name")),
    Question("reporter_role", ask_role, answer_role, "'owner'", optional=True, labels=("role", "job")),
    Question("reporter_contact", ask_contact, answer_contact, "'07700 900123' or 'priya@kumarstores.co.uk'",
             labels=("phone", "email", "number", "phone number", "contact details", "contact"),
             follow_ups=("preferred_contact",)),
    Question("preferred_contact", ask_preferred, answer_preferred, "'call', 'text' or 'email'",
             labels=("contact method", "how to contact me", "preferred contact")),
    yes_no_unsure_question("statement", "Would you be willing to give a witness statement if needed?",
                           "willing_to_give_statement", labels=("statement", "witness statement"),
                           follow_ups=("court",)),
    yes_no_unsure_question("court", "And would you be willing to go to court if it came to that?",
                           "willing_to_attend_court", applies=statement_given, labels=("court",), clear=clear_court),
    Question("review", ask_review, answer_review, "'submit', or 'change the time'"),
)
