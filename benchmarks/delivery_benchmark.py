"""Delivery throughput and reply latency: the real sender workers and channel adapters against the fake
Telegram and Twilio servers.

Run from the repository root:

    python benchmarks/delivery_benchmark.py [--seconds S | --messages N] [--databases sqlite postgresql]
        [--workers 1 2] [--scenarios telegram sms10 sms100] [--postgres-url URL] [--redis-url URL]
        [--conversations 50] [--latency-seconds 40] [--no-latency] [--no-throughput]

Everything of bizwatch here is built from ``Settings`` as a deployment builds it: the channels by
``bot.service.sending_channels`` (``TelegramChannel`` through python-telegram-bot, ``SmsChannel``
through the twilio library), pointed at the fakes by ``telegram_api_base_url`` and
``twilio_api_base_url``; the web process by ``bot.service.build_service`` and
``bot.web.app.create_app`` under uvicorn on 127.0.0.1. The fakes enforce the providers' limits
themselves (sliding windows; 429 with Telegram's ``retry_after`` or Twilio's Retry-After above them):

- telegram: 30 messages/s overall and 1/s per chat;
- sms10 / sms100: 10 or 100 segments/s for the sender (a UK long code, a short code); texts of one to
  three segments, counted in segments.

Throughput: for each scenario, database and number of worker processes, the outbox is filled with
one-part messages (each to one of 1,000 recipients) and ``W`` worker processes
(``bot.delivery.runner.Delivery``, as `bizwatch worker` runs it, sharing their send rates through
Redis) send them to the fake over real HTTP. Twilio calls back for every message (sent, then
delivered), so in the SMS scenarios the web app is served too (its workers off, as beside
`bizwatch worker`) and records those callbacks at ``POST /webhooks/twilio/status``, as it would in
production: rows end delivered rather than sent.

Printed per run: achieved rate / allowed rate over the whole run ("ratio": units / (last - first + one
window), target >= 0.95) and in its steady middle ("steady": between 10% and 90% of the units, without
the start-up and the tail, which weigh heavily in short runs),
the busiest one-second span at the provider / allowed (never above 1.0), 429s the provider gave,
retries recorded, duplicates (texts received twice: 0), lost messages (marked sent, delivered or failed
but never received: 0) and unfinished ones (still waiting when the run gave up, at three times its
expected length); under an SMS run, the status callbacks the web app did not take, if any (it answers
503 when it cannot save one in time, and Twilio does not post it again: the row stays "sent").
``--messages N`` sends N messages per run (the issue's figure is 20,000: hours at 10 segments/s);
``--seconds S`` (default 20) is the time-scaled mode: each run sends what its limit allows in S seconds.

Reply latency, "from inbound webhook to the fake provider's receipt": 50 conversations
(``--conversations``) POST real Telegram updates (the adapter's recorded text message, re-addressed)
with the secret token to the served app's ``POST /webhooks/telegram``; the turn runs on the real
engine (embedded interpreter) and its reply goes through the outbox and a sender worker to the fake
Telegram. Each conversation waits for its reply's first part, then 4 to 6 seconds (about the pace of
someone typing; it keeps the bot under its 30/s). Latency is from sending the POST to the fake
receiving the reply's first part (the part whose message id the worker recorded on the turn's outbox
row), with the workers inside the web process (as in `bizwatch serve`: woken by an event) and, on
PostgreSQL, in a separate worker process (as `bizwatch worker`: woken by NOTIFY). "ack" is until the
webhook answered (the turn saved). Target p99 < 100 ms. The web process runs neither the scheduler nor
setWebhook: the updates are posted to it directly.

Processes: the fakes, the conversations and the counting run in this process; the web app and each
worker in a process of their own.

Databases: a fresh SQLite file per run; PostgreSQL at ``--postgres-url`` (or
``BIZWATCH_BENCH_DATABASE_URL``), whose bizwatch tables are upgraded and EMPTIED: never point it at a
database holding anything you want. Redis at ``--redis-url`` (or ``BIZWATCH_REDIS_URL``): that Redis
database is flushed before each run.
"""

from __future__ import annotations

import argparse
import copy
import json
import logging
import multiprocessing
import os
import random
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import redis  # noqa: E402
from sqlalchemy import delete, func, insert, select  # noqa: E402

import integrations.telegram  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.delivery.outbox import OUTBOX, Purpose, Status, to_body, turn_key  # noqa: E402
from bot.delivery.runner import Delivery  # noqa: E402
from bot.delivery.segments import segments  # noqa: E402
from bot.delivery.wakeup import Wakeup  # noqa: E402
from bot.messages import Outbound  # noqa: E402
from bot.service import close_channels, sending_channels  # noqa: E402
from bot.storage.db import make_engine  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Base, DeliveryEvent  # noqa: E402
from bot.storage.types import utcnow  # noqa: E402
from integrations.telegram.mode import SECRET_HEADER, WEBHOOK_PATH  # noqa: E402

TELEGRAM_TOKEN = "123456789:delivery-benchmark-token"
WEBHOOK_SECRET = "delivery-benchmark-secret"
READY_SECONDS = 300.0  # a process's start-up: the web process loads (or first trains) the interpreter
RECIPIENTS = 1000
SMS_TEXTS = [  # one, two and three GSM-7 segments, in the proportions a service like ours sends
    ("Your report {n} has been received. We will text you when it has a crime number.", 16),
    ("Reminder {n}: CCTV systems often overwrite footage after a few days, so please save the recording "
     "from the time of the incident now and keep it somewhere safe until the police ask for it.", 3),
    ("Alert {n}: shops on the high street report a man taking razor blades and spirits, leaving in a "
     "grey van. If you see him, do not approach; call 999 if a crime is happening now, or report it "
     "to us afterwards with the time, what was taken and any CCTV you have.", 1),
]
# A status that means the worker is done with the row (Twilio's callbacks may have moved it on since).
FINISHED = [status.value for status in (Status.SENT, Status.DELIVERED, Status.UNDELIVERED, Status.FAILED)]


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

            # Real Twilio is not known to send Retry-After with a 429; the fake does here, so the wait
            # asked for is the provider's, as with Telegram's retry_after.
            self.server = FakeTwilio(rate=float(scenario.rate), retry_after_header=True)

    def __enter__(self) -> Fake:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()

    @property
    def calls_back(self) -> bool:
        """Whether the provider posts status callbacks to the web app (Twilio does, for every message)."""
        return self.scenario.channel != "telegram"

    def settings(self) -> dict[str, str]:
        """The bizwatch settings that make ``sending_channels`` (and the webhook) talk to this fake."""
        if self.scenario.channel == "telegram":
            return {"telegram_token": TELEGRAM_TOKEN, "telegram_api_base_url": self.server.base_url,
                    "telegram_mode": "webhook", "telegram_webhook_secret": WEBHOOK_SECRET}
        return {"twilio_account_sid": self.server.account_sid, "twilio_auth_token": self.server.auth_token,
                "twilio_from_number": self.server.settings.phone_number, "twilio_api_base_url": self.server.base_url}

    def received(self) -> list[tuple[float, str, int]]:
        if self.scenario.channel == "telegram":
            return [(m.received_at, m.text or "", 1) for m in self.server.sent]
        return [(m.received_at, m.body, m.segments) for m in self.server.sent]

    def refusals(self) -> int:
        if self.scenario.channel == "telegram":
            return len(self.server.flood_refusals)
        return len(self.server.throttled)

    def settle(self) -> None:
        """Wait for the status callbacks still under way (before the web app that takes them stops)."""
        if self.calls_back:
            self.server.wait_idle(60)

    def callbacks_not_taken(self) -> tuple[int, int]:
        """Status callbacks the web app did not take (an error answer, or none), and all those posted."""
        if not self.calls_back:
            return 0, 0
        posted = self.server.callbacks
        return sum(c.response_status is None or c.response_status >= 300 for c in posted), len(posted)


# --- bizwatch's processes ----------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def bench_settings(database_url: str, redis_url: str, scenario: Scenario, concurrency: int, fake: Fake,
                   folder: Path) -> Settings:
    """One deployment's settings, shared by its web process and workers: the scenario's send rates, the
    fake as the provider, and the web app's own address (where Twilio's status callbacks go)."""
    per_chat = {scenario.channel: f"{scenario.per_chat}/second"} if scenario.per_chat else {}
    port = free_port()
    return Settings(database_url=database_url, redis_url=redis_url, delivery_concurrency=concurrency,
                    delivery_rates={scenario.channel: f"{scenario.rate}/second"},
                    delivery_rates_per_recipient=per_chat, delivery_poll_seconds=1.0,
                    host="127.0.0.1", port=port, public_base_url=f"http://127.0.0.1:{port}",
                    evidence_dir=str(folder / "evidence"), _env_file=None, **fake.settings())


def worker_process(settings: Settings, stop: Any, ready: Any) -> None:
    """`bizwatch worker`: the real Delivery with the channels configured in ``settings``."""
    channels = sending_channels(settings)
    wakeup = Wakeup(settings.database_url)
    delivery = Delivery(settings, channels, wakeup)
    delivery.start()
    if delivery.listener is not None:
        delivery.listener.listening.wait(10)
    ready.release()
    stop.wait()
    delivery.stop()
    close_channels(channels)
    wakeup.close()


def web_process(settings: Settings, workers: bool, stop: Any, ready: Any) -> None:
    """`bizwatch serve` without the scheduler and setWebhook: the service, its app under uvicorn, and
    (``workers``) the sender workers in the same process."""
    import uvicorn

    from bot.service import build_service
    from bot.web.app import create_app

    # A status callback not saved is logged once each (hundreds when SQLite falls behind): the
    # benchmark counts them at the fake instead.
    logging.getLogger("integrations.twilio.webhooks").setLevel(logging.ERROR)
    service = build_service(settings, migrate=False)
    if workers:
        service.start_workers()
    server = uvicorn.Server(uvicorn.Config(create_app(service), host=settings.host, port=settings.port,
                                           log_level="warning", proxy_headers=False, server_header=False))
    thread = threading.Thread(target=server.run, name="uvicorn")
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.01)
    if server.started:
        ready.release()
        stop.wait()
    server.should_exit = True
    thread.join(30)
    service.close()


@contextmanager
def running(*jobs: tuple[Callable[..., None], tuple[Any, ...]]) -> Iterator[None]:
    """Each ``target(*args, stop, ready)`` in a spawned process of its own, all ready before the body
    runs; told to stop and joined after it."""
    context = multiprocessing.get_context("spawn")
    stop, ready = context.Event(), context.Semaphore(0)
    processes = [context.Process(target=target, args=(*args, stop, ready)) for target, args in jobs]
    try:
        for process in processes:
            process.start()
        waiting, deadline = len(processes), time.monotonic() + READY_SECONDS
        while waiting:
            if ready.acquire(timeout=1.0):
                waiting -= 1
            elif time.monotonic() > deadline or any(process.exitcode is not None for process in processes):
                raise RuntimeError("a benchmark process did not start (its error is printed above)")
        yield
    finally:
        stop.set()
        for process in processes:
            process.join(60)
            if process.is_alive():
                process.terminate()


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
    """Messages the workers are done with (sent, then maybe delivered, or failed), and retries recorded."""
    with engine.connect() as connection:
        done = connection.execute(select(func.count()).where(OUTBOX.c.status.in_(FINISHED))).scalar_one()
        retries = connection.execute(select(func.count()).select_from(DeliveryEvent.__table__).where(
            DeliveryEvent.status == Status.QUEUED.value)).scalar_one()
    return done, retries


# --- rates at the provider ---------------------------------------------------------------------------
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
               concurrency: int, folder: Path) -> dict[str, Any]:
    redis.Redis.from_url(redis_url).flushdb()
    units = fill_outbox(database_url, scenario, count)
    watcher = make_engine(database_url)  # one connection, looked at once a second: the fake shares this process
    with Fake(scenario) as fake:
        settings = bench_settings(database_url, redis_url, scenario, concurrency, fake, folder)
        web = [(web_process, (settings, False))] if fake.calls_back else []
        with running(*web):
            with running(*[(worker_process, (settings,))] * workers):
                deadline = time.monotonic() + units / scenario.rate * 3 + 60
                while (done := count_finished(watcher)[0]) < count and time.monotonic() < deadline:
                    time.sleep(1.0)
            fake.settle()
        received = fake.received()
        refusals = fake.refusals()
        callbacks_lost, callbacks = fake.callbacks_not_taken()
    _, retries = count_finished(watcher)
    watcher.dispose()
    texts = Counter(text for _, text, _ in received)
    first, last = min(at for at, _, _ in received), max(at for at, _, _ in received)
    sent_units = sum(u for _, _, u in received)
    achieved = sent_units / (last - first + 1.0)
    return {"scenario": scenario.name, "database": database, "workers": workers, "messages": count,
            "units": units, "unit": scenario.unit, "seconds": last - first, "achieved": achieved,
            "ratio": achieved / scenario.rate, "steady_ratio": steady_rate(received) / scenario.rate,
            "peak_ratio": busiest_second(received) / scenario.rate,
            "refusals": refusals, "retries": retries, "duplicates": sum(n - 1 for n in texts.values() if n > 1),
            # Lost: finished in the database (sent, delivered or failed) yet never received.
            # Unfinished: still waiting when the run gave up.
            "lost": done - len(texts), "unfinished": count - done, "callbacks": callbacks,
            "callbacks_lost": callbacks_lost}


# --- reply latency ----------------------------------------------------------------------------------
SCRIPT = ["hi", "someone nicked 2 bottles of gin worth £50 from my shop yesterday at 9am", "no",
          "12 High Street, Leeds LS1 4AB", "that's all", "tall man in a grey hoodie", "no", "no", "Sam Patel",
          "manager", "07700 900123", "text me", "no", "submit"]
RECORDED_UPDATE = json.loads((Path(integrations.telegram.__file__).parent / "fixtures" / "text_message.json")
                             .read_text())
WARM_UP_CHAT = 199_999  # one turn before the measured ones: the first getMe, connections, caches


@dataclass(frozen=True)
class Turn:
    update_id: int
    chat: int
    posted: float  # time.time() as the POST set off (the fake stamps its receipts with the same clock)
    answered: float  # seconds until the webhook answered (the turn saved)
    status: int


class Webhook:
    """Telegram's side of ``POST /webhooks/telegram``: updates posted with the secret token, each timed."""

    def __init__(self, url: str) -> None:
        self.client = httpx.Client(base_url=url, headers={SECRET_HEADER: WEBHOOK_SECRET}, timeout=30.0,
                                   limits=httpx.Limits(max_connections=100, max_keepalive_connections=100))
        self._next_id = 0
        self._lock = threading.Lock()

    def say(self, chat: int, text: str) -> Turn:
        """The user of private chat ``chat`` sends ``text`` (the recorded text message, re-addressed)."""
        with self._lock:
            self._next_id += 1
            update_id = self._next_id
        update = copy.deepcopy(RECORDED_UPDATE)
        message = update["message"]
        update["update_id"] = message["message_id"] = update_id
        message["from"]["id"] = message["chat"]["id"] = chat
        message["date"], message["text"] = int(time.time()), text
        posted, started = time.time(), time.perf_counter()
        answer = self.client.post(WEBHOOK_PATH, json=update)
        return Turn(update_id, chat, posted, time.perf_counter() - started, answer.status_code)

    def close(self) -> None:
        self.client.close()


def converse(number: int, webhook: Webhook, telegram: Any, ending: float, turns: list[Turn]) -> None:
    """One person telling the script (a new chat each time round) until ``ending`` (monotonic): each
    message waits for the reply's first part, then 4 to 6 seconds; every turn goes into ``turns``."""
    rng = random.Random(number)
    chat, line = 200_000 + number * 1000, 0
    time.sleep(rng.uniform(0, 5))
    while time.monotonic() < ending:
        if line == len(SCRIPT):
            chat, line = chat + 1, 0
        before = telegram.sent_count(chat)
        turns.append(webhook.say(chat, SCRIPT[line]))  # list.append is atomic
        try:
            telegram.wait_for_sent(before + 1, chat_id=chat, timeout=30)
        except TimeoutError:
            pass
        line += 1
        time.sleep(rng.uniform(4, 6))


def first_parts(database_url: str) -> dict[str, str]:
    """Telegram's message id for the first part of each turn's reply, by the turn's outbox key."""
    engine = make_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(select(OUTBOX.c.idempotency_key, OUTBOX.c.provider_ids).where(
            OUTBOX.c.channel == "telegram", OUTBOX.c.purpose == Purpose.REPLY.value)).all()
    engine.dispose()
    return {key: ids[0] for key, ids in rows if ids}


def quantile(ordered: list[float], q: float) -> float:
    """The value at fraction ``q`` of ``ordered`` (sorted ascending); nan when there is none."""
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def latency(database: str, database_url: str, redis_url: str, conversations: int, seconds: float,
            separate: bool, folder: Path) -> dict[str, Any]:
    """Conversations posting updates to the webhook; each POST to the fake's receipt of the reply's first part."""
    redis.Redis.from_url(redis_url).flushdb()
    scenario = SCENARIOS["telegram"]
    turns: list[Turn] = []
    with Fake(scenario) as fake:
        telegram = fake.server
        settings = bench_settings(database_url, redis_url, scenario, 4, fake, folder)
        worker = [(worker_process, (settings,))] if separate else []
        with running((web_process, (settings, not separate))), running(*worker):
            webhook = Webhook(settings.public_base_url)
            try:
                webhook.say(WARM_UP_CHAT, SCRIPT[0])
                telegram.wait_for_sent(1, chat_id=WARM_UP_CHAT, timeout=60)
                ending = time.monotonic() + seconds

                threads = [threading.Thread(target=converse, args=(n, webhook, telegram, ending, turns))
                           for n in range(conversations)]
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join()
            finally:
                webhook.close()
        received = {(m.chat_id, m.message_id): m.received_at for m in telegram.sent}
    firsts = first_parts(database_url)
    waits = []
    for turn in turns:
        first = firsts.get(turn_key(str(turn.update_id)))
        at = received.get((turn.chat, int(first))) if first is not None else None
        if at is not None:
            waits.append((at - turn.posted) * 1000)
    waits.sort()
    acks = sorted(turn.answered * 1000 for turn in turns)
    return {"database": database, "workers": "separate process (NOTIFY)" if separate else "in the web process",
            "turns": len(turns), "refused": sum(turn.status != 200 for turn in turns), "measured": len(waits),
            "p50": quantile(waits, 0.50), "p95": quantile(waits, 0.95), "p99": quantile(waits, 0.99),
            "max": waits[-1] if waits else float("nan"), "ack_p50": quantile(acks, 0.50),
            "ack_p99": quantile(acks, 0.99)}


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
        print(f"Throughput ({mode}; one-part messages to {RECIPIENTS} recipients; the real channels "
              f"(python-telegram-bot, twilio) to the fakes; {options.concurrency} sends in flight per worker "
              f"process; limits shared in Redis; SMS status callbacks recorded by the served app)")
        print(f"{'scenario':<9} {'db':<10} {'workers':>7} {'msgs':>6} {'units':>6} {'secs':>6} {'achieved':>9} "
              f"{'ratio':>6} {'steady':>6} {'peak':>6} {'429s':>5} {'retries':>7} {'dups':>5} {'lost':>5} "
              f"{'unfinished':>10}")
        for name in options.scenarios:
            scenario = SCENARIOS[name]
            count = options.messages or int(scenario.rate * options.seconds / (1.35 if scenario.unit == "segments"
                                                                                 else 1))
            for database in options.databases:
                for workers in options.workers:
                    url = fresh_database(database, options.postgres_url, folder)
                    r = throughput(scenario, database, url, workers, count, options.redis_url, options.concurrency,
                                   folder)
                    print(f"{r['scenario']:<9} {database:<10} {workers:>7} {r['messages']:>6} {r['units']:>6} "
                          f"{r['seconds']:>6.1f} {r['achieved']:>7.2f}/s {r['ratio']:>6.3f} "
                          f"{r['steady_ratio']:>6.3f} {r['peak_ratio']:>6.3f} {r['refusals']:>5} {r['retries']:>7} "
                          f"{r['duplicates']:>5} {r['lost']:>5} {r['unfinished']:>10}", flush=True)
                    if r["callbacks_lost"]:
                        print(f"{'':<9} {r['callbacks_lost']} of {r['callbacks']} status callbacks not taken by "
                              f"the web app (503: not saved in time, or no answer)", flush=True)
    if not options.no_latency:
        print(f"\nReply latency, webhook POST to the fake Telegram's receipt of the reply's first part "
              f"({options.conversations} conversations, 4-6 s between a reply and the next message, "
              f"{options.latency_seconds:g} s; ack: until the webhook answered)")
        print(f"{'db':<10} {'workers':<26} {'turns':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8} "
              f"{'ack p50':>8} {'ack p99':>8}")
        for database in options.databases:
            for separate in ([False, True] if database == "postgresql" else [False]):
                url = fresh_database(database, options.postgres_url, folder)
                r = latency(database, url, options.redis_url, options.conversations, options.latency_seconds,
                            separate, folder)
                print(f"{database:<10} {r['workers']:<26} {r['measured']:>6} {r['p50']:>8.1f} {r['p95']:>8.1f} "
                      f"{r['p99']:>8.1f} {r['max']:>8.1f} {r['ack_p50']:>8.1f} {r['ack_p99']:>8.1f}", flush=True)
                if r["measured"] < r["turns"]:
                    print(f"{'':<10} {r['turns'] - r['measured']} of {r['turns']} turns unmeasured "
                          f"({r['refused']} refused by the webhook; the rest: no reply received)", flush=True)


if __name__ == "__main__":
    main()
