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
# How many first bytes the type is sniffed from: an MPEG transport stream is only told apart from
# text that happens to start with "G" by its second and third packets (188 bytes apart).
SNIFF_BYTES = 512
# A signature: (offset, bytes) marks that must all be there.
Signature = tuple[tuple[int, bytes], ...]


@dataclass(frozen=True)
class Format:
    """A kind of file we recognise: its type, how its first bytes look, and the file name endings the
    upload page offers for it (besides the phone's own "any video or photo")."""

    content_type: str
    signatures: tuple[Signature, ...]
    extensions: tuple[str, ...] = ()


def _at(*marks: tuple[int, bytes]) -> Signature:
    return marks


# The one list of what we take: sniffing reads it, and the upload page's picker is built from it, so a file
# the picker offers is a file the page accepts. First match wins (the specific ISO boxes before plain "ftyp").
FORMATS: tuple[Format, ...] = (
    Format("image/jpeg", (_at((0, b"\xff\xd8\xff")),), (".jpg", ".jpeg")),
    Format("image/png", (_at((0, b"\x89PNG\r\n\x1a\n")),), (".png",)),
    Format("image/gif", (_at((0, b"GIF87a")), _at((0, b"GIF89a"))), (".gif",)),
    Format("image/webp", (_at((0, b"RIFF"), (8, b"WEBP")),), (".webp",)),
    Format("application/pdf", (_at((0, b"%PDF-")),)),  # recognised, to be refused by name
    Format("video/quicktime", (_at((4, b"ftypqt")),), (".mov",)),
    Format("image/heic", tuple(_at((4, b"ftyp" + brand)) for brand in (b"heic", b"heix", b"mif1", b"heif")),
           (".heic", ".heif")),
    Format("image/avif", (_at((4, b"ftypavif")),), (".avif",)),
    Format("video/mp4", (_at((4, b"ftyp")),), (".mp4", ".m4v", ".3gp")),
    Format("video/webm", (_at((0, b"\x1aE\xdf\xa3")),), (".mkv", ".webm")),  # Matroska/WebM
    Format("video/x-ms-asf", (_at((0, b"0&\xb2u\x8ef\xcf\x11")),), (".asf", ".wmv")),  # many older recorders
    Format("video/x-msvideo", (_at((0, b"RIFF"), (8, b"AVI ")),), (".avi",)),
    Format("video/mpeg", (_at((0, b"\x00\x00\x01\xba")),), (".mpg", ".mpeg", ".vob")),  # program stream (DVRs)
    Format("video/mp2t", (_at((0, b"G"), (188, b"G"), (376, b"G")), _at((4, b"G"), (196, b"G"), (388, b"G"))),
           (".ts", ".mts", ".m2ts")),  # transport stream; camcorders' M2TS puts 4 bytes before each packet
    Format("video/x-dav", (_at((0, b"DHAV")),), (".dav",)),  # Dahua recorders' own export format
    Format("video/x-hikvision", (_at((0, b"IMKH")),)),  # Hikvision's export header, under any name
    # Raw H.264/H.265 (Annex B), as many recorders export: a start code, then the first unit's header
    # (H.264: an access unit delimiter or the sequence parameter set; H.265: a delimiter or the VPS).
    Format("video/h264", tuple(_at((0, start + unit)) for start in (b"\x00\x00\x00\x01", b"\x00\x00\x01")
                               for unit in (b"\x09", b"\x67", b"\x27", b"\x47")), (".264", ".h264")),
    Format("video/h265", tuple(_at((0, start + unit)) for start in (b"\x00\x00\x00\x01", b"\x00\x00\x01")
                               for unit in (b"\x46\x01", b"\x40\x01")), (".265", ".h265", ".hevc")),
)
# What the upload page's file picker offers: any video or photo the device knows, and our formats by name
# (a recorder's .dav or .264 is neither to a phone).
ACCEPT = ",".join(dict.fromkeys(("video/*", "image/*", *(e for f in FORMATS for e in f.extensions))))


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
    for kind in FORMATS:
        if any(all(head[offset:offset + len(magic)] == magic for offset, magic in signature)
               for signature in kind.signatures):
            return kind.content_type
    return "application/octet-stream"


def is_media(content_type: str) -> bool:
    """Whether a sniffed type is footage or a photo (what evidence files may be)."""
    return content_type.startswith(("video/", "image/"))


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
                    if len(head) < SNIFF_BYTES:
                        head += chunk[: SNIFF_BYTES - len(head)]
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
