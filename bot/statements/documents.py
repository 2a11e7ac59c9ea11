"""What the statement documents show, built from the database for the templates.

Every piece of text a person gave passes through ``words`` (NFC, control and direction-override
characters removed) before it reaches a template, and the templates escape it (autoescape), so
text with HTML or template syntax in it is printed as the characters it is. Nothing here formats
a page: the templates do (``bot/statements/templates``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.crime_types import crime_type, label
from bot.evidence.attach import CCTV_FILE, CCTV_LINK, PHOTO
from bot.evidence.cctv import NO_FOOTAGE, RECORDED_OVER, CctvStatus, overwrite_at, status_reason
from bot.reports.service import Refused, find
from bot.reports.summary import CONTACT_WORDS, money, summary_lines, yes_no_unknown
from bot.statements import service
from bot.statements.dates import clock, day
from bot.statements.sections import SECTIONS, ADDITION, amount_text, described, total
from bot.statements.wording import COVERS, DRAFT_MARK, ISB_DECLARATION, SITES
from bot.storage.models import ImpactStatement, Report, ReportAttachment

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
OWNER_ROLES = {"owner", "co-owner", "coowner", "proprietor", "director", "partner", "franchisee", "licensee",
               "landlord", "landlady"}


class StatementError(Exception):
    """A document cannot be made; the message says why, for the person who asked."""


def words(value: object) -> str:
    """A person's text made safe to print: NFC, no control or direction-override characters."""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def produced(now: datetime, tz: ZoneInfo) -> str:
    return f"{day(now, tz)}, {clock(now, tz)}"


def report_for(session: Session, reference: str) -> Report:
    """The submitted report, or StatementError saying what is wrong with the reference (mistyped, unknown)."""
    try:
        report = find(session, reference)
    except Refused as problem:
        raise StatementError(problem.message) from None
    if report.status == "draft":
        raise StatementError(f"No report with reference {reference!r} has been sent yet.")
    return report


# --- Impact Statement for Business ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PartView:
    heading: str
    hint: str
    text: str
    amount: str | None


@dataclass(frozen=True)
class DeclarationView:
    text: str
    name: str
    date: str
    at: str


@dataclass(frozen=True)
class SupplementView:
    number: int
    parts: list[PartView]
    declaration: DeclarationView


@dataclass(frozen=True)
class IsbView:
    reference: str
    references: list[str]
    produced: str
    facts: list[tuple[str, str]]
    parts: list[PartView]
    total: str
    declaration: DeclarationView
    supplements: list[SupplementView] = field(default_factory=list)
    overall_total: str | None = None


def _parts(statement: ImpactStatement, sections: tuple) -> list[PartView]:
    return [PartView(heading=f"{s.number}. {s.title}" if s.number else s.title, hint=s.covers.capitalize(),
                     text=words(described(statement, s)), amount=amount_text(statement, s)) for s in sections]


def _declaration(statement: ImpactStatement, tz: ZoneInfo) -> DeclarationView:
    declared = statement.declared_at
    return DeclarationView(text=ISB_DECLARATION, name=words(statement.declared_name or ""),
                           date=day(declared, tz) if declared else "", at=produced(declared, tz) if declared else "")


def _facts(statement: ImpactStatement, references: list[str]) -> list[tuple[str, str]]:
    facts = [("Report references", ", ".join(references)),
             ("Business", words(statement.business_name or "not given"))]
    place = ", ".join(p for p in (statement.business_address, statement.business_postcode) if p)
    if place:
        facts.append(("Address", words(place)))
    facts.append(("Named point of contact", words(statement.contact_name or "not given")))
    if statement.contact_role:
        facts.append(("Role in the business", words(statement.contact_role)))
    facts.append(("Authorised to speak for the business", "Yes" if statement.authorised else "Not confirmed"))
    facts.append(("The statement covers", COVERS.get(statement.covers or "", "not given").capitalize()))
    sites = SITES.get(statement.sites or "", "not given").capitalize()
    if statement.sites_detail:
        sites += f": {words(statement.sites_detail)}"
    facts.append(("Sites", sites))
    if statement.repeat_offending:
        facts.append(("Repeat offending", words(statement.repeat_offending)))
    aloud = {True: "Yes", False: "No", None: "Not decided"}[statement.read_aloud]
    if statement.read_aloud and statement.read_aloud_by:
        aloud += f", read by {words(statement.read_aloud_by)}"
    facts.append(("Read aloud in court", aloud))
    return facts


def isb(session: Session, reference: str, tz: ZoneInfo, now: datetime) -> IsbView:
    """The declared Impact Statement for Business for a report (made for it or covering it) and its supplements."""
    report = report_for(session, reference)
    original = service.declared_original(session, report)
    if original is None:
        raise StatementError(f"Report {report.reference} has no Impact Statement for Business yet (none has been "
                             "declared for it).")
    references = service.references(original)
    supplements = service.supplements(session, original)
    view = IsbView(reference=report.reference or "", references=references, produced=produced(now, tz),
                   facts=_facts(original, references), parts=_parts(original, SECTIONS),
                   total=money(total(original)), declaration=_declaration(original, tz),
                   supplements=[SupplementView(number=n, parts=_parts(s, (ADDITION,)), declaration=_declaration(s, tz))
                                for n, s in enumerate(supplements, start=1)])
    if supplements:
        overall = total(original) + sum((total(s) for s in supplements), Decimal(0))
        view = replace(view, overall_total=money(overall))
    return view


# --- MG11 draft witness statement ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Exhibit:
    reference: str
    what: str
    details: list[tuple[str, str]]


@dataclass(frozen=True)
class Mg11View:
    reference: str
    produced: str
    draft_mark: str
    witness: list[tuple[str, str]]
    account: list[str]
    cctv: list[str]
    exhibits: list[Exhibit]
    contact: list[tuple[str, str]]
    submitted: str


def initials(name: str | None) -> str:
    """An exhibit prefix from the witness's name, as officers write them: "Priya Kumar" -> "PK"."""
    parts = [p for p in re.split(r"[\s-]+", words(name or "")) if p[:1].isalpha()]
    if not parts:
        return "EXH"
    chosen = parts if len(parts) <= 2 else [parts[0], parts[-1]]
    return "".join(p[0].upper() for p in chosen)


def when_phrase(report: Report, tz: ZoneInfo) -> str:
    """"on Saturday 21 November 2026 at 3:00pm"; a vague time stays the window it was given as."""
    start = report.occurred_at
    if start is None:
        return "on a date I have not given"
    if report.occurred_until is not None:
        end = report.occurred_until
        if end.astimezone(tz).date() == start.astimezone(tz).date():
            return f"on {day(start, tz)}, between {clock(start, tz)} and {clock(end, tz)}"
        return f"between {clock(start, tz)} on {day(start, tz)} and {clock(end, tz)} on {day(end, tz)}"
    if report.occurred_time_known is False:
        return f"on {day(start, tz)}; I do not know the exact time"
    return f"on {day(start, tz)} at {clock(start, tz)}"


def _who(report: Report) -> str:
    business = words(report.business_name or "the business")
    role = words(report.reporter_role or "")
    name = words(report.reporter_name or "")
    lead = f"My name is {name}. " if name else ""
    if not role:
        return f"{lead}I work at {business}."
    if role.lower() in OWNER_ROLES:
        return f"{lead}I am the {role} of {business}."
    article = "an" if role[:1].lower() in "aeiou" else "a"
    return f"{lead}I work at {business} as {article} {role}."


def _place(report: Report) -> str:
    return words(", ".join(p for p in (report.business_name, report.business_address, report.business_postcode) if p)
                 or "the business")


def _account(report: Report, tz: ZoneInfo) -> list[str]:
    details = report.details or {}
    shown = dict(summary_lines(report, tz))
    account = [_who(report),
               f"This statement is about {label(report.crime_type)} at {_place(report)}, which happened "
               f"{when_phrase(report, tz)}."]
    if report.description:
        account.append(f"In my own words, this is what happened: {words(report.description)}")
    if details.get("making_off_kind"):
        fuel = [f"pump {details['pump_number']}" if details.get("pump_number") else "",
                f"{details['litres']:g} litres" if details.get("litres") is not None else ""]
        extra = ", ".join(p for p in fuel if p)
        account.append(f"They left without paying for {words(details['making_off_kind'])}"
                       f"{f' ({extra})' if extra else ''}.")
    if shown.get("Taken"):
        account.append(f"The following was taken: {words(shown['Taken'])}.")
    if details.get("damage"):
        account.append(f"The damage was: {words(details['damage'])}.")
    found = crime_type(report.crime_type)
    if report.value_gbp is not None:
        value_label = (found.value_label if found is not None else None) or "Total value"
        account.append(f"The {value_label.lower()} is {money(report.value_gbp)}.")
    if details.get("how_it_happened"):
        account.append(f"How it happened: {words(details['how_it_happened'])}")
    for offender in report.offenders or []:
        if offender.get("description"):
            account.append(f"I can describe the person or people responsible as follows: "
                           f"{words(offender['description'])}")
    if report.vehicle_registrations:
        account.append(f"The vehicle registration was {', '.join(words(r) for r in report.vehicle_registrations)}.")
    elif details.get("vehicle_description"):
        account.append(f"The vehicle: {words(details['vehicle_description'])}")
    if details.get("weapon"):
        account.append(f"A weapon was involved: {words(details['weapon'])}.")
    if report.injuries:
        account.append("No one was hurt." if report.injuries == "none" else
                       f"The injuries were: {words(report.injuries)}")
    if details.get("staff_involved"):
        account.append(f"Staff involved: {words(details['staff_involved'])}")
    if report.witnesses:
        account.append("I do not know of anyone else who saw it." if report.witnesses == "none" else
                       f"Other people who saw it: {words(report.witnesses)}")
    return account


FOOTAGE = (CCTV_LINK, CCTV_FILE)
WHAT = {CCTV_LINK: "CCTV footage (link)", CCTV_FILE: "CCTV footage (file)", PHOTO: "Photograph"}


def _details(item: ReportAttachment) -> list[tuple[str, str]]:
    """What identifies a piece of evidence: a link and its service, or a file's type, size and SHA-256."""
    if item.kind == CCTV_LINK:
        return [("Link", words(item.url or "")), ("Service", words(item.provider or "other"))]
    details: list[tuple[str, str]] = []
    if item.url:
        details.append(("Link", words(item.url)))
    if item.content_type:
        details.append(("Type", words(item.content_type)))
    if item.size_bytes is not None:
        details.append(("Size", f"{item.size_bytes:,} bytes"))
    if item.sha256:
        details.append(("SHA-256", words(item.sha256)))
    return details


def _exhibits(report: Report, prefix: str) -> list[tuple[ReportAttachment | None, Exhibit]]:
    """Each piece of evidence with its exhibit reference: the footage first (links and uploaded files
    alike), or the copy still to follow, then everything else."""
    footage = [a for a in report.attachments if a.kind in FOOTAGE]
    others = [a for a in report.attachments if a.kind not in FOOTAGE]
    found: list[tuple[ReportAttachment | None, Exhibit]] = []
    for item in footage:
        found.append((item, Exhibit(f"{prefix}/{len(found) + 1}", WHAT[item.kind], _details(item))))
    if not footage and report.cctv_status == CctvStatus.PENDING.value:
        found.append((None, Exhibit(f"{prefix}/{len(found) + 1}", "CCTV footage (copy to follow)", [])))
    for item in others:
        what = WHAT.get(item.kind) or words(item.kind.replace("_", " ")).capitalize()
        found.append((item, Exhibit(f"{prefix}/{len(found) + 1}", what, _details(item))))
    return found


def _listed(references: list[str]) -> str:
    return f"exhibit{'s' if len(references) > 1 else ''} {', '.join(references)}"


def _cctv(report: Report, exhibits: list[tuple[ReportAttachment | None, Exhibit]], tz: ZoneInfo) -> list[str]:
    """The CCTV facts as the witness can truthfully state them: what the system is and shows, then what
    became of the footage (provided, to follow, recorded over, kept back, not needed), or that there is none."""
    if report.cctv_available is False:
        return ["There is no CCTV of the incident."]
    if report.cctv_available is not True:
        return []
    status, reason = CctvStatus(report.cctv_status), status_reason(report)
    if status is CctvStatus.DECLINED and reason == NO_FOOTAGE:
        return ["The premises has CCTV, but it has no footage of the incident."]
    facts = ["The premises has CCTV which recorded the incident."]
    if report.cctv_shows_face is not None:
        facts.append("The footage shows the offender's face clearly." if report.cctv_shows_face else
                     "The footage does not show the offender's face clearly.")
    offset = report.cctv_clock_offset_minutes
    if offset == 0:
        facts.append("The CCTV clock was correct.")
    elif offset is not None:
        amount = f"{abs(offset)} minute{'s' if abs(offset) != 1 else ''}"
        facts.append(f"The CCTV clock is {amount} {'fast' if offset > 0 else 'slow'}: the time shown on the footage "
                     f"is {amount} {'later' if offset > 0 else 'earlier'} than the real time.")
    if report.cctv_overwrite_days is not None:
        facts.append(f"The system keeps footage for {report.cctv_overwrite_days} days before recording over it.")
    footage = [e.reference for a, e in exhibits if a is not None and a.kind in FOOTAGE]
    to_follow = [e.reference for a, e in exhibits if a is None]
    photos = [e.reference for a, e in exhibits if a is not None and a.kind == PHOTO]
    gone = overwrite_at(report)
    if footage:
        facts.append(f"I have provided a copy of the footage, which I produce as {_listed(footage)}.")
    elif to_follow:
        facts.append(f"I will provide a copy of the footage, which I will produce as exhibit {to_follow[0]}.")
    elif status is CctvStatus.PROVIDED and photos:  # "those were the CCTV": stills sent as photos
        facts.append(f"The photographs I produce as {_listed(photos)} are from the CCTV.")
    elif status is CctvStatus.OVERWRITTEN and reason == RECORDED_OVER and gone is not None:
        facts.append(f"I did not send a copy of the footage before the system was due to record over it, on "
                     f"{day(gone, tz)}.")
    elif status is CctvStatus.OVERWRITTEN:
        facts.append("The footage has since been recorded over, so I cannot provide a copy.")
    elif status is CctvStatus.DECLINED:
        facts.append("I have not shared the footage.")
    elif status is CctvStatus.NOT_NEEDED:
        facts.append("I have not provided a copy of the footage: the report was closed before I sent it.")
    return facts


def mg11(session: Session, reference: str, tz: ZoneInfo, now: datetime) -> Mg11View:
    """A draft MG11 witness statement built from a sent report, in the first person, to check and sign."""
    report = report_for(session, reference)
    prefix = initials(report.reporter_name)
    exhibits = _exhibits(report, prefix)
    others = [e.reference for a, e in exhibits if a is not None and a.kind not in FOOTAGE]
    account = _account(report, tz)
    if others:
        account.append(f"I produce the other evidence I sent as exhibit{'s' if len(others) > 1 else ''} "
                       f"{', '.join(others)}.")
    witness = [("Statement of", words(report.reporter_name or "(name not given)")),
               ("Age if under 18", "(to be completed)"),
               ("Occupation", words(report.reporter_role or "(not given)")),
               ("Employer", _place(report))]
    contact = [("Phone", words(report.reporter_phone or "not given")),
               ("Email", words(report.reporter_email or "not given")),
               ("Prefers", CONTACT_WORDS.get(report.preferred_contact or "", "any way")),
               ("Willing to give a statement", yes_no_unknown(report.willing_to_give_statement)),
               ("Willing to attend court", yes_no_unknown(report.willing_to_attend_court))]
    return Mg11View(reference=report.reference or "", produced=produced(now, tz), draft_mark=DRAFT_MARK,
                    witness=witness, account=account, cctv=_cctv(report, exhibits, tz),
                    exhibits=[e for _, e in exhibits], contact=contact,
                    submitted=produced(report.submitted_at, tz) if report.submitted_at else "")
