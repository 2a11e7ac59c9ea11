"""`bizwatch reports`: list, show and export submitted reports."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import typer

from bot.config import get_settings
from bot.reports import service
from bot.reports.export import to_csv, to_json
from bot.reports.summary import summary_text, when
from bot.storage.db import make_engine, make_session_factory

app = typer.Typer(help="Look at and export crime reports.", no_args_is_help=True)


class Format(str, Enum):
    json = "json"
    csv = "csv"


def _sessions():
    settings = get_settings()
    return make_session_factory(make_engine(settings.database_url)), ZoneInfo(settings.timezone)


@app.command("list")
def list_reports(status: str = typer.Option("submitted", help="submitted, draft, or 'all'.")) -> None:
    """One line per report: reference, when submitted, type, business."""
    sessions, tz = _sessions()
    with sessions() as session:
        reports = service.with_status(session, status)
        if not reports:
            typer.echo("No reports yet.")
            return
        for report in reports:
            typer.echo(f"{report.reference or '(draft)':<13} {when(report.submitted_at or report.created_at, tz):<36} "
                       f"{report.crime_type or '-':<27} {report.business_name or '-'}")


@app.command("show")
def show(reference: str = typer.Argument(..., help="The report reference, e.g. BW-7KQM-3XZ9.")) -> None:
    """The whole report in words."""
    sessions, tz = _sessions()
    with sessions() as session:
        report = service.find(session, reference)
        if report is None:
            typer.echo(f"No report with reference {reference!r}. Check the characters (there is no 0, O, 1 or I).",
                       err=True)
            raise typer.Exit(1)
        typer.echo(f"Reference: {report.reference}\nStatus: {report.status}\n"
                   f"Submitted: {when(report.submitted_at, tz)}\nChannel: {report.channel}")
        typer.echo(summary_text(report, tz))


@app.command("export")
def export(fmt: Format = typer.Option(Format.json, "--format", "-f", help="json or csv."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", help="File to write (default: stdout)."),
           status: str = typer.Option("submitted", help="submitted, draft, or 'all'.")) -> None:
    """Every report, as JSON (a list of objects) or CSV."""
    sessions, tz = _sessions()
    with sessions() as session:
        reports = service.with_status(session, status)
        text = to_json(reports, tz) if fmt is Format.json else to_csv(reports, tz)
    if output is None:
        typer.echo(text)
    else:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"Wrote {len(reports)} report{'s' if len(reports) != 1 else ''} to {output}.", err=True)
