"""Photos and documents people send, fetched (getFile, then the download) into the evidence store.

This happens before the turn, so the report records the stored file's key, size and SHA-256, and
its type as sniffed from its bytes rather than as the sender's app named it. A passing failure
(flood wait, network) is tried again a few times. A file that cannot be kept (over the Bot API's
20 MB download limit or ``BIZWATCH_EVIDENCE_MAX_BYTES``, or still failing) is passed on with its
Telegram file id alone, so the report still shows that something was sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

from telegram import Bot, Document, Message, PhotoSize
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.evidence.store import CHUNK, EvidenceStore, StoredFile, TooLarge
from bot.messages import Attachment
from integrations.telegram.errors import retry_seconds

log = logging.getLogger(__name__)
ATTEMPTS = 3
LONGEST_WAIT = 5.0


def largest(sizes: tuple[PhotoSize, ...]) -> PhotoSize:
    """The full photo among the sizes Telegram offers (the previews are scaled down)."""
    return max(sizes, key=lambda size: (size.width * size.height, size.file_size or 0))


def chunks(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(data), CHUNK):
        yield bytes(view[start:start + CHUNK])


class EvidenceFetcher:
    """Turns a message's photo or document into an ``Attachment``, kept in ``store`` when possible."""

    def __init__(self, store: EvidenceStore, max_bytes: int) -> None:
        self.store = store
        self.max_bytes = max_bytes

    async def attachments(self, bot: Bot, message: Message) -> tuple[Attachment, ...]:
        if message.photo:
            photo = largest(message.photo)
            return (await self._fetch(bot, "photo", photo.file_id, photo.file_size, "image/jpeg", None),)
        if message.document:
            document: Document = message.document
            return (await self._fetch(bot, "document", document.file_id, document.file_size,
                                      document.mime_type, document.file_name),)
        return ()

    async def _fetch(self, bot: Bot, kind: str, file_id: str, size: int | None, claimed_type: str | None,
                     name: str | None) -> Attachment:
        unstored = Attachment(kind=kind, file_id=file_id, content_type=claimed_type, name=name)
        if size is not None and size > self.max_bytes:
            log.warning("a %s of %d bytes is over the evidence limit: not kept", kind, size)
            return unstored
        data = await self._download(bot, file_id)
        if data is None:
            return unstored
        try:
            stored: StoredFile = await asyncio.to_thread(self.store.save, chunks(data), self.max_bytes)
        except TooLarge:
            log.warning("a %s of %d bytes is over the evidence limit: not kept", kind, len(data))
            return unstored
        return Attachment(kind=kind, file_id=file_id, content_type=stored.content_type, name=name,
                          storage_key=stored.key, size=stored.size, sha256=stored.sha256)

    @staticmethod
    async def _download(bot: Bot, file_id: str) -> bytes | None:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                file = await bot.get_file(file_id)
                return bytes(await file.download_as_bytearray())
            except RetryAfter as error:
                wait = retry_seconds(error)
            except BadRequest as error:  # "file is too big" (over 20 MB), or gone: trying again cannot help
                log.warning("a file could not be fetched: %s", error.message)
                return None
            except NetworkError as error:
                wait = 0.5 * 2 ** attempt
                log.info("fetching a file failed (%s), attempt %d", type(error).__name__, attempt)
            except TelegramError as error:
                log.warning("a file could not be fetched: %s", type(error).__name__)
                return None
            if attempt < ATTEMPTS:
                await asyncio.sleep(min(wait, LONGEST_WAIT))
        log.warning("a file could not be fetched after %d attempts", ATTEMPTS)
        return None
