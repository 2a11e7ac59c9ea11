"""``bizwatch campaigns ...`` and ``bizwatch alerts send``: everything a campaign lead does, from a terminal.

Every command that changes a campaign names who does it (``--by``), so the audit trail says who
wrote, submitted, approved, scheduled or cancelled what. ``list``, ``show``, ``preview`` and
``presets`` take ``--format json``; ``report`` takes json or csv, for other tools. Problems are
printed one per line (a template's with its line) and nothing is saved.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli_formats import Shown
from bot.campaigns import lifecycle
from bot.campaigns.alerts import alert_draft, send_alert
from bot.campaigns.audience import AudienceSpec
from bot.campaigns.lifecycle import CampaignDraft, DraftRefused, NotAllowed, draft_of
from bot.campaigns.presets import Preset, PresetError, get_preset, load_presets
from bot.campaigns.preview import preview as build_preview
from bot.campaigns.report import as_csv, as_dicts, campaign_report
from bot.campaigns.rules import CampaignRules
from bot.campaigns.schedule import Schedule, ScheduleError, every, once, parse_clock, parse_date, parse_days, \
    parse_moment
from bot.campaigns.templates import VARIABLES
from bot.campaigns.wake import SendOutcome
from bot.config import Settings, get_settings
from bot.storage.db import make_engine, make_session_factory
from bot.storage.models import Campaign, CampaignEvent, CampaignOccurrence
from bot.storage.types import utcnow

app = typer.Typer(help="Seasonal campaigns: create (from a preset), preview, approve, schedule, report.",
                  no_args_is_help=True)
alerts_app = typer.Typer(help="Alerts to an area, sent now (urgent ones break quiet hours and caps).",
                         no_args_is_help=True)


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


FORMAT = typer.Option(Shown.text, "--format", "-f", help="text, or json for other tools.")
BY = typer.Option(..., "--by", metavar="NAME", help="Who is doing this (kept in the campaign's history).")
ID = typer.Argument(..., metavar="ID", help="The campaign's number (bizwatch campaigns list).")
ANY = frozenset({"any", "all"})  # a list option given as "any" empties the list (anyone)


def _fail(*lines: str) -> NoReturn:
    for line in lines:
        typer.echo(line, err=True)
    raise typer.Exit(1)


@contextmanager
def _opened() -> Iterator[tuple[sessionmaker[Session], Settings, CampaignRules]]:
    settings = get_settings()
    database = make_engine(settings.database_url)
    try:
        yield make_session_factory(database), settings, CampaignRules.from_settings(settings)
    finally:
        database.dispose()


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        _fail(f"There is no campaign {campaign_id} (bizwatch campaigns list shows them).")
    return campaign


def _local(moment: datetime | None, rules: CampaignRules) -> str:
    return f"{moment.astimezone(rules.zone):%a %d %b %Y %H:%M}" if moment else "-"


def _read_text(text: Optional[str], file: Optional[Path]) -> Optional[str]:
    if text is not None and file is not None:
        _fail("Give the text or a file with it, not both.")
    return file.read_text(encoding="utf-8") if file is not None else text


def _codes(values: Optional[list[str]], current: tuple[str, ...]) -> tuple[str, ...] | list[str]:
    if not values:
        return current
    return [] if len(values) == 1 and values[0].strip().lower() in ANY else values


def _schedule(base: Schedule | None, preset: Preset | None, every_days: Optional[str], at: Optional[str],
              start: Optional[str], until: Optional[str], spread: Optional[int]) -> Schedule:
    """The schedule the options describe, built on the campaign's (or preset's) own."""
    moment = _moment(at) if at and not every_days else None
    if moment is not None:
        schedule = once(moment)
    elif every_days or (preset and (at or start or until)):
        if preset is None and not at:
            raise ScheduleError("give the time too: --every friday --at 10:00 --from 2026-12-01 --until 2026-12-24")
        season = preset.schedule(date.today()).local_times() if preset else []
        first = parse_date(start) if start else (season[0].date() if season else None)
        last = parse_date(until) if until else (season[-1].date() if season else None)
        if first is None or last is None:
            raise ScheduleError("say when the sends start and end: --from 2026-12-01 --until 2026-12-24")
        days, clock = every_days or (preset.every if preset else ""), at or (preset.at if preset else "")
        schedule = every(parse_days(days), parse_clock(clock), first, last)
    elif at:
        schedule = once(parse_moment(at))
    elif base is not None:
        schedule = base
    else:
        raise ScheduleError("say when: --at '2026-12-04 10:00' for one send, or "
                            "--every friday --at 10:00 --from 2026-12-01 --until 2026-12-24")
    return Schedule(schedule.rule, schedule.spread_minutes if spread is None else spread)


def _moment(text: str) -> datetime | None:
    """A date and time ("2026-12-04 10:00"), or None for anything else (a bare time)."""
    try:
        return parse_moment(text)
    except ScheduleError:
        return None


def _draft(base: CampaignDraft | None, preset: Preset | None, **options: Any) -> CampaignDraft:
    """A draft from the options, on top of ``base`` (the preset's or the campaign's)."""
    try:
        schedule = _schedule(base.schedule if base else None, preset, options["every"], options["at"],
                             options["start"], options["until"], options["spread"])
    except ScheduleError as error:
        _fail(f"Schedule: {error}")
    current = base.audience if base else AudienceSpec()
    audience = AudienceSpec.build(topics=_codes(options["topic"], current.topics),
                                  areas=_codes(options["area"], current.areas),
                                  sectors=_codes(options["sector"], current.sectors),
                                  channels=_codes(options["channel"], current.channels))
    sms = _read_text(options["sms_text"], options["sms_file"])
    chat = _read_text(options["chat_text"], options["chat_file"])
    name = options["name"] or (base.name if base else None)
    if not name:
        _fail("Give the campaign a name with --name (or start from a preset with --from-preset).")
    return CampaignDraft(
        name=name, sms_text=sms if sms is not None else (base.sms_text if base else ""),
        chat_text=chat if chat is not None else (base.chat_text if base else ""), audience=audience,
        articles=tuple(_codes(options["article"], base.articles if base else ())), schedule=schedule,
        urgent=options["urgent"] if options["urgent"] is not None else bool(base and base.urgent),
        kind=base.kind if base else "campaign", preset=base.preset if base else None)


def _refused(error: DraftRefused) -> NoReturn:
    _fail("Nothing was saved. Please fix:", *(f"- {p}" for p in error.problems),
          f"Texts may use: {', '.join('{{ ' + v + ' }}' for v in VARIABLES)}.")


NAME = typer.Option(None, "--name", help="The campaign's name.")
SMS_TEXT = typer.Option(None, "--sms-text", metavar="TEMPLATE", help="The SMS text (a Jinja2 template).")
SMS_FILE = typer.Option(None, "--sms-file", metavar="FILE", help="A file holding the SMS text.")
CHAT_TEXT = typer.Option(None, "--chat-text", metavar="TEMPLATE",
                         help="The longer text for Telegram, WhatsApp and the web chat.")
CHAT_FILE = typer.Option(None, "--chat-file", metavar="FILE", help="A file holding the chat text.")
TOPIC = typer.Option(None, "--topic", help="A topic subscribers chose (repeat or comma-separate; 'any').")
AREA = typer.Option(None, "--area", help="A postcode district such as WS1 (repeat or comma-separate; 'any').")
SECTOR = typer.Option(None, "--sector", help="A sector such as retail (repeat or comma-separate; 'any').")
CHANNEL = typer.Option(None, "--channel", help="sms, telegram, whatsapp or web (repeat; 'all').")
ARTICLE = typer.Option(None, "--article", help="An advice article id to link (repeat).")
AT = typer.Option(None, "--at", help="'2026-12-04 10:00' for one send; with --every, the time (10:00).")
EVERY = typer.Option(None, "--every", metavar="DAY", help="friday, mon,thu, weekdays or day.")
START = typer.Option(None, "--from", metavar="DATE", help="First day of a recurring schedule (2026-12-01).")
UNTIL = typer.Option(None, "--until", metavar="DATE", help="Last day of a recurring schedule (2026-12-24).")
SPREAD = typer.Option(None, "--spread-over", metavar="MINUTES", help="Spread each send over this many minutes.")
URGENT = typer.Option(None, "--urgent/--normal", help="Urgent sends break quiet hours and weekly caps.")


@app.command("presets")
def presets(fmt: Shown = FORMAT) -> None:
    """The seasonal presets to start from (advice_content/campaigns)."""
    try:
        found = load_presets()
    except PresetError as error:
        _fail(str(error))
    if fmt is Shown.json:
        typer.echo(json.dumps([{"id": p.id, "name": p.name, "description": p.description, "articles": list(p.articles),
                                "audience": p.audience.as_dict(), "every": p.every, "at": p.at,
                                "from": p.season_from, "until": p.season_until} for p in found.values()], indent=2))
        return
    for preset in found.values():
        typer.echo(f"{preset.id}: {preset.name}. Every {preset.every} at {preset.at}, "
                   f"{preset.season_from} to {preset.season_until}.\n  {preset.description}")


@app.command("create")
def create(by: str = BY, from_preset: Optional[str] = typer.Option(None, "--from-preset", metavar="PRESET",
                                                                   help="Copy a preset (bizwatch campaigns presets)."),
           name: Optional[str] = NAME, sms_text: Optional[str] = SMS_TEXT, sms_file: Optional[Path] = SMS_FILE,
           chat_text: Optional[str] = CHAT_TEXT, chat_file: Optional[Path] = CHAT_FILE,
           topic: Optional[list[str]] = TOPIC, area: Optional[list[str]] = AREA, sector: Optional[list[str]] = SECTOR,
           channel: Optional[list[str]] = CHANNEL, article: Optional[list[str]] = ARTICLE, at: Optional[str] = AT,
           every_days: Optional[str] = EVERY, start: Optional[str] = START, until: Optional[str] = UNTIL,
           spread: Optional[int] = SPREAD, urgent: Optional[bool] = URGENT) -> None:
    """Save a new campaign as a draft (checked first: nothing is saved if anything is wrong)."""
    preset = None
    if from_preset:
        try:
            preset = get_preset(from_preset)
        except PresetError as error:
            _fail(str(error))
    try:
        base = preset.draft(date.today()) if preset else None
    except ScheduleError as error:
        _fail(f"Preset schedule: {error}")
    draft = _draft(base, preset, name=name, sms_text=sms_text, sms_file=sms_file, chat_text=chat_text,
                   chat_file=chat_file, topic=topic, area=area, sector=sector, channel=channel, article=article,
                   at=at, every=every_days, start=start, until=until, spread=spread, urgent=urgent)
    with _opened() as (sessions, _settings, rules):
        try:
            with sessions.begin() as session:
                campaign = lifecycle.create(session, draft, by, utcnow(), rules.text_limits())
                campaign_id = campaign.id
        except DraftRefused as error:
            _refused(error)
        except NotAllowed as error:
            _fail(str(error))
        typer.echo(f"Campaign {campaign_id} saved as a draft: {draft.name}.\n"
                   f"Sends: {draft.schedule.describe(rules.zone)}.\n"
                   f"Next: bizwatch campaigns preview {campaign_id}, then submit it for approval.")


@app.command("edit")
def edit(campaign_id: int = ID, by: str = BY, name: Optional[str] = NAME, sms_text: Optional[str] = SMS_TEXT,
         sms_file: Optional[Path] = SMS_FILE, chat_text: Optional[str] = CHAT_TEXT,
         chat_file: Optional[Path] = CHAT_FILE, topic: Optional[list[str]] = TOPIC, area: Optional[list[str]] = AREA,
         sector: Optional[list[str]] = SECTOR, channel: Optional[list[str]] = CHANNEL,
         article: Optional[list[str]] = ARTICLE, at: Optional[str] = AT, every_days: Optional[str] = EVERY,
         start: Optional[str] = START, until: Optional[str] = UNTIL, spread: Optional[int] = SPREAD,
         urgent: Optional[bool] = URGENT) -> None:
    """Change a campaign; once submitted, the change needs approving again (by someone else)."""
    with _opened() as (sessions, _settings, rules):
        try:
            with sessions.begin() as session:
                campaign = _campaign(session, campaign_id)
                draft = _draft(draft_of(campaign), None, name=name, sms_text=sms_text, sms_file=sms_file,
                               chat_text=chat_text, chat_file=chat_file, topic=topic, area=area, sector=sector,
                               channel=channel, article=article, at=at, every=every_days, start=start, until=until,
                               spread=spread, urgent=urgent)
                lifecycle.edit(session, campaign, draft, by, utcnow(), rules.text_limits())
                status, version = campaign.status, campaign.version
        except DraftRefused as error:
            _refused(error)
        except NotAllowed as error:
            _fail(f"Nothing was changed: {error}.")
    typer.echo(f"Campaign {campaign_id} changed (version {version}), now {status}."
               + (" It needs approving again by someone else." if status == "submitted" else ""))


def _move(campaign_id: int, action: Callable[[Session, Campaign, datetime], Any], done: str) -> Any:
    with _opened() as (sessions, _settings, _rules):
        try:
            with sessions.begin() as session:
                campaign = _campaign(session, campaign_id)
                result = action(session, campaign, utcnow())
        except NotAllowed as error:
            _fail(f"Nothing was changed: {error}.")
    typer.echo(done)
    return result


@app.command("submit")
def submit(campaign_id: int = ID, by: str = BY) -> None:
    """Ask for approval (someone else approves)."""
    _move(campaign_id, lambda s, c, now: lifecycle.submit(s, c, by, now),
          f"Campaign {campaign_id} submitted. Someone else approves it: "
          f"bizwatch campaigns approve {campaign_id} --by NAME")


@app.command("approve")
def approve(campaign_id: int = ID, by: str = BY) -> None:
    """Approve a submitted campaign (not one you wrote or submitted)."""
    single = get_settings().campaign_single_approver
    _move(campaign_id, lambda s, c, now: lifecycle.approve(s, c, by, now, single_approver=single),
          f"Campaign {campaign_id} approved by {by}. Schedule it: bizwatch campaigns schedule {campaign_id} --by NAME")


@app.command("schedule")
def schedule(campaign_id: int = ID, by: str = BY) -> None:
    """Put an approved campaign's sends in the diary (the scheduler sends each at its time)."""
    zone_name = get_settings().timezone
    result = _move(campaign_id, lambda s, c, now: lifecycle.schedule(s, c, by, now, zone_name),
                   f"Campaign {campaign_id} scheduled.")
    rules = CampaignRules.from_settings(get_settings())
    typer.echo("Sends: " + ", ".join(_local(t, rules) for t in result.times))
    if result.past:
        typer.echo("Already past, not sent: " + ", ".join(_local(t, rules) for t in result.past))


@app.command("cancel")
def cancel(campaign_id: int = ID, by: str = BY,
           reason: Optional[str] = typer.Option(None, "--reason", help="Why (kept in the history).")) -> None:
    """Stop a campaign: no more sends, and its messages not yet sent are cancelled."""
    stopped = _move(campaign_id, lambda s, c, now: lifecycle.cancel(s, c, by, now, reason),
                    f"Campaign {campaign_id} cancelled.")
    if stopped:
        typer.echo(f"{stopped} message(s) not yet sent were cancelled.")


@app.command("list")
def list_campaigns(fmt: Shown = FORMAT,
                   status: Optional[str] = typer.Option(None, "--status", help="Only campaigns in this status.")) -> None:
    """One line per campaign: number, status, kind, next send, name."""
    with _opened() as (sessions, _settings, rules):
        with sessions() as session:
            query = select(Campaign).order_by(Campaign.id)
            if status:
                query = query.where(Campaign.status == status.strip().lower())
            campaigns = list(session.scalars(query))
            next_sends = {c.id: session.scalar(select(CampaignOccurrence.due_at).where(
                CampaignOccurrence.campaign_id == c.id, CampaignOccurrence.status == "pending")
                .order_by(CampaignOccurrence.due_at).limit(1)) for c in campaigns}
    if fmt is Shown.json:
        typer.echo(json.dumps([{"id": c.id, "kind": c.kind, "name": c.name, "status": c.status, "priority": c.priority,
                                "version": c.version, "next_send": _iso(next_sends[c.id])} for c in campaigns], indent=2))
        return
    if not campaigns:
        typer.echo("No campaigns yet. Start from a preset: bizwatch campaigns presets")
        return
    for c in campaigns:
        typer.echo(f"{c.id:>4}  {c.status:<10} {c.kind:<8} {c.priority:<7} next: {_local(next_sends[c.id], rules):<21} "
                   f"{c.name}")


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@app.command("show")
def show(campaign_id: int = ID, fmt: Shown = FORMAT) -> None:
    """The campaign: texts, audience, schedule, its sends and its history (who did what, when)."""
    with _opened() as (sessions, _settings, rules):
        with sessions() as session:
            campaign = _campaign(session, campaign_id)
            draft = draft_of(campaign)
            events = list(session.scalars(select(CampaignEvent).where(CampaignEvent.campaign_id == campaign_id)
                                          .order_by(CampaignEvent.id)))
            occurrences = list(session.scalars(select(CampaignOccurrence).where(
                CampaignOccurrence.campaign_id == campaign_id).order_by(CampaignOccurrence.due_at)))
    if fmt is Shown.json:
        typer.echo(json.dumps({
            "id": campaign.id, "kind": campaign.kind, "name": campaign.name, "preset": campaign.preset,
            "status": campaign.status, "priority": campaign.priority, "version": campaign.version,
            "texts": {"sms": campaign.sms_template, "chat": campaign.chat_template}, "articles": campaign.articles,
            "audience": draft.audience.as_dict(),
            "schedule": {"rule": campaign.schedule_rule, "spread_minutes": campaign.spread_minutes,
                         "description": draft.schedule.describe(rules.zone)},
            "created_by": campaign.created_by, "created_at": _iso(campaign.created_at),
            "sends": [{"id": o.id, "due_at": _iso(o.due_at), "status": o.status, "note": o.note} for o in occurrences],
            "history": [{"at": _iso(e.at), "by": e.by, "action": e.action, "from": e.from_status, "to": e.to_status,
                         "version": e.version, "note": e.note} for e in events],
        }, indent=2, ensure_ascii=False))
        return
    typer.echo(f"Campaign {campaign.id}: {campaign.name} ({campaign.kind}, {campaign.priority})\n"
               f"Status: {campaign.status}, version {campaign.version}"
               + (f", from preset {campaign.preset}" if campaign.preset else "") +
               f"\nAudience: {draft.audience.describe()}\nAdvice: {', '.join(campaign.articles) or '-'}\n"
               f"Schedule: {draft.schedule.describe(rules.zone)}")
    for label, text in (("SMS text", campaign.sms_template), ("Chat text", campaign.chat_template)):
        if text.strip():
            typer.echo(f"\n{label}:\n{text.rstrip()}")
    typer.echo("\nSends:")
    for o in occurrences:
        typer.echo(f"  {_local(o.due_at, rules)}  {o.status}" + (f" ({o.note})" if o.note else ""))
    typer.echo("\nHistory:")
    for e in events:
        typer.echo(f"  {_local(e.at, rules)}  {e.action} by {e.by}" + (f": {e.note}" if e.note else ""))


@app.command("preview")
def preview(campaign_id: int = ID, fmt: Shown = FORMAT) -> None:
    """The texts as a sample recipient gets them, SMS segments and encoding, the audience now, time to send."""
    with _opened() as (sessions, settings, rules):
        with sessions() as session:
            shown = build_preview(session, _campaign(session, campaign_id), rules, settings.delivery_rates, utcnow())
    if fmt is Shown.json:
        typer.echo(json.dumps(shown.as_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(f"Campaign {shown.campaign_id}: {shown.name} ({shown.status}, {shown.priority})\n"
               f"Schedule: {shown.schedule}\nAudience: {shown.audience_spec}")
    for text in shown.texts:
        typer.echo(f"\n--- {'SMS' if text.kind == 'sms' else 'Chat'} ({', '.join(text.channels)}), "
                   "for a sample business with a long name ---")
        typer.echo(text.text)
        if text.sms:
            typer.echo(f"--- {text.sms.describe()} ---")
    typer.echo(f"\nReaches {shown.audience} subscriber(s) now"
               + (f" ({shown.capped} more left out by their weekly cap)" if shown.capped else "")
               + (": " + ", ".join(f"{n} by {c}" for c, n in shown.by_channel.items()) if shown.by_channel else "."))
    typer.echo(f"Time to send at the channels' rate limits: about {_duration(shown.seconds)}"
               + (" (" + ", ".join(f"{c} {_duration(s)}" for c, s in shown.seconds_by_channel.items()) + ")"
                  if shown.seconds_by_channel else "") + ".")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min" if seconds < 5400 else f"{seconds / 3600:.1f} h"


@app.command("report")
def report(campaign_id: int = ID, fmt: ReportFormat = typer.Option(ReportFormat.text, "--format", "-f",
                                                                     help="text, json or csv.")) -> None:
    """Per send: audience, queued, sent, delivered, failed by error, opted out since, replies."""
    with _opened() as (sessions, _settings, rules):
        with sessions() as session:
            campaign = _campaign(session, campaign_id)
            reports = campaign_report(session, campaign)
    if fmt is ReportFormat.json:
        typer.echo(json.dumps({"id": campaign.id, "name": campaign.name, "status": campaign.status,
                               "sends": as_dicts(reports)}, indent=2))
        return
    if fmt is ReportFormat.csv:
        typer.echo(as_csv(campaign, reports), nl=False)
        return
    typer.echo(f"Campaign {campaign.id}: {campaign.name} ({campaign.status})")
    if not reports:
        typer.echo("No sends yet.")
    for r in reports:
        failed = ", ".join(f"{code}: {n}" for code, n in sorted(r.failed.items()))
        typer.echo(f"\n{_local(r.due_at, rules)}  {r.status}" + (f" ({r.note})" if r.note else ""))
        if r.audience is not None:
            typer.echo(f"  audience {r.audience} (capped {r.capped}), queued {r.queued}, waiting {r.waiting}, "
                       f"sent {r.sent}, delivered {r.delivered}, failed {r.failed_total}"
                       + (f" ({failed})" if failed else "") + f", cancelled {r.cancelled}\n"
                       f"  opted out since {r.opted_out_since}, replies {r.replies}")


class _Bar:
    """A progress bar on stderr that appears once the audience size is known."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = typer.progressbar(length=total, label="Queuing messages", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@alerts_app.command("send")
def send(text: str = typer.Option(..., "--text", metavar="TEMPLATE", help="The alert (SMS-length; a template)."),
         area: list[str] = typer.Option(..., "--area", help="Postcode district(s) such as WS1 (repeat)."),
         by: str = BY,
         approved_by: Optional[str] = typer.Option(None, "--approved-by", metavar="NAME",
                                                   help="The second person approving it (needed unless one "
                                                        "person may approve)."),
         urgent: bool = typer.Option(False, "--urgent", help="Send at once, even in quiet hours and past caps."),
         chat_text: Optional[str] = typer.Option(None, "--chat-text", metavar="TEMPLATE",
                                                 help="A longer text for Telegram, WhatsApp and web."),
         topic: Optional[list[str]] = TOPIC, sector: Optional[list[str]] = SECTOR,
         channel: Optional[list[str]] = CHANNEL, name: Optional[str] = NAME) -> None:
    """Write, approve and send an alert to an area now (a normal one waits for the end of quiet hours)."""
    with _opened() as (sessions, settings, rules):
        audience = AudienceSpec.build(topics=topic or (), areas=area, sectors=sector or (), channels=channel or ())
        draft = alert_draft(text=text, chat_text=chat_text, audience=audience, urgent=urgent, now=utcnow(),
                            rules=rules, name=name)
        bar = _Bar()
        try:
            campaign_id, outcomes = send_alert(sessions, draft, by=by, approved_by=approved_by, rules=rules,
                                               single_approver=settings.campaign_single_approver, clock=utcnow,
                                               progress=bar)
        except DraftRefused as error:
            _refused(error)
        except NotAllowed as error:
            _fail(f"Nothing was sent: {error}.")
        finally:
            bar.close()
    typer.echo(_alert_outcome(campaign_id, outcomes, urgent))


def _alert_outcome(campaign_id: int, outcomes: list[SendOutcome], urgent: bool) -> str:
    if not outcomes:
        return f"Alert {campaign_id} approved; the scheduler is sending it (bizwatch campaigns report {campaign_id})."
    outcome = outcomes[0]
    capped = f", {outcome.capped} left out by their weekly cap" if outcome.capped else ""
    when = "now" if urgent else "now, or at the end of quiet hours"
    return (f"Alert {campaign_id}: {outcome.queued} message(s) queued to go {when} "
            f"({outcome.audience} subscriber(s) matched{capped}). Report: bizwatch campaigns report {campaign_id}")
