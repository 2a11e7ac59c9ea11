"""Who may speak as whom on the web: the chat cookie, the bearer token, and what is off the public surface."""

from __future__ import annotations

import httpx
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from bot.storage.models import Contact, Conversation, OutboxMessage, Report
from edge_servers import BEARER, TOKEN, WEBHOOK, browser_like, machine, serve


@pytest.fixture
def server(service):
    with serve(service, rest_token=TOKEN) as running:
        yield running


def rows(sessions) -> tuple[int, int, int, int]:
    with sessions() as session:
        return tuple(session.scalar(select(func.count()).select_from(model))  # type: ignore[return-value]
                     for model in (Conversation, Contact, OutboxMessage, Report))


def alices_rows(sessions, address: str) -> tuple[object, ...]:
    """Everything stored for one sender: conversation state, report draft, handled messages."""
    with sessions() as session:
        conversation = session.scalars(select(Conversation).where(Conversation.address == address)).one()
        reports = [{c.key: getattr(r, c.key) for c in Report.__table__.columns} for r in session.scalars(select(Report))]
        handled = session.scalars(select(OutboxMessage.body).where(OutboxMessage.address == address)
                                  .order_by(OutboxMessage.id)).all()
        return conversation.flow, conversation.step, conversation.data, reports, handled


def test_one_visitor_cannot_read_or_change_another_visitors_draft(server, sessions):
    alice, mallory = browser_like(server.url), browser_like(server.url)
    answers = ["report a crime", "no", "burglary", "last night", "Priya's Corner Shop, 12 High Street WS1 1QL"]
    for number, said in enumerate(answers, start=1):
        last = alice.post(WEBHOOK, json={"message": said, "message_id": f"a-{number}"})
        assert last.status_code == 200
    alices_id = last.json()[0]["recipient_id"]
    before = alices_rows(sessions, alices_id)
    assert before[0] == "report"

    # Mallory knows Alice's sender id and message ids, and claims them.
    stolen = mallory.post(WEBHOOK, json={"sender": alices_id, "message": "change the address",
                                         "message_id": "a-5"})
    assert stolen.status_code == 200
    assert stolen.json()[0]["recipient_id"] != alices_id
    assert stolen.json() != last.json() and "Priya" not in str(stolen.json())
    for number, said in enumerate(["cancel", "yes"], start=6):
        mallory.post(WEBHOOK, json={"sender": alices_id, "message": said, "message_id": f"a-{number}"})

    assert alices_rows(sessions, alices_id) == before
    # Alice's own retry still gets her own stored reply.
    assert alice.post(WEBHOOK, json={"message": answers[-1], "message_id": "a-5"}).json() == last.json()


@pytest.mark.parametrize("cookie", [
    "",  # missing
    "not-signed-at-all",
    "IndlYi1hYmMi.forged-signature",
    URLSafeSerializer("someone-elses-key", salt="bizwatch.web.chat").dumps("web-abc"),
])
def test_a_missing_or_forged_cookie_is_refused_and_nothing_is_stored(server, sessions, cookie):
    before = rows(sessions)
    response = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "web-abc", "message": "report a crime"},
                          cookies={"bizwatch_chat": cookie} if cookie else None)
    assert response.status_code == 401
    assert response.json()["code"] == "no_session" and "open the chat page" in response.json()["error"]
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert rows(sessions) == before


def test_machine_clients_name_the_sender_with_the_token(server, sessions):
    reply = machine(server.url).post(WEBHOOK, json={"sender": "till-3", "message": "hiya"})
    assert reply.status_code == 200 and reply.json()[0]["recipient_id"] == "till-3"
    wrong = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "till-3", "message": "cancel"},
                       headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "bad_token"
    assert 'error="invalid_token"' in wrong.headers["www-authenticate"]
    basic = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "till-3", "message": "cancel"},
                       headers={"Authorization": f"Basic {TOKEN}"})
    assert basic.status_code == 401
    assert rows(sessions)[2] == 1  # only the accepted message was recorded


def test_without_a_configured_token_no_bearer_is_accepted(service):
    with serve(service) as server:
        response = httpx.post(f"{server.url}{WEBHOOK}", json={"sender": "till-3", "message": "hi"},
                              headers={"Authorization": "Bearer x"})
    assert response.status_code == 401


def test_the_cookie_is_http_only_same_site_and_secure_behind_https(service):
    with serve(service, public_base_url="https://report.example.org") as server:
        page = httpx.get(f"{server.url}/")
    cookie = page.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie and "path=/" in cookie
    assert page.headers["strict-transport-security"].startswith("max-age=")


def test_the_page_keeps_a_valid_cookie_and_replaces_a_bad_one(server):
    first = httpx.get(f"{server.url}/").cookies["bizwatch_chat"]
    again = httpx.get(f"{server.url}/", cookies={"bizwatch_chat": first}).cookies["bizwatch_chat"]
    assert again == first
    tampered = first[:-2] + "xx"
    replaced = httpx.get(f"{server.url}/", cookies={"bizwatch_chat": tampered}).cookies["bizwatch_chat"]
    assert replaced not in (first, tampered)


def test_a_new_chat_is_a_new_conversation_and_needs_the_old_cookie(server):
    visitor = browser_like(server.url)
    visitor.post(WEBHOOK, json={"message": "report a crime"})
    old = visitor.post(WEBHOOK, json={"message": "no"}).json()[0]["recipient_id"]
    assert visitor.post("/chat/new").status_code == 204
    fresh = visitor.post(WEBHOOK, json={"message": "no"}).json()[0]
    assert fresh["recipient_id"] != old and "what happened" not in fresh["text"].lower()
    assert httpx.post(f"{server.url}/chat/new").status_code == 401
    assert httpx.post(f"{server.url}/chat/new", headers=BEARER).status_code == 403


def test_docs_and_model_parse_are_off_unless_turned_on(service):
    with serve(service, rest_token=TOKEN) as server:
        for path in ("/docs", "/redoc", "/openapi.json"):
            assert httpx.get(f"{server.url}{path}").status_code == 404, path
        assert httpx.post(f"{server.url}/model/parse", json={"text": "hi"}, headers=BEARER).status_code == 404
    with serve(service, rest_token=TOKEN, api_docs=True, model_parse_endpoint=True) as server:
        assert httpx.get(f"{server.url}/docs").status_code == 200
        assert "/webhooks/rest/webhook" in httpx.get(f"{server.url}/openapi.json").json()["paths"]
        assert httpx.post(f"{server.url}/model/parse", json={"text": "hi"}).status_code == 401
        visitor = browser_like(server.url)
        assert visitor.post("/model/parse", json={"text": "hi"}).status_code == 401
        parsed = httpx.post(f"{server.url}/model/parse", json={"text": "hi"}, headers=BEARER)
        assert parsed.status_code == 200 and "intent" in parsed.json()
