"""`bizwatch subscribers`: import a list of alert subscribers (checked first, with a dry run), export, list.

An import is for people who agreed to alerts somewhere else (a paper form at a partnership
meeting, a website): ``--source`` says where, and is required, because PECR needs a record of how
consent was given; ``--wording`` keeps the words they agreed to. Every row is checked; a bad row is
reported with its line number and the reason and the good rows are still imported. An address
already subscribed is left as it is, and one that opted out after the consent given is refused.
The rows are written a thousand at a time, each batch its own short transaction, so the service
keeps answering messages during a long import (``subscriptions.import_all``).

CSV columns (the first row names them; order free; ``export`` writes the same ones):

    channel        sms, telegram or whatsapp
    address        a UK mobile (07700 900123 or +447700900123), or a Telegram chat id
    topics         topic codes or labels separated by ";" (shop_theft; fraud), or "all"; empty means all
    areas          postcode districts (WS1), full postcodes, named areas, separated by ";", or "all" for anywhere
    sector         retail, licensed, forecourt, rural, office, hospitality or other (optional)
    max_per_week   1 to 7 (optional: BIZWATCH_ALERTS_DEFAULT_PER_WEEK)
    business_name  optional
    consent_at     when they agreed: 2025-11-02, 2025-11-02T10:15 (local time unless an offset is given)
                   or 02/11/2025 10:15
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Optional, TextIO
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.orm import Session

from bot.cli_formats import Exported as Format, Shown
from bot.campaigns import subscriptions as subs
from bot.campaigns.subscriptions import IMPORT_CHANNELS, MAX_PER_WEEK, Choices, Entry, Outcome, Status
from bot.campaigns.vocabulary import TOPIC_CODES, UnknownWord, area_codes, sector_code, split_codes, topic_codes
from bot.config import get_settings
from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import Subscription
from bot.storage.types import utcnow

app = typer.Typer(help="Crime alert subscribers: import a list, export and list them.", no_args_is_help=True)

COLUMNS = ("channel", "address", "topics", "areas", "sector", "max_per_week", "business_name", "consent_at")
REQUIRED = ("channel", "address", "areas", "consent_at")
# Written by export as well; an import reads past them, so an export can be imported elsewhere.
EXPORT_ONLY = ("id", "status", "paused_until", "source", "created_at")
BATCH = 1000  # rows read from the database at a time for export and list
PROGRESS_FROM = 2000  # rows: a shorter file is done before a bar would be worth showing
MAX_SOURCE = 200
_DAY_FIRST = ("%d/%m/%Y %H:%M", "%d/%m/%Y")


class Which(str, Enum):
    """Which subscriptions: ``current`` is everyone not unsubscribed."""

    current = "current"
    active = "active"
    pending = "pending"
    paused = "paused"
    unsubscribed = "unsubscribed"
    all = "all"

    def statuses(self) -> tuple[Status, ...]:
        if self is Which.all:
            return ()
        if self is Which.current:
            return (Status.PENDING, Status.ACTIVE, Status.PAUSED)
        return (Status(self.value),)


FORMAT_OPTION = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")
WHICH_OPTION = typer.Option(Which.current, "--status", help="current (not unsubscribed), active, pending, paused, "
                                                             "unsubscribed or all.")


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


# --- reading a file ------------------------------------------------------------------------------------
def consent_time(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """When consent was given, from ISO 8601 or a day-first UK date; naive times are local."""
    value = text.strip()
    if not value:
        raise ValueError("no consent time (consent_at): when did they agree to alerts?")
    try:
        moment: datetime | None = datetime.fromisoformat(value)
    except ValueError:
        moment = next((parsed for parsed in (_strptime(value, f) for f in _DAY_FIRST) if parsed), None)
    if moment is None:
        raise ValueError(f"consent time {value[:40]!r} is not a date such as 2025-11-02 or 2025-11-02T10:15")
    moment = moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
    if moment > now:
        raise ValueError(f"consent time {value[:40]!r} is in the future")
    return moment


def _strptime(value: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(value, pattern)
    except ValueError:
        return None


def read_entry(line: int, row: dict[str, str], *, default_cap: int, tz: ZoneInfo, now: datetime) -> Entry:
    """One CSV row as a subscriber to import; ``ValueError`` says what is wrong with it."""
    channel = row.get("channel", "").strip().lower()
    if channel not in IMPORT_CHANNELS:
        raise ValueError(f"unknown channel {row.get('channel', '')[:20]!r} (sms, telegram or whatsapp)")
    typed = row.get("address", "").strip()
    address = subs.valid_address(channel, typed)
    if address is None:
        raise ValueError(f"bad Telegram chat id {typed[:40]!r}" if channel == "telegram" else
                         f"bad phone number {typed[:40]!r} (a UK mobile such as 07700 900123)")
    try:
        topics = topic_codes(split_codes(row.get("topics", ""))) or list(TOPIC_CODES)
        areas = area_codes(split_codes(row.get("areas", "")))
        sector = sector_code(row["sector"]) if row.get("sector", "").strip() else None
    except UnknownWord as unknown:
        raise ValueError(f"unknown {unknown.kind} {unknown.word[:40]!r}") from None
    if not areas:
        raise ValueError("no area (give districts such as WS1, or 'all' for anywhere)")
    cap_text = row.get("max_per_week", "").strip()
    if cap_text and not (cap_text.isdigit() and 1 <= int(cap_text) <= MAX_PER_WEEK):
        raise ValueError(f"max_per_week {cap_text[:10]!r} is not a whole number from 1 to {MAX_PER_WEEK}")
    business = row.get("business_name", "").strip()[:200] or None
    choices = Choices(channel=channel, address=address, topics=tuple(topics), areas=tuple(areas), sector=sector,
                      max_per_week=int(cap_text) if cap_text else default_cap, business_name=business)
    return Entry(line=line, choices=choices, consented_at=consent_time(row.get("consent_at", ""), tz, now))


def read_file(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """The rows with their line numbers, and the columns that will be ignored. Exits on a bad header."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip().lower() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            typer.echo(f"{path} has no {', '.join(missing)} column{'s' if len(missing) > 1 else ''}. The first row "
                       f"must name the columns: {', '.join(COLUMNS)}.", err=True)
            raise typer.Exit(2)
        reader.fieldnames = header
        rows = [(reader.line_num, {k: (v or "") for k, v in row.items() if isinstance(k, str)}) for row in reader]
    ignored = [name for name in header if name not in COLUMNS and name not in EXPORT_ONLY]
    return rows, ignored


def check_rows(rows: Sequence[tuple[int, dict[str, str]]], *, default_cap: int, tz: ZoneInfo,
               now: datetime) -> tuple[list[Entry], list[Problem]]:
    """Every row checked: the entries to import, and the problems (line and reason) of the others."""
    entries: list[Entry] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str, str], int] = {}
    with _progress(len(rows), "Checking") as bar:
        for line, row in rows:
            bar.update(1)
            try:
                entry = read_entry(line, row, default_cap=default_cap, tz=tz, now=now)
            except ValueError as problem:
                problems.append(Problem(line, str(problem)))
                continue
            key = (entry.choices.channel, entry.choices.address)
            if key in first_line:
                problems.append(Problem(line, f"same channel and address as line {first_line[key]}"))
                continue
            first_line[key] = line
            entries.append(entry)
    return entries, problems


def _progress(length: int, label: str):  # noqa: ANN202 - click's progress bar, hidden for short work
    return typer.progressbar(length=length, label=label, file=sys.stderr, hidden=length < PROGRESS_FROM)


def _sessions():  # noqa: ANN202
    settings = get_settings()
    return make_session_factory(make_engine(settings.database_url)), settings


# --- import ----------------------------------------------------------------------------------------------
@app.command("import")
def import_subscribers(
        file: Path = typer.Argument(..., metavar="FILE.csv", exists=True, dir_okay=False, readable=True,
                                    help="The subscribers, one per row, the first row naming the columns."),
        source: str = typer.Option(..., "--source", help="Required: where and how they agreed to alerts, e.g. "
                                                          "'Walsall BCRP sign-up form, 2025'."),
        wording: Optional[str] = typer.Option(None, "--wording", help="The words they agreed to, as shown to them."),
        dry_run: bool = typer.Option(False, "--dry-run", help="Check every row and report; write nothing."),
        fmt: Shown = FORMAT_OPTION) -> None:
    """Import subscribers who agreed to alerts elsewhere: bad rows reported by line, good ones kept.

    Columns: channel (sms, telegram, whatsapp), address, topics and areas (separated by ";", or "all"), sector,
    max_per_week, business_name, consent_at (when they agreed). The README's "Crime alerts" section has the details.

    Exits 1 when any row was not imported (the good rows are imported all the same), 2 when the file or the
    options cannot be used at all.
    """
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        typer.echo(f"--source must say where the consent came from, in at most {MAX_SOURCE} characters.", err=True)
        raise typer.Exit(2)
    sessions, settings = _sessions()
    now = utcnow()
    rows, ignored = read_file(file)
    entries, problems = check_rows(rows, default_cap=settings.alerts_default_per_week,
                                   tz=ZoneInfo(settings.timezone), now=now)
    consent = f"Consent obtained: {source}. Wording agreed to: {wording.strip() if wording else 'not supplied'}."
    with _progress(len(entries), "Dry run" if dry_run else "Importing") as bar:
        results = subs.import_all(sessions, entries, now=now, wording=consent, dry_run=dry_run, done=bar.update)
    problems += [Problem(r.entry.line, f"opted out on {r.since:%Y-%m-%d}, after this consent: not imported")
                 for r in results if r.outcome is Outcome.OPTED_OUT and r.since is not None]
    problems.sort(key=lambda p: p.line)
    added = sum(1 for r in results if r.outcome is Outcome.ADDED)
    already = [r.entry.line for r in results if r.outcome is Outcome.ALREADY]
    _report(file, len(rows), added, already, problems, ignored, dry_run, fmt)
    if problems:
        raise typer.Exit(1)


def _report(file: Path, rows: int, added: int, already: list[int], problems: list[Problem], ignored: list[str],
            dry_run: bool, fmt: Shown) -> None:
    if fmt is Shown.json:
        typer.echo(json.dumps({"file": str(file), "dry_run": dry_run, "rows": rows, "added": added,
                               "already_subscribed": already, "ignored_columns": ignored,
                               "not_imported": [{"line": p.line, "reason": p.reason} for p in problems]}, indent=2))
        return
    lines = [f"Checked {rows} row{'s' if rows != 1 else ''} in {file.name}.",
             f"{'Would add' if dry_run else 'Added'}: {added}."]
    if already:
        lines.append(f"Already subscribed (left as they are): {len(already)}, on line{'s' if len(already) > 1 else ''} "
                     f"{', '.join(map(str, already[:20]))}{' ...' if len(already) > 20 else ''}.")
    if ignored:
        lines.append(f"Columns ignored: {', '.join(ignored)}.")
    if problems:
        lines.append(f"Not imported: {len(problems)}.")
        lines += [f"  line {p.line}: {p.reason}" for p in problems]
    if dry_run:
        lines.append("Dry run: nothing was written.")
    typer.echo("\n".join(lines))


# --- export and list -------------------------------------------------------------------------------------
def as_row(subscription: Subscription, now: datetime) -> dict[str, Any]:
    """A subscription in the import's columns (plus its state), times in UTC ISO 8601."""
    def iso(moment: datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {"id": subscription.id, "channel": subscription.channel, "address": subscription.address,
            "status": subs.effective_status(subscription, now).value, "topics": list(subscription.topics),
            "areas": list(subscription.areas),
            "sector": subscription.sector, "max_per_week": subscription.max_per_week,
            "business_name": subscription.business_name, "consent_at": iso(subscription.confirmed_at),
            "paused_until": iso(subscription.paused_until), "source": subscription.source,
            "created_at": iso(subscription.created_at)}


def _rows(session: Session, query, now: datetime) -> Iterator[dict[str, Any]]:  # noqa: ANN001 - a Select
    for subscription in session.scalars(query.execution_options(yield_per=BATCH)):
        yield as_row(subscription, now)


def _csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=[*EXPORT_ONLY[:1], *COLUMNS, *EXPORT_ONLY[1:]])
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({**row, "topics": "; ".join(row["topics"]), "areas": "; ".join(row["areas"])})
        count += 1
    return count


@app.command("export")
def export(fmt: Format = typer.Option(Format.csv, "--format", "-f", help="csv (the import's columns) or json."),
           output: Optional[Path] = typer.Option(None, "--output", "-o", metavar="FILE",
                                                 help="File to write (default: the screen)."),
           which: Which = WHICH_OPTION) -> None:
    """Every subscriber, as CSV (which `import` reads back) or JSON (a list of objects)."""
    sessions, _ = _sessions()
    with sessions() as session, (output.open("w", encoding="utf-8", newline="") if output else
                                 nullcontext(sys.stdout)) as out:
        now = utcnow()
        rows = _rows(session, subs.listing(session, now=now, statuses=which.statuses()), now)
        if fmt is Format.csv:
            count = _csv(rows, out)
        else:
            listed = list(rows)
            json.dump(listed, out, ensure_ascii=False, indent=2)
            out.write("\n")
            count = len(listed)
    if output is not None:
        typer.echo(f"Wrote {count} subscriber{'s' if count != 1 else ''} to {output}.", err=True)


def _checked(values: list[str] | None, read, kind: str) -> list[str]:  # noqa: ANN001 - a vocabulary reader
    try:
        return [read(value) for value in values or []]
    except UnknownWord as unknown:
        typer.echo(f"Unknown {kind} {unknown.word!r}.", err=True)
        raise typer.Exit(2) from None


@app.command("list")
def list_subscribers(which: Which = WHICH_OPTION,
                     channel: Optional[list[str]] = typer.Option(None, "--channel", help="sms, telegram, ... "
                                                                                         "(repeat for more)."),
                     topic: Optional[list[str]] = typer.Option(None, "--topic", help="A topic code or label."),
                     area: Optional[list[str]] = typer.Option(None, "--area", help="Those a campaign to this area "
                                                                                   "reaches (WS1, walsall)."),
                     sector: Optional[list[str]] = typer.Option(None, "--sector", help="A sector code."),
                     limit: Optional[int] = typer.Option(None, "--limit", min=1, help="At most this many."),
                     fmt: Shown = FORMAT_OPTION) -> None:
    """Subscribers, filtered; one line each (or JSON)."""
    topics = _checked(topic, lambda value: topic_codes([value])[0], "topic")
    areas = _checked(area, lambda value: area_codes([value])[0], "area")
    sectors = _checked(sector, sector_code, "sector")
    sessions, _ = _sessions()
    with sessions() as session:
        now = utcnow()
        query = subs.listing(session, now=now, statuses=which.statuses(), channels=channel or (), topics=topics,
                             areas=areas, sectors=sectors)
        rows = _rows(session, query.limit(limit) if limit else query, now)
        if fmt is Shown.json:
            typer.echo(json.dumps(list(rows), ensure_ascii=False, indent=2))
            return
        count = 0
        for row in rows:
            if not count:
                typer.echo(f"{'ID':>6}  {'Channel':<9} {'Address':<16} {'Status':<13} {'Most':>4}  Areas / topics")
            count += 1
            topics_text = "all topics" if len(row["topics"]) == len(TOPIC_CODES) else ", ".join(row["topics"])
            typer.echo(f"{row['id']:>6}  {row['channel']:<9} {row['address']:<16} {row['status']:<13} "
                       f"{row['max_per_week']:>4}  {', '.join(row['areas'])} / {topics_text}")
        typer.echo(f"{count} subscriber{'s' if count != 1 else ''}." if count else "No subscribers match.")

