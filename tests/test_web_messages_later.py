"""The web chat hears from us too: messages the service sends later wait for the page to collect them."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery.outbox import Purpose, queue
from bot.messages import Button, Outbound
from bot.storage.models import OutboxMessage
from bot.storage.types import utcnow
from edge_servers import BEARER, TOKEN, browser_like, serve

COLLECT = "/webhooks/rest/messages"


def send_later(sessions, address: str, text: str, key: str, due_in: timedelta = timedelta(0)) -> None:
    with sessions.begin() as session:
        now = utcnow()
        queue(session, channel="web", address=address, key=key, purpose=Purpose.STATUS,
              messages=[Outbound(text, (Button("Thanks", "thanks"),))], now=now, due_at=now + due_in)


def test_a_message_sent_later_reaches_the_page_once_and_only_its_own(service, sessions):
    with serve(service, rest_token=TOKEN) as server:
        page = browser_like(server.url)
        [reply] = page.post("/webhooks/rest/webhook", json={"message": "report a crime"}).json()
        sender = reply["recipient_id"]
        send_later(sessions, sender, "Your report BW-2345-6789 has been given a crime number.", "status:1")
        send_later(sessions, "someone-else", "Not yours.", "status:2")
        send_later(sessions, sender, "Tomorrow's reminder.", "reminder:1", due_in=timedelta(days=1))
        collected = page.get(COLLECT).json()
        assert [m["text"] for m in collected] == ["Your report BW-2345-6789 has been given a crime number."]
        assert collected[0]["buttons"] == [{"title": "Thanks", "payload": "thanks"}]
        assert page.get(COLLECT).json() == []  # shown once
        machine = page.get(COLLECT, params={"sender": "someone-else"}, headers=BEARER).json()
        assert [m["text"] for m in machine] == ["Not yours."]
    with sessions() as session:
        statuses = dict(session.execute(select(OutboxMessage.idempotency_key, OutboxMessage.status)
                                        .where(OutboxMessage.purpose == "status")).all())
    assert statuses == {"status:1": "delivered", "status:2": "delivered", "reminder:1": "queued"}


def test_the_same_message_is_never_queued_twice_for_one_person(sessions):
    with sessions.begin() as session:
        first = queue(session, channel="web", address="web-a", key="status:9", purpose=Purpose.STATUS,
                      messages=[Outbound("Update.")], now=utcnow())
        again = queue(session, channel="web", address="web-a", key="status:9", purpose=Purpose.STATUS,
                      messages=[Outbound("Update.")], now=utcnow())
    assert (first, again) == (True, False)  # the caller is told, on both databases
    with sessions() as session:
        assert len(session.scalars(select(OutboxMessage).where(OutboxMessage.address == "web-a")).all()) == 1


def test_collecting_needs_a_chat_cookie_or_the_token(service):
    with serve(service, rest_token=TOKEN) as server:
        import httpx

        assert httpx.get(f"{server.url}{COLLECT}").status_code == 401
        assert httpx.get(f"{server.url}{COLLECT}", headers=BEARER).status_code == 422  # which sender?
