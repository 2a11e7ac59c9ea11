"""`bizwatch statements`: the Impact Statement for Business and the MG11 draft of a report, as PDF or HTML."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo

import typer

from bot.config import get_settings
from bot.statements import documents, render
from bot.storage.db import make_engine, make_session_factory
from bot.storage.types import utcnow

app = typer.Typer(help="Statements for court: Impact Statements for Business and MG11 drafts.", no_args_is_help=True)


class Format(str, Enum):
    pdf = "pdf"
    html = "html"


REFERENCE = typer.Argument(..., metavar="REF", help="The report reference, e.g. BW-7KQM-3XZ9.")
FORMAT = typer.Option(Format.pdf, "--format", "-f", help="pdf or html.")
OUTPUT = typer.Option(None, "--output", "-o", metavar="FILE",
                      help="File to write; '-' for the screen. Default: HTML to the screen, a PDF to KIND-REF.pdf.")


def _write(kind: str, reference: str, fmt: Format, output: Optional[Path], content: str | bytes) -> None:
    data = content.encode("utf-8") if isinstance(content, str) else content
    if output is None and fmt is Format.pdf:
        output = Path(f"{kind}-{reference}.pdf")
    if output is None or str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    output.write_bytes(data)
    typer.echo(f"Wrote {output} ({len(data):,} bytes).", err=True)


def _make(kind: str, reference: str, fmt: Format, output: Optional[Path]) -> None:
    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    database = make_engine(settings.database_url)
    try:
        with make_session_factory(database)() as session:
            try:
                view = (documents.isb if kind == "isb" else documents.mg11)(session, reference, tz, utcnow())
            except documents.StatementError as problem:
                typer.echo(str(problem), err=True)
                raise typer.Exit(1) from None
    finally:
        database.dispose()
    if kind == "isb":
        content = render.isb_pdf(view) if fmt is Format.pdf else render.isb_html(view)
    else:
        content = render.mg11_pdf(view) if fmt is Format.pdf else render.mg11_html(view)
    _write(kind, view.reference, fmt, output, content)


@app.command("isb")
def isb(reference: str = REFERENCE, fmt: Format = FORMAT, output: Optional[Path] = OUTPUT) -> None:
    """The declared Impact Statement for Business for a report, with any supplementary statements."""
    _make("isb", reference, fmt, output)


@app.command("mg11")
def mg11(reference: str = REFERENCE, fmt: Format = FORMAT, output: Optional[Path] = OUTPUT) -> None:
    """A draft MG11 witness statement built from a sent report (DRAFT - NOT SIGNED on every page)."""
    _make("mg11", reference, fmt, output)
