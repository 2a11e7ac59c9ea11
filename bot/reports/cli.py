"""`bizwatch reports`: list, show and export submitted reports, and move one on (set-status)."""

from __future__ import annotations

import getpass
import json
from enum import Enum
from pathlib import Path
from typing import NoReturn, Optional
from zoneinfo import ZoneInfo

import typer

from bot.cli_formats import Exported as Format, Shown
from bot.config import get_settings
from bot.crime_types import label
from bot.reports import service
from bot.reports.export import evidence_entry, report_to_dict, to_csv, to_json
from bot.reports.service import Refused
from bot.reports.status import NOT_TOLD_WORDS, Outcome, Status as PoliceStatus, UnknownChoice, current, \
    history_entry, parse_outcome, parse_status, update_words
from bot.reports.summary import summary_text, when
from bot.reports.updates import Change, message_entry, messages_about, set_status
from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import Report, ReportStatusChange
from bot.storage.types import utcnow

app = typer.Typer(help="Look at and export crime reports.", no_args_is_help=True)


class Status(str, Enum):
    submitted = "submitted"
    draft = "draft"
    all = "all"


STATUS_OPTION = typer.Option(Status.submitted, help="Which reports: submitted, draft or all.")
LIST_COLUMNS = (("Reference", 13), ("Status", 23), ("Sent (or started)", 38), ("Crime", 32), ("Business", 0))
FORMAT_OPTION = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")


def _sessions():
    settings = get_settings()
    return make_session_factory(make_engine(settings.database_url)), ZoneInfo(settings.timezone)


def _status_label(report: Report) -> str:
    """"crime reference issued" for a sent report, "draft" for one still being told."""
    status = current(report).status
    return status.label if status is not None else report.status


def _refuse(refused: Refused, fmt: Shown) -> NoReturn:
    """Say why nothing was done (JSON on stdout for other tools, words on stderr for people) and exit 1."""
    if fmt is Shown.json:
        typer.echo(json.dumps({"error": refused.message, "code": refused.code}, ensure_ascii=False))
    else:
        typer.echo(refused.message, err=True)
    raise typer.Exit(1)


def _told(change: ReportStatusChange, tz: ZoneInfo) -> str:
    """How the reporter hears of a change, in words."""
    if change.told == "in_chat":
        return "told in the chat"
    if change.told == "not_told":
        return f"not told: {NOT_TOLD_WORDS.get(change.not_told_reason or '', change.not_told_reason)}"
    return f"message due {when(change.notice_due_at, tz)}"


def _row(*cells: str) -> str:
    return " ".join(f"{cell:<{width}}" if width else cell for cell, (_, width) in zip(cells, LIST_COLUMNS)).rstrip()


@app.command("list")
def list_reports(status: Status = STATUS_OPTION, fmt: Shown = FORMAT_OPTION) -> None:
    """One line per report: reference, police status, when it was sent, the crime and the business."""
    sessions, tz = _sessions()
    with sessions() as session:
        reports = service.with_status(session, status.value)
        if fmt is Shown.json:
            typer.echo(to_json(reports, tz))
            return
        if not reports:
            typer.echo("No reports yet." if status is Status.submitted else f"No {status.value} reports.")
            return
        typer.echo(_row(*(name for name, _ in LIST_COLUMNS)))
        for report in reports:
            typer.echo(_row(report.reference or "(draft)", _status_label(report),
                            when(report.submitted_at or report.created_at, tz),
                            label(report.crime_type).capitalize() if report.crime_type else "-",
                            report.business_name or "-"))


@app.command("show")
def show(reference: str = typer.Argument(..., metavar="REFERENCE", help="The report reference, e.g. BW-7KQM-3XZ9."),
         fmt: Shown = FORMAT_OPTION) -> None:
    """The whole report in words, with its status and CCTV histories (or as JSON, with its evidence and messages)."""
    sessions, tz = _sessions()
    with sessions() as session:
        try:
            report = service.find(session, reference)
        except Refused as refused:
            _refuse(refused, fmt)
        if fmt is Shown.json:
            data = report_to_dict(report, tz)
            data["evidence"] = [evidence_entry(attachment, tz) for attachment in report.attachments]
            data["messages"] = [message_entry(message, tz) for message in messages_about(session, report)]
            typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
            return
        typer.echo(f"Reference: {report.reference}\nStatus: {_status_label(report)}\n"
                   f"Submitted: {when(report.submitted_at, tz)}\nChannel: {report.channel}")
        crime_number = current(report).crime_number
        if crime_number:
            typer.echo(f"Crime number: {crime_number}")
        typer.echo(summary_text(report, tz))
        if report.status_changes:
            typer.echo("History:")
        for change in report.status_changes:
            note = f" Note: {change.note}" if change.note else ""
            typer.echo(f"  {when(change.at, tz)}: {update_words(change)} ({change.changed_by}; "
                       f"{_told(change, tz)}).{note}")
        if report.cctv_changes:
            typer.echo("CCTV history:")
        for cctv in report.cctv_changes:
            reason = f" ({cctv.reason})" if cctv.reason else ""
            typer.echo(f"  {when(cctv.at, tz)}: {cctv.status.replace('_', ' ')}{reason}")


@app.command("set-status")
def set_status_command(
    reference: str = typer.Argument(..., metavar="REFERENCE", help="The report reference, e.g. BW-7KQM-3XZ9."),
    status: str = typer.Argument(..., metavar="STATUS",
                                 help="One of: " + ", ".join(s.value for s in PoliceStatus) + "."),
    note: Optional[str] = typer.Option(None, help="A short note for the reporter: it is sent to them and kept."),
    crime_number: Optional[str] = typer.Option(None, help="The police crime number (needed for "
                                                         "crime_reference_issued), e.g. 43/12345/26."),
    outcome: Optional[str] = typer.Option(None, help="Why it was closed (needed for closed): " +
                                          ", ".join(o.value for o in Outcome) + "."),
    officer: Optional[str] = typer.Option(None, help="The officer dealing with it, e.g. 'PC 1234 Smith'."),
    urgent: bool = typer.Option(False, "--urgent", help="Tell the reporter now, even in quiet hours."),
    by: Optional[str] = typer.Option(None, help="Who is making the change (default: your login name)."),
    fmt: Shown = FORMAT_OPTION,
) -> None:
    """Move a report on (under review, crime reference issued, ...) and tell the reporter in one message."""
    settings = get_settings()
    sessions, tz = _sessions()
    try:
        change = Change(status=parse_status(status), outcome=parse_outcome(outcome) if outcome else None,
                        note=note, crime_number=crime_number, officer=officer, urgent=urgent,
                        by=by or _login_name())
        with sessions.begin() as session:
            recorded = set_status(session, reference, change, utcnow(), settings)
            entry = history_entry(recorded.change, tz)
    except UnknownChoice as unknown:
        _refuse(Refused("unknown_choice", str(unknown)), fmt)
    except Refused as refused:
        _refuse(refused, fmt)
    if fmt is Shown.json:
        typer.echo(json.dumps({"reference": recorded.report.reference, "change": entry, "message": recorded.text},
                              ensure_ascii=False, indent=2))
        return
    row = recorded.change
    typer.echo(f"{recorded.report.reference} is now {PoliceStatus(row.status).label} (change {row.seq}).")
    if row.told == "message":
        quiet = "" if row.urgent or row.notice_due_at == row.at else " (after quiet hours)"
        typer.echo(f"The reporter will be told {when(row.notice_due_at, tz)}{quiet}:\n  {recorded.text}")
    else:
        typer.echo(f"The reporter was {_told(row, tz)}. Please contact them another way.")


def _login_name() -> str:
    """Who is at the keyboard, for the history (an officer should rather give --by)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name (a container without a user entry)
        return "unknown"


@app.command("export")
def export(fmt: Format = typer.Option(Format.json, "--format", "-f", help="json or csv."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                                 help="File to write (default: the screen)."),
           status: Status = STATUS_OPTION) -> None:
    """Every report, as JSON (a list of objects) or CSV."""
    sessions, tz = _sessions()
    with sessions() as session:
        reports = service.with_status(session, status.value)
        text = to_json(reports, tz) if fmt is Format.json else to_csv(reports, tz)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {len(reports)} report{'s' if len(reports) != 1 else ''} to {output}.", err=True)
