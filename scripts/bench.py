#!/usr/bin/env python3
"""Build one synthetic corpus two ways and compare: stock MkDocs + Material vs Qinglian.

    .venv/bin/python scripts/bench.py --docs 1000 --runs 3
    .venv/bin/python scripts/bench.py --docs 10000 --runs 1 --pagefind   # also index with Pagefind
    .venv/bin/python scripts/bench.py --quiz-page 20      # weigh a 20-question quiz page
    .venv/bin/python scripts/bench.py --docs 1000 --check # time qinglian check
    .venv/bin/python scripts/bench.py --docs 1000 --serve # page cache: builds, cache size, save-to-page under mkdocs serve
    .venv/bin/python scripts/bench.py --docs 1000 --packs # study packs: builds with packs off and on, the longest pack alone
    .venv/bin/python scripts/bench.py --docs 1000 --phases # a cold serial build's CPU by phase, per 1,000 documents

The corpus is N documents of about 10 KB each, made by shuffling the sentences of the
example content (deterministic by --seed), with valid front matter. Stock Material gets
every document in its navigation and its built-in search with jieba, the typical setup.
Reported per build: wall time and peak memory (proportional set size, PSS, so pages a forked
child shares with its parent count once) summed over the build's processes, the search
indexer's included (medians over --runs; every run starts without the search cache), the
median and maximum size of a document page's HTML, and, in headless Chromium (Debian's,
never downloaded), the bytes and requests of search files (script and index) from page load
to the first results of a query typed into the header search box, and the time from the
keystroke to those results; also a Qinglian rebuild after one document changes, with the
search cache kept. Ratios are Qinglian / stock. With --pagefind, Pagefind 1.4 (extended,
which segments Chinese) indexes the same built pages and its first search is timed through
its own browser API, for comparison.
"""

from __future__ import annotations

import argparse
import gzip
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench_corpus import (
    ROOT, build, example_sentences, generate_corpus, page_sizes, qinglian_project, rebuild_after_one_edit, stock_project,
)
from bench_search import QUERIES, first_query, index_size_mb, kernels_report, pagefind_first_query, pagefind_index
from bench_parallel import publish_report, workers_report
from bench_serve import serve_report


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    median_page_kb: float
    max_page_kb: float
    # Per query: (KB of search requests until results, their count, ms from keystroke to results or None).
    queries: dict[str, tuple[float, int, float | None]] = field(default_factory=dict)


def renderers_only(docs: int, seed: int, runs: int) -> int:
    from bench_markdown import renderer_report

    from qinglian.content.frontmatter import split_front_matter

    with tempfile.TemporaryDirectory(prefix="qinglian-bench-") as scratch:
        documents = generate_corpus(docs, seed, Path(scratch) / "corpus")
    bodies = [split_front_matter(text).body for _, _, text in documents]
    size = statistics.median(len(b.encode("utf-8")) for b in bodies) / 1024
    print(f"{len(bodies)} 篇正文，中位数 {size:.1f} KB；每个渲染器 {runs} 遍，取中位数（本进程的 CPU 时间）。")
    for line in renderer_report(bodies, runs):
        print(line)
    return 0


def measure(project: Path, runs: int) -> Measurement:
    times, peaks = [], []
    for _ in range(runs):
        run = build(project)
        times.append(run.seconds)
        peaks.append(run.peak_rss_mb)
    sizes = page_sizes(project / "site")
    measurement = Measurement(statistics.median(times), statistics.median(peaks), statistics.median(sizes) / 1024, max(sizes) / 1024)
    measurement.queries = {query: first_query(project / "site", query) for query in QUERIES}
    return measurement


def quiz_bank(questions: int, seed: int) -> str:
    """A bank of ``questions`` questions cycling through the four types, with example sentences."""
    rng = random.Random(seed)
    sentences = example_sentences()
    items = []
    for number in range(questions):
        kind = ("单选题", "多选题", "判断题", "填空题")[number % 4]
        text = rng.choice(sentences)[:60]
        item = {"type": kind, "question": text, "points": 5, "explanation": rng.choice(sentences)[:80]}
        if kind in ("单选题", "多选题"):
            item["options"] = [f"{rng.choice(sentences)[:20]}（{letter}）" for letter in "ABCD"]
            item["answer"] = "B" if kind == "单选题" else ["A", "C"]
        elif kind == "判断题":
            item["answer"] = "正确"
        else:
            item["question"] = text[:30] + "___" + text[30:]
            item["blanks"] = [[rng.choice(sentences)[:6]]]
        item["source"] = "speeches/2024-eight-rules-deployment"
        items.append(item)
    front = {
        "title": "基准测试题库", "date": "2024-06-03", "unit": "XX市纪委监委", "topics": ["八项规定精神"],
        "pass_mark": questions * 3, "questions": items,
    }
    return "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n\n说明。\n"


def quiz_page_weight(questions: int, seed: int) -> int:
    """Build the example portal plus a generated bank; print what its quiz page weighs."""
    with tempfile.TemporaryDirectory(prefix="qinglian-quiz-") as scratch:
        project = Path(scratch)
        for name in ("docs", "content"):
            shutil.copytree(ROOT / name, project / name)
        shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
        (project / "content/quizzes/bench-bank.md").write_text(quiz_bank(questions, seed), encoding="utf-8")
        build(project)
        html = (project / "site/quizzes/bench-bank/index.html").read_bytes()
        script = (project / "site/assets/qinglian/quiz.js").read_bytes()
    print(f"quiz page with {questions} questions (bytes before compression / gzip -9)")
    print(f"{'HTML':<16}{len(html):>10,}{len(gzip.compress(html, 9)):>10,}")
    print(f"{'quiz.js':<16}{len(script):>10,}{len(gzip.compress(script, 9)):>10,}")
    print(f"{'HTML + script':<16}{len(html) + len(script):>10,}{len(gzip.compress(html, 9)) + len(gzip.compress(script, 9)):>10,}")
    return 0


def engines_report(count: int, seed: int, runs: int) -> int:
    """Full and unchanged builds of one corpus with MkDocs and with ProperDocs, alternating, in one run."""
    with tempfile.TemporaryDirectory(prefix="qinglian-engines-") as scratch:
        corpus, project = Path(scratch) / "corpus", Path(scratch) / "portal"
        generate_corpus(count, seed, corpus)
        qinglian_project(corpus, project)
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(runs):
            for engine in ("mkdocs", "properdocs"):
                times.setdefault((engine, "full"), []).append(build(project, True, engine).seconds)
                times.setdefault((engine, "unchanged"), []).append(build(project, False, engine).seconds)
    print(f"engines on {count} documents, seed {seed}, {runs} runs each, alternating:")
    for kind in ("full", "unchanged"):
        a, b = (statistics.median(times[e, kind]) for e in ("mkdocs", "properdocs"))
        print(f"  {kind:9} build: MkDocs median {a:.1f} s {sorted(round(t, 1) for t in times['mkdocs', kind])}, "
              f"ProperDocs median {b:.1f} s {sorted(round(t, 1) for t in times['properdocs', kind])}, ratio {b / a:.2f}")
    return 0


def check_time(count: int, seed: int, runs: int) -> int:
    """Time ``qinglian check`` on a generated corpus, as the pre-commit hook runs it."""
    with tempfile.TemporaryDirectory(prefix="qinglian-check-") as scratch:
        corpus = Path(scratch)
        generate_corpus(count, seed, corpus)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run([sys.executable, "-m", "qinglian.cli", "check"], cwd=corpus, capture_output=True, text=True)
            times.append(time.perf_counter() - start)
            if result.returncode != 0:
                raise SystemExit(f"check failed:\n{result.stdout[-2000:]}")
    print(f"qinglian check on {count} documents, seed {seed}: median {statistics.median(times):.2f} s of {runs} runs "
          f"(min {min(times):.2f} s, max {max(times):.2f} s)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--with-stock", action="store_true", help="also build stock Material at 10,000 documents")
    parser.add_argument("--pagefind", action="store_true", help="also index the built pages with Pagefind and time its first search")
    parser.add_argument("--no-stock", action="store_true", help="skip stock Material at any size")
    parser.add_argument("--quiz-page", type=int, metavar="QUESTIONS", help="only weigh a quiz page with this many questions")
    parser.add_argument("--check", action="store_true", help="only time qinglian check on the generated corpus")
    parser.add_argument("--serve", action="store_true", help="only measure the page cache: builds, cache size, save-to-page under mkdocs serve")
    parser.add_argument("--edits", type=int, default=7, help="saves timed with --serve")
    parser.add_argument("--engines", action="store_true", help="only compare full and unchanged builds on MkDocs and ProperDocs")
    parser.add_argument("--workspace", action="store_true", help="only time the editors' workspace: start, listing, save to commit")
    parser.add_argument("--saves", type=int, default=15, help="saves timed with --workspace")
    parser.add_argument("--workers", metavar="LIST", help="only compare full builds with these worker counts, e.g. 1,2 (with stock below 10,000)")
    parser.add_argument("--before", metavar="PLUGINS", default="",
                        help="with --workers: also build with the plugins folder of another checkout (an earlier version), alternately")
    parser.add_argument("--publish", action="store_true", help="only time qinglian publish after one edit against --full")
    parser.add_argument("--renderers", action="store_true", help="only compare Markdown renderers on the corpus's bodies (speed and conformance)")
    parser.add_argument("--packs", action="store_true", help="only compare builds with study packs off and on, and time the longest pack")
    parser.add_argument("--align", action="store_true", help="only time aligning two versions of a 160-article regulation")
    parser.add_argument("--phases", action="store_true", help="only profile a cold serial build: CPU-seconds per 1,000 documents by phase")
    parser.add_argument("--kernels", metavar="LIST", help="only time a first search on these Chromium kernels, e.g. 79,86,90,current")
    args = parser.parse_args()
    if args.phases:
        from bench_phases import phases_report

        return phases_report(args.docs, args.seed)
    if args.packs:
        from bench_packs import packs_report

        return packs_report(args.docs, args.seed, args.runs)
    if args.align:
        from bench_align import align_report

        return align_report(args.seed, args.runs)
    if args.workers:
        stock = (args.docs < 10_000 or args.with_stock) and not args.no_stock
        return workers_report(args.docs, args.seed, args.runs, [int(n) for n in args.workers.split(",")], stock, args.before)
    if args.publish:
        return publish_report(args.docs, args.seed, args.runs)
    if args.engines:
        return engines_report(args.docs, args.seed, args.runs)
    if args.workspace:
        from bench_workspace import workspace_report

        return workspace_report(args.docs, args.seed, args.saves, generate_corpus)
    if args.serve:
        return serve_report(args.docs, args.seed, args.edits)
    if args.kernels:
        return kernels_report(args.docs, args.seed, args.runs, args.kernels.split(","))
    if args.check:
        return check_time(args.docs, args.seed, args.runs)
    if args.quiz_page:
        return quiz_page_weight(args.quiz_page, args.seed)
    if args.renderers:
        return renderers_only(args.docs, args.seed, args.runs)
    run_stock = (args.docs < 10_000 or args.with_stock) and not args.no_stock
    pagefind: dict[str, object] = {}

    with tempfile.TemporaryDirectory(prefix="qinglian-bench-") as scratch:
        work = Path(scratch)
        documents = generate_corpus(args.docs, args.seed, work / "corpus")
        qinglian_project(work / "corpus", work / "qinglian")
        results = {"qinglian": measure(work / "qinglian", args.runs)}
        index_mb, index_files = index_size_mb(work / "qinglian/site/search-index")
        if args.pagefind:
            pagefind["build"] = pagefind_index(work / "qinglian/site")
            pagefind["size"] = index_size_mb(work / "qinglian/site/pagefind")
            pagefind["queries"] = {query: pagefind_first_query(work / "qinglian/site", query) for query in QUERIES}
        rebuild = rebuild_after_one_edit(work / "qinglian", work / "corpus")
        if run_stock:
            stock_project(documents, work / "stock")
            results["stock"] = measure(work / "stock", args.runs)

    print(f"{args.docs} documents, seed {args.seed}, median of {args.runs} runs")
    print(f"{'build':<10}{'wall s':>10}{'peak PSS MB':>14}{'median page KB':>17}{'max page KB':>14}")
    for name, m in results.items():
        print(f"{name:<10}{m.seconds:>10.1f}{m.peak_rss_mb:>14.0f}{m.median_page_kb:>17.1f}{m.max_page_kb:>14.1f}")
    if "stock" in results:
        q, s = results["qinglian"], results["stock"]
        print(
            f"{'ratio q/s':<10}{q.seconds / s.seconds:>10.2f}{q.peak_rss_mb / s.peak_rss_mb:>14.2f}"
            f"{q.median_page_kb / s.median_page_kb:>17.3f}{q.max_page_kb / s.max_page_kb:>14.3f}"
        )
    full, edited = rebuild
    print(
        f"qinglian rebuild after editing one document (search cache kept): {edited.seconds:.1f} s, of which the index "
        f"{edited.index_seconds or 0:.1f} s (full build before it: {full.seconds:.1f} s, index {full.index_seconds or 0:.1f} s; "
        f"re-index / full build {(edited.index_seconds or 0) / full.seconds:.2f})"
    )
    print(f"qinglian search index: {index_mb:.1f} MB in {index_files} files")
    if pagefind:
        seconds, peak = pagefind["build"]  # type: ignore[misc]
        size_mb, files = pagefind["size"]  # type: ignore[misc]
        print(f"pagefind index of the same pages: {seconds:.1f} s, peak RSS {peak:.0f} MB, {size_mb:.1f} MB in {files} files")
    print()
    print(f"{'first query':<24}{'search KB':>12}{'requests':>10}{'results ms':>12}")
    for name, m in results.items():
        for query, (kb, requests, ms) in m.queries.items():
            shown = f"{ms:.0f}" if ms is not None else "none"
            print(f"{name + ' ' + query:<24}{kb:>12.0f}{requests:>10}{shown:>12}")
    if pagefind:
        for query, (kb, requests, ms, count) in pagefind["queries"].items():  # type: ignore[union-attr]
            print(f"{'pagefind ' + query:<24}{kb:>12.0f}{requests:>10}{ms:>12.0f}   ({count} results)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
