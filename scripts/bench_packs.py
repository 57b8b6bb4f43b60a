"""What study packs cost: the same corpus built with packs off and on, and one long pack typeset alone.

    .venv/bin/python scripts/bench.py --packs --docs 1000 --runs 3
    .venv/bin/python scripts/bench.py --packs --docs 10000 --runs 1

Builds start without caches. CPU seconds are user plus system time of the build and every
process it started (page workers, search index, packs), so the figure holds on any core count.
"""

from __future__ import annotations

import datetime as dt
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench_corpus import ROOT, build, generate_corpus, qinglian_project

sys.path.insert(0, str(ROOT / "plugins"))

from qinglian.content.loader import load_content  # noqa: E402
from qinglian.packs import PackOptions, pack_catalog, pack_jobs  # noqa: E402
from qinglian.packs.typeset import typeset  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def longest_pack(corpus_dir: Path) -> tuple[str, int, float, float]:
    """The pack with the most documents, typeset in this process: its title, pages, wall and CPU seconds."""
    content = corpus_dir / "content"
    corpus = load_content(content, corpus_dir, today=dt.date(2026, 12, 1)).corpus
    packs = pack_catalog(corpus, PackOptions())
    pack = max(packs, key=lambda p: (len(p.documents), p.uri))
    job = pack_jobs([pack], corpus, "基准", (content,))[0]
    typeset("<p>预热</p>", content, (content,))  # fonts loaded once, as in a build's child
    began, cpu = time.perf_counter(), _cpu()
    _, pages = typeset(job.html, job.base, job.roots)
    return pack.title, pages, time.perf_counter() - began, _cpu() - cpu


def packs_report(docs: int, seed: int, runs: int) -> int:
    with tempfile.TemporaryDirectory(prefix="qinglian-bench-packs-") as scratch:
        work = Path(scratch)
        generate_corpus(docs, seed, work / "corpus")
        qinglian_project(work / "corpus", work / "off", packs=False)
        qinglian_project(work / "corpus", work / "on", packs=True)
        results = {name: [build(work / name) for _ in range(runs)] for name in ("off", "on")}
        count = len(list((work / "on/site/packs").glob("*.pdf")))
        # A nightly rebuild after one case changed: only the volume holding it is typeset again.
        case = sorted((work / "corpus/content/cases").glob("*.md"))[0]
        case.write_text(case.read_text(encoding="utf-8") + "\n补充一句修改后的内容。\n", encoding="utf-8")
        edited = build(work / "on", fresh_cache=False)
        title, pages, wall, cpu = longest_pack(work / "corpus")
    print(f"{docs} documents, seed {seed}, median of {runs} cold builds (no caches)")
    print(f"{'packs':<6}{'wall s':>9}{'CPU s':>9}{'peak PSS MB':>13}{'packs s':>9}")
    medians = {}
    for name, runs_of in results.items():
        wall_s = statistics.median(r.seconds for r in runs_of)
        cpu_s = statistics.median(r.cpu_seconds for r in runs_of)
        peak = statistics.median(r.peak_rss_mb for r in runs_of)
        typeset_s = [r.packs_seconds for r in runs_of if r.packs_seconds is not None]
        medians[name] = (wall_s, cpu_s)
        shown = f"{statistics.median(typeset_s):.1f}" if typeset_s else "-"
        print(f"{name:<6}{wall_s:>9.1f}{cpu_s:>9.1f}{peak:>13.0f}{shown:>9}")
    (off_wall, off_cpu), (on_wall, on_cpu) = medians["off"], medians["on"]
    print(f"growth with packs: wall {on_wall / off_wall - 1:+.0%}, CPU {on_cpu / off_cpu - 1:+.0%} ({count} PDFs)")
    print(
        f"rebuild after editing one case (caches kept): {edited.seconds:.1f} s wall, {edited.cpu_seconds:.1f} CPU s, "
        f"packs {edited.packs_seconds if edited.packs_seconds is not None else 0:.1f} s"
    )
    print(f"longest pack alone: {title}, {pages} pages, {wall:.1f} s wall, {cpu:.1f} CPU s ({cpu / pages * 1000:.0f} ms per page)")
    return 0
