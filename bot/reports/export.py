"""Reports as JSON objects (the export schema other systems rely on) and as CSV rows.

Keys are only ever added, never renamed: ``status`` stays draft/submitted, and where the police
are with a report is ``police`` (the current status) and ``status_history`` (every change).
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.evidence.cctv import status_reason
from bot.reports.status import history_entry, police_dict
from bot.storage.models import Report, ReportAttachment

# Nested objects of the JSON schema become prefixed CSV columns (business_name, cctv_status, police_status, ...).
FLATTENED = ("business", "cctv", "reporter", "police")


def _gbp(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def report_to_dict(report: Report, tz: ZoneInfo) -> dict[str, Any]:
    """One report in the export schema; datetimes are ISO 8601 in local time with their offset."""

    def iso(value: Any) -> str | None:
        return value.astimezone(tz).isoformat() if value is not None else None

    return {
        "reference": report.reference,
        "status": report.status,
        "crime_type": report.crime_type,
        "occurred_at": iso(report.occurred_at),
        "occurred_time_known": report.occurred_time_known,
        # A vague time ("this morning") is the window occurred_at .. occurred_until; null when exact.
        "occurred_until": iso(report.occurred_until),
        "created_at": iso(report.created_at),
        "submitted_at": iso(report.submitted_at),
        "channel": report.channel,
        "business": {"name": report.business_name, "address": report.business_address,
                     "postcode": report.business_postcode},
        "description": report.description,
        "items": [{"description": i.description, "quantity": i.quantity, "value_gbp": _gbp(i.value_gbp)}
                  for i in report.items],
        "value_gbp": _gbp(report.value_gbp),
        "details": report.details or {},
        "offenders": report.offenders or [],
        "vehicle_registrations": report.vehicle_registrations or [],
        "injuries": report.injuries,
        "witnesses": report.witnesses,
        "cctv": {
            "available": report.cctv_available,
            "shows_face": report.cctv_shows_face,
            "clock_offset_minutes": report.cctv_clock_offset_minutes,
            "overwrite_days": report.cctv_overwrite_days,
            "links": [{"url": a.url, "provider": a.provider} for a in report.attachments if a.kind == "cctv_link"],
            "files": [{"content_type": a.content_type, "size_bytes": a.size_bytes, "sha256": a.sha256}
                      for a in report.attachments if a.kind == "cctv_file"],
            "status": report.cctv_status,
            # Why it is in that status: "no footage" and "rather not share it" are both "declined".
            "status_reason": status_reason(report),
            "history": [{"status": change.status, "at": iso(change.at), "reason": change.reason}
                        for change in report.cctv_changes],
        },
        "photos": [{"file_id": a.file_id, "url": a.url, "content_type": a.content_type, "size_bytes": a.size_bytes,
                    "sha256": a.sha256}
                   for a in report.attachments if a.kind == "photo"],
        "reporter": {"name": report.reporter_name, "role": report.reporter_role, "phone": report.reporter_phone,
                     "email": report.reporter_email, "preferred_contact": report.preferred_contact},
        "willing_to_give_statement": report.willing_to_give_statement,
        "willing_to_attend_court": report.willing_to_attend_court,
        "police": police_dict(report, tz),
        "status_history": [history_entry(change, tz) for change in report.status_changes],
    }


def evidence_entry(attachment: ReportAttachment, tz: ZoneInfo) -> dict[str, Any]:
    """One piece of evidence as officers need it for an exhibit: what, where, how big, its SHA-256."""
    return {"kind": attachment.kind, "url": attachment.url, "provider": attachment.provider,
            "file_id": attachment.file_id, "content_type": attachment.content_type,
            "storage_key": attachment.storage_key, "size_bytes": attachment.size_bytes, "sha256": attachment.sha256,
            "added_at": attachment.created_at.astimezone(tz).isoformat() if attachment.created_at else None}


def to_json(reports: list[Report], tz: ZoneInfo) -> str:
    return json.dumps([report_to_dict(r, tz) for r in reports], ensure_ascii=False, indent=2)


def _cell(value: Any) -> Any:
    """A CSV cell; lists and objects as compact JSON. Formula-like text is defused for spreadsheets."""
    if isinstance(value, (list, dict)):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _flatten(data: dict[str, Any]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key, value in data.items():
        if key in FLATTENED:
            row.update({f"{key}_{part}": item for part, item in value.items()})
        else:
            row[key] = value
    return row


def to_csv(reports: list[Report], tz: ZoneInfo) -> str:
    """One row per report, the same fields as the JSON export, nested objects flattened."""
    blank = Report(details={}, offenders=[], vehicle_registrations=[])
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(_flatten(report_to_dict(blank, tz))))
    writer.writeheader()
    for report in reports:
        writer.writerow({k: _cell(v) for k, v in _flatten(report_to_dict(report, tz)).items()})
    return out.getvalue()
