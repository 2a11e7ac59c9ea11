"""The upload page: ``GET /upload/<token>`` shows the form, ``POST /upload/<token>`` takes the files.

For shops that cannot make a share link from their recorder (DOMAIN.md): a one-time, expiring,
signed link (``bot.evidence.upload_links``) opens a page that names only the report's reference.
The form's body is streamed from the socket into the evidence store in a worker thread (never held
in memory, never spooled first); the edge's 64 kB body limit does not apply here (see
``bot.web.middleware.STREAMED_PATHS``), each file is capped at ``BIZWATCH_EVIDENCE_MAX_BYTES``
instead. Only when every file is safely stored is the link spent and the files attached, in one
transaction, which also stops the CCTV reminders. Anything that goes wrong on the way (a file too
large, a dropped connection) leaves no file and no attachment, and the link still works.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from importlib.resources import files
from typing import Any
from zoneinfo import ZoneInfo

import anyio
import anyio.from_thread
from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.requests import ClientDisconnect

from bot.evidence.attach import CCTV_FILE, EvidenceFile, add_file, footage_arrived, forget_files
from bot.evidence.intake import BadForm, CutOff, Intake, Received, Skipped
from bot.evidence.store import ACCEPT, TooLarge
from bot.evidence.upload_links import PATH, Opened, Refusal, open_link, use
from bot.reports.summary import when
from bot.service import Service
from bot.storage.models import Report

log = logging.getLogger(__name__)
# Uploads wait for these threads (not the ones chat turns use), so a few long uploads leave turns alone.
UPLOAD_THREADS = 4
MAX_FILES = 10
FORM_OVERHEAD = 64 * 1024  # the multipart framing around the files
NEW_LINK = "send us the words 'upload link' in the chat or by text and we'll send you a new one"
NOT_READ_HELP = ("If it's footage from your CCTV recorder, most recorders can also save it as MP4, or you can reply "
                 "to our message with a sharing link. This link still works.")
REFUSALS: dict[Refusal, tuple[int, str, str]] = {
    Refusal.INVALID: (404, "This link doesn't work",
                      "It may have been cut short or changed when it was copied. Please open it straight from "
                      f"the message we sent you, or {NEW_LINK}."),
    Refusal.EXPIRED: (410, "This link has expired",
                      f"Upload links only work for a few days, to keep your footage safe. Please {NEW_LINK}. You "
                      "can also reply to our message with a sharing link (Dropbox, Google Drive, WeTransfer)."),
    Refusal.USED: (410, "This link has already been used",
                   "Thank you: we have the files sent with it, and each link works once to keep them safe. To "
                   f"send more, {NEW_LINK}."),
    Refusal.GONE: (410, "This report can't take uploads any more",
                   "Please contact the officer dealing with it and quote your reference."),
}


def size_words(size: int) -> str:
    """1536 -> "1.5 kB", 2147483648 -> "2 GB" (decimal steps, as phones show file sizes)."""
    amount, unit = float(size), "bytes"
    for step in ("kB", "MB", "GB"):
        if amount < 1000:
            break
        amount, unit = amount / 1000, step
    return f"{amount:.0f} {unit}" if unit == "bytes" or amount >= 10 or amount == int(amount) else \
        f"{amount:.1f} {unit}"


def upload_router(service: Service) -> APIRouter:
    """The upload page's routes, for the app to include."""
    router = APIRouter()
    templates = Jinja2Templates(directory=str(files("bot.web") / "templates"))
    threads = anyio.CapacityLimiter(UPLOAD_THREADS)
    settings = service.settings
    zone = ZoneInfo(settings.timezone)
    clock = service.engine.clock

    def page(request: Request, status: int, close: bool = False, **context: Any) -> HTMLResponse:
        # Connection: close when the body was not read, so the server drops it instead of reading on.
        headers = {"Connection": "close"} if close else None
        return templates.TemplateResponse(request, "upload.html", context, status_code=status, headers=headers)

    def refused(request: Request, refusal: Refusal, close: bool = False) -> HTMLResponse:
        status, title, message = REFUSALS[refusal]
        return page(request, status, close, view="problem", title=title, message=message)

    def opened_now(token: str, now: datetime) -> Opened | Refusal:
        with service.sessions() as session:
            return open_link(session, settings, token, now)

    @router.get(PATH + "/{token}", response_class=HTMLResponse)
    async def form(request: Request, token: str) -> Response:
        opened = await run_in_threadpool(opened_now, token, clock())
        if isinstance(opened, Refusal):
            return refused(request, opened)
        return page(request, 200, view="form", title=f"Send CCTV for report {opened.reference}",
                    reference=opened.reference, expires=when(opened.expires_at, zone),
                    max_bytes=settings.evidence_max_bytes, max_size=size_words(settings.evidence_max_bytes),
                    max_files=MAX_FILES, accept=ACCEPT)

    @router.post(PATH + "/{token}", response_class=HTMLResponse)
    async def upload(request: Request, token: str) -> Response:
        opened = await run_in_threadpool(opened_now, token, clock())
        if isinstance(opened, Refusal):
            return refused(request, opened, close=True)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and \
                int(declared) > settings.evidence_max_bytes * MAX_FILES + FORM_OVERHEAD:
            return too_large(request)
        intake = Intake(service.evidence, max_bytes=settings.evidence_max_bytes, max_files=MAX_FILES)
        try:
            await anyio.to_thread.run_sync(intake.run, body_chunks(request), request.headers.get("content-type"),
                                           limiter=threads)
            if not intake.kept:
                return page(request, 415, view="problem", title="We couldn't use those files",
                            message=skipped_words(intake.skipped) + " " + NOT_READ_HELP)
            attached = await run_in_threadpool(attach, service, opened, intake.kept, clock())
        except TooLarge:
            await run_in_threadpool(forget, service, intake.kept)
            return too_large(request)
        except BadForm:
            await run_in_threadpool(forget, service, intake.kept)
            return page(request, 400, close=True, view="problem", title="That upload didn't work",
                        message="Please go back and choose the files again: this link still works.")
        except (CutOff, ClientDisconnect):
            # Nobody is listening any more; keep nothing, so the link works for another try.
            await run_in_threadpool(forget, service, intake.kept)
            log.info("an upload stopped half-way; nothing was kept")
            return Response(status_code=400)
        except BaseException:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(forget, service, intake.kept)
            raise
        if not attached:
            await run_in_threadpool(forget, service, intake.kept)
            return refused(request, Refusal.USED)
        log.info("upload page: %d file(s) attached to report %d", len(intake.kept), opened.report_id)
        return page(request, 200, view="done", title="Thank you", reference=opened.reference,
                    received=[(r.name, size_words(r.stored.size)) for r in intake.kept],
                    skipped=skipped_words(intake.skipped) if intake.skipped else "")

    def too_large(request: Request) -> HTMLResponse:
        return page(request, 413, close=True, view="problem", title="That file is too large",
                    message=f"Each file can be up to {size_words(settings.evidence_max_bytes)}. Nothing was kept and "
                            "this link still works. Please send a shorter clip (just the minutes that show what "
                            "happened), or reply to our message with a sharing link.")

    return router


def body_chunks(request: Request) -> Iterator[bytes]:
    """The request body as it arrives, for a worker thread (each chunk fetched from the event loop)."""
    stream = request.stream()

    async def next_chunk() -> bytes | None:
        try:
            return await stream.__anext__()
        except StopAsyncIteration:
            return None

    while (chunk := anyio.from_thread.run(next_chunk)) is not None:
        if chunk:
            yield chunk


def skipped_words(skipped: list[Skipped]) -> str:
    """Why each file was left out, as our limit rather than the person's mistake (a recorder's own
    format we cannot read is still their footage)."""
    reasons = {"type": "We couldn't read {name} as a video or photo, so it wasn't kept.",
               "count": f"We take up to {MAX_FILES} files at once, so {{name}} wasn't kept.",
               "empty": "{name} arrived empty, so it wasn't kept."}
    return " ".join(reasons[s.reason].format(name=s.name) for s in skipped[:MAX_FILES])


def attach(service: Service, opened: Opened, kept: list[Received], now: datetime) -> bool:
    """Spend the link and attach the files, in one transaction; False if the link was spent meanwhile."""
    with service.sessions.begin() as session:
        if not use(session, opened.link_id, now):
            return False
        report = session.get(Report, opened.report_id)
        if report is None:
            return False
        for received in kept:
            stored = received.stored
            add_file(session, report, EvidenceFile(storage_key=stored.key, size=stored.size, sha256=stored.sha256,
                                                   content_type=stored.content_type),
                     kind=CCTV_FILE, provider="upload_page", now=now)
        footage_arrived(session, report, now, "uploaded on the upload page")
    return True


def forget(service: Service, kept: list[Received]) -> None:
    with service.sessions.begin() as session:
        forget_files(session, service.evidence, {received.stored.key for received in kept})
