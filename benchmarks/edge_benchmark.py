"""The public edge under hostile load: memory with oversized requests, chat latency during hostile
parses, and how a flood from one address is refused.

Run from the repository root (one command; about two to four minutes on a 2-core machine):

    python benchmarks/edge_benchmark.py [--window 15] [--hostile 48] [--flood 10] [--skip-model-parse]

The server is bizwatch's real app under uvicorn in its own process (the same factory and start-up as
benchmarks/chat_benchmark.py), SQLite in a temporary folder, default edge settings except: a REST
token for the machine clients, /model/parse turned on (token holders only) for the 64 kB parse
measurement, and 127.0.0.1 as a trusted proxy so one process can speak for several client addresses
through X-Forwarded-For. Figures printed:

1. Peak RSS with six 100 MB requests in flight: six connections each send 100 MB as fast as the
   server takes it, once with Content-Length and once chunked. Peak is the kernel's high-water mark
   (VmHWM) compared with the idle RSS after warm-up. Target: within 50 MB of idle.
2. Chat turn p99 while 48 hostile parses are in flight: a machine client plays scripted reports one
   turn at a time while 48 other connections keep hostile texts in flight (registrations and dates
   repeated to fill the body limit): (a) through the public webhook, where the engine reads at most
   BIZWATCH_MAX_MESSAGE_CHARS characters, each from a new sender; (b) through /model/parse, which
   reads the whole 64 kB. Target: p99 under 100 ms.
3. A flood from one address: ``--flood`` seconds of chat-page requests (cookie, no token) from one
   address on 8 connections, as fast as they are answered, while a person at another address chats.
   Printed: the share answered 429, the refusals per second, and the person's latency and statuses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from chat_benchmark import (SCRIPT, KeepAliveClient, cpu_seconds, free_port, percentile, start_server,  # noqa: E402
                            stop, wait_until_healthy)

MB = 1024 * 1024
OVERSIZED_BYTES = 100 * MB
OVERSIZED_REQUESTS = 6
TARGET_RSS_MB = 50.0
TARGET_P99_MS = 100.0
WEBHOOK = "/webhooks/rest/webhook"
MAX_TEXT_CHARS = 64_000  # bot.web.app.MAX_BODY_CHARS: the longest message or text the API takes


def memory_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/{pid}/status")


def hostile_text(limit_bytes: int) -> str:
    """Registrations and dates over and over (what made the extractors slow), as long as the body allows."""
    unit = "AB12 CDE on 12/03/2025 at 10:30pm, then KX65 ZTR 13/03/2025 "
    return (unit * (limit_bytes // len(unit) + 1))[: min(limit_bytes - 1024, MAX_TEXT_CHARS)]


# --- 1. memory ----------------------------------------------------------------------------------
async def oversized_request(port: int, chunked: bool) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {OVERSIZED_BYTES}"
    writer.write(f"POST {WEBHOOK} HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
                 .encode())
    answer = asyncio.create_task(reader.read(64))  # read the answer as soon as it comes, while sending
    block = b"x" * MB
    frame = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
    sent = 0
    try:
        for _ in range(OVERSIZED_BYTES // MB):
            writer.write(frame)
            await writer.drain()
            sent += MB
    except (ConnectionError, OSError):
        pass  # the server answered and closed: the rest was never wanted
    try:
        head = await asyncio.wait_for(answer, 30)
        status = head.split(b"\r\n", 1)[0].decode(errors="replace") or "closed"
    except (ConnectionError, OSError, asyncio.TimeoutError) as error:
        status = type(error).__name__
    finally:
        writer.close()
    return f"{status} after {sent // MB} MB sent"


async def oversized_phase(port: int, pid: int, chunked: bool) -> tuple[float, list[str], float]:
    started = time.perf_counter()
    statuses = await asyncio.gather(*(oversized_request(port, chunked) for _ in range(OVERSIZED_REQUESTS)))
    return memory_kb(pid, "VmHWM") / 1024, list(statuses), time.perf_counter() - started


# --- 2. latency during hostile parses ------------------------------------------------------------
async def person(port: int, stop_at: float, latencies: list[float], statuses: Counter,
                 headers: dict[str, str] | None = None, sender_prefix: str = "person", pause: float = 0.0) -> None:
    """Scripted reports, one turn after another (``pause`` seconds apart), until ``stop_at``."""
    async with KeepAliveClient("127.0.0.1", port, headers=headers) as client:
        while time.perf_counter() < stop_at:
            sender = f"{sender_prefix}-{uuid.uuid4().hex[:8]}"
            for said, _ in SCRIPT:
                if time.perf_counter() >= stop_at:
                    return
                body = {"message": said.format(n=1), "message_id": uuid.uuid4().hex}
                if headers is None:
                    body["sender"] = sender
                started = time.perf_counter()
                try:
                    response = await client.post(WEBHOOK, json=body)
                except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError) as error:
                    # No answer within the client's 30 s: counted at what it cost, and this person gives up.
                    latencies.append((time.perf_counter() - started) * 1000)
                    statuses[type(error).__name__] += 1
                    return
                latencies.append((time.perf_counter() - started) * 1000)
                statuses[response.status_code] += 1
                if response.status_code != 200:
                    break
                await asyncio.sleep(pause)


async def hostile(port: int, path: str, text: str, stop_at: float, done: Counter) -> None:
    async with KeepAliveClient("127.0.0.1", port) as client:
        while time.perf_counter() < stop_at:
            body = {"text": text} if path == "/model/parse" else {
                "sender": f"hostile-{uuid.uuid4().hex}", "message": text}
            try:
                response = await asyncio.wait_for(client.post(path, json=body), 600)
            except (asyncio.TimeoutError, ConnectionError, asyncio.IncompleteReadError):
                return
            done[response.status_code] += 1


async def hostile_phase(port: int, path: str, text: str, window: float, inflight: int) -> dict:
    stop_at = time.perf_counter() + window
    latencies: list[float] = []
    statuses: Counter = Counter()
    hostile_done: Counter = Counter()
    attackers = [asyncio.create_task(hostile(port, path, text, stop_at, hostile_done)) for _ in range(inflight)]
    await asyncio.sleep(0.5)  # let the hostile requests arrive first
    await person(port, stop_at, latencies, statuses)
    for task in attackers:
        task.cancel()  # drop the connections; the server finishes what it already started
    await asyncio.gather(*attackers, return_exceptions=True)
    return {"latencies": latencies, "statuses": statuses, "hostile": hostile_done}


def settle(pid: int, limit_s: float = 900) -> float:
    """Wait until the server is idle again: it finishes the work of dropped hostile connections first."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit_s:
        before = cpu_seconds(pid) or 0.0
        time.sleep(1.0)
        if (cpu_seconds(pid) or 0.0) - before < 0.05:
            break
    return time.perf_counter() - started


# --- 3. flood -------------------------------------------------------------------------------------
async def chat_cookie(port: int, address: str) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET / HTTP/1.1\r\nHost: bench\r\nX-Forwarded-For: {address}\r\nConnection: close\r\n\r\n".encode())
    head = (await reader.read()).split(b"\r\n\r\n", 1)[0].decode("latin-1")
    writer.close()
    for line in head.split("\r\n"):
        if line.lower().startswith("set-cookie: bizwatch_chat="):
            return line.split(":", 1)[1].strip().split(";", 1)[0]
    raise SystemExit("the chat page gave no cookie")


async def flood_phase(port: int, seconds: float, pid: int) -> dict:
    flooder = {"Cookie": await chat_cookie(port, "198.51.100.7"), "X-Forwarded-For": "198.51.100.7"}
    neighbour = {"Cookie": await chat_cookie(port, "203.0.113.9"), "X-Forwarded-For": "203.0.113.9"}
    counts: Counter = Counter()
    stop_at = time.perf_counter() + seconds

    async def flood_connection() -> None:
        async with KeepAliveClient("127.0.0.1", port, headers=flooder) as client:
            while time.perf_counter() < stop_at:
                response = await client.post(WEBHOOK, json={"message": "hello", "message_id": uuid.uuid4().hex})
                counts[response.status_code] += 1

    latencies: list[float] = []
    statuses: Counter = Counter()
    started, cpu_before = time.perf_counter(), cpu_seconds(pid) or 0.0
    flooding = asyncio.gather(*(flood_connection() for _ in range(8)))
    # A person types: a turn a second, well inside their own allowance.
    watcher = asyncio.create_task(person(port, float("inf"), latencies, statuses, headers=neighbour, pause=1.0))
    await flooding
    elapsed, cpu = time.perf_counter() - started, (cpu_seconds(pid) or 0.0) - cpu_before
    watcher.cancel()
    await asyncio.gather(watcher, return_exceptions=True)
    return {"counts": counts, "elapsed": elapsed, "cpu": cpu, "latencies": latencies, "statuses": statuses}


def describe(latencies: list[float]) -> str:
    if not latencies:
        return "no turns completed"
    return (f"{len(latencies)} turns, p50 {percentile(latencies, 0.5):.1f} ms, p99 {percentile(latencies, 0.99):.1f} "
            f"ms, max {max(latencies):.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--window", type=float, default=15.0, help="Seconds of chat measured per hostile phase.")
    parser.add_argument("--hostile", type=int, default=48, help="Hostile requests kept in flight (default 48).")
    parser.add_argument("--flood", type=float, default=10.0, help="Seconds the one-address flood lasts.")
    parser.add_argument("--skip-model-parse", action="store_true", help="Skip the 64 kB /model/parse phase.")
    parser.add_argument("--only-flood", action="store_true", help="Run the flood measurement only.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bizwatch-edge-bench-") as folder:
        os.environ.update({"BIZWATCH_MODEL_PARSE_ENDPOINT": "true", "BIZWATCH_TRUSTED_PROXIES": "127.0.0.1"})
        port = free_port()
        server = start_server(f"sqlite:///{folder}/edge.sqlite3", str(Path(folder) / "nlu-cache"), port)
        try:
            wait_until_healthy(f"http://127.0.0.1:{port}", server)
            asyncio.run(person(port, time.perf_counter() + 2, [], Counter()))  # warm-up: trains, fills caches
            idle_mb = memory_kb(server.pid, "VmRSS") / 1024
            print(f"server pid {server.pid}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}")
            print(f"idle RSS after warm-up: {idle_mb:.1f} MB")

            for chunked in () if args.only_flood else (False, True):
                peak_mb, statuses, seconds = asyncio.run(oversized_phase(port, server.pid, chunked))
                kind = "chunked" if chunked else "Content-Length"
                verdict = "met" if peak_mb - idle_mb <= TARGET_RSS_MB else "MISSED"
                print(f"1. six 100 MB requests ({kind}): peak RSS {peak_mb:.1f} MB (+{peak_mb - idle_mb:.1f} MB "
                      f"over idle; target +{TARGET_RSS_MB:.0f}: {verdict}); answers {Counter(statuses)}; "
                      f"{seconds:.2f} s")

            limit = int(os.environ.get("BIZWATCH_MAX_BODY_BYTES", 65_536))
            text = hostile_text(limit)
            phases = [] if args.only_flood else [("public webhook", WEBHOOK)]
            if not (args.skip_model_parse or args.only_flood):
                phases.append(("/model/parse", "/model/parse"))
            for label, path in phases:
                result = asyncio.run(hostile_phase(port, path, text, args.window, args.hostile))
                lat = result["latencies"]
                p99 = percentile(lat, 0.99) if lat else float("inf")
                print(f"2. chat during {args.hostile} hostile {len(text):,}-character texts via {label}: "
                      f"{describe(lat)}; statuses {dict(result['statuses'])}; hostile answered "
                      f"{dict(result['hostile'])} (target p99 < {TARGET_P99_MS:.0f} ms: "
                      f"{'met' if p99 < TARGET_P99_MS else 'MISSED'})")
                print(f"   server busy with dropped hostile work for {settle(server.pid):.0f} s afterwards")

            flood = asyncio.run(flood_phase(port, args.flood, server.pid))
            counts, elapsed = flood["counts"], flood["elapsed"]
            refused = counts.get(429, 0)
            print(f"3. flood of {sum(counts.values())} chat requests from one address in {elapsed:.1f} s: "
                  f"{100 * refused / max(1, sum(counts.values())):.1f} % answered 429 ({refused / elapsed:.0f} "
                  f"refusals/s), statuses {dict(counts)}; server CPU {1000 * flood['cpu'] / max(1, sum(counts.values())):.2f} "
                  "ms per request")
            print(f"   a person at another address meanwhile: {describe(flood['latencies'])}; statuses "
                  f"{dict(flood['statuses'])}")
        finally:
            stop(server)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
