"""Security headers on the page and on JSON, and a page that works under its own policy (no inline script)."""

from __future__ import annotations

import logging
import re

import httpx

from edge_servers import WEBHOOK, browser_like, serve


def test_the_page_forbids_framing_inline_script_and_sniffing(live_server):
    page = httpx.get(f"{live_server.url}/")
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["cache-control"] == "no-store"  # it sets the chat cookie
    # The page itself obeys the policy: every script is a file, no inline handlers or styles.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)
    assert not re.search(r"\son[a-z]+=|\sstyle=", page.text)


def test_json_replies_are_not_cached_or_sniffed(live_server):
    visitor = browser_like(live_server.url)
    reply = visitor.post(WEBHOOK, json={"message": "hello"})
    refused = httpx.post(f"{live_server.url}{WEBHOOK}", json={"message": "hello"})
    for response in (reply, refused, httpx.get(f"{live_server.url}/healthz")):
        assert response.headers["content-type"].startswith("application/json")
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-store"


def test_static_files_may_be_cached_but_not_sniffed(live_server):
    script = httpx.get(f"{live_server.url}/static/chat.js")
    assert script.headers["x-content-type-options"] == "nosniff" and "cache-control" not in script.headers


class Kept(logging.Handler):
    """Keeps every record's final text."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_upload_link_tokens_never_reach_the_access_log(service):
    token = "AbC-one_time.7f3a"  # an upload link works once, like a password: not for whoever reads the logs
    access, kept = logging.getLogger("uvicorn.access"), Kept()
    server = serve(service)
    access.setLevel(logging.INFO)  # as `bizwatch serve` logs (the test server's own set-up says WARNING)
    access.addHandler(kept)
    try:
        with server:
            httpx.get(f"{server.url}/upload/{token}")
            httpx.post(f"{server.url}/upload/{token}?step=2", files={"file": ("a.jpg", b"x")})
    finally:
        access.removeHandler(kept)
    assert len(kept.lines) == 2 and all("/upload/[hidden]" in line for line in kept.lines), kept.lines
    assert not any(token in line for line in kept.lines)
