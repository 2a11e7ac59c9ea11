"""Evidence: CCTV (its facts in one answer, then a link or "later"), photos, and witnesses.

Investigators need three facts about footage: does it show a face, is the recorder's clock right,
and when will it be recorded over (seed 002: reports filed "pending CCTV" that never arrives). A
person who has CCTV usually knows all three, so they are asked together and read clause by clause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows.answers import clock_offset_minutes, duration_days, is_later, is_skip, is_unknown, normalise, yes_no
from bot.flows.answers import NoAnswer, no_answer
from bot.flows.base import Invalid, Turn
from bot.flows.questions import Answer, Awaiting, Prompt, mark_answered
from bot.flows.report.common import YES_NO_UNSURE, something_said, text_answer
from bot.messages import Button
from bot.evidence.cctv import overwrite_at
from bot.evidence.links import BadLink, check_link
from bot.reports.summary import when
from bot.storage.models import Report, ReportAttachment
from nlu.extractors import find_urls

CLAUSES = re.compile(r"\s*(?:[,;.\n]|\band\b|\bbut\b|\balso\b)\s*", re.IGNORECASE)
CLOCK = re.compile(r"\b(clock|time|times|timestamp|fast|slow|ahead|behind)\b", re.IGNORECASE)
FACE = re.compile(r"\b(face|faces|see (?:him|her|them|who|it)|seen|clear|clearly|blurr?y|grainy|hood|hooded|mask|"
                  r"masked|balaclava|covered|identify|recogni[sz]e|good shot|good view)\b", re.IGNORECASE)
NO_FACE = re.compile(r"\b(no|not|n't|cannot|cant|can't|couldn't|hidden|covered|mask|masked|balaclava|blurr?y|grainy|"
                     r"hood up|hooded|back to|too dark|dark)\b", re.IGNORECASE)
KEPT = re.compile(r"\b(hours?|hrs?|days?|weeks?|wks?|months?|mths?|fortnight)\b", re.IGNORECASE)
# A recorder's clock can be hours out (never put forward for summer time, drifting for years), hardly
# more than a week: a bigger figure is a slip of the keyboard, asked about rather than stored (and
# far inside the column's 32-bit range, which PostgreSQL enforces).
CLOCK_OFFSET_LIMIT_MINUTES = 7 * 24 * 60
PHOTO_KINDS = ("photo", "image", "video", "document")
NO_WITNESSES = {"no witnesses", "not that i know", "just me", "only me"}


@dataclass
class CctvFacts:
    """What one answer says about the footage; a fact not mentioned stays ``None``."""

    face: bool | None = None
    clock_offset_minutes: int | None = None
    overwrite_days: int | None = None

    @property
    def any(self) -> bool:
        return any(v is not None for v in (self.face, self.clock_offset_minutes, self.overwrite_days))


def read_cctv_facts(text: str) -> CctvFacts:
    """"face clear, clock 5 min fast, keeps 30 days" -> face True, +5 minutes, 30 days.

    A clock said to be more than a week out is asked about (``Invalid``), not stored.
    """
    facts = CctvFacts()
    for clause in CLAUSES.split(text.replace("fortnight", "14 days")):
        if not clause.strip():
            continue
        if CLOCK.search(clause) and facts.clock_offset_minutes is None:
            facts.clock_offset_minutes = sane_clock_offset(clock_offset_minutes(clause))
        elif FACE.search(clause) and facts.face is None:
            facts.face = not NO_FACE.search(clause)
        elif KEPT.search(clause) and facts.overwrite_days is None:
            days = duration_days(clause)
            facts.overwrite_days = None if days is None else min(days, 3650)
    return facts


SOON_DAYS = 14  # a recorder that keeps footage this long or less is worth a warning at the CCTV question


def save_copy(report: Report, now: datetime, tz: ZoneInfo) -> str:
    """What to do about the footage before it is recorded over: by the real deadline (the incident's
    time plus the days the recorder keeps), which can be tomorrow or already past, not "within N days"."""
    overwritten = overwrite_at(report) if report.occurred_at is not None else None
    if overwritten is None:
        return "Please save a copy of the footage as soon as you can, so it isn't recorded over."
    if overwritten <= now:
        return "The footage may already have been recorded over: if you still have it, please save a copy now."
    return f"Please save a copy of the footage before {when(overwritten, tz)}, when it will be recorded over."


def sane_clock_offset(minutes: int | None) -> int | None:
    if minutes is not None and abs(minutes) > CLOCK_OFFSET_LIMIT_MINUTES:
        raise Invalid("That clock seems more than a week out, so please check it and send your answer again, "
                      "like 'face clear, clock 5 minutes fast, kept 30 days'.")
    return minutes


def store_facts(turn: Turn, report: Report, facts: CctvFacts) -> str | None:
    """Keep what the answer said; a warning when the footage will soon be recorded over."""
    if facts.face is not None:
        report.cctv_shows_face = facts.face
    if facts.clock_offset_minutes is not None:
        report.cctv_clock_offset_minutes = facts.clock_offset_minutes
    if facts.overwrite_days is not None:
        report.cctv_overwrite_days = facts.overwrite_days
        if report.occurred_at is not None and facts.overwrite_days <= SOON_DAYS:
            return save_copy(report, turn.now, turn.tz)
    return None


def clear_cctv(report: Report) -> None:
    report.cctv_available = report.cctv_shows_face = None
    report.cctv_clock_offset_minutes = report.cctv_overwrite_days = None
    report.attachments = [a for a in report.attachments if a.kind != "cctv_link"]


def cctv_yes(turn: Turn, report: Report) -> bool:
    return report.cctv_available is True


def ask_cctv(turn: Turn, report: Report) -> Prompt:
    return Prompt("Do you have CCTV of it? If so, tell me in one go if you can: does it show their face, is its "
                  "clock right, and how long until it's recorded over?", YES_NO_UNSURE)


def answer_cctv(turn: Turn, report: Report, text: str) -> Answer:
    facts = read_cctv_facts(text)
    answer = yes_no(text)
    if answer is False and not facts.any:
        clear_cctv(report)
        report.cctv_available = False
        return "OK, no CCTV."
    if answer is not True and not facts.any:
        raise Invalid("Please say yes, no or not sure.")
    clear_cctv(report)
    report.cctv_available = True
    if facts.any:
        mark_answered(turn, "cctv_facts")
    return store_facts(turn, report, facts)


def ask_cctv_facts(turn: Turn, report: Report) -> Prompt:
    return Prompt("Tell me about the footage: does it show their face, is the CCTV clock right (or how far out), "
                  "and how long until it's recorded over? For example 'face clear, clock 5 minutes fast, kept 30 "
                  "days'.", (Button("Don't know", "don't know"),))


def answer_cctv_facts(turn: Turn, report: Report, text: str) -> Answer:
    facts = read_cctv_facts(text)
    if not facts.any:
        something_said(text)
        raise Invalid("Sorry, I didn't catch that. For example 'face not clear, clock right, 7 days'.")
    return store_facts(turn, report, facts)


def overwrite_unknown(turn: Turn, report: Report) -> bool:
    """Facts were given but not when the footage goes: that one drives the reminders, so ask it."""
    return cctv_yes(turn, report) and report.cctv_overwrite_days is None and (
        report.cctv_shows_face is not None or report.cctv_clock_offset_minutes is not None)


def ask_overwrite(turn: Turn, report: Report) -> Prompt:
    return Prompt("How long until the footage is recorded over? For example '7 days' or '2 weeks'.",
                  (Button("Don't know", "don't know"),))


def answer_overwrite(turn: Turn, report: Report, text: str) -> Answer:
    days = duration_days(text.replace("fortnight", "14 days"))
    if days is None:
        something_said(text)
        raise Invalid("Sorry, I didn't catch that. Tell me a time like '7 days', '48 hours' or 'a month'.")
    return store_facts(turn, report, CctvFacts(overwrite_days=min(days, 3650)))


def ask_link(turn: Turn, report: Report) -> Prompt:
    return Prompt("If you can share the footage, send a link now (Dropbox, Google Drive, OneDrive, WeTransfer, "
                  "YouTube or a police upload link). Or say 'later'.",
                  (Button("Later", "later"), Button("I'd rather not share it", "rather not")))


def answer_link(turn: Turn, report: Report, text: str) -> Answer:
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
        return "OK, I've noted you'd rather not share it."
    raise Invalid("I couldn't find a link in that. Links start with https://.")


def can_take_photos(turn: Turn, report: Report) -> bool:
    return turn.capabilities.media


def ask_photos(turn: Turn, report: Report) -> Prompt:
    return Prompt("Send any photos now (of damage, the offender or the scene), then say 'done'. Or say 'skip'.",
                  (Button("Done", "done"), Button("Skip", "skip")))


def answer_photos(turn: Turn, report: Report, text: str) -> Answer:
    photos = [a for a in turn.inbound.attachments if a.kind in PHOTO_KINDS]
    for photo in photos[:20]:
        report.attachments.append(ReportAttachment(kind="photo", url=photo.url, file_id=photo.file_id,
                                                   content_type=photo.content_type, storage_key=photo.storage_key,
                                                   size_bytes=photo.size, sha256=photo.sha256))
    if photos:
        count = sum(1 for a in report.attachments if a.kind == "photo")
        return Awaiting(f"Got it ({count} photo{'s' if count != 1 else ''} so far). Send more, or say 'done'.")
    if re.fullmatch(r"(done|finished|that'?s all|that'?s it|no more|no|none|next)", normalise(text)):
        return None
    raise Invalid("I didn't get a photo there.")


def ask_witnesses(turn: Turn, report: Report) -> Prompt:
    return Prompt("Did anyone else see it? Names and how to contact them, or say 'no'.", (Button("No", "no"),))


def answer_witnesses(turn: Turn, report: Report, text: str) -> Answer:
    if no_answer(text) is NoAnswer.NONE or normalise(text) in NO_WITNESSES:
        report.witnesses = "none"
        return "OK, no witnesses."
    if yes_no(text) is True and len(normalise(text).split()) <= 2:
        raise Invalid("Who saw it, and how can the police contact them? For example 'Jo from the shop next door, "
                      "07700 900456'.")
    report.witnesses = text_answer(text)
    return None


def clear_witnesses(report: Report) -> None:
    report.witnesses = None
