"""Where evidence files are kept: a folder by default, behind a small interface an S3 store can replace.

Files arrive as a stream and are never held in memory whole: each chunk is hashed (SHA-256) and
written to a temporary file, the size is capped as it grows, and the type is sniffed from the first
bytes rather than believed from the sender. A file that is cut off or too large leaves nothing
behind. Stored files are named by their hash, so the same photo sent twice is kept once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 64 * 1024
# (magic bytes at an offset, type): enough to tell the photos, videos and documents people send.
SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (4, b"ftypqt", "video/quicktime"),
    (4, b"ftypheic", "image/heic"),
    (4, b"ftyp", "video/mp4"),
    (0, b"\x1aE\xdf\xa3", "video/webm"),  # Matroska/WebM
    (0, b"0&\xb2u\x8ef\xcf\x11", "video/x-ms-asf"),  # ASF/WMV, from many older recorders
    (0, b"\x00\x00\x01\xba", "video/mpeg"),  # MPEG program stream (.mpg, many DVR exports)
    (0, b"DHAV", "video/x-dav"),  # Dahua recorders' own export format
    (0, b"IMKH", "video/x-hikvision"),  # Hikvision recorders' own export header
)
# RIFF holds several things: which one is in bytes 8-12.
RIFF_KINDS = {b"WEBP": "image/webp", b"AVI ": "video/x-msvideo"}


class TooLarge(Exception):
    """The file is bigger than the store accepts; nothing was kept."""


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str
    content_type: str


def sniff(head: bytes) -> str:
    """The file's type from its first bytes ("application/octet-stream" when unknown)."""
    if head[:4] == b"RIFF":
        return RIFF_KINDS.get(head[8:12], "application/octet-stream")
    for offset, magic, kind in SIGNATURES:
        if head[offset:offset + len(magic)] == magic:
            return kind
    return "application/octet-stream"


class EvidenceStore(Protocol):
    def save(self, chunks: Iterable[bytes], max_bytes: int) -> StoredFile:
        """Keep a file given as chunks; raises TooLarge past ``max_bytes`` (keeping nothing)."""
        ...

    def open(self, key: str) -> BinaryIO:
        ...

    def delete(self, key: str) -> None:
        ...


class FolderStore:
    """Evidence files in a folder on this machine (``BIZWATCH_EVIDENCE_DIR``)."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not (len(key) == 64 and all(c in "0123456789abcdef" for c in key)):
            raise KeyError(key)  # keys are hashes: nothing else can name a path
        return self.root / key[:2] / key

    def save(self, chunks: Iterable[bytes], max_bytes: int) -> StoredFile:
        self.root.mkdir(parents=True, exist_ok=True)
        digest, size, head = hashlib.sha256(), 0, b""
        handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"more than {max_bytes} bytes")
                    if len(head) < 16:
                        head += chunk[: 16 - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            key = digest.hexdigest()
            path = self._path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(temporary, path)  # atomic: a half-written file is never under its final name
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return StoredFile(key=key, size=size, sha256=key, content_type=sniff(head))

    def open(self, key: str) -> BinaryIO:
        return self._path(key).open("rb")

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def chunks_of(stream: BinaryIO, size: int = CHUNK) -> Iterable[bytes]:
    """A file-like object read in chunks."""
    while chunk := stream.read(size):
        yield chunk
