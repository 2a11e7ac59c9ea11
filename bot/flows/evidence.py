"""Adding evidence to one of your own reports, at any time: "I've got the CCTV now: <link>", a photo,
"send me an upload link", or "there's no footage" in reply to a reminder.

Only the person's own submitted reports can take evidence (by reference, or picked from their open
reports), so a reference alone never lets anyone add to someone else's report. Links are checked
(https, no password inside, a public host; never fetched); files keep their size, type and hash. A
link or a video is the CCTV, so it stops the reminders; photos are kept as photos (a button says
when they were the CCTV). The evidence in the first message is held while the report is picked.
The flow ends once the evidence is added; more photos sent soon after go to the same report (the
one that last took evidence), so an album needs no "done" and leaves nothing under way.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from pydantic import BaseModel, Field
from sqlalchemy import Select, select

from bot.crime_types import label
from bot.evidence.attach import CCTV_FILE, PHOTO, EvidenceFile, add_file, add_link, footage_arrived
from bot.evidence.cctv import NO_FOOTAGE, RATHER_NOT, SAID_RECORDED_OVER, CctvStatus, change_status
from bot.evidence.links import BadLink, check_link
from bot.evidence.upload_links import PATH, mint
from bot.flows.answers import is_done, is_later, normalise
from bot.flows.base import Turn, Wording
from bot.flows.status import report_status
from bot.reports.status import still_open
from bot.messages import Attachment, Button
from bot.reports.summary import when
from bot.state import FlowState
from bot.storage.models import Report, ReportAttachment
from nlu.extractors import find_urls
from nlu.reference import mistyped_reference, normalise_reference

FILE_KINDS = ("photo", "image", "video", "document")
MAX_CHOICES = 5
MAX_LINKS = 10
MAX_FILES = 20
FOOTAGE = r"(?:footage|cctv|video|videos|recording|recordings|camera|cameras|tape)"
RECORDED_OVER = re.compile(r"\b(?:recorded over|taped over|over ?written|overwrote|wiped|been deleted)\b")
NONE_THERE = re.compile(
    rf"\b(?:no|not got|got no|haven'?t got|have not got|don'?t have|dont have|do not have|never had|there'?s no|"
    rf"there is no|lost|can'?t find|cannot find|can'?t get|cant get|cannot get|couldn'?t get)\b.*\b{FOOTAGE}\b"
    rf"|\b{FOOTAGE}\b.*\b(?:not working|wasn'?t working|was broken|is broken|broke|didn'?t record|did not record|"
    rf"wasn'?t recording|shows nothing|showed nothing|caught nothing|didn'?t catch|doesn'?t show|didn'?t show)\b")
RATHER_NOT_WORDS = re.compile(r"\b(?:rather not|prefer not|won'?t share|will not share|not sharing|decline|"
                              r"don'?t want to (?:share|send)|do not want to (?:share|send))\b")
UPLOAD_WORDS = re.compile(r"\bup ?(?:loa|lao)d(?:ing)?\b")
THE_CCTV = "that was the cctv"  # the button's payload; said in other words too
WERE_THE_CCTV = re.compile(r"\b(?:that|those|these|it|they|the)\s+(?:(?:photos?|pics?|pictures?|images?|ones?)\s+)?"
                           r"(?:was|were|is|are)\s+(?:the\s+|from\s+the\s+|off\s+the\s+)?(?:cctv|footage|camera)\b")
STATUS_CONFIDENCE = 0.6
DONE_WORDS = re.compile(r"(?:done|that'?s all|that'?s it|finished|thanks|thank you|cheers|ta|ok|okay|no more|"
                        r"nothing else|bye|nothing)")
BARE_NO = ("no", "none", "nope", "nah")


@dataclass
class Wish:
    """What one message asks for or brings."""

    links: list[str] = field(default_factory=list)
    files: list[Attachment] = field(default_factory=list)
    upload_link: bool = False
    decline: tuple[CctvStatus, str] | None = None
    later: bool = False

    @property
    def evidence(self) -> bool:
        return bool(self.links or self.files)

    @property
    def footage(self) -> bool:
        """A link or a video: the CCTV itself, not a photo."""
        return bool(self.links) or any(f.kind == "video" for f in self.files)

    @property
    def anything(self) -> bool:
        return self.evidence or self.upload_link or self.decline is not None or self.later


def read_decline(text: str, asked: bool = False) -> tuple[CctvStatus, str] | None:
    """"it's been recorded over" / "there's no footage" / "I'd rather not share it", with the reason;
    a bare "no" only when we have just asked for the footage (``asked``)."""
    words = normalise(text)
    if RECORDED_OVER.search(words):
        return CctvStatus.OVERWRITTEN, SAID_RECORDED_OVER
    if NONE_THERE.search(words) or (asked and words in BARE_NO):
        return CctvStatus.DECLINED, NO_FOOTAGE
    if RATHER_NOT_WORDS.search(words):
        return CctvStatus.DECLINED, RATHER_NOT
    return None


def read_wish(turn: Turn, asked: bool = False) -> Wish:
    words = normalise(turn.text)
    links = [span.value for span in find_urls(turn.text)][:MAX_LINKS]
    files = [a for a in turn.inbound.attachments if a.kind in FILE_KINDS][:MAX_FILES]
    return Wish(links=links, files=files,
                upload_link=not links and bool(UPLOAD_WORDS.search(words)),
                decline=None if links or files else read_decline(turn.text, asked),
                later=is_later(turn.text))


def _own_reports(turn: Turn) -> Select[tuple[Report]]:
    return select(Report).where(Report.contact_id == turn.contact.id, Report.status != "draft",
                                Report.reference.is_not(None))


def awaits_footage(turn: Turn) -> bool:
    """Whether this person has a report whose CCTV we are waiting for."""
    return turn.session.scalar(_own_reports(turn).where(Report.cctv_status == CctvStatus.PENDING.value)
                               .with_only_columns(Report.id).limit(1)) is not None


def has_reports(turn: Turn) -> bool:
    return turn.session.scalar(_own_reports(turn).with_only_columns(Report.id).limit(1)) is not None


def brings_evidence(turn: Turn) -> bool:
    """With nothing under way, from someone who has reported: a file, a link, a request for an upload
    link, or (while we chase their CCTV) word that there is no footage. The router then starts this flow.
    A link from someone with no report (is this site a scam?) is left to the rest of the router."""
    words = normalise(turn.text)
    if any(a.kind in FILE_KINDS for a in turn.inbound.attachments) or find_urls(turn.text) \
            or UPLOAD_WORDS.search(words) or WERE_THE_CCTV.search(words):
        return has_reports(turn)
    decline = read_decline(turn.text)
    if decline is None or (decline[1] == RATHER_NOT and not re.search(rf"\b{FOOTAGE}\b", words)):
        return False
    return awaits_footage(turn)


class Held(BaseModel):
    """Evidence from the message that started the flow, kept while the person picks the report."""

    links: list[str] = Field(default_factory=list)
    files: list[dict[str, Any]] = Field(default_factory=list)
    upload_link: bool = False
    decline: tuple[CctvStatus, str] | None = None
    later: bool = False

    @classmethod
    def of(cls, wish: Wish) -> Held:
        return cls(links=wish.links, files=[dataclasses.asdict(f) for f in wish.files], upload_link=wish.upload_link,
                   decline=wish.decline, later=wish.later)

    def wish(self) -> Wish:
        return Wish(links=list(self.links), files=[Attachment(**f) for f in self.files],
                    upload_link=self.upload_link, decline=self.decline, later=self.later)


class EvidenceState(FlowState):
    report_id: int | None = None
    held: Held = Field(default_factory=Held)


def own(turn: Turn) -> EvidenceState:
    return cast(EvidenceState, turn.flow_state)


def describe(report: Report, turn: Turn) -> str:
    """"BW-7KQM-3XZ9 (shop theft, Saturday 21 November 2026, 3:00pm)": enough to know which report."""
    happened = when(report.occurred_at, turn.tz, report.occurred_time_known, report.occurred_until)
    return f"{report.reference} ({label(report.crime_type)}, {happened})"


class EvidenceFlow:
    """Adds links, photos and videos to one of the person's reports, or sends a link to the upload page."""

    name = "evidence"
    # A task: a reference typed at "which report?" is the answer, not a status request (as it would be
    # to a casual flow); 'cancel' leaves at once, and a status question is answered on the way.
    casual = False
    State = EvidenceState
    wording = Wording(cancel_question=None,
                      cancelled="OK, stopped. Anything you'd already sent is kept with your report.",
                      restart_question=None)

    # --- the Flow interface -------------------------------------------------------------------
    def start(self, turn: Turn) -> None:
        turn.conversation.flow = self.name
        if WERE_THE_CCTV.search(normalise(turn.text)):
            self._photos_were_cctv(turn)
            return
        wish = read_wish(turn)
        own(turn).held = Held.of(wish)
        report = self._choose(turn, wish)
        if report is not None:
            self._take(turn, report, wish)

    def handle(self, turn: Turn) -> None:
        if turn.conversation.step == "pick":
            self._picked(turn)
            return
        report = self._report(turn)
        if report is None:
            return
        wish = read_wish(turn, asked=True)
        if wish.anything:
            self._take(turn, report, wish)
        elif is_done(turn.text) or DONE_WORDS.fullmatch(normalise(turn.text)):
            self._finish(turn, "OK. If you get the footage later, just send it here.")
        elif self._asks_status(turn):
            self._ask(turn, report)
        else:
            self._ask(turn, report, "Sorry, I didn't find a link or a file there. To stop, say "
                                    f"'{turn.capabilities.cancel_word}'.")

    @staticmethod
    def _asks_status(turn: Turn) -> bool:
        """"What's happening with my report?" on the way: answered, then the question again."""
        if turn.intent != "report_status" or turn.intent_confidence < STATUS_CONFIDENCE:
            return False
        report_status(turn)
        return True

    def reask(self, turn: Turn) -> None:
        if turn.conversation.step == "pick":
            self._offer_reports(turn, self._open_reports(turn), "Which report is it for?")
            return
        report = self._report(turn)
        if report is not None:
            self._ask(turn, report)

    def help(self, turn: Turn) -> None:
        turn.say("You can send a sharing link to the footage (it starts https://), photos, or say 'upload link' "
                 "and I'll send you a secure page to upload video from your phone or computer. If there's no "
                 "footage, say 'no footage'.")
        self.reask(turn)

    def back(self, turn: Turn) -> None:
        self.reask(turn)

    def change(self, turn: Turn, words: str) -> None:
        reports = self._open_reports(turn)
        if len(reports) > 1:
            self._offer_reports(turn, reports, "Which report should it go with?")
        else:
            self.reask(turn)

    def progress(self, turn: Turn) -> str:
        report = self._report(turn, quiet=True)
        return f"adding evidence to report {report.reference}" if report is not None else "adding evidence"

    def discard(self, turn: Turn) -> None:
        """Nothing to throw away: what was added is already with the report."""

    # --- which report -------------------------------------------------------------------------
    def _open_reports(self, turn: Turn) -> list[Report]:
        query = _own_reports(turn).where(still_open())
        return list(turn.session.scalars(query.order_by(Report.submitted_at.desc(), Report.id.desc())
                                         .limit(MAX_CHOICES)))

    def _choose(self, turn: Turn, wish: Wish) -> Report | None:
        """The report the message is about; None after saying why not, or after offering a choice."""
        reference = normalise_reference(turn.text)
        typed = mistyped_reference(turn.text) if reference is None else None
        if typed is not None:
            self._finish(turn, f"{typed} doesn't look right: one of its characters may be mistyped. References look "
                               "like BW-7KQM-3XZ9 and never use 0, O, 1 or I. Please check it and send it again.")
            return None
        if reference is not None:
            report = turn.session.scalars(_own_reports(turn).where(Report.reference == reference)).one_or_none()
            if report is None:
                self._finish(turn, f"I can't find a report {reference} made from this chat, so I can't add to it. If "
                                   "it was made another way, please contact the officer dealing with it.")
            return report
        recent = self._recently_added_to(turn)
        if recent is not None and (wish.evidence or wish.upload_link):
            return recent
        reports = self._open_reports(turn)
        if not reports:
            self._finish(turn, "I can't find any open reports sent from this chat. If you reported another way, "
                               "please contact the officer dealing with it and quote your reference. To report a "
                               "crime, say 'report'.")
            return None
        # What the reminders asked for most likely answers them.
        awaited = [r for r in reports if r.cctv_status == CctvStatus.PENDING.value]
        if (wish.evidence or wish.decline is not None) and len(awaited) == 1:
            return awaited[0]
        if len(reports) == 1:
            return reports[0]
        self._offer_reports(turn, reports, "Which report is it for?")
        return None

    def _recently_added_to(self, turn: Turn) -> Report | None:
        """The person's report that took evidence within the idle time (the rest of an album goes there)."""
        since = turn.now - timedelta(minutes=turn.settings.conversation_idle_minutes)
        return turn.session.scalars(_own_reports(turn).join(ReportAttachment, ReportAttachment.report_id == Report.id)
                                    .where(ReportAttachment.created_at >= since)
                                    .order_by(ReportAttachment.created_at.desc(), ReportAttachment.id.desc())
                                    .limit(1)).first()

    def _photos_were_cctv(self, turn: Turn) -> None:
        """The button after photos: they were the CCTV, so it has arrived."""
        report = self._recently_added_to(turn)
        if report is None:
            self._finish(turn, "Sorry, I've lost track of which report that was. Please send the footage again, "
                               "quoting your reference.")
            return
        footage_arrived(turn.session, report, turn.now, "photos sent in the chat")
        self._finish(turn, f"Thank you. I've noted the photos are the CCTV for {report.reference}, so I won't "
                           "remind you about it again.")

    def _offer_reports(self, turn: Turn, reports: list[Report], question: str) -> None:
        turn.conversation.step = "pick"
        buttons = []
        for report in reports:
            sent = report.submitted_at.astimezone(turn.tz) if report.submitted_at else None
            day = f", {sent.day} {sent:%b}" if sent else ""
            buttons.append(Button(f"{report.reference}: {label(report.crime_type)}{day}", report.reference or ""))
        turn.say(question, buttons)

    def _picked(self, turn: Turn) -> None:
        reference = normalise_reference(turn.text)
        report = turn.session.scalars(_own_reports(turn).where(Report.reference == reference)).one_or_none() \
            if reference else None
        if report is None:
            wish = read_wish(turn)
            if not wish.anything and self._asks_status(turn):
                self._offer_reports(turn, self._open_reports(turn), "Which report is the evidence for?")
                return
            if wish.anything:  # more evidence instead of a choice: keep it too
                held = own(turn).held.wish()
                held.links += wish.links
                held.files += wish.files
                held.upload_link = held.upload_link or wish.upload_link
                held.decline = held.decline or wish.decline
                own(turn).held = Held.of(held)
            self._offer_reports(turn, self._open_reports(turn), "Please pick one of these reports (or send its "
                                                                "reference).")
            return
        self._take(turn, report, own(turn).held.wish())

    def _report(self, turn: Turn, quiet: bool = False) -> Report | None:
        report_id = own(turn).report_id
        report = turn.session.get(Report, report_id) if report_id is not None else None
        if report is None or report.contact_id != turn.contact.id:
            if not quiet:
                self._finish(turn, "Sorry, I've lost track of which report that was for. Please start again, "
                                   "quoting your reference.")
            return None
        return report

    # --- taking the evidence ------------------------------------------------------------------
    def _take(self, turn: Turn, report: Report, wish: Wish) -> None:
        state = own(turn)
        state.report_id, state.held = report.id, Held()
        if wish.evidence:
            self._add(turn, report, wish)
        elif wish.upload_link:
            link = mint(turn.session, turn.settings, report, turn.now)
            self._finish(turn, f"Here's a secure page to upload the video or photos for {describe(report, turn)}: "
                               f"{link.url}\nThe link works once, until {when(link.expires_at, turn.tz)}.")
        elif wish.decline is not None:
            self._decline(turn, report, wish.decline)
        elif wish.later:
            self._finish(turn, "OK. Please keep a copy safe so it isn't recorded over."
                         + (" I'll remind you." if report.cctv_status == CctvStatus.PENDING.value else ""))
        else:
            self._ask(turn, report)

    def _ask(self, turn: Turn, report: Report, problem: str | None = None) -> None:
        turn.conversation.step = "evidence"
        photos = ", photos" if turn.capabilities.media else ""
        text = (f"What would you like to add to {describe(report, turn)}? Send a sharing link to the footage"
                f"{photos}, or ask for an upload link to send video from your phone or computer.")
        buttons = [Button("Send me an upload link", "upload link")]
        if report.cctv_status == CctvStatus.PENDING.value:
            buttons += [Button("There's no footage", "no footage"), Button("I'd rather not share it", "rather not")]
        turn.say(f"{problem}\n\n{text}" if problem else text, buttons)

    def _add(self, turn: Turn, report: Report, wish: Wish) -> None:
        added: list[str] = []
        for url in wish.links:
            try:
                checked, provider = self._checked(turn, url)
            except BadLink as problem:
                self._ask(turn, report, str(problem))
                return
            if add_link(turn.session, report, checked, provider, turn.now):
                added.append("link")
        for attachment in wish.files:
            video = attachment.kind == "video"
            file = EvidenceFile(storage_key=attachment.storage_key, size=attachment.size, sha256=attachment.sha256,
                                content_type=attachment.content_type, file_id=attachment.file_id, url=attachment.url)
            if add_file(turn.session, report, file, CCTV_FILE if video else PHOTO, provider=turn.inbound.channel,
                        now=turn.now):
                added.append("video" if video else "photo")
        if wish.footage:
            footage_arrived(turn.session, report, turn.now, "sent in the chat")
        thanks = f"Thank you, I've added {_count(added)} to {report.reference}." if added else \
            f"I already have that with {report.reference}."
        self._finish(turn, f"{thanks} The officer dealing with it can see it. You can send more at any time.")
        if report.cctv_status == CctvStatus.PENDING.value:
            turn.say("Is the CCTV still to come? Send its link when you have it, or ask for an upload link.",
                     (Button("Those were the CCTV", THE_CCTV), Button("Send me an upload link", "upload link")))

    @staticmethod
    def _checked(turn: Turn, url: str) -> tuple[str, str]:
        """The link and its provider, or ``BadLink`` (our own upload page pasted back is no evidence either)."""
        if url.startswith(f"{turn.settings.public_base_url.rstrip('/')}{PATH}/"):
            raise BadLink("That's the link to our upload page: open it in your browser to send the video from there.")
        return check_link(url)

    def _decline(self, turn: Turn, report: Report, decline: tuple[CctvStatus, str]) -> None:
        status, reason = decline
        if report.cctv_status != CctvStatus.PENDING.value:
            self._finish(turn, f"OK, noted. Report {report.reference} isn't waiting for any CCTV.")
            return
        change_status(turn.session, report, status, turn.now, reason)
        said = {NO_FOOTAGE: "there's no footage", RATHER_NOT: "you'd rather not share the footage",
                SAID_RECORDED_OVER: "the footage has been recorded over"}[reason]
        self._finish(turn, f"OK, I've noted that {said} for {report.reference}, and I won't remind you again. "
                           "The report still goes ahead.")

    def _finish(self, turn: Turn, text: str) -> None:
        turn.say(text)
        turn.conversation.flow = None
        turn.conversation.step = None


def _count(added: list[str]) -> str:
    """["link", "photo", "photo"] -> "1 link and 2 photos"."""
    parts = []
    for kind in ("link", "video", "photo"):
        number = added.count(kind)
        if number:
            parts.append(f"{number} {kind}{'s' if number != 1 else ''}")
    return " and ".join(parts)
