"""Benchmark postrun on N synthetic clients.

    python bench/bench.py 1000            # N clients, all cores
    python bench/bench.py 1000 --jobs 1   # one process

Makes a temporary workspace from the example one with N varied profiles (a fixed random seed,
so every run builds the same practice), then times, each as a separate `postrun build` process:
a full build, five no-op rebuilds and five rebuilds after one profile changed (the median of
each counts: a shared machine's speed moves from minute to minute), and a rebuild after one
exercise changed. Peak memory is the largest total
memory (proportional set size, so pages shared between the forked workers count once) of the
build's process tree, sampled every 20 ms; sampling holds a process up a little, so the short
rebuilds are timed in runs of their own and their memory taken in one more. Before each run
the disk is synced (outside the clock), so no run pays for the writes of the one before (on
this machine a new file costs far more while earlier writes are still being flushed).
Postrun's own modules are byte-compiled first, as an installed postrun is. Prints a Markdown
table and the figures the README quotes, with the date, the machine, its load and how long a
fixed CPU-bound loop took before and after (a shared machine's speed moves; the ratio against
Hugo: bench/compare_hugo.sh).
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = 5
"""Timed runs of each short rebuild (the median counts)."""
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
RUN_SETS = {1: [("sat",), ("sun",), ("wed",)],
            2: [("tue", "sat"), ("mon", "thu"), ("wed", "sun")],
            3: [("tue", "thu", "sat"), ("mon", "wed", "fri"), ("tue", "fri", "sun")]}


def profile(rng: random.Random, i: int) -> str:
    delivery = date(2026, 1, 1) + timedelta(days=rng.randrange(0, 300))
    clearance = delivery + timedelta(days=rng.randrange(42, 70))
    runs = rng.choice((1, 2, 3, 3))
    run_days = rng.choice(RUN_SETS[runs])
    free = [d for d in DAYS if d not in run_days]
    strength = sorted(rng.sample(free, 3 if len(free) >= 5 else 2), key=DAYS.index)
    lines = [
        f'name: "Client {i} Example"',
        f"delivery_date: {delivery}",
        f"delivery: {rng.choice(('vaginal', 'assisted', 'caesarean'))}",
        f"clearance_date: {clearance}",
        f"level: {rng.choice(('beginner', 'intermediate'))}",
        f"runs_per_week: {runs}",
        f"run_days: [{', '.join(run_days)}]",
        f"strength_days: [{', '.join(strength)}]",
        f"breastfeeding: {rng.choice(('true', 'false'))}",
    ]
    if rng.random() < 0.3:
        lines.append(f"injuries_healed_date: {delivery + timedelta(days=rng.randrange(60, 120))}")
    if rng.random() < 0.5:
        goal = clearance + timedelta(days=rng.randrange(90, 200))
        lines.append(f'goal: {{label: "parkrun 5 km", date: {goal}}}')
    if rng.random() < 0.3:
        first = clearance + timedelta(days=rng.randrange(40, 80))
        lines += ["check_ins:",
                  f"  - {{date: {first}, symptoms: [{rng.choice(('pain', 'leakage'))}]}}",
                  f"  - {{date: {first + timedelta(days=14)}, symptoms: []}}"]
    lines += ["coach_note: |", f"  Hello! A short note for client {i}, with **bold** words."]
    return "\n".join(lines) + "\n"


def make_workspace(n: int, where: Path) -> Path:
    root = where / "practice"
    for name in ("content", "templates"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / ".postrun-secret", root / ".postrun-secret")
    (root / "profiles").mkdir()
    rng = random.Random(20261122)
    for i in range(n):
        (root / "profiles" / f"client-{i:05d}.yaml").write_text(profile(rng, i), "utf-8")
    return root


def tree_memory(pid: int) -> int:
    """Memory (bytes) of a process and all its descendants, as proportional set size: a page
    that forked workers still share with their parent is counted once, not once per process
    (plain RSS would count it three times on two cores)."""
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            with open(f"/proc/{p}/task/{p}/children") as f:
                stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run(root: Path, *args: str, sample: bool = True) -> tuple[float, int, str]:
    """Wall seconds, peak tree memory (bytes; 0 unless ``sample``) and output of one
    `postrun build`. Reading a process's memory map briefly holds up that process, so the
    short rebuilds are timed in runs that are not sampled."""
    cmd = [sys.executable, "-m", "generator", "-C", str(root), "build", *args]
    env = {**os.environ, "POSTRUN_CACHE_DIR": str(root.parent / "cache")}  # its own, fresh
    os.sync()  # the writes of earlier runs reach the disk first, not during this one
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env)
    peak = 0

    def sampling() -> None:
        nonlocal peak
        while sample and proc.poll() is None:
            peak = max(peak, tree_memory(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sampling)
    sampler.start()
    output = proc.communicate()[0]
    seconds = time.perf_counter() - started
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{output}")
    return seconds, peak, output.strip()


def machine() -> str:
    """The date, the machine and how busy it is: figures mean little without them."""
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
            f"{os.cpu_count()} cores, load average {load}, Python {sys.version.split()[0]}")


def reference_loop() -> float:
    """Seconds a fixed CPU-bound loop takes: how fast this shared machine is at the moment
    (on this project's machine, about 0.6 s in a quick minute and 1.0 s in a slow one)."""
    started = time.perf_counter()
    sum(range(3 * 10**7))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of synthetic clients")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: all)")
    args = parser.parse_args()
    extra = ["--jobs", str(args.jobs)] if args.jobs else []
    compileall.compile_dir(REPO / "generator", quiet=1)  # as installed: no compiling per run
    started, loop_before = machine(), reference_loop()
    with tempfile.TemporaryDirectory(prefix="postrun-bench-") as tmp:
        root = make_workspace(args.n, Path(tmp))
        full, full_mem, out = run(root, *extra)
        pages = sum(1 for _ in (root / "site").rglob("*.html"))
        noops = [run(root, *extra, sample=False) for _ in range(RUNS)]
        noop_mem = run(root, *extra)[1]
        profile_path = root / "profiles" / "client-00007.yaml"
        ones = []
        for i in range(RUNS + 1):
            text = profile_path.read_text("utf-8")
            profile_path.write_text(text.replace("A short note", f"A short note ({i})", 1))
            ones.append(run(root, *extra, sample=i == RUNS))
        one_mem = ones.pop()[1]
        exercise = root / "content" / "exercises" / "dead-bug.md"
        exercise.write_text(exercise.read_text("utf-8").rstrip() + "\n\nBreathe out slowly.\n")
        edit, edit_mem, _ = run(root, *extra)
    noop = statistics.median(t for t, _, _ in noops)
    one = statistics.median(t for t, _, _ in ones)
    peak = max(full_mem, noop_mem, one_mem, edit_mem)
    print(f"postrun benchmark: {args.n} clients, {pages} pages, jobs={args.jobs or 'all'}")
    print(f"started {started}")
    print(f"ended   {machine()}")
    print(f"reference loop {loop_before:.2f} s before, {reference_loop():.2f} s after "
          "(the machine's speed at the time: lower is faster)")
    print(f"(last build said: {out.splitlines()[-1] if out else ''})\n")
    print("| build | wall time | pages/s | peak memory |")
    print("|---|---:|---:|---:|")
    for label, seconds, mem in (("full build", full, full_mem),
                                (f"no-op rebuild (median of {RUNS})", noop, noop_mem),
                                (f"one profile changed (median of {RUNS})", one, one_mem),
                                ("one exercise edited", edit, edit_mem)):
        rate = f"{pages / seconds:,.0f}" if label in ("full build", "one exercise edited") else "—"
        print(f"| {label} | {seconds:.2f} s | {rate} | {mem / 2**20:.0f} MB |")
    print(f"\nno-op rebuild {noop:.2f} s (runs: {', '.join(f'{t:.2f}' for t, _, _ in noops)}); "
          f"one profile changed {one:.2f} s (runs: {', '.join(f'{t:.2f}' for t, _, _ in ones)}); "
          f"peak memory {peak / 2**20:.0f} MB; full build {full:.1f} s")


if __name__ == "__main__":
    main()
