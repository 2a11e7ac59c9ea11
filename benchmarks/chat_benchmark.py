"""Chat throughput and latency: scripted crime reports over HTTP against the real app.

Run from the repository root:

    python benchmarks/chat_benchmark.py [--conversations N] [--turns T] [--concurrency C]
                                        [--database-url URL] [--profile FILE] [--by-turn]

The server is bizwatch's real app (``build_service`` + ``create_app``) under uvicorn in a separate
process: one worker, no access log, the event loop and HTTP parser uvicorn picks (uvloop and
httptools when installed). This process then plays N conversations, C at a time, each a shop
theft report from the first message to "submit", over keep-alive connections to
``POST /webhooks/rest/webhook`` as a machine client (a bearer token made for the run), every message
with its own ``message_id``. A person waits for the
reply before typing again, so each conversation is sequential; concurrency comes from several
conversations at once. One conversation is played first to warm up (the interpreter trains on
first use) and is not measured.

Latency is measured per turn in this process (request sent to reply parsed), so it includes the
HTTP round trip over loopback. CPU time per turn is read from /proc for the server and this
process, so a busy machine shows as waiting rather than as a slower server. Every reply is checked
against the words the script expects; a conversation that goes off script is counted as an error
and stopped. The run ends with the number of references given ("your reference is") and the
number of submitted reports in the database; the exit status is 1 if any of them is wrong.

Database: a fresh SQLite file in a temporary folder by default. For PostgreSQL the benchmark never
touches the database named in the URL: it uses (and creates if missing) a database called
``bizwatch_bench`` on the same server and empties its tables first.

``--profile FILE`` attaches py-spy (``pip install py-spy``; not a project dependency) to the server
after the warm-up (sampling whichever thread holds the GIL), writes collapsed stacks to FILE and
prints where the server's time went. ``--by-turn`` prints latency for each line of the script.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

BENCH_DATABASE = "bizwatch_bench"
ENV_DATABASE_URL = "BIZWATCH_BENCH_DATABASE_URL"
ENV_NLU_CACHE = "BIZWATCH_BENCH_NLU_CACHE"
# The benchmark is a machine client: it names its senders, so it authenticates with the REST token.
BENCH_TOKEN = secrets.token_urlsafe(24)
AUTHORIZATION = {"Authorization": f"Bearer {BENCH_TOKEN}"}
REFERENCE_WORDS = "your reference is"
STARTUP_SECONDS = 180.0
REQUEST_TIMEOUT = 30.0
TARGET_P99_MS = 25.0  # from the performance issue: a 2-core machine with SQLite
TARGET_TURNS_PER_SECOND = 300.0

# (what the shopkeeper types, words the reply must contain). "{n}" makes each business distinct.
SCRIPT: list[tuple[str, str]] = [
    ("someone nicked £80 of meat yesterday afternoon", "still there"),
    ("no", "where did it happen"),
    ("Kumar's Convenience Store {n}, 12 High Street, Walsall WS1 1QL", "anything to add"),
    ("he put 6 steaks and a leg of lamb in his coat and walked out", "describe them"),
    ("young lad, about 18, grey hoodie, scar on his left cheek", "cctv"),
    ("yes you can see his face, the clock is right, it keeps 30 days", "link"),
    ("later", "anyone else see"),
    ("no", "your name and role"),
    ("Priya Kumar, owner, 07700 900123", "prefer"),
    ("text", "witness statement"),
    ("yes", "here's your report"),
    ("submit", REFERENCE_WORDS),
]


# --- the server process -----------------------------------------------------------------------
def server_app():
    """uvicorn factory (``--factory chat_benchmark:server_app``), run in the server process."""
    from bot.config import Settings
    from bot.service import build_service
    from bot.web.app import create_app

    settings = Settings(database_url=os.environ[ENV_DATABASE_URL], nlu_cache_dir=os.environ[ENV_NLU_CACHE],
                        _env_file=None)
    return create_app(build_service(settings))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(database_url: str, nlu_cache: str, port: int, workers: int = 1) -> subprocess.Popen:
    if workers > 1:
        # Migrate once before the workers start, rather than in each of them at the same moment.
        from bot.storage.migrate import upgrade

        upgrade(database_url)
    command = [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(HERE), "chat_benchmark:server_app",
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--no-access-log",
               "--log-level", "warning"]
    env = {**os.environ, "BIZWATCH_REST_TOKEN": BENCH_TOKEN, ENV_DATABASE_URL: database_url,
           ENV_NLU_CACHE: nlu_cache}
    return subprocess.Popen(command, env=env, cwd=ROOT)


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process and its children (uvicorn's workers) so far (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return None
    return own + sum(cpu_seconds(int(child)) or 0.0 for child in children)


def wait_until_healthy(base_url: str, server: subprocess.Popen) -> float:
    import httpx

    started = time.monotonic()
    while time.monotonic() - started < STARTUP_SECONDS:
        if server.poll() is not None:
            raise SystemExit(f"the server exited during start-up (code {server.returncode})")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer /healthz within {STARTUP_SECONDS:.0f} s")


def stop(process: subprocess.Popen, sig: int = signal.SIGINT, timeout: float = 20) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- the database -----------------------------------------------------------------------------
def prepare_database(url: str | None, folder: Path) -> str:
    """The URL the server will use, migrated and empty."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from bot.config import Settings
    from bot.storage.db import make_engine
    from bot.storage.migrate import upgrade
    from bot.storage.models import Base

    if not url:
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    url = Settings(database_url=url, _env_file=None).database_url
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("--database-url: give a PostgreSQL URL, or leave it out for a temporary SQLite file")
    bench_url = parsed.set(database=BENCH_DATABASE)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": BENCH_DATABASE}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{BENCH_DATABASE}"'))
    admin.dispose()
    url = bench_url.render_as_string(hide_password=False)
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()
    return url


def count_submitted_reports(url: str) -> int:
    from sqlalchemy import func, select

    from bot.storage.db import make_engine
    from bot.storage.models import Report

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(Report)
                                      .where(Report.status != "draft")).scalar_one()
    finally:
        engine.dispose()


# --- the client -------------------------------------------------------------------------------
@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    by_step: dict[int, list[float]] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    references: int = 0
    conversations_finished: int = 0
    first_error: str | None = None

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] += 1
        if self.first_error is None:
            self.first_error = detail


async def converse(client, sender: str, number: int, turns: int, results: Results, measure: bool = True) -> None:
    """One shopkeeper: the first ``turns`` messages of the script, each after the previous reply."""
    for index in range(turns):
        said, expected = SCRIPT[index]
        body = {"sender": sender, "message": said.format(n=number), "message_id": uuid.uuid4().hex}
        started = time.perf_counter()
        try:
            response = await client.post("/webhooks/rest/webhook", json=body)
            replies = response.json() if response.status_code == 200 else None
        except Exception as error:  # noqa: BLE001 - every failure is counted, none stops the run
            results.error(type(error).__name__, f"{sender} turn {index + 1}: {error!r}")
            return
        elapsed_ms = (time.perf_counter() - started) * 1000
        if measure:
            results.latencies_ms.append(elapsed_ms)
            results.by_step.setdefault(index, []).append(elapsed_ms)
        if replies is None:
            results.error(f"HTTP {response.status_code}", f"{sender} turn {index + 1}: HTTP {response.status_code}")
            return
        text = "\n".join(reply.get("text", "") for reply in replies).lower()
        if expected.lower() not in text:
            results.error("off script",
                          f"{sender} turn {index + 1} {said!r}: expected {expected!r}, got {text[:200]!r}")
            return
        if REFERENCE_WORDS in text:
            results.references += 1
    results.conversations_finished += 1


class RawResponse:
    def __init__(self, status_code: int, body: bytes) -> None:
        self.status_code = status_code
        self.body = body

    def json(self):
        return json.loads(self.body)


class KeepAliveClient:
    """A minimal HTTP/1.1 keep-alive client over asyncio streams, one connection per conversation.

    The load generator shares the machine's two cores with the server; httpx spends about 1.5 ms
    of CPU per request, this about a tenth of that, leaving the CPU to what is being measured.
    It understands exactly what uvicorn sends back here: a status line, headers, Content-Length.
    """

    def __init__(self, host: str, port: int, headers: dict[str, str] | None = None) -> None:
        self.host, self.port = host, port
        self.extra = "".join(f"{name}: {value}\r\n" for name, value in (AUTHORIZATION if headers is None
                                                                         else headers).items())
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def __aenter__(self) -> "KeepAliveClient":
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.writer is not None:
            self.writer.close()

    async def post(self, path: str, json: dict) -> RawResponse:
        import json as json_module

        body = json_module.dumps(json).encode()
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Content-Type: application/json\r\n{self.extra}Content-Length: {len(body)}\r\n\r\n"
                          .encode() + body)
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), REQUEST_TIMEOUT)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
        length = int(next(v for k, v in headers.items() if k.lower() == "content-length"))
        return RawResponse(status, await self.reader.readexactly(length))


async def run_load(base_url: str, conversations: int, turns: int, concurrency: int, run_id: str,
                   results: Results) -> float:
    host, port = base_url.removeprefix("http://").split(":")
    queue: asyncio.Queue[int] = asyncio.Queue()
    for number in range(conversations):
        queue.put_nowait(number)

    async def worker(client: KeepAliveClient) -> None:
        while True:
            try:
                number = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            await converse(client, f"bench-{run_id}-{number}", number, turns, results)

    # Open the keep-alive connections before the clock starts.
    clients = [await KeepAliveClient(host, int(port)).__aenter__() for _ in range(concurrency)]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for client in clients))
        return time.perf_counter() - started
    finally:
        for client in clients:
            await client.__aexit__()


async def warm_up(base_url: str, run_id: str) -> float:
    import httpx

    results = Results()
    started = time.perf_counter()
    async with httpx.AsyncClient(base_url=base_url, timeout=STARTUP_SECONDS, headers=AUTHORIZATION) as client:
        await converse(client, f"bench-{run_id}-warm-up", -1, len(SCRIPT), results, measure=False)
    if results.errors:
        raise SystemExit(f"warm-up conversation failed: {results.first_error}")
    return time.perf_counter() - started


# --- profiling --------------------------------------------------------------------------------
# Each sample goes to the first rule matching a frame, walking from the innermost frame outwards, so
# the shares add up to 100 %: "SQLAlchemy" is time in SQLAlchemy's own Python code, "database driver"
# the calls into sqlite3/psycopg (execute, commit), "engine" bot/engine.py's own code, and so on.
CATEGORIES = [
    ("database driver (execute, commit)", ("do_execute (", "do_commit (", "do_rollback (", "sqlite3/", "psycopg/",
                                           "_cursor_execute", "connect (sqlite3")),
    ("SQLAlchemy (ORM, core, pool)", ("sqlalchemy/",)),
    ("NLU: intent classifier", ("nlu/classifier.py", "sklearn/", "numpy/", "scipy/")),
    ("NLU: entity extractors", ("nlu/",)),
    ("flows and reports (bot/flows, bot/reports)", ("bot/flows/", "bot/reports/")),
    ("engine (bot/engine.py, commands, emergency)", ("bot/",)),
    ("pydantic (request, settings)", ("pydantic",)),
    ("FastAPI/Starlette (routing, JSON response)", ("fastapi/", "starlette/")),
    ("anyio (to_thread hand-off)", ("anyio/",)),
    ("uvicorn + httptools (HTTP)", ("uvicorn/", "httptools")),
    ("asyncio / uvloop event loop", ("asyncio/", "uvloop")),
]
OTHER = "other (threading, stdlib)"


PROFILE_RATE = 250  # samples per second


def attach_profiler(pid: int, output: str) -> subprocess.Popen:
    command = ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--gil", "--nonblocking",
               "--rate", str(PROFILE_RATE), "--output", output]
    try:
        profiler = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except FileNotFoundError:
        raise SystemExit("--profile needs py-spy: pip install py-spy") from None
    time.sleep(1.0)  # py-spy needs a moment to attach before the load starts
    if profiler.poll() is not None:
        raise SystemExit(f"py-spy failed: {profiler.stderr.read().decode(errors='replace')[:500]}")
    return profiler


def categorise(stack: str) -> str:
    for frame in reversed(stack.split(";")):
        for label, needles in CATEGORIES:
            if any(needle in frame for needle in needles):
                return label
    return OTHER


def summarise_profile(path: str, turns: int) -> None:
    """Where the server held the GIL: shares of the samples and that share as milliseconds per turn
    (py-spy slows the server a little, so the milliseconds overstate slightly)."""
    totals: Counter = Counter()
    samples = 0
    for line in Path(path).read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples += int(count)
        totals[categorise(stack)] += int(count)
    if not samples:
        print("profile: no samples (is py-spy allowed to ptrace the server?)")
        return
    per_turn = 1000 / PROFILE_RATE / max(turns, 1)
    print(f"\nserver profile ({path}): GIL held {samples * per_turn:.2f} ms per turn "
          f"({samples} samples at {PROFILE_RATE}/s over {turns} turns); exclusive shares:")
    for label, count in totals.most_common():
        print(f"  {label:45} {100 * count / samples:5.1f} %  {count * per_turn:6.2f} ms/turn")


# --- main -------------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=60, help="Conversations to play (default 60).")
    parser.add_argument("--turns", type=int, default=len(SCRIPT),
                        help=f"Messages per conversation, at most {len(SCRIPT)} (default: the whole report to "
                             "'submit'; fewer stops each report part-way, so no references are expected).")
    parser.add_argument("--concurrency", type=int, default=2,
                        help="Conversations in flight at once (default 2: one per core of the 2-core target).")
    parser.add_argument("--database-url", help="PostgreSQL URL; the benchmark uses a 'bizwatch_bench' database "
                                               "on that server. Default: SQLite in a temporary folder.")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1).")
    parser.add_argument("--by-turn", action="store_true", help="Also print latency for each line of the script.")
    parser.add_argument("--profile", metavar="FILE", help="py-spy collapsed stacks of the server, after warm-up.")
    args = parser.parse_args()
    if min(args.conversations, args.turns, args.concurrency) < 1:
        parser.error("--conversations, --turns and --concurrency must be at least 1")
    if args.turns > len(SCRIPT):
        parser.error(f"--turns: the scripted report has {len(SCRIPT)} messages; use more --conversations for more")

    run_id = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory(prefix="bizwatch-bench-") as folder:
        database_url = prepare_database(args.database_url, Path(folder))
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(database_url, str(Path(folder) / "nlu-cache"), port, args.workers)
        profiler = None
        try:
            startup_s = wait_until_healthy(base_url, server)
            warm_s = asyncio.run(warm_up(base_url, run_id))
            if args.profile:
                profiler = attach_profiler(server.pid, args.profile)
            results = Results()
            server_cpu, client_cpu = cpu_seconds(server.pid), time.process_time()
            wall_s = asyncio.run(run_load(base_url, args.conversations, args.turns, args.concurrency, run_id,
                                          results))
            server_cpu_end, client_cpu = cpu_seconds(server.pid), time.process_time() - client_cpu
        finally:
            if profiler is not None:
                stop(profiler)
            stop(server)
        reports = count_submitted_reports(database_url)

    turns = len(results.latencies_ms)
    expected_refs = args.conversations if args.turns == len(SCRIPT) else 0
    shown_url = database_url if database_url.startswith("postgresql") else "sqlite (temporary file)"
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = "httptools" if importlib.util.find_spec("httptools") else "h11"
    print(f"server: uvicorn ({loop}, {http}), {args.workers} worker(s), pid {server.pid}; {os.cpu_count()} CPUs; "
          f"database {shown_url}")
    print(f"start-up {startup_s:.1f} s, warm-up conversation {warm_s:.2f} s")
    print(f"conversations {args.conversations} x {args.turns} turns, concurrency {args.concurrency}")
    print(f"total turns      {turns}")
    print(f"wall time        {wall_s:.2f} s")
    print(f"turns/second     {turns / wall_s:.1f}" if wall_s > 0 else "turns/second     -")
    if turns:
        lat = results.latencies_ms
        print(f"latency ms       p50 {percentile(lat, 0.50):.1f}  p90 {percentile(lat, 0.90):.1f}  "
              f"p99 {percentile(lat, 0.99):.1f}  max {max(lat):.1f}")
    if turns and server_cpu is not None and server_cpu_end is not None:
        print(f"CPU per turn     server {1000 * (server_cpu_end - server_cpu) / turns:.2f} ms, "
              f"benchmark client {1000 * client_cpu / turns:.2f} ms; load average {os.getloadavg()[0]:.2f}")
    errors = sum(results.errors.values())
    print(f"errors           {errors}" + (f" {dict(results.errors)}; first: {results.first_error}" if errors else ""))
    print(f"reports          {results.references} references given of {expected_refs} expected; "
          f"{reports} submitted reports in the database (1 more from the warm-up)")
    if turns and wall_s > 0:
        p99, rate = percentile(results.latencies_ms, 0.99), turns / wall_s
        verdict = "met" if p99 < TARGET_P99_MS and rate >= TARGET_TURNS_PER_SECOND else "MISSED"
        print(f"targets          p99 < {TARGET_P99_MS:.0f} ms and >= {TARGET_TURNS_PER_SECOND:.0f} turns/s: {verdict} "
              f"(p99 {p99:.1f} ms, {rate:.0f} turns/s)")
    if args.by_turn:
        print("\nlatency by script line (ms):")
        for step, values in sorted(results.by_step.items()):
            print(f"  {step + 1:2} {SCRIPT[step][0][:40]:40} p50 {percentile(values, 0.5):6.1f}  "
                  f"p99 {percentile(values, 0.99):6.1f}  max {max(values):6.1f}")
    if args.profile:
        summarise_profile(args.profile, turns)
    ok = errors == 0 and results.references == expected_refs and reports == expected_refs + 1
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
