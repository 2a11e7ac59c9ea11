"""Upload links: a signed, one-time, expiring link to the upload page for one report.

Police evidence links expire within days and many small shops cannot make a share link from their
recorder at all, so reminders and the end of a report carry a link to our own page. The link holds
a random id signed with the service's key (itsdangerous, like the chat cookie), so a link
that was altered is refused without a database lookup; the ``upload_links`` row makes it work once
and expire. The link says nothing about the report but the reference the page shows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from itsdangerous import BadSignature, Signer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.storage.models import Report, SigningKey, UploadLink

SIGNING_KEY_NAME = "upload-links"
SALT = "bizwatch.evidence.upload-link"
PATH = "/upload"
TOKEN_BYTES = 12  # 96 random bits: a link is short enough for one text message, and cannot be guessed


def signing_secret(session: Session, settings: Settings) -> str:
    """``BIZWATCH_SECRET_KEY``, or a random key kept in the database (made on first use, in the
    caller's transaction, so a turn holding SQLite's one connection can make a link)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    key = session.get(SigningKey, SIGNING_KEY_NAME)
    if key is None:
        try:
            with session.begin_nested():
                key = SigningKey(name=SIGNING_KEY_NAME, value=secrets.token_urlsafe(48))
                session.add(key)
        except IntegrityError:
            key = session.get(SigningKey, SIGNING_KEY_NAME)  # another process made it at the same moment
    assert key is not None
    return key.value


def _signer(session: Session, settings: Settings) -> Signer:
    return Signer(signing_secret(session, settings), salt=SALT)


@dataclass(frozen=True)
class MintedLink:
    url: str
    expires_at: datetime


def mint(session: Session, settings: Settings, report: Report, now: datetime,
         valid_from: datetime | None = None) -> MintedLink:
    """A new link for ``report``, working for ``upload_link_hours`` from ``valid_from`` (a reminder's
    due time: the link in a reminder sent on Thursday must still work on Thursday)."""
    token_id = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = (valid_from or now) + timedelta(hours=settings.upload_link_hours)
    session.add(UploadLink(token_id=token_id, report_id=report.id, created_at=now, expires_at=expires_at))
    token = _signer(session, settings).sign(token_id).decode()
    return MintedLink(url=f"{settings.public_base_url.rstrip('/')}{PATH}/{token}", expires_at=expires_at)


class Refusal(str, Enum):
    """Why a link does not open the page (each gets its own kind explanation)."""

    INVALID = "invalid"  # altered, truncated or never ours
    EXPIRED = "expired"
    USED = "used"
    GONE = "gone"  # the report is no longer there to add to


@dataclass(frozen=True)
class Opened:
    """A link that works: its row and the report's reference (all the page may show)."""

    link_id: int
    report_id: int
    reference: str
    expires_at: datetime


def open_link(session: Session, settings: Settings, token: str, now: datetime) -> Opened | Refusal:
    """What ``token`` opens right now, or why it opens nothing."""
    try:
        token_id = _signer(session, settings).unsign(token).decode()
    except (BadSignature, UnicodeError):
        return Refusal.INVALID
    row = session.execute(select(UploadLink.id, UploadLink.report_id, UploadLink.expires_at, UploadLink.used_at,
                                 Report.reference, Report.status)
                          .join(Report, Report.id == UploadLink.report_id)
                          .where(UploadLink.token_id == token_id)).one_or_none()
    if row is None:
        # Signed by us, so it existed: its report (and with it the link) has since been deleted.
        return Refusal.GONE
    if row.used_at is not None:
        return Refusal.USED
    if row.expires_at <= now:
        return Refusal.EXPIRED
    if row.reference is None or row.status == "draft":
        return Refusal.GONE
    return Opened(link_id=row.id, report_id=row.report_id, reference=row.reference, expires_at=row.expires_at)


def use(session: Session, link_id: int, now: datetime) -> bool:
    """Spend the link (one conditional UPDATE, so two uploads racing on one link cannot both win).

    Expiry is checked when the upload starts, not here: a long video that began in time is taken.
    """
    result = session.execute(update(UploadLink).where(UploadLink.id == link_id, UploadLink.used_at.is_(None))
                             .values(used_at=now).execution_options(synchronize_session=False))
    return bool(result.rowcount)
