"""`bizwatch reports`: list, show and export submitted reports."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import typer

from bot.config import get_settings
from bot.crime_types import label
from bot.reports import service
from bot.reports.export import report_to_dict, to_csv, to_json
from bot.reports.summary import summary_text, when
from bot.storage.db import make_engine, make_session_factory

app = typer.Typer(help="Look at and export crime reports.", no_args_is_help=True)


class Format(str, Enum):
    json = "json"
    csv = "csv"


class Shown(str, Enum):
    """How list and show print: words for people, JSON for other tools."""

    text = "text"
    json = "json"


class Status(str, Enum):
    submitted = "submitted"
    draft = "draft"
    all = "all"


STATUS_OPTION = typer.Option(Status.submitted, help="Which reports: submitted, draft or all.")
LIST_COLUMNS = (("Reference", 13), ("Sent (or started)", 38), ("Crime", 32), ("Business", 0))


def _sessions():
    settings = get_settings()
    return make_session_factory(make_engine(settings.database_url)), ZoneInfo(settings.timezone)


def _row(*cells: str) -> str:
    return " ".join(f"{cell:<{width}}" if width else cell for cell, (_, width) in zip(cells, LIST_COLUMNS)).rstrip()


@app.command("list")
def list_reports(status: Status = STATUS_OPTION,
                 fmt: Shown = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")) -> None:
    """One line per report: reference, when it was sent, the crime and the business."""
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
            typer.echo(_row(report.reference or "(draft)", when(report.submitted_at or report.created_at, tz),
                            label(report.crime_type).capitalize() if report.crime_type else "-",
                            report.business_name or "-"))


@app.command("show")
def show(reference: str = typer.Argument(..., metavar="REFERENCE", help="The report reference, e.g. BW-7KQM-3XZ9."),
         fmt: Shown = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")) -> None:
    """The whole report in words (or as JSON)."""
    sessions, tz = _sessions()
    with sessions() as session:
        report = service.find(session, reference)
        if report is None:
            typer.echo(f"No report with reference {reference!r}. Check the characters (there is no 0, O, 1 or I).",
                       err=True)
            raise typer.Exit(1)
        if fmt is Shown.json:
            typer.echo(json.dumps(report_to_dict(report, tz), ensure_ascii=False, indent=2))
            return
        typer.echo(f"Reference: {report.reference}\nStatus: {report.status}\n"
                   f"Submitted: {when(report.submitted_at, tz)}\nChannel: {report.channel}")
        typer.echo(summary_text(report, tz))


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
