"""A campaign to 100,000 subscribers: resolving the audience, rendering and queuing, and the memory it takes.

Run from the repository root:

    python benchmarks/campaign_benchmark.py [--subscribers 100000] [--database-url URL]
        [--deliver [--deliver-sample N] [--delivery-rate CHANNEL=RATE ...] [--delivery-concurrency C]]

Without ``--database-url`` a temporary SQLite file is used. With one (PostgreSQL), that database is
migrated and EMPTIED first: never point it at a database you keep. The subscribers are varied the
way real ones are (SMS, Telegram, WhatsApp and web; ten postcode districts; sectors; topics; every
one with its own business name, so no rendered text is reused); 1% have said STOP and 5% have
already had their weekly quota, so the exclusions and the cap are exercised too. The campaign is the
Christmas preset for every district, approved and scheduled through the life cycle, and sent by
the same function the scheduler calls. Figures printed:

1. Resolving the audience alone (the subscriptions query and the weekly-cap counts).
2. Rendering every recipient's message alone (the sandboxed templates, no database).
3. The whole send as the scheduler does it: resolve, render, queue in batches, record the figures.
   Targets: under 20 s on SQLite, under 10 s on PostgreSQL.
4. Peak memory of the process during the send (the kernel's high-water mark, reset before the send
   where the kernel allows), and above the resting size. Target: under 300 MB.
5. Checks: messages queued = audience, duplicates 0, lost 0; the same send woken again queues nothing.

With ``--deliver``, then:

6. Delivery through the real sender workers (``bot.delivery.runner.Delivery``, as `bizwatch worker`
   runs them, with the real Telegram and Twilio adapters) to the fake Telegram and Twilio servers
   (``fakes_support``, in a process of their own), which enforce the same rate limits with 429s:
   time taken, achieved rate per channel against its limit (over the delivery, and in the busiest
   window: never above 1.0), 429s, and duplicates 0, lost 0 counted at the fakes against the outbox.
   Web subscribers' messages are collected by the chat page, not sent by a worker.

   What is scaled, and why: at the service's own limits (SMS 10 segments a second, Telegram 30 and
   WhatsApp 10 messages a second) a send to 100,000 takes hours (its SMS alone about three), so by
   default the workers deliver a sample at those limits: they are stopped, as `bizwatch worker`
   stops, once ``--deliver-sample`` messages (default 3,000) are finished; the rest stay queued, and
   the time the whole send would take at these rates is printed. ``--deliver-sample 0`` delivers
   every message. ``--delivery-rate`` raises (or lowers) a channel's limit for the workers and the
   fake alike (e.g. ``--delivery-rate sms=400/second``); a small machine cannot keep up with much
   more than the defaults (about 50 messages a second in all on two slow cores, where the fakes,
   the workers and the database share the CPU), so raised rates then measure the machine.
   Twilio's status callbacks are not served here (rows stay ``sent``; the campaign tests follow them
   to ``delivered``).

The exit status is 1 if a check fails.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from limits import parse  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from bot.campaigns import lifecycle  # noqa: E402
from bot.campaigns.presets import get_preset  # noqa: E402
from bot.campaigns.rendering import Renderer, advice_items  # noqa: E402
from bot.campaigns.audience import resolve  # noqa: E402
from bot.campaigns.rules import CampaignRules  # noqa: E402
from bot.campaigns.wake import send_due  # noqa: E402
from bot.config import DELIVERY_RATES, DELIVERY_RATES_PER_RECIPIENT, Settings  # noqa: E402
from bot.delivery.outbox import SYNCHRONOUS_CHANNELS, Status  # noqa: E402
from bot.delivery.runner import Delivery  # noqa: E402
from bot.delivery.wakeup import Wakeup  # noqa: E402
from bot.service import sending_channels  # noqa: E402
from bot.storage.db import make_engine, make_session_factory  # noqa: E402
from bot.storage.migrate import upgrade  # noqa: E402
from bot.storage.models import Base, Campaign, Contact, OutboxMessage, Subscription  # noqa: E402
from fakes_support import FakeProviders, Receipt, busiest, parse_rates, per_second  # noqa: E402

CHANNELS = (("sms", 60), ("telegram", 30), ("whatsapp", 5), ("web", 5))  # share of subscribers, %
SECTORS = ("retail", "retail", "retail", "forecourt", "hospitality", "licensed", "office", "rural")
DISTRICTS = tuple(f"WS{n}" for n in range(1, 11))
WRITER, APPROVER = "Benchmark Writer", "Benchmark Approver"
TARGET_SECONDS = {"sqlite": 20.0, "postgresql": 10.0}
TARGET_MB = 300.0
# Tuesday 1 December 2026, 09:00 London (GMT): the campaign is made; it sends on Friday 4 at 10:00.
MADE = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
TELEGRAM_IDS = 700_000_000  # Telegram chat ids are numbers
DELIVER_SAMPLE = 3_000  # about two minutes at the service's own rates (see the module docstring)
CONCURRENCY: int = Settings.model_fields["delivery_concurrency"].default
# The fake Telegram admits a message on its monotonic clock and stamps the wall-clock time a moment later,
# so the busiest window is read this much shorter than the limit's (as the delivery tests' TOLERANCE).
STAMP_SLACK_SECONDS = 0.05


def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_memory() -> bool:
    """Reset the kernel's high-water mark (VmHWM) to the current size, where Linux allows it."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def prepare(url: str | None, folder: Path) -> str:
    if not url:
        url = f"sqlite:///{folder / 'campaign-bench.sqlite3'}"
    url = Settings(database_url=url, _env_file=None).database_url
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return url


def channel_of(n: int) -> str:
    slot, total = n % 100, 0
    for channel, share in CHANNELS:
        total += share
        if slot < total:
            return channel
    return CHANNELS[0][0]


def add_subscribers(sessions, count: int) -> None:
    """``count`` confirmed subscribers; 1% said STOP, 5% already had their weekly quota."""
    week_ago = MADE - timedelta(days=2)
    rows, contacts, earlier = [], [], []
    for n in range(count):
        channel = channel_of(n)
        address = {"sms": f"+447{n:09d}", "whatsapp": f"+447{n:09d}", "telegram": str(TELEGRAM_IDS + n)}.get(
            channel, f"{channel}-{n}")
        topics = ["shop_theft", "seasonal"] if n % 3 else ["seasonal", "burglary", "fraud"]
        rows.append({"channel": channel, "address": address, "business_name": f"Business number {n}",
                     "topics": topics, "areas": [DISTRICTS[n % len(DISTRICTS)]], "sector": SECTORS[n % len(SECTORS)],
                     "max_per_week": 2, "status": "active", "source": "import", "confirmed_at": week_ago,
                     "created_at": week_ago, "updated_at": week_ago})
        if n % 100 == 7:
            contacts.append({"channel": channel, "address": address, "opted_out_at": week_ago,
                             "created_at": week_ago, "updated_at": week_ago})
        if n % 20 == 3:
            for k in range(2):
                earlier.append({"channel": channel, "address": address, "idempotency_key": f"campaign:0:{k}",
                                "purpose": "campaign", "body": [], "status": "delivered", "urgent": False,
                                "due_at": week_ago, "next_attempt_at": week_ago, "attempts": 1, "parts_sent": 1,
                                "provider_ids": [], "created_at": MADE - timedelta(hours=k + 1),
                                "updated_at": week_ago})
    with sessions.begin() as session:
        for table, values in ((Subscription, rows), (Contact, contacts), (OutboxMessage, earlier)):
            for first in range(0, len(values), 10_000):
                session.execute(insert(table.__table__), values[first:first + 10_000])


def scheduled_campaign(sessions, rules: CampaignRules) -> int:
    preset = get_preset("christmas-shop-theft")
    draft = preset.draft(MADE.date()).replace(audience=preset.audience.__class__.build(
        topics=preset.audience.topics, sectors=()), name="Benchmark: Christmas shop theft, every district")
    with sessions.begin() as session:
        campaign = lifecycle.create(session, draft, WRITER, MADE, rules.text_limits())
        lifecycle.submit(session, campaign, WRITER, MADE)
        lifecycle.approve(session, campaign, APPROVER, MADE, single_approver=False)
        lifecycle.schedule(session, campaign, APPROVER, MADE, rules.timezone)
        return campaign.id


@dataclass(frozen=True)
class DeliveryPlan:
    """How ``--deliver`` delivers: the send rates (the workers' and the fakes' alike), how many messages
    (0: all), and how many sends the worker process keeps in flight."""

    rates: dict[str, str]
    per_recipient: dict[str, str]
    sample: int
    concurrency: int


def sending_clock(start: datetime) -> Callable[[], datetime]:
    """The workers' clock: ``start`` (when every message of the send is due), moving on in real time."""
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


def sent_by_workers(key: str) -> Any:
    """The send's rows a sender worker handles (web subscribers' are collected by the chat page)."""
    return (OutboxMessage.idempotency_key.like(f"{key}%"),
            OutboxMessage.channel.not_in(sorted(SYNCHRONOUS_CHANNELS)))


def count(sessions, *where: Any) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).where(*where)) or 0


def queued_per_channel(sessions, where: Any) -> dict[str, int]:
    with sessions() as session:
        return {channel: n for channel, n in session.execute(
            select(OutboxMessage.channel, func.count()).where(*where).group_by(OutboxMessage.channel))}


def deliver_through_fake_channels(url: str, campaign_id: int, plan: DeliveryPlan) -> dict[str, bool]:
    """Deliver the messages of ``campaign_id`` through the real sender workers and the fake providers; checks.

    The workers are ``bot.delivery.runner.Delivery`` with the channels ``bot.service.sending_channels``
    builds (the real Telegram and Twilio adapters), pointed at the fakes, which enforce the same rates
    the workers keep to. Their clock starts when the last message is due (the send is in December) and
    moves on in real time. With a sample, the workers are stopped once that many messages are finished,
    the way `bizwatch worker` stops (the part in hand goes; what it holds goes back to the queue); the
    rest stay queued. Printed per channel: messages, time, achieved rate / allowed rate over the
    delivery and in the busiest window (never above 1.0), 429s, and how long the channel's whole share
    of the send takes at its limit; then, counted at the fakes against the outbox: duplicates (more
    parts received by an address than recorded for it), lost (recorded as sent, never received) and
    unrecorded (received, not recorded: a retry would send it again).
    """
    key = f"campaign:{campaign_id}:"
    mine = sent_by_workers(key)
    watching = make_engine(url, reads_only=True)  # looks once a second without queueing for the workers' lock
    sessions = make_session_factory(watching)
    waiting = OutboxMessage.status.in_((Status.QUEUED.value, Status.SENDING.value))
    with sessions() as session:
        last_due = session.scalar(select(func.max(OutboxMessage.due_at)).where(*mine))
    per_channel = queued_per_channel(sessions, (*mine, waiting))
    queued = sum(per_channel.values())
    wanted = min(plan.sample, queued) if plan.sample else queued
    with FakeProviders(plan.rates, plan.per_recipient) as fakes:
        settings = fakes.settings(Settings(database_url=url, delivery_concurrency=plan.concurrency,
                                           delivery_poll_seconds=1.0, _env_file=None))
        channels = sending_channels(settings)
        wakeup = Wakeup(url)
        delivery = Delivery(settings, channels, wakeup, clock=sending_clock(last_due))
        deadline = time.monotonic() + 3 * wanted / min(per_second(plan.rates[name]) for name in channels) + 120
        started = time.monotonic()
        delivery.start()
        try:
            while queued - count(sessions, *mine, waiting) < wanted and time.monotonic() < deadline:
                time.sleep(1.0)
            seconds = time.monotonic() - started
        finally:
            delivery.stop()
            wakeup.close()
            for channel in channels.values():
                getattr(channel, "close", lambda: None)()
        received = fakes.finish()
    with sessions() as session:
        rows = session.execute(select(OutboxMessage.channel, OutboxMessage.address, OutboxMessage.status,
                                      OutboxMessage.error_code, OutboxMessage.provider_ids).where(*mine)).all()
    watching.dispose()
    finished = sum(row.status not in (Status.QUEUED.value, Status.SENDING.value) for row in rows)
    scaled = {name: rate for name, rate in plan.rates.items() if rate != DELIVERY_RATES.get(name)}
    print(f"6. delivery through the real sender workers ({plan.concurrency} sends in flight per channel) and "
          f"the fake providers: {finished:,} of the {queued:,} messages workers send, in {seconds:.1f} s"
          + (f" (a sample: the workers were stopped once {wanted:,} were finished; the rest stay queued)"
             if wanted < queued else ""))
    rates = ", ".join(f"{name} {rate}" for name, rate in sorted(plan.rates.items()))
    print(f"   rates (workers and fakes alike): {rates}"
          + (f"; scaled for the benchmark from the service's own "
             f"({', '.join(f'{name} {DELIVERY_RATES[name]}' for name in sorted(scaled))})" if scaled else
             " (the service's own)"))
    checks: dict[str, bool] = {}
    for name in sorted(received.receipts):
        if received.receipts[name]:
            checks[f"{name}: never above its limit"] = report_rate(
                name, received.receipts[name], plan.rates[name], received.refusals[name], per_channel[name])
    recorded = Counter((row.channel, row.address, pid) for row in rows for pid in row.provider_ids or [])
    got = Counter((name, r.address, r.provider_id) for name, receipts in received.receipts.items() for r in receipts)
    per_address = Counter((channel, address) for channel, address, _ in recorded.elements())
    got_per_address = Counter((channel, address) for channel, address, _ in got.elements())
    duplicates = sum(max(0, n - per_address[where]) for where, n in got_per_address.items())
    lost, unrecorded = len(recorded.keys() - got.keys()), len(got.keys() - recorded.keys())
    statuses = Counter(row.status for row in rows)
    failed = Counter(row.error_code for row in rows if row.status in (Status.FAILED.value, Status.UNDELIVERED.value))
    print(f"   outbox: {', '.join(f'{status} {n:,}' for status, n in sorted(statuses.items()))}; failed by error: "
          f"{dict(failed) or 'none'}")
    print(f"   at the fakes against the outbox: duplicates {duplicates}, lost {lost}, unrecorded {unrecorded}")
    checks.update({"delivery: duplicates 0": duplicates == 0, "delivery: lost 0": lost == 0 and unrecorded == 0,
                   f"delivery: {wanted:,} finished, none left sending": finished >= wanted
                   and statuses[Status.SENDING.value] == 0})
    return checks


def report_rate(channel: str, receipts: list[Receipt], rate: str, refusals: int, queued: int) -> bool:
    """Print one channel's achieved rate against its limit; whether the busiest window kept to the limit.

    429s are the fake refusing a part that arrived over the limit (the workers count a part when it sets
    off, the provider when it arrives): the worker tries it again later, so they cost time, not messages.
    """
    item = parse(rate)
    window = float(item.get_expiry())
    units = sum(receipt.units for receipt in receipts)
    span = max(r.at for r in receipts) - min(r.at for r in receipts)
    achieved = units / (span + window)  # the first window's worth arrives at once: count it as taking one window
    peak = busiest(receipts, window - STAMP_SLACK_SECONDS) / item.amount
    unit = "segments" if channel == "sms" else "messages"
    whole = queued * units / len(receipts) / per_second(rate)
    print(f"   {channel:<9} {len(receipts):>6,} of {queued:>6,} ({units:,} {unit}) in {span:5.1f} s: {achieved:6.1f}/s "
          f"of {per_second(rate):g}/s allowed = {achieved / per_second(rate):.3f}; busiest {window:g} s window "
          f"{peak:.3f} of the limit; 429s {refusals}; all {queued:,} at the limit: {whole / 60:,.0f} min")
    return peak <= 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=100_000, help="How many subscribers (default 100,000).")
    parser.add_argument("--database-url", help="PostgreSQL URL of a database to EMPTY and use (default: SQLite).")
    parser.add_argument("--deliver", action="store_true",
                        help="Then deliver the send through the real sender workers and the fake providers.")
    parser.add_argument("--delivery-rate", action="append", default=[], metavar="CHANNEL=RATE",
                        help="A send rate for --deliver, kept by the workers and enforced by the fake, in limits "
                             "notation (e.g. sms=400/second; SMS in segments). Default: the service's, "
                             + ", ".join(f"{name}={rate}" for name, rate in DELIVERY_RATES.items()) + ".")
    parser.add_argument("--deliver-sample", type=int, default=DELIVER_SAMPLE, metavar="N",
                        help=f"Deliver the first N messages (by queue order), then stop the workers; 0: every "
                             f"message (default {DELIVER_SAMPLE:,}).")
    parser.add_argument("--delivery-concurrency", type=int, default=CONCURRENCY,
                        help=f"Sends in flight per channel in the worker process (default {CONCURRENCY}, the "
                             "service's).")
    args = parser.parse_args()
    plan = DeliveryPlan({**DELIVERY_RATES, **parse_rates(args.delivery_rate)}, dict(DELIVERY_RATES_PER_RECIPIENT),
                        args.deliver_sample, args.delivery_concurrency)
    with tempfile.TemporaryDirectory() as folder:
        url = prepare(args.database_url, Path(folder))
        backend = "postgresql" if url.startswith("postgresql") else "sqlite"
        database = make_engine(url)
        sessions = make_session_factory(database)
        rules = CampaignRules.from_settings(Settings(database_url=url, _env_file=None))
        started = time.perf_counter()
        add_subscribers(sessions, args.subscribers)
        print(f"database: {backend}; {args.subscribers:,} subscribers added in {time.perf_counter() - started:.1f} s")
        campaign_id = scheduled_campaign(sessions, rules)
        send_at = datetime(2026, 12, 4, 10, 0, 5, tzinfo=timezone.utc)
        with sessions() as session:
            campaign = session.get(Campaign, campaign_id)
            texts = {"sms": campaign.sms_template, "chat": campaign.chat_template}
            spec = lifecycle.draft_of(campaign).audience

        started = time.perf_counter()
        with sessions() as session:
            audience = resolve(session, spec, send_at, rules.zone)
        resolve_seconds = time.perf_counter() - started
        started = time.perf_counter()
        renderer = Renderer(texts, advice_items(campaign.articles), rules.text_limits())
        for recipient in audience.recipients:
            renderer.text(recipient.channel, recipient.business_name, recipient.area)
        render_seconds = time.perf_counter() - started
        print(f"1. resolve the audience alone: {resolve_seconds:.2f} s "
              f"({len(audience.recipients):,} to send, {audience.capped:,} capped)")
        print(f"2. render every message alone: {render_seconds:.2f} s")
        del audience, renderer

        resting = memory_mb("VmRSS")
        exact_peak = reset_peak_memory()
        started, cpu_started = time.perf_counter(), time.process_time()
        [outcome] = send_due(sessions, rules, lambda: send_at)
        send_seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
        peak = memory_mb("VmHWM")
        target = TARGET_SECONDS[backend]
        print(f"3. the whole send (resolve, render, queue, record): {send_seconds:.2f} s "
              f"(target under {target:.0f} s: {'met' if send_seconds < target else 'MISSED'}); "
              f"{outcome.queued / send_seconds:,.0f} messages/s; this process's CPU {cpu_seconds:.2f} s, "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"4. peak memory during the send: {peak:.0f} MB "
              f"({'since the send began' if exact_peak else 'whole process'}; resting {resting:.0f} MB, "
              f"+{peak - resting:.0f} MB) (target under {TARGET_MB:.0f} MB: {'met' if peak < TARGET_MB else 'MISSED'})")

        key = f"campaign:{campaign_id}:"
        with sessions() as session:
            queued, distinct = session.execute(select(func.count(), func.count(func.distinct(
                OutboxMessage.channel + ":" + OutboxMessage.address))).where(
                OutboxMessage.idempotency_key.like(f"{key}%"))).one()
        again = send_due(sessions, rules, lambda: send_at + timedelta(minutes=1))
        with sessions() as session:
            after = session.scalar(select(func.count()).where(OutboxMessage.idempotency_key.like(f"{key}%")))
        lost = outcome.audience - outcome.capped - queued
        checks = {"queued = audience": queued == outcome.audience - outcome.capped, "duplicates 0": distinct == queued,
                  "lost 0": lost == 0, "woken again: nothing new": not again and after == queued}
        print(f"5. audience {outcome.audience:,} (capped {outcome.capped:,}), queued {queued:,}, "
              f"duplicates {queued - distinct}, lost {lost}; woken again: {after - queued} more")
        for name, passed in checks.items():
            print(f"   {'ok ' if passed else 'FAILED'} {name}")
        if args.deliver:
            checks.update(deliver_through_fake_channels(url, campaign_id, plan))
            for name, passed in checks.items():
                if name.startswith(("delivery", "sms", "telegram", "whatsapp")):
                    print(f"   {'ok ' if passed else 'FAILED'} {name}")
        database.dispose()
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
