"""NLU performance figures: training time, model size, memory, parse latency (single thread), and
the CPU a hostile message costs.

Run: python benchmarks/nlu_benchmark.py [--repeat N]
Latency is measured over every message in nlu/data/test.yml, after one warm-up parse, with the
embedded interpreter (classifier plus all entity extractors), like the engine calls it. The hostile
messages are 64 kB each (the largest body the service accepts), made of one thing repeated; each is
parsed several times and its worst CPU time (time.process_time) counts. Target: at most 50 ms.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import platform
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from nlu import embedded  # noqa: E402
from nlu.evaluation import EVAL_NOW  # noqa: E402
from nlu.loader import TEST_FILE, TRAINING_FILE, load_file  # noqa: E402


HOSTILE_BYTES = 64 * 1024
HOSTILE_UNITS = {
    "repeated registration": "AB12 CDE ", "repeated numeric dates": "21/11/2024 ",
    "repeated month dates": "21st of November ", "repeated weeks ago": "2 weeks ago ",
    "repeated day and time": "yesterday at 3pm ", "repeated bare hours": "at 3 ", "repeated money": "£80 ",
    "repeated money words": "two hundred quid ", "repeated postcodes": "WS1 1QL ", "repeated phone numbers": "07700 900123 ",
    "repeated emails": "a@b.co.uk ", "repeated links": "https://a.b/c ", "digits": "9", "one long word": "a",
    "emoji": "\U0001F621", "repeated crime words": "nicked ", "repeated brackets": "[", "slashes": "1/",
    "mixed": "2 lads nicked £80 of vodka yday 3ish AB12 CDE WS1 1QL 07700 900123 a@b.co.uk https://x.y/z "
             "21st of November this morning \U0001F621 ",
}


def hostile_messages() -> dict[str, str]:
    """Each unit repeated to 64 kB of UTF-8."""
    return {name: unit * (HOSTILE_BYTES // len(unit.encode())) for name, unit in HOSTILE_UNITS.items()}


def hostile_cpu_ms(interpreter, repeat: int = 3) -> dict[str, float]:
    """The worst CPU milliseconds of ``repeat`` parses of each hostile message."""
    worst = {}
    for name, text in hostile_messages().items():
        costs = []
        for _ in range(repeat):
            started = time.process_time()
            interpreter.parse(text, now=EVAL_NOW)
            costs.append((time.process_time() - started) * 1000)
        worst[name] = max(costs)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the test file for latency")
    args = parser.parse_args()

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    embedded.clear_memory_cache()
    tracemalloc.start()
    started = time.perf_counter()
    interpreter = embedded.EmbeddedInterpreter()
    train_seconds = time.perf_counter() - started
    _, train_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    model_bytes = len(pickle.dumps(interpreter.classifier, protocol=pickle.HIGHEST_PROTOCOL))

    started = time.perf_counter()
    load_file(TRAINING_FILE)
    load_seconds = time.perf_counter() - started

    texts = [e.text for e in load_file(TEST_FILE).examples]
    interpreter.parse("21st of November at 3pm, £80, WS1 1QL", now=EVAL_NOW)  # warm-up (lazy imports)
    gc.collect()
    timings, cpu_timings = [], []
    for _ in range(args.repeat):
        for text in texts:
            c0, t0 = time.thread_time(), time.perf_counter()
            interpreter.parse(text, now=EVAL_NOW)
            timings.append(time.perf_counter() - t0)
            cpu_timings.append(time.thread_time() - c0)
    ms = np.array(timings) * 1000
    per_message_median = np.median(ms.reshape(args.repeat, len(texts)), axis=0)
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    from importlib.metadata import version

    print(f"python {platform.python_version()}, scikit-learn {version('scikit-learn')}, {platform.machine()}")
    print(f"training data: {TRAINING_FILE.name}, {len(interpreter.classifier.intents)} intents")
    print(f"load YAML:           {load_seconds * 1000:8.1f} ms")
    print(f"train (load+fit):    {train_seconds:8.2f} s")
    print(f"training peak alloc: {train_peak / 1e6:8.1f} MB (tracemalloc)")
    print(f"model size:          {model_bytes / 1e6:8.2f} MB (pickle)")
    print(f"process max RSS:     {rss_after / 1024:8.1f} MB (was {rss_before / 1024:.1f} MB before training)")
    print(f"parse latency over {len(texts)} messages x {args.repeat} (single thread):")
    print(f"  p50 {np.percentile(ms, 50):.3f} ms   p90 {np.percentile(ms, 90):.3f} ms   "
          f"p99 {np.percentile(ms, 99):.3f} ms   max {ms.max():.3f} ms   target p99 < 5 ms: "
          f"{'met' if np.percentile(ms, 99) < 5 else 'NOT met'}")
    cpu = np.array(cpu_timings) * 1000
    print(f"  CPU time (excludes waiting for a busy machine's other processes): p50 {np.percentile(cpu, 50):.3f} ms"
          f"   p99 {np.percentile(cpu, 99):.3f} ms")
    print(f"  p99 of each message's median {np.percentile(per_message_median, 99):.3f} ms "
          f"(less sensitive to other load; load average now {', '.join(f'{x:.2f}' for x in os.getloadavg())})")
    worst = hostile_cpu_ms(interpreter)
    print(f"hostile messages ({HOSTILE_BYTES // 1024} kB each), worst CPU ms per parse (time.process_time):")
    for name, ms in sorted(worst.items(), key=lambda item: -item[1]):
        print(f"  {name:<26}{ms:8.1f} ms")
    print(f"  worst {max(worst.values()):.1f} ms   target <= 50 ms: {'met' if max(worst.values()) <= 50 else 'NOT met'}")


if __name__ == "__main__":
    main()
