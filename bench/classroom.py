"""Classroom scale: 30 sessions against one `streamlit run app.py`, 5 of them training.

Each session is a websocket client that speaks Streamlit's own protocol (what a
browser tab sends and receives, without drawing it; see
``bench/streamlit_client.py``). Twenty-five "students" browse: they open the
Inspect page on the shipped model, pick test images, scrub epochs and visit Learn
topics, pausing a few seconds between actions. Five train LeNet-5 on digits
from the Train page and follow the live progress fragment every second, as
their browsers do, starting again when a run ends.

Reported: errors (exceptions in any session, runs that never finished), the
time from an action to the end of the run that redraws the view (p50, p95,
max) while everything runs, against the same actions by one lone session in the
same server (the baseline ratio), and the server's peak memory (RSS).

    python -m bench.classroom                       # 30 sessions, 5 training, 120 s, a click every 5-15 s
    python -m bench.classroom --think 2 6           # the same at a stress pace
    python -m bench.classroom --sessions 10 --trainers 2 --seconds 30
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import threading
import time
from pathlib import Path

from bench.streamlit_client import StreamlitClient
from tools.server import SERVER_PIDS, streamlit_server

ROOT = Path(__file__).resolve().parents[1]
LEARN_VIEWS = ("activations", "kernels", "pooling", "dense", "dropout")


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB (from /proc)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            for line in Path(f"/proc/{each}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return total


class MemoryWatch(threading.Thread):
    """Samples a process's RSS every half second; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak, self.running = pid, 0.0, True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, rss_mb(self.pid))
            time.sleep(0.5)


async def browse_once(client: StreamlitClient, rng: random.Random) -> tuple[str, float, list[str]]:
    """One student action on Inspect or Learn; returns (what, seconds, exceptions)."""
    action = rng.choice(["image", "image", "epoch", "learn"])
    if client.page != "inspect":
        result = await client.run(page="inspect", query="")
        return "open Inspect", result.seconds, result.exceptions
    if action == "image":
        client.set_value("inspect_sample", "double_value", float(rng.randrange(360)))
        result = await client.run()
        return "pick an image", result.seconds, result.exceptions
    if action == "epoch":
        client.set_value("inspect_epoch", "double_array_value", [float(rng.randrange(14))])
        result = await client.run()
        return "scrub an epoch", result.seconds, result.exceptions
    result = await client.run(page="learn", query=f"view={rng.choice(LEARN_VIEWS)}")
    return "a Learn topic", result.seconds, result.exceptions


async def student(url: str, seconds: float, seed: int, think: tuple[float, float], log: list) -> None:
    """A browsing session: opens Inspect, then acts every few seconds until the time is up."""
    rng = random.Random(seed)
    client = StreamlitClient(url)
    try:
        await client.connect()
        result = await client.run(page="inspect")
        log.append(("open Inspect (first)", result.seconds, result.exceptions, False))
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            await asyncio.sleep(rng.uniform(*think))
            what, took, errors = await browse_once(client, rng)
            log.append((what, took, errors, True))
    except Exception as error:  # a dropped or stuck session is an error of the test, counted
        log.append(("session failed", 0.0, [f"{type(error).__name__}: {error}"], False))
    finally:
        await client.close()


async def trainer(url: str, seconds: float, epochs: int, log: list, trained: list) -> None:
    """A training session: presses Train, follows the progress fragment every second, starts again."""
    client = StreamlitClient(url)
    try:
        await client.connect()
        await client.run(page="train")
        client.set_value("train_epochs", "int_value", int(epochs))  # an int number_input
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            result = await client.run(trigger="train_start")
            log.append(("press Train", result.seconds, result.exceptions, True))
            while client.auto_rerun and time.monotonic() < deadline + 60:
                fragment, interval = next(iter(client.auto_rerun.items()))
                await asyncio.sleep(interval)
                result = await client.run(fragment_id=fragment)
                log.append(("training progress", result.seconds, result.exceptions, True))
            trained.append(1)
    except Exception as error:
        log.append(("session failed", 0.0, [f"{type(error).__name__}: {error}"], False))
    finally:
        await client.close()


async def baseline(url: str, actions: int) -> list[float]:
    """The same browsing actions by one session alone in the server."""
    rng = random.Random(12345)
    client = StreamlitClient(url)
    await client.connect()
    await client.run(page="inspect")
    times = []
    for _ in range(actions):
        _, took, _ = await browse_once(client, rng)
        times.append(took)
    await client.close()
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))] if ordered else float("nan")


async def classroom(url: str, sessions: int, trainers: int, seconds: float, epochs: int, think) -> dict:
    log: list = []
    trained: list = []
    tasks = [trainer(url, seconds, epochs, log, trained) for _ in range(trainers)]
    tasks += [student(url, seconds, index, think, log) for index in range(sessions - trainers)]
    await asyncio.gather(*tasks)
    return {"log": log, "trained": len(trained)}


def spread(values: list[float]) -> str:
    return f"{percentile(values, 0.5):.2f} / {percentile(values, 0.95):.2f}"


def report(log: list, lone: list[float], peak: float, trained: int, args) -> None:
    views = [took for what, took, _, steady in log if steady and what != "training progress"]
    progress = [took for what, took, _, steady in log if what == "training progress"]
    errors = [error for _, _, errors, _ in log for error in errors]
    firsts = [took for what, took, _, _ in log if what == "open Inspect (first)"]
    print(f"\n{args.sessions} sessions ({args.trainers} training LeNet-5 on digits, {args.epochs} epochs a run), ")
    pool = args.max_trainings or "default (all cores but one)"
    print(f"{args.seconds:.0f} s, think time {args.think[0]:g}-{args.think[1]:g} s, trainings at once: {pool}\n")
    print("| measure | value |")
    print("| --- | --- |")
    print(f"| session errors (exceptions, dropped or stuck runs) | {len(errors)} |")
    print(f"| view updates measured | {len(views)} |")
    print(f"| view update p50 / p95 / max | {spread(views)} / {max(views or [0]):.2f} s |")
    print(f"| one lone session, same actions: p50 / p95 | {spread(lone)} s |")
    ratio = percentile(views, 0.95) / percentile(lone, 0.95) if lone else float("nan")
    print(f"| p95 ratio, classroom / lone | {ratio:.1f}x |")
    print(f"| training progress fragment p50 / p95 | {spread(progress)} s |")
    print(f"| first Inspect page per session p50 / max | {percentile(firsts, 0.5):.2f} / {max(firsts or [0]):.2f} s |")
    print(f"| training runs ended (finished or at the end of the test) | {trained} |")
    print(f"| server peak memory (RSS) | {peak / 1024:.2f} GB |")
    if errors:
        print("\nFirst errors:")
        for error in errors[:5]:
            print(" -", error[:300])
    by_action: dict[str, list[float]] = {}
    for what, took, _, steady in log:
        if steady:
            by_action.setdefault(what, []).append(took)
    print("\n| action | count | p50 | p95 |")
    print("| --- | --- | --- | --- |")
    for what, values in sorted(by_action.items()):
        print(f"| {what} | {len(values)} | {statistics.median(values):.2f} s | {percentile(values, 0.95):.2f} s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--trainers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0), help="seconds between a student's actions")
    parser.add_argument("--baseline-actions", type=int, default=40)
    parser.add_argument("--warmup", type=float, default=20.0, help="seconds between the first page and the class")
    parser.add_argument(
        "--max-trainings", type=int, default=None, help="CNN_VISUALIZER_MAX_TRAININGS for the server (default: cores)"
    )
    args = parser.parse_args()
    env = {} if args.max_trainings is None else {"CNN_VISUALIZER_MAX_TRAININGS": str(args.max_trainings)}
    with streamlit_server(ROOT / "app.py", timeout=120, env=env) as url:
        watch = MemoryWatch(SERVER_PIDS[url])
        watch.start()
        # The teacher opens the app before class: the first page loads TensorFlow and the shipped model,
        # whose epochs then compile in the background.
        asyncio.run(baseline(url, 1))
        time.sleep(args.warmup)
        lone = asyncio.run(baseline(url, args.baseline_actions))
        client_cpu = time.process_time()
        result = asyncio.run(classroom(url, args.sessions, args.trainers, args.seconds, args.epochs, tuple(args.think)))
        watch.running = False
        watch.join()
        report(result["log"], lone, watch.peak, result["trained"], args)
        used = time.process_time() - client_cpu
        print(f"\nThe load generator itself used {used:.0f} CPU s of the same cores in {args.seconds:.0f} s.")


if __name__ == "__main__":
    main()
