"""The evidence folder: streamed in, hashed, size-capped, typed by its bytes, nothing half-kept."""

from __future__ import annotations

import hashlib

import pytest

from bot.evidence.store import ACCEPT, FORMATS, FolderStore, Signature, TooLarge, is_media, sniff

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 2000


def test_a_file_is_kept_by_its_hash_with_its_size_and_sniffed_type(tmp_path):
    store = FolderStore(tmp_path)
    stored = store.save(iter([JPEG[:100], JPEG[100:]]), max_bytes=10_000)
    assert stored.sha256 == hashlib.sha256(JPEG).hexdigest() and stored.key == stored.sha256
    assert stored.size == len(JPEG) and stored.content_type == "image/jpeg"
    with store.open(stored.key) as handle:
        assert handle.read() == JPEG
    assert store.save(iter([JPEG]), max_bytes=10_000) == stored  # the same photo twice is kept once


def test_a_file_too_large_or_cut_off_leaves_nothing_behind(tmp_path):
    store = FolderStore(tmp_path)
    with pytest.raises(TooLarge):
        store.save(iter([b"x" * 600, b"x" * 600]), max_bytes=1000)

    def cut_off():
        yield b"\x89PNG\r\n\x1a\n" + b"y" * 100
        raise ConnectionResetError("the upload stopped")

    with pytest.raises(ConnectionResetError):
        store.save(cut_off(), max_bytes=10_000)
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_the_type_comes_from_the_bytes_not_the_name():
    assert sniff(b"\x00\x00\x00\x18ftypmp42") == "video/mp4"
    assert sniff(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff(b"<script>alert(1)</script>") == "application/octet-stream"
    assert sniff(b"G is for the text file that starts with G") == "application/octet-stream"  # not a stream
    assert sniff(b"\x00\x00\x00\x01\x67\x42\xc0\x1e") == "video/h264"


def head_with(signature: Signature) -> bytes:
    """The first bytes of a file bearing ``signature`` (zeros elsewhere)."""
    head = bytearray(max(offset + len(magic) for offset, magic in signature))
    for offset, magic in signature:
        head[offset:offset + len(magic)] = magic
    return bytes(head)


def test_every_file_ending_the_upload_picker_offers_is_one_the_page_takes():
    offered = [kind for kind in ACCEPT.split(",") if not kind.endswith("/*")]
    assert ACCEPT.startswith("video/*,image/*,") and {".264", ".dav", ".avi", ".mkv", ".asf"} <= set(offered)
    for ending in offered:
        [kind] = [f for f in FORMATS if ending in f.extensions]  # each ending is one format's
        assert is_media(kind.content_type), ending
        for signature in kind.signatures:
            assert sniff(head_with(signature)) == kind.content_type, (ending, signature)


def test_keys_are_hashes_so_nothing_else_can_name_a_path(tmp_path):
    with pytest.raises(KeyError):
        FolderStore(tmp_path).open("../../etc/passwd")
