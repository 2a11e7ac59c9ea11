"""Property-based fuzz of every public endpoint (hypothesis), on whichever database the suite runs on:
whatever arrives, no 5xx, and a refused request stores nothing.

The app runs under uvicorn on loopback with the API docs and /model/parse turned on, so they are
fuzzed too; rate limits are raised so requests reach the engine instead of stopping at 429. Besides
first messages, fuzzed answers reach the report's questions that take figures (what was taken and its
worth, the CCTV clock and how long footage is kept), where values too big for PostgreSQL used to be
stored blindly; and the later-messages query is fuzzed as well as its body.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select
import httpx
from starlette.routing import Mount

from bot.engine import PUT_ANOTHER_WAY
from bot.messages import Inbound
from bot.storage.models import Contact, Conversation, OutboxMessage, Report
from bot.web.app import create_app
from dialog import PLACE
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
# Answers made of figures in the clauses those questions read (a clock out by so much, footage kept so
# long, goods worth so much), with words and anything at all between them.
HUGE = st.sampled_from(["9" * 11, "99999999999.99", "4294967296", "2147483648", "9" * 40, "1e308"])
FIGURE = st.one_of(HUGE, HUGE, st.integers(min_value=-10**15, max_value=10**15).map(str),
                   st.sampled_from(["0", "0.001", "-5", "½", "a million"]))
WORD = st.sampled_from(["£", "minutes", "hours", "days", "fast", "slow", "clock", "face clear", "kept", "worth",
                        "total", "x", "yes", "no", "he took", "it's"])
CLAUSE = st.one_of(
    st.builds("the clock is {} {} {}".format, FIGURE, st.sampled_from(["minutes", "mins", "hours", "hrs"]),
              st.sampled_from(["fast", "slow", "behind", "ahead"])),
    st.builds("it keeps {} {}".format, FIGURE, st.sampled_from(["days", "weeks", "months", "hours", "years"])),
    st.builds("{} steaks worth £{}".format, FIGURE, FIGURE),
    st.builds("£{} {}".format, FIGURE, st.sampled_from(["in all", "total", "of meat", ""])),
    FIGURE, WORD, TEXT)
ANSWER = st.lists(CLAUSE, min_size=1, max_size=5).map(", ".join)
STORY = "some lad nicked £80 of meat from the shop yesterday about 3pm"
# The turns that bring a new conversation to each question taking figures.
AT = {"anything to add": [STORY, "no, it's over", PLACE],
      "what was taken": ["someone broke in and stole stuff last night", "no", PLACE, "that's all"],
      "do you have cctv": [STORY, "no, it's over", PLACE, "that's all", "young lad"]}


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



@settings(SUITE, max_examples=90)
@given(question=st.sampled_from(sorted(AT)), answer=ANSWER)
def test_fuzzed_answers_mid_report_are_kept_or_asked_about_and_the_report_carries_on(client, service, question,
                                                                                      answer):
    sender = f"fuzz-{uuid.uuid4().hex}"
    for said in AT[question]:  # straight through the engine: only the answer under test needs HTTP
        service.engine.handle(Inbound("web", sender, uuid.uuid4().hex, said, datetime.now(timezone.utc)))
    response = send(client, "POST", WEBHOOK, "token", {"sender": sender, "message": answer})
    event(f"{question}: {response.status_code}")
    assert response.status_code in (200, 422), response.text
    if response.status_code == 422:  # not text at all (a lone surrogate): refused, saying why
        assert response.json()["code"] == "invalid"
    else:
        texts = [reply["text"] for reply in response.json()]
        # A kind reply, never the one for data the database refused: what a question keeps, it can store.
        assert texts and PUT_ANOTHER_WAY not in texts, texts
    after = send(client, "POST", WEBHOOK, "token", {"sender": sender, "message": "skip"})
    assert after.status_code == 200 and PUT_ANOTHER_WAY not in after.text


QUERY_VALUE = st.one_of(TEXT, PRINTABLE_ID, st.binary(max_size=12).map(lambda b: b.decode("latin-1")),
                        st.builds("{}{}{}".format, PRINTABLE_ID, st.sampled_from(["\x00", "\x1b", "\x7f", "\n"]),
                                  PRINTABLE_ID))


@settings(SUITE, max_examples=100)
@given(sender=st.one_of(st.none(), QUERY_VALUE), more=st.dictionaries(TEXT, QUERY_VALUE, max_size=2),
       auth=st.one_of(AUTH, st.just("token")))  # the token's holder names the sender: more of those
def test_the_later_messages_query_never_fails_and_stores_nothing(client, sessions, sender, more, auth):
    params = ([] if sender is None else [("sender", sender)]) + list(more.items())
    # Percent-encoded byte for byte, as a client may send it: %00, control characters, bad UTF-8.
    query = "&".join(f"{quote(k.encode('utf-8', 'surrogatepass'), safe='')}="
                     f"{quote(v.encode('utf-8', 'surrogatepass'), safe='')}" for k, v in params)
    before = stored(sessions)
    response = send(client, "GET", f"/webhooks/rest/messages?{query}", auth, None)
    event(f"{auth}: {response.status_code}")
    assert response.status_code < 500, response.text
    body = response.json()
    assert isinstance(body, list) if response.status_code == 200 else "error" in body
    assert stored(sessions) == before
