"""Security headers on the page and on JSON, and a page that works under its own policy (no inline script)."""

from __future__ import annotations

import re

import httpx

from edge_servers import WEBHOOK, browser_like


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
