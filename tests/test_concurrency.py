"""Several workers at once: the same message delivered twice in parallel, many users in parallel."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from bot.messages import Inbound
from bot.storage.models import Conversation, OutboxMessage
from conftest import START


def send(engine, address: str, message_id: str, text: str):
    return engine.handle(Inbound(channel="web", address=address, message_id=message_id, text=text,
                                 received_at=START))


def test_a_message_delivered_twice_at_the_same_moment_has_one_effect(engine, sessions):
    barrier = threading.Barrier(4)

    def deliver(_: int):
        barrier.wait()
        return send(engine, "shop-7", "dup-1", "report a crime")

    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(deliver, range(4)))
    assert all(reply == replies[0] for reply in replies)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
        assert session.scalar(select(func.count()).select_from(Conversation)) == 1


def test_many_people_reporting_at_once_do_not_mix_up(engine, sessions):
    def conversation(number: int) -> str:
        address = f"shop-{number}"
        send(engine, address, f"{address}-1", "report a crime")
        send(engine, address, f"{address}-2", "no")
        return send(engine, address, f"{address}-3", ["burglary", "robbery"][number % 2])[0].text

    with ThreadPoolExecutor(6) as pool:
        replies = list(pool.map(conversation, range(12)))
    for number, reply in enumerate(replies):
        assert ["burglary", "robbery"][number % 2] in reply.lower()
    with sessions() as session:
        rows = session.scalars(select(Conversation)).all()
        assert len(rows) == 12 and all(row.data["flow"]["answered"] == ["danger", "crime_type"] for row in rows)
