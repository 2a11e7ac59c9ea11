"""The web channel over real HTTP: health, the chat API contract, the chat page, errors.

Machine clients use the bearer token; the chat page's visitors a cookie (tests/test_edge_identity.py
covers who may speak as whom).
"""

from __future__ import annotations

import httpx
import pytest

from bot.config import Settings
from bot.engine import Engine
from bot.service import Service, default_flows
from bot.storage.db import make_engine, make_session_factory
from bot.web.app import create_app
from conftest import LiveServer
from edge_servers import BEARER, TOKEN, browser_like, serve


@pytest.fixture
def machine_server(service):
    """The app with a REST token and /model/parse turned on."""
    with serve(service, rest_token=TOKEN, model_parse_endpoint=True) as server:
        yield server


def test_health_check_answers_when_the_database_does(live_server):
    response = httpx.get(f"{live_server.url}/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_rest_webhook_follows_the_rasa_rest_convention(machine_server):
    live_server = machine_server
    response = httpx.post(f"{live_server.url}/webhooks/rest/webhook", headers=BEARER,
                          json={"sender": "shop-42", "message": "report a crime", "message_id": "a1"})
    assert response.status_code == 200
    [reply] = response.json()
    assert reply["recipient_id"] == "shop-42"
    assert "still there" in reply["text"]
    assert reply["buttons"] == [{"title": "No, it's over", "payload": "no, it's over"},
                                {"title": "Yes, danger now", "payload": "yes, danger now"}]
    retry = httpx.post(f"{live_server.url}/webhooks/rest/webhook", headers=BEARER,
                       json={"sender": "shop-42", "message": "report a crime", "message_id": "a1"})
    assert retry.json() == response.json()
    following = httpx.post(f"{live_server.url}/webhooks/rest/webhook", headers=BEARER,
                           json={"sender": "shop-42", "message": "no"}).json()
    assert "what happened" in following[0]["text"].lower()


def test_bad_requests_get_a_clear_error(machine_server):
    live_server = machine_server
    missing = httpx.post(f"{live_server.url}/webhooks/rest/webhook", json={"message": "hi"}, headers=BEARER)
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "sender"
    # Over the body limit (64 kB): refused before it is read (tests/test_edge_limits.py).
    huge = httpx.post(f"{live_server.url}/webhooks/rest/webhook", json={"sender": "x", "message": "a" * 70_000},
                      headers=BEARER)
    assert huge.status_code == 413 and "smaller parts" in huge.json()["error"]
    # Under the body limit but over the message limit: kept in part, and the user told so.
    long = httpx.post(f"{live_server.url}/webhooks/rest/webhook", headers=BEARER,
                      json={"sender": "x", "message": "our till was robbed " * 300})
    assert long.status_code == 200 and "kept the first 4,000 characters" in long.json()[0]["text"]
    not_json = httpx.post(f"{live_server.url}/webhooks/rest/webhook", content=b"{nope",
                          headers={"Content-Type": "application/json", **BEARER})
    assert not_json.status_code == 422


def test_chat_page_is_served_with_its_script(live_server):
    page = httpx.get(f"{live_server.url}/")
    assert page.status_code == 200 and "In an emergency, call 999" in page.text
    # A long paste is not cut silently by the browser: the page counts, the server says what it kept.
    assert "maxlength" not in page.text and 'data-max-chars="4000"' in page.text
    script = httpx.get(f"{live_server.url}/static/chat.js")
    assert script.status_code == 200 and "/webhooks/rest/webhook" in script.text
    assert "innerHTML" not in script.text.replace("never innerHTML", "")


def test_a_database_that_is_away_gives_503_and_a_kind_retry_message(interpreter):
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none", rest_token=TOKEN,
                        secret_key="not-from-the-database", _env_file=None)
    database = make_engine(settings.database_url, connect_args={"connect_timeout": 1})
    sessions = make_session_factory(database)
    engine = Engine(sessions, interpreter, settings, default_flows())
    service = Service(settings=settings, database=database, sessions=sessions, interpreter=interpreter, engine=engine)
    with LiveServer(create_app(service)) as server:
        health = httpx.get(f"{server.url}/healthz", timeout=20)
        assert health.status_code == 503
        response = httpx.post(f"{server.url}/webhooks/rest/webhook", json={"sender": "s", "message": "hi"},
                              headers=BEARER, timeout=30)
    assert response.status_code == 503 and response.headers["retry-after"] == "2"
    assert "nothing you've already told me is lost" in response.json()[0]["text"]


def test_model_parse_returns_the_rasa_shape(machine_server):
    result = httpx.post(f"{machine_server.url}/model/parse", json={"text": "someone stole £80 of meat"},
                        headers=BEARER).json()
    assert set(result) >= {"text", "intent", "entities", "intent_ranking"}
    assert {"entity": "money", "value": 80.0} in [{"entity": e["entity"], "value": e["value"]} for e in result["entities"]]


def test_a_chat_page_visitor_talks_with_the_cookie_it_was_given(live_server):
    visitor = browser_like(live_server.url)
    first = visitor.post("/webhooks/rest/webhook", json={"message": "someone robbed the till", "message_id": "m1"})
    assert first.status_code == 200 and "still there" in first.json()[0]["text"]
    assert first.json()[0]["recipient_id"].startswith("web-")
    second = visitor.post("/webhooks/rest/webhook", json={"message": "no its over now"})
    assert second.status_code == 200 and second.json()[0]["recipient_id"] == first.json()[0]["recipient_id"]
    assert "still there" not in second.json()[0]["text"]  # the same conversation moved on
