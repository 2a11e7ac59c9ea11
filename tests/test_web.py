"""The web channel over real HTTP: health, the chat API contract, the chat page, errors."""

from __future__ import annotations

import httpx

from bot.config import Settings
from bot.engine import Engine
from bot.service import Service, default_flows
from bot.storage.db import make_engine, make_session_factory
from bot.web.app import create_app
from conftest import LiveServer


def test_health_check_answers_when_the_database_does(live_server):
    response = httpx.get(f"{live_server.url}/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_rest_webhook_follows_the_rasa_rest_convention(live_server):
    response = httpx.post(f"{live_server.url}/webhooks/rest/webhook",
                          json={"sender": "shop-42", "message": "report a crime", "message_id": "a1"})
    assert response.status_code == 200
    [reply] = response.json()
    assert reply["recipient_id"] == "shop-42"
    assert "still there" in reply["text"]
    assert reply["buttons"] == [{"title": "No, it's over", "payload": "no, it's over"},
                                {"title": "Yes, danger now", "payload": "yes, danger now"}]
    retry = httpx.post(f"{live_server.url}/webhooks/rest/webhook",
                       json={"sender": "shop-42", "message": "report a crime", "message_id": "a1"})
    assert retry.json() == response.json()
    following = httpx.post(f"{live_server.url}/webhooks/rest/webhook",
                           json={"sender": "shop-42", "message": "no"}).json()
    assert "what happened" in following[0]["text"].lower()


def test_bad_requests_get_a_clear_error(live_server):
    missing = httpx.post(f"{live_server.url}/webhooks/rest/webhook", json={"message": "hi"})
    assert missing.status_code == 422
    assert missing.json()["problems"][0]["field"] == "sender"
    huge = httpx.post(f"{live_server.url}/webhooks/rest/webhook", json={"sender": "x", "message": "a" * 70_000})
    assert huge.status_code == 422
    not_json = httpx.post(f"{live_server.url}/webhooks/rest/webhook", content=b"{nope",
                          headers={"Content-Type": "application/json"})
    assert not_json.status_code == 422


def test_chat_page_is_served_with_its_script(live_server):
    page = httpx.get(f"{live_server.url}/")
    assert page.status_code == 200 and "In an emergency, call 999" in page.text
    script = httpx.get(f"{live_server.url}/static/chat.js")
    assert script.status_code == 200 and "/webhooks/rest/webhook" in script.text
    assert "innerHTML" not in script.text.replace("never innerHTML", "")


def test_a_database_that_is_away_gives_503_and_a_kind_retry_message(interpreter):
    settings = Settings(database_url="postgresql+psycopg://postgres@127.0.0.1:1/none", _env_file=None)
    database = make_engine(settings.database_url, connect_args={"connect_timeout": 1})
    sessions = make_session_factory(database)
    engine = Engine(sessions, interpreter, settings, default_flows())
    service = Service(settings=settings, database=database, sessions=sessions, interpreter=interpreter, engine=engine)
    with LiveServer(create_app(service)) as server:
        health = httpx.get(f"{server.url}/healthz", timeout=20)
        assert health.status_code == 503
        response = httpx.post(f"{server.url}/webhooks/rest/webhook", json={"sender": "s", "message": "hi"},
                              timeout=30)
    assert response.status_code == 503 and response.headers["retry-after"] == "2"
    assert "nothing you've already told me is lost" in response.json()[0]["text"]


def test_model_parse_returns_the_rasa_shape(live_server):
    result = httpx.post(f"{live_server.url}/model/parse", json={"text": "someone stole £80 of meat"}).json()
    assert set(result) >= {"text", "intent", "entities", "intent_ranking"}
    assert {"entity": "money", "value": 80.0} in [{"entity": e["entity"], "value": e["value"]} for e in result["entities"]]
