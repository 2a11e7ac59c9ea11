"""Memory and throughput while a 1 GB CCTV file goes through the upload page of the real server.

Run from the repository root (one command; about a minute on a 2-core machine, plus model training the
first time):

    python benchmarks/upload_benchmark.py [--size-mb 1024] [--chunk-kb 256]

The server is bizwatch's real app (``build_service`` + ``create_app``) under uvicorn in its own process,
SQLite and the evidence folder in a temporary folder. The benchmark makes a report and a one-time upload
link, then POSTs one ``--size-mb`` video (an MP4 header, then pseudo-random bytes) as a multipart form
with Content-Length, as a browser does, as fast as the server takes it. Printed:

- the server's RSS when idle (after a warm-up request), its peak while the file streams in (sampled every
  20 ms, and the kernel's high-water mark VmHWM, reset just before the upload), and the difference.
  Target: flat, a few MB over idle (the file never sits in memory);
- the time and throughput (MB/s) of the upload through the page, stored, hashed and attached;
- a check that the attachment's SHA-256 and size match what was sent.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from chat_benchmark import free_port, stop, wait_until_healthy  # noqa: E402

MB = 1024 * 1024
TARGET_EXTRA_MB = 10.0
BOUNDARY = "bizwatch-benchmark-" + secrets.token_hex(8)
MP4_HEADER = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


def server_app():
    """uvicorn factory (``--factory upload_benchmark:server_app``): the real service, settings from BIZWATCH_*."""
    from bot.config import Settings
    from bot.service import build_service
    from bot.web.app import create_app

    return create_app(build_service(Settings(_env_file=None)))


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def reset_peak(pid: int) -> bool:
    """Reset the kernel's high-water mark (VmHWM) to the current RSS; False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def make_link(database_url: str, settings) -> tuple[str, str]:
    """A submitted report with CCTV to follow and its upload path; returns (path, reference)."""
    from datetime import datetime, timezone

    from bot.evidence.upload_links import mint
    from bot.storage.db import make_engine, make_session_factory
    from bot.storage.migrate import upgrade
    from bot.storage.models import Contact, Report
    from nlu.reference import new_reference

    upgrade(database_url)
    database = make_engine(database_url)
    now = datetime.now(timezone.utc)
    with make_session_factory(database).begin() as session:
        contact = Contact(channel="sms", address="+447700900123", created_at=now, updated_at=now)
        session.add(contact)
        session.flush()
        report = Report(channel="sms", contact_id=contact.id, status="submitted", reference=new_reference(),
                        crime_type="shop_theft", cctv_available=True, cctv_status="pending", details={},
                        offenders=[], vehicle_registrations=[], created_at=now, updated_at=now, submitted_at=now)
        session.add(report)
        session.flush()
        url = mint(session, settings, report, now).url
        reference = report.reference or ""
    database.dispose()
    return "/upload/" + url.rsplit("/upload/", 1)[1], reference


def form_body(size: int, chunk: int, digest) -> tuple[int, Iterator[bytes]]:
    """The multipart form (its length, and its bytes as chunks) holding one ``size``-byte video."""
    head = (f"--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"till-camera.mp4\"\r\n"
            "Content-Type: video/mp4\r\n\r\n").encode()
    tail = f"\r\n--{BOUNDARY}--\r\n".encode()
    block = os.urandom(chunk)

    def chunks() -> Iterator[bytes]:
        yield head
        sent = 0
        while sent < size:
            piece = (MP4_HEADER + block[len(MP4_HEADER):]) if sent == 0 else block
            piece = piece[: size - sent]
            digest.update(piece)
            sent += len(piece)
            yield piece
        yield tail

    return len(head) + size + len(tail), chunks()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="size of the video to upload (MiB)")
    parser.add_argument("--chunk-kb", type=int, default=256, help="size of each piece the client sends (KiB)")
    args = parser.parse_args()
    import subprocess

    import httpx
    from sqlalchemy import create_engine, text

    from bot.config import Settings

    size = args.size_mb * MB
    with tempfile.TemporaryDirectory(prefix="bizwatch-upload-bench-") as folder:
        database_url = f"sqlite:///{folder}/bench.sqlite3"
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("BIZWATCH_")},
               "BIZWATCH_DATABASE_URL": database_url, "BIZWATCH_EVIDENCE_DIR": f"{folder}/evidence",
               "BIZWATCH_EVIDENCE_MAX_BYTES": str(size + MB), "BIZWATCH_SCHEDULER": "false",
               "BIZWATCH_NLU_CACHE_DIR": os.environ.get("BIZWATCH_NLU_CACHE_DIR", str(ROOT / "var" / "nlu-cache"))}
        settings = Settings(_env_file=None, database_url=database_url)
        path, reference = make_link(database_url, settings)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(HERE),
                                   "upload_benchmark:server_app", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-access-log", "--log-level", "warning"], env=env, cwd=ROOT)
        try:
            started = wait_until_healthy(base, server)
            assert httpx.get(base + path, timeout=30).status_code == 200  # warm the upload page's code paths
            time.sleep(1.0)
            idle_kb = memory_kb(server.pid, "VmRSS")
            peak_reset = reset_peak(server.pid)
            samples: list[int] = []
            uploading = threading.Event()
            uploading.set()

            def sample() -> None:
                while uploading.is_set():
                    samples.append(memory_kb(server.pid, "VmRSS"))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            digest = hashlib.sha256()
            length, body = form_body(size, args.chunk_kb * 1024, digest)
            began = time.perf_counter()
            response = httpx.post(base + path, content=body, timeout=600,
                                  headers={"content-type": f"multipart/form-data; boundary={BOUNDARY}",
                                           "content-length": str(length)})
            elapsed = time.perf_counter() - began
            uploading.clear()
            sampler.join()
            peak_kb = max(samples + [memory_kb(server.pid, "VmRSS")])
            hwm_kb = memory_kb(server.pid, "VmHWM")
        finally:
            stop(server)
        database = create_engine(database_url)
        with database.connect() as connection:
            stored = connection.execute(text("SELECT size_bytes, sha256, content_type FROM report_attachments")).all()
        database.dispose()

    print(f"upload of a {args.size_mb} MiB video through POST /upload/<token> (report {reference}), "
          f"client pieces of {args.chunk_kb} KiB; server ready in {started:.1f} s")
    print(f"  response: {response.status_code}; attached: {stored}")
    ok = response.status_code == 200 and stored == [(size, digest.hexdigest(), "video/mp4")]
    print(f"  stored size and SHA-256 match what was sent: {'yes' if ok else 'NO'}")
    print(f"  time: {elapsed:.1f} s; throughput: {size / MB / elapsed:.1f} MiB/s")
    extra = (peak_kb - idle_kb) / 1024
    print(f"  server RSS: idle {idle_kb / 1024:.1f} MiB, peak while uploading {peak_kb / 1024:.1f} MiB "
          f"({len(samples)} samples) -> {extra:+.1f} MiB")
    if peak_reset:
        print(f"  kernel high-water mark (VmHWM, reset before the upload): {hwm_kb / 1024:.1f} MiB -> "
              f"{(hwm_kb - idle_kb) / 1024:+.1f} MiB over idle")
    verdict = ok and extra <= TARGET_EXTRA_MB
    print(f"  target: flat, within {TARGET_EXTRA_MB:.0f} MiB of idle: {'met' if verdict else 'NOT met'}")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
