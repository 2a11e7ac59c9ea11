"""Delivery throughput and reply latency: the real sender workers against the fake Telegram and Twilio servers.

Run from the repository root:

    python benchmarks/delivery_benchmark.py [--seconds S | --messages N] [--databases sqlite postgresql]
        [--workers 1 2] [--scenarios telegram sms10 sms100] [--postgres-url URL] [--redis-url URL]
        [--conversations 50] [--latency-seconds 40] [--no-latency]

Throughput: for each scenario, database and number of worker processes, the outbox is filled with
one-part messages (each to one of 1,000 recipients) and ``W`` worker processes (``bot.delivery.runner.Delivery``,
the same code `bizwatch worker` runs, sharing their send rates through Redis) send them to a fake
provider over real HTTP on 127.0.0.1, each through a small benchmark channel (an httpx POST to
Telegram's ``sendMessage`` or Twilio's ``Messages.json``, 429 read as ``RetryLater`` with its
Retry-After: a stand-in until the real adapters are merged). The fakes enforce the providers'
limits themselves (sliding windows; 429 above them):

- telegram: 30 messages/s overall and 1/s per chat;
- sms10 / sms100: 10 or 100 segments/s for the sender (a UK long code, a short code); texts of one to
  three segments, counted in segments.

Printed per run: achieved rate / allowed rate over the whole run ("ratio": units / (last - first + one
window), target >= 0.95) and in its steady middle ("steady": between 10% and 90% of the units, without
the start-up and the tail, which weigh heavily in short runs),
the busiest one-second span at the provider / allowed (never above 1.0), 429s the provider gave,
retries recorded, duplicates (texts received twice: 0), lost messages (marked sent or failed but never
received: 0) and unfinished ones (still waiting when the run gave up, at three times its expected length).
``--messages N`` sends N messages per run (the issue's figure is 20,000: hours at 10 segments/s);
``--seconds S`` (default 20) is the time-scaled mode: each run sends what its limit allows in S seconds.

Reply latency: 50 conversations (``--conversations``) talk to the real engine (embedded interpreter)
on a "telegram" channel, each waiting for its whole reply and then 4 to 6 seconds before its next
message (about the pace of someone typing; it keeps the bot under its 30/s). Latency is from the turn's
commit (the engine's ``on_queued`` call) to the fake Telegram receiving the reply's first part, with
the workers in the same process (as inside `bizwatch serve`: woken by an event) and, on PostgreSQL,
in a separate worker process (woken by NOTIFY). Target p99 < 100 ms.

Databases: a fresh SQLite file per run; PostgreSQL at ``--postgres-url`` (or
``BIZWATCH_BENCH_DATABASE_URL``), whose bizwatch tables are upgraded and EMPTIED: never point it at a
database holding anything you want. Redis at ``--redis-url`` (or ``BIZWATCH_REDIS_URL``): that Redis
database is flushed before each run.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import redis  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

from bot.channels import SMS  # noqa: E402
from bot.channels.base import Part, split_for  # noqa: E402
from bot.channels.plain import render_plain  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery.errors import PermanentFailure, RecipientGone, RetryLater  # noqa: E402
from bot.delivery.outbox import OUTBOX, Purpose, Status, to_body  # noqa: E402
from bot.delivery.runner import Delivery  # noqa: E402
from bot.delivery.segments import segments  # noqa: E402
from bot.delivery.wakeup import Wakeup  # noqa: E402
from bot.messages import ChannelCapabilities, Inbound, Outbound  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Base, DeliveryEvent  # noqa: E402
from bot.storage.types import utcnow  # noqa: E402

TELEGRAM_TOKEN = "123456789:delivery-benchmark-token"
TELEGRAM = ChannelCapabilities(buttons=True, media=True, max_length=4096)
RECIPIENTS = 1000
SMS_TEXTS = [  # one, two and three GSM-7 segments, in the proportions a service like ours sends
    ("Your report {n} has been received. We will text you when it has a crime number.", 16),
    ("Reminder {n}: CCTV systems often overwrite footage after a few days, so please save the recording "
     "from the time of the incident now and keep it somewhere safe until the police ask for it.", 3),
    ("Alert {n}: shops on the high street report a man taking razor blades and spirits, leaving in a "
     "grey van. If you see him, do not approach; call 999 if a crime is happening now, or report it "
     "to us afterwards with the time, what was taken and any CCTV you have.", 1),
]


@dataclass(frozen=True)
class Scenario:
    name: str
    channel: str
    rate: int  # per second, messages or segments
    per_chat: int | None
    unit: str


SCENARIOS = {
    "telegram": Scenario("telegram", "telegram", 30, 1, "messages"),
    "sms10": Scenario("sms10", "sms", 10, None, "segments"),
    "sms100": Scenario("sms100", "sms", 100, None, "segments"),
}


# --- benchmark channels: a plain HTTP POST each (not the adapters) ------------------------------------
class BenchTelegram:
    name = "telegram"
    capabilities = TELEGRAM

    def __init__(self, base_url: str) -> None:
        self.url = f"{base_url}/bot{TELEGRAM_TOKEN}/sendMessage"
        self.client = httpx.Client(timeout=10)

    def render(self, message: Outbound) -> list[Part]:
        return split_for(self.capabilities, message, message.text)

    def send(self, address: str, part: Part) -> str:
        response = self.client.post(self.url, json={"chat_id": int(address), "text": part.text})
        body = response.json()
        if response.status_code == 200:
            return str(body["result"]["message_id"])
        if response.status_code == 429:
            raise RetryLater("429", "flood", after_seconds=float(body["parameters"]["retry_after"]))
        if response.status_code == 403:
            raise RecipientGone("403", "blocked")
        if response.status_code >= 500:
            raise RetryLater(str(response.status_code))
        raise PermanentFailure(str(response.status_code))


class BenchSMS:
    name = "sms"
    capabilities = SMS

    def __init__(self, base_url: str, account_sid: str, auth_token: str, sender: str) -> None:
        self.url = f"{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.sender = sender
        self.client = httpx.Client(timeout=10, auth=(account_sid, auth_token))

    def render(self, message: Outbound) -> list[Part]:
        return split_for(self.capabilities, message, render_plain(message, compact=True))

    def send(self, address: str, part: Part) -> str:
        response = self.client.post(self.url, data={"To": address, "From": self.sender, "Body": part.text})
        if response.status_code == 201:
            return response.json()["sid"]
        if response.status_code == 429:
            raise RetryLater("20429", "throttled", after_seconds=float(response.headers.get("Retry-After", "1")))
        code = str(response.json().get("code", response.status_code))
        if code == "21610":
            raise RecipientGone(code, "stopped", opted_out=True)
        if response.status_code >= 500:
            raise RetryLater(code)
        raise PermanentFailure(code)


def make_channel(kind: str, fake: dict[str, str]) -> Any:
    if kind == "telegram":
        return BenchTelegram(fake["url"])
    return BenchSMS(fake["url"], fake["sid"], fake["token"], fake["sender"])


def worker_settings(database_url: str, redis_url: str, scenario: Scenario, concurrency: int) -> Settings:
    per_chat = {scenario.channel: f"{scenario.per_chat}/second"} if scenario.per_chat else {}
    return Settings(database_url=database_url, redis_url=redis_url, delivery_concurrency=concurrency,
                    delivery_rates={scenario.channel: f"{scenario.rate}/second"},
                    delivery_rates_per_recipient=per_chat, delivery_poll_seconds=1.0, _env_file=None)


def worker_process(database_url: str, redis_url: str, scenario: Scenario, fake: dict[str, str], concurrency: int,
                   stop: Any, ready: Any) -> None:
    """One `bizwatch worker`-like process: the real Delivery with a benchmark channel."""
    channel = make_channel(scenario.channel, fake)
    settings = worker_settings(database_url, redis_url, scenario, concurrency)
    delivery = Delivery(settings, {scenario.channel: channel}, Wakeup(database_url))
    delivery.start()
    if delivery.listener is not None:
        delivery.listener.listening.wait(10)
    ready.release()
    stop.wait()
    delivery.stop()


# --- databases ---------------------------------------------------------------------------------------
def fresh_database(kind: str, postgres_url: str, folder: Path) -> str:
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'bench-{uuid.uuid4().hex[:8]}.sqlite3'}"
        upgrade(url)
        return url
    upgrade(postgres_url)
    engine = make_engine(postgres_url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(delete(table))
    engine.dispose()
    return postgres_url


def fill_outbox(database_url: str, scenario: Scenario, count: int) -> int:
    """Queue ``count`` one-part messages; the units (messages or segments) they cost."""
    now = utcnow()
    rows, units = [], 0
    texts = [text for text, weight in SMS_TEXTS for _ in range(weight)]
    for n in range(count):
        if scenario.channel == "telegram":
            address, text = str(100_000 + n % RECIPIENTS), f"Alert {n}: a grey van was seen near the shops."
        else:
            address, text = f"+44770090{n % RECIPIENTS:04d}", texts[n % len(texts)].format(n=n)
        units += segments(text) if scenario.unit == "segments" else 1
        rows.append({"channel": scenario.channel, "address": address, "idempotency_key": f"bench:{n}",
                     "purpose": Purpose.ALERT.value, "body": to_body([Outbound(text)]), "status": Status.QUEUED.value,
                     "urgent": False, "due_at": now, "next_attempt_at": now, "attempts": 0, "parts_sent": 0,
                     "provider_ids": [], "created_at": now, "updated_at": now})
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for start in range(0, len(rows), 2000):
            connection.execute(insert(OUTBOX), rows[start:start + 2000])
    engine.dispose()
    return units


def count_finished(engine: Any) -> tuple[int, int]:
    """Messages finished (sent or failed), and retries recorded."""
    with engine.connect() as connection:
        done = connection.execute(select(func.count()).where(OUTBOX.c.status.in_(["sent", "failed"]))).scalar_one()
        retries = connection.execute(select(func.count()).select_from(DeliveryEvent.__table__).where(
            DeliveryEvent.status == Status.QUEUED.value)).scalar_one()
    return done, retries


# --- fakes -------------------------------------------------------------------------------------------
class Fake:
    """A fake provider for one scenario, with what it received as (receipt time, text, units)."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        if scenario.channel == "telegram":
            from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit

            self.server = FakeTelegram(TELEGRAM_TOKEN, limits=FloodLimits(
                overall=Limit(scenario.rate, 1.0), per_chat=Limit(scenario.per_chat or 1, 1.0), per_group=None))
        else:
            from integrations.twilio.fake import FakeTwilio

            self.server = FakeTwilio(rate=float(scenario.rate))

    def __enter__(self) -> Fake:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    def config(self) -> dict[str, str]:
        if self.scenario.channel == "telegram":
            return {"url": self.server.url}
        return {"url": self.server.base_url, "sid": self.server.account_sid, "token": self.server.auth_token,
                "sender": self.server.settings.phone_number}

    def received(self) -> list[tuple[float, str, int]]:
        if self.scenario.channel == "telegram":
            return [(m.received_at, m.text or "", 1) for m in self.server.sent]
        return [(m.received_at, m.body, m.segments) for m in self.server.sent]

    def refusals(self) -> int:
        if self.scenario.channel == "telegram":
            return len(self.server.flood_refusals)
        return len(self.server.throttled)


def steady_rate(received: list[tuple[float, str, int]]) -> float:
    """Units per second between the moments 10% and 90% of all units had arrived (no start-up, no tail)."""
    times = sorted((at, units) for at, _, units in received)
    total, so_far, marks = sum(u for _, u in times), 0, []
    for at, units in times:
        so_far += units
        marks.append((at, so_far))
    start = next((at, done) for at, done in marks if done >= 0.1 * total)
    end = next((at, done) for at, done in marks if done >= 0.9 * total)
    return (end[1] - start[1]) / (end[0] - start[0]) if end[0] > start[0] else float("nan")


def busiest_second(received: list[tuple[float, str, int]]) -> int:
    """The most units received within any one-second span."""
    times = sorted((at, units) for at, _, units in received)
    most, used, start = 0, 0, 0
    for at, units in times:
        used += units
        while at - times[start][0] >= 1.0:
            used -= times[start][1]
            start += 1
        most = max(most, used)
    return most


# --- throughput -------------------------------------------------------------------------------------
def throughput(scenario: Scenario, database: str, database_url: str, workers: int, count: int, redis_url: str,
               concurrency: int) -> dict[str, Any]:
    redis.Redis.from_url(redis_url).flushdb()
    units = fill_outbox(database_url, scenario, count)
    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Semaphore(0)
    with Fake(scenario) as fake:
        processes = [context.Process(target=worker_process, args=(database_url, redis_url, scenario, fake.config(),
                                                                   concurrency, stop, ready)) for _ in range(workers)]
        for process in processes:
            process.start()
        for _ in processes:
            ready.acquire(timeout=120)
        deadline = time.monotonic() + units / scenario.rate * 3 + 60
        watcher = make_engine(database_url)  # one connection, looked at once a second: the fake shares this process
        while (done := count_finished(watcher)[0]) < count and time.monotonic() < deadline:
            time.sleep(1.0)
        stop.set()
        for process in processes:
            process.join(60)
        received = fake.received()
        refusals = fake.refusals()
    _, retries = count_finished(watcher)
    watcher.dispose()
    texts = Counter(text for _, text, _ in received)
    first, last = min(at for at, _, _ in received), max(at for at, _, _ in received)
    sent_units = sum(u for _, _, u in received)
    achieved = sent_units / (last - first + 1.0)
    return {"scenario": scenario.name, "database": database, "workers": workers, "messages": count,
            "units": units, "unit": scenario.unit, "seconds": last - first, "achieved": achieved,
            "ratio": achieved / scenario.rate, "steady_ratio": steady_rate(received) / scenario.rate, "peak_ratio": busiest_second(received) / scenario.rate,
            "refusals": refusals, "retries": retries, "duplicates": sum(n - 1 for n in texts.values() if n > 1),
            # Finished in the database (sent or failed) yet never received; still queued when the run gave up.
            "lost": done - len(texts), "unfinished": count - done}


# --- reply latency ----------------------------------------------------------------------------------
SCRIPT = ["hi", "someone nicked 2 bottles of gin worth £50 from my shop yesterday at 9am", "no",
          "12 High Street, Leeds LS1 4AB", "that's all", "tall man in a grey hoodie", "no", "no", "Sam Patel",
          "manager", "07700 900123", "text me", "no", "submit"]


def latency(database: str, database_url: str, redis_url: str, conversations: int, seconds: float,
            separate: bool) -> dict[str, Any]:
    """Conversations on the real engine; each turn's commit to the fake's receipt of the reply's first part."""
    from integrations.telegram.fake import FakeTelegram, FloodLimits, Limit

    from bot.engine import Engine
    from bot.service import default_flows, interpreter_from

    redis.Redis.from_url(redis_url).flushdb()
    scenario = SCENARIOS["telegram"]
    settings = worker_settings(database_url, redis_url, scenario, 4)
    interpreter = interpreter_from(settings)
    interpreter.parse("warm up", now=utcnow())
    connections = make_engine(database_url, wait_seconds=2.0)
    sessions = make_session_factory(connections)
    wakeup = Wakeup(database_url)
    commits: dict[str, float] = {}
    local = threading.local()

    def on_queued(channel: str) -> None:
        commits[local.message_id] = time.time()
        wakeup(channel)

    engine = Engine(sessions, interpreter, settings, flows=default_flows(), capabilities={"telegram": TELEGRAM},
                    on_queued=on_queued)
    fake = FakeTelegram(TELEGRAM_TOKEN, limits=FloodLimits(overall=Limit(30, 1.0), per_chat=Limit(1, 1.0),
                                                            per_group=None)).start()
    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Semaphore(0)
    process, delivery = None, None
    if separate:
        process = context.Process(target=worker_process, args=(database_url, redis_url, scenario,
                                                               {"url": fake.url}, 4, stop, ready))
        process.start()
        ready.acquire(timeout=120)
    else:
        delivery = Delivery(settings, {"telegram": BenchTelegram(fake.url)}, wakeup)
        delivery.start()
    turns: list[tuple[int, str]] = []  # (chat id, message id), in order per chat
    ending = time.monotonic() + seconds
    lock = threading.Lock()

    def converse(number: int) -> None:
        rng = random.Random(number)
        chat, line = 200_000 + number * 1000, 0
        time.sleep(rng.uniform(0, 5))
        while time.monotonic() < ending:
            if line == len(SCRIPT):
                chat, line = chat + 1, 0
            local.message_id = uuid.uuid4().hex
            before = fake.sent_count(chat)
            replies = engine.handle(Inbound("telegram", str(chat), local.message_id, SCRIPT[line], utcnow()))
            with lock:
                turns.append((chat, local.message_id))
            parts = sum(len(split_for(TELEGRAM, reply, reply.text)) for reply in replies)
            try:
                fake.wait_for_sent(before + parts, chat_id=chat, timeout=30)
            except TimeoutError:
                pass
            line += 1
            time.sleep(rng.uniform(4, 6))

    threads = [threading.Thread(target=converse, args=(n,)) for n in range(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    received = fake.sent
    if delivery is not None:
        delivery.stop()
    if process is not None:
        stop.set()
        process.join(60)
    fake.stop()
    wakeup.close()
    connections.dispose()
    by_chat: dict[int, list[float]] = {}
    for message in received:
        by_chat.setdefault(message.chat_id, []).append(message.received_at)
    waits = []
    for chat, message_id in turns:
        committed = commits.get(message_id)
        first = next((at for at in by_chat.get(chat, []) if committed is not None and at >= committed), None)
        if first is not None:
            waits.append((first - committed) * 1000)
    waits.sort()
    quantile = (lambda q: waits[min(len(waits) - 1, int(q * len(waits)))]) if waits else (lambda q: float("nan"))
    return {"database": database, "workers": "separate process (NOTIFY)" if separate else "in-process (event)",
            "turns": len(turns), "measured": len(waits), "p50": quantile(0.50), "p95": quantile(0.95),
            "p99": quantile(0.99), "max": waits[-1] if waits else float("nan"),
            "mean": statistics.fmean(waits) if waits else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--seconds", type=float, default=20.0, help="time-scaled: what each limit allows in S s")
    size.add_argument("--messages", type=int, help="messages per run (the issue's figure: 20000)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BIZWATCH_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1/test_delivery"))
    parser.add_argument("--redis-url", default=os.environ.get("BIZWATCH_REDIS_URL", "redis://127.0.0.1:6379/6"))
    parser.add_argument("--concurrency", type=int, default=4, help="sends in flight per worker process")
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--latency-seconds", type=float, default=40.0)
    parser.add_argument("--no-latency", action="store_true")
    parser.add_argument("--no-throughput", action="store_true")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bizwatch-delivery-bench-"))
    if not options.no_throughput:
        mode = (f"{options.messages} messages per run" if options.messages
                else f"time-scaled: {options.seconds:g} s of each limit per run")
        print(f"Throughput ({mode}; one-part messages to {RECIPIENTS} recipients; benchmark channels POSTing to "
              f"the fakes; {options.concurrency} sends in flight per worker process; limits shared in Redis)")
        print(f"{'scenario':<9} {'db':<10} {'workers':>7} {'msgs':>6} {'units':>6} {'secs':>6} {'achieved':>9} "
              f"{'ratio':>6} {'steady':>6} {'peak':>6} {'429s':>5} {'retries':>7} {'dups':>5} {'lost':>5}")
        for name in options.scenarios:
            scenario = SCENARIOS[name]
            count = options.messages or int(scenario.rate * options.seconds / (1.35 if scenario.unit == "segments"
                                                                                 else 1))
            for database in options.databases:
                for workers in options.workers:
                    url = fresh_database(database, options.postgres_url, folder)
                    r = throughput(scenario, database, url, workers, count, options.redis_url, options.concurrency)
                    print(f"{r['scenario']:<9} {database:<10} {workers:>7} {r['messages']:>6} {r['units']:>6} "
                          f"{r['seconds']:>6.1f} {r['achieved']:>7.2f}/s {r['ratio']:>6.3f} {r['steady_ratio']:>6.3f} {r['peak_ratio']:>6.3f} "
                          f"{r['refusals']:>5} {r['retries']:>7} {r['duplicates']:>5} {r['lost']:>5} {r['unfinished']:>10}", flush=True)
    if not options.no_latency:
        print(f"\nReply latency, commit to the fake Telegram's receipt of the first part ({options.conversations} "
              f"conversations, 4-6 s between a reply and the next message, {options.latency_seconds:g} s)")
        print(f"{'db':<10} {'workers':<28} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}")
        for database in options.databases:
            for separate in ([False, True] if database == "postgresql" else [False]):
                url = fresh_database(database, options.postgres_url, folder)
                r = latency(database, url, options.redis_url, options.conversations, options.latency_seconds,
                            separate)
                print(f"{database:<10} {r['workers']:<28} {r['measured']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                      f"{r['p99']:>8.1f} {r['max']:>8.1f}", flush=True)


if __name__ == "__main__":
    main()
