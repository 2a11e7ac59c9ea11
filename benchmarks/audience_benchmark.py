"""Alert subscribers at scale: importing 100,000, resolving a campaign's audience, counting the weekly cap.

Run from the repository root (SQLite in a temporary folder; add a PostgreSQL URL to measure it too;
that database is emptied):

    python benchmarks/audience_benchmark.py [--subscribers 100000] [--postgres postgresql+psycopg://...]

The subscribers are made through ``bot.campaigns.subscriptions.import_all`` (the path
``bizwatch subscribers import`` takes after checking rows), in batches of 1,000, each committed:
random topics (1 to 4 of 10), areas (1 to 3 of 60 districts and the named areas), sectors and
caps. Then 5% are paused, 2% stop (contacts.opted_out_at, as the SMS and Telegram adapters do), 1%
unsubscribe, and 60,000 campaign messages are queued in the last week (some addresses at their cap).

Printed, per database: import time; the time to resolve (and stream through) the audience of a
broad campaign (every topic, everywhere: the worst case, most rows), of a typical one (shop theft
and seasonal advice in the Walsall area and WS1-WS9) and of a forecourt campaign, with the rows and a
check that no subscription comes twice; the time for the per-address weekly counts; the Python
peak memory while streaming (tracemalloc). The campaigns benchmark's target for resolving,
rendering and queueing 100,000 is under 20 s on SQLite.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text, update  # noqa: E402

from bot.campaigns import subscriptions as subs  # noqa: E402
from bot.campaigns.subscriptions import Audience, Choices, Entry  # noqa: E402
from bot.campaigns.vocabulary import NAMED_AREAS, SECTOR_CODES, TOPIC_CODES  # noqa: E402
from bot.delivery.outbox import OUTBOX, Purpose, Status  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Contact, Subscription  # noqa: E402
from bot.storage.types import utcnow  # noqa: E402

DISTRICTS = [f"{area}{n}" for area in ("WS", "B", "ST", "ME", "CV", "WV") for n in range(1, 11)]
AREAS = DISTRICTS + list(NAMED_AREAS)
CAMPAIGNS = {
    "broad (every topic, everywhere)": Audience(),
    "typical (shop theft, seasonal; Walsall, WS1-WS9)": Audience(
        topics=("shop_theft", "seasonal"), areas=("walsall", *(f"WS{n}" for n in range(1, 10)))),
    "forecourts (drive-offs, forecourt sector)": Audience(topics=("making_off_without_payment",),
                                                          sectors=("forecourt",)),
}


def entries(count: int, now) -> list[Entry]:  # noqa: ANN001
    rng = random.Random(11)
    made = []
    for n in range(count):
        channel = "telegram" if n % 5 == 0 else "sms"
        address = str(100_000_000 + n) if channel == "telegram" else f"+4477{n:09d}"
        made.append(Entry(line=n + 2, consented_at=now - timedelta(days=rng.randint(1, 700)), choices=Choices(
            channel=channel, address=address, topics=tuple(rng.sample(TOPIC_CODES, rng.randint(1, 4))),
            areas=tuple(rng.sample(AREAS, rng.randint(1, 3))), sector=rng.choice((*SECTOR_CODES, None)),
            max_per_week=rng.choice((1, 2, 2, 3, 5)), business_name=f"Business {n}")))
    return made


def prepare(url: str) -> None:
    if url.startswith("postgresql"):
        engine = make_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    upgrade(url)


def measure(url: str, count: int) -> None:
    prepare(url)
    sessions = make_session_factory(make_engine(url))
    now = utcnow()
    people = entries(count, now)
    started = time.perf_counter()
    subs.import_all(sessions, people, now=now, wording="benchmark")
    print(f"  import {count:,} subscribers: {time.perf_counter() - started:.1f} s")
    rng = random.Random(7)
    with sessions.begin() as session:
        ids = list(range(1, count + 1))
        paused = rng.sample(ids, count // 20)
        session.execute(update(Subscription).where(Subscription.id.in_(paused))
                        .values(status="paused", paused_until=now + timedelta(days=14)))
        ended = rng.sample(ids, count // 100)
        session.execute(update(Subscription).where(Subscription.id.in_(ended))
                        .values(status="unsubscribed", unsubscribed_at=now))
        stopped = [people[i] for i in rng.sample(range(count), count // 50)]
        session.add_all(Contact(channel=e.choices.channel, address=e.choices.address, opted_out_at=now,
                                created_at=now, updated_at=now) for e in stopped)
        messages = [{"channel": e.choices.channel, "address": e.choices.address, "idempotency_key": f"c:{n}",
                     "purpose": Purpose.CAMPAIGN.value, "body": [], "status": Status.SENT.value, "urgent": False,
                     "due_at": now, "next_attempt_at": now, "attempts": 1, "parts_sent": 1, "provider_ids": [],
                     "created_at": now - timedelta(days=rng.randint(0, 6)), "updated_at": now}
                    for n, e in enumerate(rng.choices(people, k=60_000))]
        for start in range(0, len(messages), 5000):
            session.execute(OUTBOX.insert(), messages[start:start + 5000])
    if url.startswith("postgresql"):
        # As autovacuum would soon after changes this size (the import refreshes its own tables).
        with sessions.begin() as session:
            session.execute(text("ANALYZE"))
    for name, audience in CAMPAIGNS.items():
        with sessions() as session:
            started = time.perf_counter()
            seen = [recipient.subscription_id for recipient in subs.audience(session, audience, now)]
            elapsed = time.perf_counter() - started
            tracemalloc.start()  # a second pass for memory: tracing slows Python down several times
            for _ in subs.audience(session, audience, now):
                pass
            peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
            started = time.perf_counter()
            size = subs.audience_size(session, audience, now)
            sized = time.perf_counter() - started
        twice = len(seen) - len(set(seen))
        print(f"  {name}: {len(seen):,} recipients in {elapsed:.2f} s (count alone {sized:.2f} s, {size:,}); "
              f"{twice} twice; Python peak {peak:.0f} MB")
    with sessions() as session:
        started = time.perf_counter()
        counts = subs.sent_this_week(session, now)
        print(f"  weekly counts for {len(counts):,} addresses: {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--postgres", help="A PostgreSQL URL to measure as well (its database is emptied).")
    parser.add_argument("--skip-sqlite", action="store_true", help="Measure PostgreSQL only.")
    arguments = parser.parse_args()
    if not arguments.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            print("SQLite:")
            measure(f"sqlite:///{folder}/audience.sqlite3", arguments.subscribers)
    if arguments.postgres:
        print("PostgreSQL:")
        measure(arguments.postgres, arguments.subscribers)


if __name__ == "__main__":
    main()
