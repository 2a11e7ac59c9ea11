"""Property-based fuzz of every public endpoint (hypothesis), on whichever database the suite runs on:
whatever arrives, no 5xx, and a refused request stores nothing.

The app runs under uvicorn on loopback with the API docs and /model/parse turned on, so they are
fuzzed too; rate limits are raised so requests reach the engine instead of stopping at 429.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select
import httpx
from starlette.routing import Mount

from bot.storage.models import Contact, Conversation, OutboxMessage, Report
from bot.web.app import create_app
from edge_servers import BEARER, TOKEN, WEBHOOK, EdgeServer, with_settings

NASTY = st.sampled_from(["\x00", "\ud800", "\udfff", "\u202e", "\x7f", "\x1b[31m", "\ufeff", "'; DROP TABLE x; --",
                         "<script>alert(1)</script>", "£999999999999", "9" * 40, "nicked", "999", "\n", "\u00a0"])
TEXT = st.lists(st.one_of(st.text(max_size=40), NASTY), max_size=6).map("".join)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
                    max_leaves=8)
# The webhook's own fields, with values of every type and the nastiest strings; plus anything at all.
PRINTABLE_ID = st.text(st.characters(min_codepoint=0x20, exclude_characters="\x7f"), min_size=1, max_size=40)
ID = st.one_of(PRINTABLE_ID, PRINTABLE_ID, TEXT)
WELL_FORMED = st.fixed_dictionaries({"sender": ID, "message": st.one_of(st.text(max_size=200), TEXT)},
                                    optional={"message_id": ID})
LOOSE = st.fixed_dictionaries({}, optional={"sender": JSON, "message": JSON, "message_id": JSON})
MESSAGE = st.one_of(WELL_FORMED, WELL_FORMED, WELL_FORMED, LOOSE, JSON)  # mostly bodies that reach the engine
AUTH = st.sampled_from(["cookie", "token", "cookie", "token", "none", "forged", "bad-token"])
ENDPOINTS = [("POST", WEBHOOK), ("GET", "/webhooks/rest/messages"), ("POST", "/model/parse"), ("POST", "/chat/new"),
             ("GET", "/"), ("GET", "/healthz"),
             ("GET", "/docs"), ("GET", "/redoc"), ("GET", "/openapi.json"), ("GET", "/docs/oauth2-redirect"),
             ("GET", "/upload/{token}"), ("POST", "/upload/{token}")]  # a token that is no link: refused
SUITE = settings(max_examples=60, deadline=None, database=None,
                 suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture
def app(service):
    return create_app(with_settings(service, rest_token=TOKEN, api_docs=True, model_parse_endpoint=True,
                                    rate_limit_per_address="100000/minute", rate_limit_per_sender="100000/minute",
                                    new_conversations_per_address="100000/hour"))


@pytest.fixture
def client(app):
    with EdgeServer(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        client.get("/")  # holds a valid chat cookie from now on
        yield client


def stored(sessions) -> tuple[int, ...]:
    with sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))
                     for model in (Conversation, Contact, OutboxMessage, Report))


def headers_for(auth: str) -> tuple[dict[str, str], dict[str, str] | None]:
    """(headers, cookies to send instead of the client's own; None keeps the client's cookie)."""
    if auth == "token":
        return BEARER, {}
    if auth == "bad-token":
        return {"Authorization": "Bearer nope"}, {}
    if auth == "forged":
        return {}, {"bizwatch_chat": URLSafeSerializer("guess", salt="bizwatch.web.chat").dumps("web-x")}
    if auth == "none":
        return {}, {}
    return {}, None


def send(client: httpx.Client, method: str, path: str, auth: str, body: object):
    headers, cookies = headers_for(auth)
    content = json.dumps(body).encode()  # ensure_ascii: lone surrogates travel as \\ud800 escapes
    saved = dict(client.cookies)
    if cookies is not None:
        client.cookies.clear()
        client.cookies.update(cookies)
    try:
        return client.request(method, path, content=content if method == "POST" else None,
                              headers={"Content-Type": "application/json", **headers})
    finally:
        client.cookies.clear()
        client.cookies.update(saved)


def all_routes(routes):
    """Every route, including those of routers the app includes (FastAPI keeps those apart)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from all_routes(included.routes) if included is not None else (route,)


def test_the_fuzz_covers_every_route_the_app_has(app):
    routes = {(method, route.path) for route in all_routes(app.routes) if not isinstance(route, Mount)
              for method in getattr(route, "methods", set()) - {"HEAD"}}
    assert routes == set(ENDPOINTS)


@settings(SUITE, max_examples=300)
@given(body=MESSAGE, auth=AUTH)
def test_the_webhook_never_fails_and_stores_nothing_it_refused(client, sessions, body, auth):
    before = stored(sessions)
    response = send(client, "POST", WEBHOOK, auth, body)
    event(f"{auth}: {response.status_code}")  # --hypothesis-show-statistics shows how deep the fuzz got
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert stored(sessions) == before, f"{response.status_code} but rows were stored"
        assert "error" in response.json()
    else:
        assert all(set(reply) == {"recipient_id", "text", "buttons"} for reply in response.json())


@SUITE
@given(endpoint=st.sampled_from([e for e in ENDPOINTS if e[1] != WEBHOOK]), body=JSON, auth=AUTH)
def test_every_other_endpoint_never_fails_and_stores_no_conversation(client, sessions, endpoint, body, auth):
    before = stored(sessions)
    response = send(client, *endpoint, auth, body)
    assert response.status_code < 500, response.text
    assert stored(sessions) == before


@SUITE
@given(path=TEXT, method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]))
def test_any_path_and_method_is_answered_without_a_server_error(client, path, method):
    # Percent-encoded as a client must send it: the server sees every byte, including %00 and bad UTF-8.
    response = client.request(method, "/" + quote(path.encode("utf-8", "surrogatepass"), safe="/"))
    assert response.status_code < 500

