"""The evidence folder: streamed in, hashed, size-capped, typed by its bytes, nothing half-kept."""

from __future__ import annotations

import hashlib

import pytest

from bot.evidence.store import FolderStore, TooLarge, sniff

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


def test_keys_are_hashes_so_nothing_else_can_name_a_path(tmp_path):
    with pytest.raises(KeyError):
        FolderStore(tmp_path).open("../../etc/passwd")
