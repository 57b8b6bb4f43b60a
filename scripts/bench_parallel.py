"""Builds on every core, and the nightly publish after one edit (scripts/bench.py --workers, --publish).

    .venv/bin/python scripts/bench.py --docs 1000 --runs 3 --workers 1,2          # and stock Material in the same run
    .venv/bin/python scripts/bench.py --docs 10000 --runs 1 --workers 1,2 --no-stock
    .venv/bin/python scripts/bench.py --docs 10000 --runs 3 --publish             # one edit, then a full publish

Every build starts without caches. The serial share ``s`` is Amdahl's, from the medians:
T(n) = T(1) · (s + (1 − s) / n), so s = (n · T(n) / T(1) − 1) / (n − 1); from it the report
predicts 8 and 16 cores (an upper bound on the speed-up: disks and memory bandwidth are shared).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_corpus import build, generate_corpus, qinglian_project, stock_project

from qinglian.cache_store import project_cache

_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\.md[^)\n]*\)")


def workers_report(count: int, seed: int, runs: int, workers: list[int], stock: bool, before: str = "") -> int:
    """``before``: the plugins folder of an earlier checkout, built alternately with the same worker counts (names "before-N")."""
    with tempfile.TemporaryDirectory(prefix="qinglian-workers-") as scratch:
        work = Path(scratch)
        documents = generate_corpus(count, seed, work / "corpus")
        for number in workers:
            qinglian_project(work / "corpus", work / f"workers-{number}", workers=number)
            if before:
                qinglian_project(work / "corpus", work / f"before-{number}", workers=number)
        if stock:
            stock_project(documents, work / "stock")
        seconds: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        system: dict[str, list[float]] = {}
        peaks: dict[str, list[float]] = {}
        phases: dict[str, list[float]] = {}
        indexing: dict[str, list[float]] = {}
        for _ in range(runs):
            names = [*(f"workers-{n}" for n in workers), *((f"before-{n}" for n in workers) if before else []), *(["stock"] if stock else [])]
            for name in names:
                run = build(work / name, fresh_cache=True, code=before if name.startswith("before-") else "")
                seconds.setdefault(name, []).append(run.seconds)
                cpu.setdefault(name, []).append(run.cpu_seconds)
                system.setdefault(name, []).append(run.system_seconds)
                peaks.setdefault(name, []).append(run.peak_rss_mb)
                if run.parallel_seconds is not None:
                    phases.setdefault(name, []).append(run.parallel_seconds)
                if run.index_seconds is not None:
                    indexing.setdefault(name, []).append(run.index_seconds)
    print(f"full builds of {count} documents, seed {seed}, median of {runs} runs, caches empty, alternating:")
    one = statistics.median(seconds[f"workers-{workers[0]}"])
    for name, values in seconds.items():
        median = statistics.median(values)
        phase = f", workers' phase {statistics.median(phases[name]):.1f} s" if name in phases else ""
        phase += f", search index {statistics.median(indexing[name]):.1f} s beside it" if name in indexing else ""
        print(f"  {name:10} {median:7.1f} s  CPU {statistics.median(cpu[name]):6.1f} s (system {statistics.median(system[name]):5.1f} s)  "
              f"peak PSS {statistics.median(peaks[name]):6.0f} MB  (runs {sorted(round(v, 1) for v in values)}{phase})")
    if stock:
        stock_median = statistics.median(seconds["stock"])
        stock_cpu = statistics.median(cpu["stock"])
        for number in workers:
            print(f"  workers {number} / stock: wall {statistics.median(seconds[f'workers-{number}']) / stock_median:.3f}, "
                  f"CPU {statistics.median(cpu[f'workers-{number}']) / stock_cpu:.3f}")
    if before:
        for number in workers:
            now, then = f"workers-{number}", f"before-{number}"
            print(f"  workers {number}, this code / before: wall {statistics.median(seconds[now]) / statistics.median(seconds[then]):.3f}, "
                  f"CPU {statistics.median(cpu[now]) / statistics.median(cpu[then]):.3f}, "
                  f"system CPU {statistics.median(system[now]) / statistics.median(system[then]):.3f}")
    for number in workers[1:]:
        many = statistics.median(seconds[f"workers-{number}"])
        share = (number * many / one - 1) / (number - 1)
        predicted = ", ".join(f"{cores} cores {one * (share + (1 - share) / cores):.1f} s" for cores in (8, 16))
        print(f"  speed-up {workers[0]} -> {number} workers: {one / many:.2f}x; serial share {share:.2f}; predicted: {predicted}")
    return 0


def publish_report(count: int, seed: int, runs: int) -> int:
    """A full publish, then per run: one document edited and published, then the same edit published in full."""
    with tempfile.TemporaryDirectory(prefix="qinglian-publish-") as scratch:
        work = Path(scratch)
        generate_corpus(count, seed, work / "corpus")
        # The example sentences link to example documents the corpus lacks: a release must not.
        for source in (work / "corpus/content").rglob("*.md"):
            source.write_text(_LINK.sub(r"\1", source.read_text(encoding="utf-8")), encoding="utf-8")
        qinglian_project(work / "corpus", work / "portal")
        dest = work / "www"
        shutil.rmtree(project_cache((work / "portal").resolve()), ignore_errors=True)
        first = _publish(work / "portal", dest)[0]
        edited, full = [], []
        speeches = sorted((work / "corpus/content/speeches").glob("*.md"))
        for number in range(runs):
            for kind, extra in (("edit", []), ("full", ["--full"])):
                document = speeches[number * 2 + (kind == "full")]
                document.write_text(document.read_text(encoding="utf-8") + f"\n补充一句修改后的内容（{kind} {number}）。\n", encoding="utf-8")
                (edited if kind == "edit" else full).append(_publish(work / "portal", dest, *extra))
    print(f"qinglian publish of {count} documents, seed {seed}; first publish {first:.1f} s")
    for name, runs_ in (("after one edit", edited), ("full (--full), after one edit", full)):
        print(f"  {name}: median {statistics.median(r[0] for r in runs_):.1f} s {sorted(round(r[0], 1) for r in runs_)}, "
              f"CPU {statistics.median(r[1] for r in runs_):.1f} s (system {statistics.median(r[2] for r in runs_):.1f} s)")
    print(f"  ratio: wall {statistics.median(r[0] for r in edited) / statistics.median(r[0] for r in full):.2f}, "
          f"CPU {statistics.median(r[1] for r in edited) / statistics.median(r[1] for r in full):.2f}")
    return 0


def _publish(project: Path, dest: Path, *extra: str) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user and system, every process) and system seconds of one publish."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest), *extra], cwd=project, capture_output=True,
        # The address readers use: a publish refuses the loopback one mkdocs.yml has for previews.
        text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_SITE_URL": "http://lianjie.intranet.example/"},
    )
    if result.returncode != 0:
        raise SystemExit(f"publish failed:\n{result.stderr[-3000:]}")
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    system = after.ru_stime - before.ru_stime
    return wall, after.ru_utime - before.ru_utime + system, system
