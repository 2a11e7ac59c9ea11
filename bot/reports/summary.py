"""Reports in words: the review shown before submitting, and `bizwatch reports show`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.crime_types import Cctv, crime_type, label
from bot.evidence.cctv import status_words
from bot.storage.models import Report

CONTACT_WORDS = {"call": "a phone call", "text": "a text message", "email": "email"}


def money(value: Decimal | float | None) -> str:
    if value is None:
        return "not known"
    value = Decimal(str(value))
    return f"£{value:,.0f}" if value == value.to_integral_value() else f"£{value:,.2f}"


def _clock(local: datetime) -> str:
    return f"{local.hour % 12 or 12}:{local:%M}{'am' if local.hour < 12 else 'pm'}"


def _day(local: date) -> str:
    return f"{local:%A} {local.day} {local:%B %Y}"


def when(value: datetime | None, tz: ZoneInfo, time_known: bool | None = True, until: datetime | None = None) -> str:
    """"Saturday 21 November 2026, 3:00pm" in local time; a day alone, or a window ("between ...")."""
    if value is None:
        return "not given"
    local = value.astimezone(tz)
    if until is not None:
        end = until.astimezone(tz)
        if local.time() == end.time() == time(0) and end.date() > local.date():
            # Whole days ("last week", "over the weekend"): the days, not midnight to midnight.
            last = end.date() - timedelta(days=1)
            return f"{_day(local)}, time not known" if last == local.date() else \
                f"between {_day(local)} and {_day(last)}"
        if end.date() == local.date():
            return f"{_day(local)}, between {_clock(local)} and {_clock(end)}"
        return f"between {_day(local)}, {_clock(local)} and {_day(end)}, {_clock(end)}"
    if time_known is False:
        return f"{_day(local)}, time not known"
    return f"{_day(local)}, {_clock(local)}"


def short_day(value: datetime, now: datetime, tz: ZoneInfo) -> str:
    """"today", "yesterday", "Monday" (this past week), else "2 Dec" ("2 Dec 2025" in another year)."""
    day, today = value.astimezone(tz).date(), now.astimezone(tz).date()
    days_ago = (today - day).days
    if days_ago == 0:
        return "today"
    if days_ago == 1:
        return "yesterday"
    if 1 < days_ago < 7:
        return f"{day:%A}"
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")


def yes_no_unknown(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not sure"}[value]


def _items(report: Report) -> str | None:
    if not report.items:
        return None
    parts = []
    for item in report.items:
        text = f"{item.quantity} {item.description}" if item.quantity and item.quantity > 1 else item.description
        if item.value_gbp is not None:
            text += f" ({money(item.value_gbp)})"
        parts.append(text)
    return "; ".join(parts)


def cctv_line(report: Report) -> str:
    if report.cctv_available is None:
        return "not sure"
    if not report.cctv_available:
        return "none"
    parts = ["yes"]
    if report.cctv_shows_face is not None:
        parts.append("shows face" if report.cctv_shows_face else "face not clear")
    if report.cctv_clock_offset_minutes is not None:
        offset = report.cctv_clock_offset_minutes
        parts.append("clock right" if offset == 0 else
                     f"clock {abs(offset)} min {'fast' if offset > 0 else 'slow'}")
    if report.cctv_overwrite_days is not None:
        parts.append(f"overwritten after {report.cctv_overwrite_days} days")
    links = sum(1 for a in report.attachments if a.kind == "cctv_link")
    files = sum(1 for a in report.attachments if a.kind == "cctv_file")
    if links:
        parts.append(f"{links} link{'s' if links > 1 else ''} given")
    if files:
        parts.append(f"{files} file{'s' if files > 1 else ''} uploaded")
    if not links and not files:
        parts.append(status_words(report))
    return ", ".join(parts)


def summary_lines(report: Report, tz: ZoneInfo) -> list[tuple[str, str]]:
    """(label, text) pairs for every part of the report that has an answer."""
    details = report.details or {}
    lines: list[tuple[str, str]] = [("Type", label(report.crime_type).capitalize())]
    lines.append(("When", when(report.occurred_at, tz, report.occurred_time_known, report.occurred_until)))
    place = ", ".join(p for p in (report.business_name, report.business_address, report.business_postcode) if p)
    lines.append(("Where", place or "not given"))
    if report.description:
        lines.append(("What happened", report.description))
    if details.get("making_off_kind"):
        lines.append(("Left without paying for", details["making_off_kind"]))
    if details.get("pump_number"):
        lines.append(("Pump", str(details["pump_number"])))
    if details.get("litres") is not None:
        lines.append(("Litres", f"{details['litres']:g}"))
    items = _items(report)
    if items:
        lines.append(("Taken", items))
    if details.get("damage"):
        lines.append(("Damaged", details["damage"]))
    crime = crime_type(report.crime_type)
    value_label = crime.value_label if crime is not None else "Total value"
    if value_label and (report.value_gbp is not None or (crime is not None and crime.goods_taken)):
        lines.append((value_label, money(report.value_gbp)))
    if details.get("how_it_happened"):
        lines.append(("How it happened", details["how_it_happened"]))
    if details.get("weapon"):
        lines.append(("Weapon", details["weapon"]))
    if report.injuries:
        lines.append(("Injuries", report.injuries))
    if details.get("staff_involved"):
        lines.append(("Staff involved", details["staff_involved"]))
    for number, offender in enumerate(report.offenders or [], start=1):
        lines.append(("Offenders" if number == 1 else "", offender.get("description", "")))
    if report.vehicle_registrations:
        lines.append(("Vehicle", ", ".join(report.vehicle_registrations)))
    if report.cctv_available is not None or crime is None or crime.cctv is Cctv.RELEVANT:
        lines.append(("CCTV", cctv_line(report)))
    photos = [a for a in report.attachments if a.kind == "photo"]
    if photos:
        lines.append(("Photos", str(len(photos))))
    if report.witnesses:
        lines.append(("Witnesses", report.witnesses))
    you = ", ".join(p for p in (report.reporter_name, report.reporter_role) if p)
    contact = ", ".join(p for p in (report.reporter_phone, report.reporter_email) if p)
    if you or contact:
        text = " - ".join(p for p in (you, contact) if p)
        if report.preferred_contact:
            text += f" (prefers {CONTACT_WORDS.get(report.preferred_contact, report.preferred_contact)})"
        lines.append(("You", text))
    if report.willing_to_give_statement is not None or report.reporter_name:
        lines.append(("Willing to give a statement", yes_no_unknown(report.willing_to_give_statement)))
    if report.willing_to_give_statement:
        lines.append(("Willing to attend court", yes_no_unknown(report.willing_to_attend_court)))
    return lines


def summary_text(report: Report, tz: ZoneInfo) -> str:
    return "\n".join(f"{name}: {text}" if name else f"  {text}" for name, text in summary_lines(report, tz))
