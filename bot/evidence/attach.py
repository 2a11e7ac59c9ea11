"""Adding evidence to a submitted report: links and files, each kept once, with size, type and hash.

The upload page and the conversation both come here, so evidence is stored the same way however
it arrives, and footage that arrives stops the CCTV reminders in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.evidence.cctv import CctvStatus, change_status
from bot.evidence.store import EvidenceStore
from bot.storage.models import Report, ReportAttachment

CCTV_LINK = "cctv_link"
CCTV_FILE = "cctv_file"
PHOTO = "photo"


@dataclass(frozen=True)
class EvidenceFile:
    """A file already in the evidence store (from the upload page or fetched by a channel)."""

    storage_key: str | None
    size: int | None
    sha256: str | None
    content_type: str | None
    file_id: str | None = None
    url: str | None = None


def add_link(session: Session, report: Report, url: str, provider: str, now: datetime) -> bool:
    """Keep a CCTV link on the report (False if it is there already)."""
    if session.scalar(select(ReportAttachment.id).where(ReportAttachment.report_id == report.id,
                                                        ReportAttachment.url == url)) is not None:
        return False
    session.add(ReportAttachment(report_id=report.id, kind=CCTV_LINK, url=url, provider=provider, created_at=now))
    return True


def add_file(session: Session, report: Report, file: EvidenceFile, kind: str, provider: str | None,
             now: datetime) -> bool:
    """Keep a file on the report (False if this very file, by its hash, is there already)."""
    if file.sha256 is not None and session.scalar(select(ReportAttachment.id).where(
            ReportAttachment.report_id == report.id, ReportAttachment.sha256 == file.sha256)) is not None:
        return False
    session.add(ReportAttachment(report_id=report.id, kind=kind, provider=provider, url=file.url,
                                 file_id=file.file_id, content_type=file.content_type,
                                 storage_key=file.storage_key, size_bytes=file.size, sha256=file.sha256,
                                 created_at=now))
    return True


def footage_arrived(session: Session, report: Report, now: datetime, how: str) -> None:
    """The CCTV is here: the report has CCTV after all, and nothing more is chased."""
    report.cctv_available = True
    change_status(session, report, CctvStatus.PROVIDED, now, how)


def forget_files(session: Session, store: EvidenceStore, keys: set[str]) -> None:
    """Delete stored files no report refers to (an upload that failed after keeping some files).

    Files are named by their hash, so the same photo attached elsewhere is the same file: kept.
    """
    if not keys:
        return
    referenced = set(session.scalars(select(ReportAttachment.storage_key)
                                     .where(ReportAttachment.storage_key.in_(keys))))
    for key in keys - referenced:
        store.delete(key)
