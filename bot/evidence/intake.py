"""Files from an upload form, streamed from the request body into the evidence store.

The body is read chunk by chunk through python-multipart's push parser, and each file part is
handed to the store as it arrives: nothing is held in memory beyond a chunk, and nothing is
spooled to a temporary file first (the store hashes and writes as it goes). Each file's type is
sniffed from its first bytes before anything is written, so a document or a program is skipped
(and said so) rather than stored; a file over the limit, or a body that stops half-way, raises,
and the caller forgets what was kept (``Intake.kept``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from python_multipart.multipart import MultipartParser, parse_options_header

from bot.evidence.store import SNIFF_BYTES, EvidenceStore, StoredFile, is_media, sniff

MAX_FIELD_BYTES = 1024  # a form field that is not a file (the page sends none; a client might)
MAX_NAME_CHARS = 200


class BadForm(ValueError):
    """The body is not a multipart form we can read (no boundary, broken framing)."""


class CutOff(Exception):
    """The body ended before the form did (the connection dropped half-way)."""


@dataclass(frozen=True)
class Received:
    name: str
    stored: StoredFile


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str  # "type" (not a video or photo), "count" (too many files), "empty"


@dataclass(frozen=True)
class _PartStart:
    headers: dict[str, bytes]


_PART_END = object()


def boundary_of(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadForm("not a multipart form")
    return boundary


def parts(body: Iterable[bytes], boundary: bytes) -> Iterator[_PartStart | bytes | object]:
    """The form as a stream of events: a part's start (its headers), its data chunks, its end."""
    events: deque[_PartStart | bytes | object] = deque()
    header: dict[str, bytearray] = {"field": bytearray(), "value": bytearray()}
    headers: dict[str, bytes] = {}
    finished = False

    def on_header_field(data: bytes, start: int, end: int) -> None:
        header["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        header["value"] += data[start:end]

    def on_header_end() -> None:
        headers[header["field"].decode("latin-1").strip().lower()] = bytes(header["value"]).strip()
        header["field"], header["value"] = bytearray(), bytearray()

    def on_headers_finished() -> None:
        events.append(_PartStart(dict(headers)))
        headers.clear()

    def on_part_data(data: bytes, start: int, end: int) -> None:
        if end > start:
            events.append(bytes(data[start:end]))

    def on_part_end() -> None:
        events.append(_PART_END)

    def on_end() -> None:
        nonlocal finished
        finished = True

    callbacks = {
        "on_header_field": on_header_field, "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data, "on_part_end": on_part_end,
        "on_end": on_end,
    }
    try:
        parser = MultipartParser(boundary, callbacks)
    except Exception as error:  # noqa: BLE001 - a boundary it will not take (too long, say)
        raise BadForm(type(error).__name__) from None
    for chunk in body:
        try:
            parser.write(chunk)
        except Exception as error:  # noqa: BLE001 - the parser raises several kinds for broken framing
            raise BadForm(type(error).__name__) from None
        while events:
            yield events.popleft()
    if not finished:
        raise CutOff("the form ended early")


def _part_data(events: Iterator[_PartStart | bytes | object]) -> Iterator[bytes]:
    """The data of the part under way, up to its end."""
    for event in events:
        if event is _PART_END:
            return
        if isinstance(event, bytes):
            yield event
    raise CutOff("the form ended inside a part")


def _file_name(disposition: bytes | None) -> str | None:
    """The part's file name, or None for a plain field."""
    _, options = parse_options_header(disposition or b"")
    name = options.get(b"filename")
    if name is None:
        return None
    return name.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1][:MAX_NAME_CHARS]


def _head(data: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """The first bytes of a part (enough to sniff), and the whole part again as chunks."""
    head = b""
    taken: list[bytes] = []
    for chunk in data:
        taken.append(chunk)
        head += chunk[:SNIFF_BYTES]
        if len(head) >= SNIFF_BYTES:
            break
    return head[:SNIFF_BYTES], chain(taken, data)


@dataclass
class Intake:
    """Reads one upload form into ``store``: each file at most ``max_bytes``, at most ``max_files``."""

    store: EvidenceStore
    max_bytes: int
    max_files: int
    kept: list[Received] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def run(self, body: Iterable[bytes], content_type: str | None) -> None:
        """Read the whole form; raises ``TooLarge``, ``CutOff`` or ``BadForm`` (whatever was kept stays in
        ``kept`` for the caller to forget)."""
        events = parts(body, boundary_of(content_type))
        for event in events:
            if not isinstance(event, _PartStart):
                continue
            name = _file_name(event.headers.get("content-disposition"))
            data = _part_data(events)
            if name is None:
                self._drain(data, limit=MAX_FIELD_BYTES)
                continue
            self._file(name, data)

    def _file(self, name: str, data: Iterator[bytes]) -> None:
        head, data = _head(data)
        if not head:
            if name:  # a browser sends an empty, nameless part when no file was chosen
                self.skipped.append(Skipped(name, "empty"))
            return
        if not is_media(sniff(head)):
            self._drain(data)
            self.skipped.append(Skipped(name, "type"))
            return
        if len(self.kept) >= self.max_files:
            self._drain(data)
            self.skipped.append(Skipped(name, "count"))
            return
        self.kept.append(Received(name or "file", self.store.save(data, self.max_bytes)))

    @staticmethod
    def _drain(data: Iterator[bytes], limit: int | None = None) -> None:
        """Read a part we do not keep to its end (a plain field is refused past ``limit``)."""
        size = 0
        for chunk in data:
            size += len(chunk)
            if limit is not None and size > limit:
                raise BadForm("a form field was too long")
