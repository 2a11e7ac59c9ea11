"""The upload page over real HTTP (uvicorn on 127.0.0.1): a one-time, expiring, signed link; video and photos
streamed into the evidence store with size, type and hash; refusals that say what to do; and an upload cut
off half-way leaves no file and no attachment."""

from __future__ import annotations

import dataclasses
import hashlib
import html
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from sqlalchemy import select

from bot.evidence.store import FolderStore
from bot.storage.models import Report, ReportAttachment, UploadLink
from bot.web.app import create_app
from conftest import LiveServer
from evidence_support import cctv_history, cctv_status, reminder_rows, sent_report

MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF"
BOUNDARY = "bizwatch-test-boundary"


def video(size: int, fill: bytes = b"v") -> bytes:
    return MP4 + fill * (size - len(MP4))


@pytest.fixture
def store(tmp_path) -> FolderStore:
    return FolderStore(tmp_path / "evidence")


def serve(service, store, **overrides) -> LiveServer:
    settings = service.settings.model_copy(update={"evidence_dir": str(store.root), **overrides})
    return LiveServer(create_app(dataclasses.replace(service, settings=settings, evidence=store)))


@pytest.fixture
def site(service, store) -> Iterator[LiveServer]:
    with serve(service, store) as server:
        yield server


@pytest.fixture
def made(sessions, settings, clock):
    return sent_report(sessions, settings, sent_at=clock.now, channel="sms", address="+447700900123")


def path_of(made) -> str:
    return "/upload/" + made.link.url.rsplit("/upload/", 1)[1]


def files_in(store: FolderStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.is_file()] if store.root.exists() else []


def attachments(sessions) -> list[ReportAttachment]:
    with sessions() as session:
        return list(session.scalars(select(ReportAttachment).order_by(ReportAttachment.id)))


def words(response: httpx.Response) -> str:
    """The page as a reader sees it (entities such as &#39; turned back into characters)."""
    return html.unescape(response.text)


def send(url: str, *parts: tuple[str, bytes, str], **headers: str) -> httpx.Response:
    return httpx.post(url, files=[("files", part) for part in parts], headers=headers, timeout=60)


def multipart(parts: list[tuple[str, bytes]]) -> bytes:
    body = b""
    for name, data in parts:
        body += (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    return body + f"--{BOUNDARY}--\r\n".encode()


# --- the page ------------------------------------------------------------------------------------------------
def test_the_page_names_the_report_and_nothing_personal(site, made, sessions):
    page = httpx.get(site.url + path_of(made))
    assert page.status_code == 200
    assert made.reference in words(page) and 'type="file"' in words(page) and "multiple" in words(page)
    with sessions() as session:
        report = session.get(Report, made.report_id)
        report_words = [report.crime_type, "+447700900123", "shop theft", "Shop theft"]
    assert not any(word in words(page) for word in report_words)
    assert "<script>" not in words(page) and "/static/upload.js" in words(page)  # CSP: no inline script
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    assert httpx.get(site.url + "/static/upload.js").status_code == 200


# --- a good upload --------------------------------------------------------------------------------------------
def test_a_video_is_streamed_in_hashed_attached_and_the_reminders_stop(site, made, sessions, store):
    clip = video(300_000)  # far past the 64 kB that other routes take
    done = send(site.url + path_of(made), ("till camera 1.mp4", clip, "video/mp4"))
    assert done.status_code == 200, words(done)
    assert "Thank you" in words(done) and made.reference in words(done) and "till camera 1.mp4" in words(done)
    [attached] = attachments(sessions)
    digest = hashlib.sha256(clip).hexdigest()
    assert (attached.report_id, attached.kind, attached.provider) == (made.report_id, "cctv_file", "upload_page")
    assert (attached.size_bytes, attached.sha256, attached.content_type) == (len(clip), digest, "video/mp4")
    with store.open(attached.storage_key) as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == digest
    assert cctv_status(sessions, made.report_id) == "provided"
    assert cctv_history(sessions, made.report_id)[-1] == ("provided", "uploaded on the upload page")
    assert {status for _, status, _ in reminder_rows(sessions, made.report_id)} == {"cancelled"}


def test_several_files_at_once_and_one_that_is_not_a_video_is_left_out_kindly(site, made, sessions, store):
    done = send(site.url + path_of(made), ("clip.mp4", video(5000), "video/mp4"),
                ("still.jpg", JPEG + b"j" * 500, "image/jpeg"),
                ("notes.docx", b"PK\x03\x04 a word document", "application/octet-stream"))
    assert done.status_code == 200
    assert "We couldn't read notes.docx as a video or photo, so it wasn't kept." in words(done)
    assert sorted(a.content_type for a in attachments(sessions)) == ["image/jpeg", "video/mp4"]
    assert len(files_in(store)) == 2


@pytest.mark.parametrize(("name", "head", "kind"), [
    ("clip.264", b"\x00\x00\x00\x01\x67\x42\xc0\x1e", "video/h264"),  # raw H.264 as recorders export it
    ("front.h265", b"\x00\x00\x00\x01\x40\x01\x0c\x01", "video/h265"),
    ("door.ts", (b"G\x40\x00\x10" + b"\xff" * 184) * 4, "video/mp2t"),
])
def test_a_recorder_s_own_export_offered_by_the_picker_is_taken(site, made, sessions, name, head, kind):
    page = httpx.get(site.url + path_of(made))
    assert "." + name.rsplit(".", 1)[1] in words(page).split('accept="', 1)[1].split('"', 1)[0].split(",")
    done = send(site.url + path_of(made), (name, head + b"\x00" * 4000, "application/octet-stream"))
    assert done.status_code == 200, words(done)
    assert name in words(done) and "wasn't kept" not in words(done)
    [attached] = attachments(sessions)
    assert (attached.kind, attached.content_type) == ("cctv_file", kind)


# --- refusals ------------------------------------------------------------------------------------------------
def test_a_link_works_once(site, made, sessions):
    assert send(site.url + path_of(made), ("a.mp4", video(2000), "video/mp4")).status_code == 200
    again = send(site.url + path_of(made), ("b.mp4", video(2000, b"w"), "video/mp4"))
    assert again.status_code == 410 and "already been used" in words(again) and "upload link" in words(again)
    page = httpx.get(site.url + path_of(made))
    assert page.status_code == 410 and "already been used" in words(page)
    assert len(attachments(sessions)) == 1
    with sessions() as session:
        assert session.scalar(select(UploadLink.used_at).where(UploadLink.report_id == made.report_id,
                                                                UploadLink.used_at.is_not(None))) is not None


def test_an_expired_link_is_refused_kindly(site, made, clock, sessions, store):
    clock.advance(hours=71, minutes=59)
    assert httpx.get(site.url + path_of(made)).status_code == 200
    clock.advance(minutes=2)
    page = httpx.get(site.url + path_of(made))
    assert page.status_code == 410 and "expired" in words(page) and "upload link" in words(page)
    refused = send(site.url + path_of(made), ("a.mp4", video(2000), "video/mp4"))
    assert refused.status_code == 410 and attachments(sessions) == [] and files_in(store) == []


def other_signature(token: str) -> str:
    """The token with its signature's first character changed (the last one may only carry padding bits,
    which would leave the signature as it was)."""
    signed, signature = token.rsplit(".", 1)
    return f"{signed}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("tamper", [
    other_signature,
    lambda token: ("x" if token[0] != "x" else "y") + token[1:],  # the id changed
    lambda token: token.split(".")[0],  # cut short when copied
    lambda token: "nonsense",
])
def test_a_link_tampered_with_is_refused_kindly(site, made, tamper, sessions, store):
    token = path_of(made).rsplit("/", 1)[1]
    path = f"/upload/{tamper(token)}"
    page = httpx.get(site.url + path)
    assert page.status_code == 404 and "doesn't work" in words(page) and "upload link" in words(page)
    assert made.reference not in words(page)
    assert send(site.url + path, ("a.mp4", video(2000), "video/mp4")).status_code == 404
    assert attachments(sessions) == [] and files_in(store) == []


def test_a_link_signed_with_another_key_opens_nothing(service, store, made, sessions):
    from pydantic import SecretStr

    with serve(service, store, secret_key=SecretStr("another service's key")) as other:
        assert httpx.get(other.url + path_of(made)).status_code == 404


def test_a_file_that_is_not_a_video_or_photo_is_refused_and_the_link_still_works(site, made, sessions, store):
    refused = send(site.url + path_of(made), ("invoice.pdf", b"%PDF-1.7 an invoice", "application/pdf"),
                   ("run-me.exe", b"MZ\x90\x00 a program", "video/mp4"))  # the type claimed is not believed
    assert refused.status_code == 415
    assert "We couldn't read invoice.pdf as a video or photo" in words(refused)
    assert "save it as MP4" in words(refused) and "This link still works" in words(refused)
    assert attachments(sessions) == [] and files_in(store) == []
    assert send(site.url + path_of(made), ("ok.mp4", video(2000), "video/mp4")).status_code == 200


def test_a_file_too_large_is_refused_leaving_nothing_and_the_link_still_works(service, store, made, sessions):
    with serve(service, store, evidence_max_bytes=100_000) as small:
        streamed = httpx.post(small.url + path_of(made), content=iter([multipart([("big.mp4", video(150_000))])]),
                              headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"}, timeout=60)
        assert streamed.status_code == 413 and "too large" in words(streamed) and "100 kB" in words(streamed)
        declared = send(small.url + path_of(made), *[(f"{n}.mp4", video(100_000, bytes([65 + n])), "video/mp4")
                                                    for n in range(11)])
        assert declared.status_code == 413
        # The first file fits, the second does not: the first is not kept either.
        mixed = send(small.url + path_of(made), ("fits.mp4", video(50_000), "video/mp4"),
                     ("big.mp4", video(150_000), "video/mp4"))
        assert mixed.status_code == 413
        assert attachments(sessions) == [] and files_in(store) == []
        assert send(small.url + path_of(made), ("ok.mp4", video(90_000), "video/mp4")).status_code == 200


def test_an_upload_cut_off_half_way_leaves_no_file_and_no_attachment(site, made, sessions, store):
    body = multipart([("clip.mp4", video(2_000_000))])
    with socket.create_connection(("127.0.0.1", site.port)) as raw:
        raw.sendall((f"POST {path_of(made)} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n").encode())
        raw.sendall(body[:1_000_000])
        wait_for(lambda: any(p.name.startswith(".incoming-") for p in files_in(store)), "the upload to start")
        # The phone loses its signal half-way.
    wait_for(lambda: files_in(store) == [], "the half file to be removed")
    assert attachments(sessions) == []
    assert cctv_status(sessions, made.report_id) == "pending"
    assert {status for _, status, _ in reminder_rows(sessions, made.report_id)} == {"queued"}
    assert httpx.get(site.url + path_of(made)).status_code == 200  # the link still works for another try


def test_an_upload_that_ends_inside_the_form_keeps_nothing(site, made, sessions, store):
    body = multipart([("first.mp4", video(20_000)), ("second.mp4", video(20_000, b"w"))])
    cut = body[: body.index(b"second.mp4") + 5000]  # the first file whole, the second half-way, then the end
    response = httpx.post(site.url + path_of(made), content=cut,
                          headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}"})
    assert response.status_code == 400
    assert attachments(sessions) == [] and files_in(store) == []


def test_only_the_upload_page_is_exempt_from_the_body_limit(site, made):
    chat = httpx.post(site.url + "/webhooks/rest/webhook", content=b"x" * 100_000,
                      headers={"content-type": "application/json"})
    assert chat.status_code == 413


def wait_for(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


FORM_PIECES = st.sampled_from([f"--{BOUNDARY}\r\n".encode(), f"--{BOUNDARY}--\r\n".encode(), b"\r\n\r\n", b"\r\n",
                               b'Content-Disposition: form-data; name="files"; filename="a.mp4"\r\n',
                               b'Content-Disposition: form-data; name="x"\r\n', b"Content-Type: video/mp4\r\n",
                               MP4, JPEG, b"%PDF-", b"\x00" * 100, b"--", BOUNDARY.encode()])
FORMS = st.lists(st.one_of(FORM_PIECES, st.binary(max_size=200)), max_size=12).map(b"".join)
CONTENT_TYPES = st.sampled_from([f"multipart/form-data; boundary={BOUNDARY}", "multipart/form-data",
                                 "application/json", f'multipart/form-data; boundary="{BOUNDARY}"', "",
                                 "multipart/form-data; boundary=" + "x" * 300])


@hypothesis_settings(max_examples=80, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=FORMS, content_type=CONTENT_TYPES)
def test_whatever_the_form_holds_there_is_no_server_error_and_nothing_half_kept(site, made, sessions, store, body,
                                                                               content_type):
    response = httpx.post(site.url + path_of(made), content=body, headers={"content-type": content_type},
                          timeout=30)
    assert response.status_code < 500, words(response)
    if response.status_code != 200:
        assert attachments(sessions) == [] and files_in(store) == []
