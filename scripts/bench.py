#!/usr/bin/env python3
"""Build one synthetic corpus two ways and compare: stock MkDocs + Material vs Qinglian.

    .venv/bin/python scripts/bench.py --docs 1000 --runs 3
    .venv/bin/python scripts/bench.py --docs 10000 --runs 1 --pagefind   # also index with Pagefind
    .venv/bin/python scripts/bench.py --quiz-page 20      # weigh a 20-question quiz page
    .venv/bin/python scripts/bench.py --docs 1000 --check # time qinglian check
    .venv/bin/python scripts/bench.py --docs 1000 --serve # page cache: builds, cache size, save-to-page under mkdocs serve

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
import contextlib
import functools
import gzip
import http.server
import io
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qinglian.cache_store import project_cache

ROOT = Path(__file__).resolve().parent.parent
TARGET_BYTES = 10_000
SENTENCE = re.compile(r"[^。！？\n]+[。！？]")


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A phrase every synthetic corpus contains (it comes from the example content), and a number.
# A rare phrase, put into one document in a thousand; the example sentences never hold it.
RARE_PHRASE = "旧仓库改建工程"
RARE_EVERY = 1000
QUERIES = ("警示教育", "旧仓库改建", "2024")


@dataclass
class Measurement:
    seconds: float
    peak_rss_mb: float
    median_page_kb: float
    max_page_kb: float
    # Per query: (KB of search requests until results, their count, ms from keystroke to results or None).
    queries: dict[str, tuple[float, int, float | None]] = field(default_factory=dict)


def example_sentences() -> list[str]:
    sentences: list[str] = []
    for path in sorted((ROOT / "content").rglob("*.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        sentences += [s.strip() for s in SENTENCE.findall(body) if len(s.strip()) > 8]
    return sentences


def generate_corpus(count: int, seed: int, target: Path) -> list[tuple[str, str, str]]:
    """Write the corpus under ``target/content``; return (collection, slug, text) per document."""
    rng = random.Random(seed)
    vocabulary = yaml.safe_load((ROOT / "content/vocabulary.yml").read_text(encoding="utf-8"))
    units, topics, roles = list(vocabulary["units"]), list(vocabulary["topics"]), vocabulary["roles"]
    sentences = example_sentences()
    content = target / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("*.md"))
    documents = []
    for index in range(count):
        collection = "speeches" if index % 2 == 0 else "cases"
        year = 2020 + index % 6
        date = f"{year}-{index % 12 + 1:02d}-{index % 28 + 1:02d}"
        title = rng.choice(sentences)[:24].rstrip("，。") + f"（{index}）"
        fields = {
            "title": title,
            "date": date,
            "unit": rng.choice(units),
            "topics": rng.sample(topics, 2),
            "summary": rng.choice(sentences),
        }
        if collection == "speeches":
            fields |= {"speaker": rng.choice(roles), "occasion": "全市警示教育大会"}
        else:
            fields |= {"discipline": "廉洁纪律", "outcome": "党内警告", "lessons": [rng.choice(sentences)]}
        paragraphs: list[str] = []
        if index % RARE_EVERY == RARE_EVERY // 2:
            paragraphs.append(f"本单位{RARE_PHRASE}的招标过程须全程留痕。")
        size = 0
        while size < TARGET_BYTES:
            if len(paragraphs) % 6 == 0:
                paragraphs.append(f"## 第{len(paragraphs) // 6 + 1}部分")
            paragraph = "".join(rng.sample(sentences, 4))
            paragraphs.append(paragraph)
            size += len(paragraph.encode("utf-8"))
        text = "---\n" + yaml.safe_dump(fields, allow_unicode=True, sort_keys=False) + "---\n\n" + "\n\n".join(paragraphs) + "\n"
        slug = f"{year}-doc-{index:05d}"
        (content / collection / f"{slug}.md").write_text(text, encoding="utf-8")
        documents.append((collection, slug, text))
    return documents


def qinglian_project(corpus_dir: Path, target: Path) -> None:
    target.mkdir(parents=True)
    shutil.copytree(ROOT / "docs", target / "docs")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("content_dir: content", f"content_dir: {corpus_dir / 'content'}")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")


def stock_project(documents: list[tuple[str, str, str]], target: Path) -> None:
    docs = target / "docs"
    for collection, slug, text in documents:
        path = docs / collection / f"{slug}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (docs / "index.md").write_text("# 首页\n", encoding="utf-8")
    (target / "mkdocs.yml").write_text(
        "site_name: 基准\ntheme:\n  name: material\n  language: zh\nplugins:\n  - search:\n      lang: zh\n",
        encoding="utf-8",
    )


def tree_pss_kb(root_pid: int) -> int:
    """Proportional memory of a process and all its descendants (the search indexer is a forked
    child), in KB: pages the child still shares with its parent count once, not twice."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            text = Path("/proc", name, "stat").read_text()
        except OSError:
            # The process ended between listing and reading.
            continue
        children.setdefault(int(text.rsplit(")", 1)[1].split()[1]), []).append(int(name))
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        try:
            rollup = Path("/proc", str(pid), "smaps_rollup").read_text()
            total += int(next(line for line in rollup.splitlines() if line.startswith("Pss:")).split()[1])
        except (OSError, StopIteration, ValueError):
            pass
        stack += children.get(pid, [])
    return total


@dataclass
class BuildRun:
    seconds: float
    peak_rss_mb: float
    # What the search index took, as the build logs it (None: stock, or the index came from the cache).
    index_seconds: float | None


INDEX_LOG = re.compile(r"搜索索引：.*?用时 ([\d.]+) 秒")


def build(project: Path, fresh_cache: bool = True, engine: str = "mkdocs") -> BuildRun:
    """Wall seconds, peak memory (MB, proportional set size summed over the build's processes) and index seconds of one ``mkdocs build``."""
    shutil.rmtree(project / "site", ignore_errors=True)
    if fresh_cache:
        shutil.rmtree(project_cache(project.resolve()), ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    # The log goes to a file: a pipe read only at the end fills up and stalls the build.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen([sys.executable, "-m", engine, "build"], cwd=project, env={**env, "QINGLIAN_ENGINE": engine}, stderr=log)
    peak = 0
    finished = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not finished.wait(0.05):
            peak = max(peak, tree_pss_kb(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    finished.set()
    sampler.join()
    log.seek(0)
    stderr = log.read().decode(errors="replace")
    log.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build of {project} failed:\n{stderr}")
    # The sampler can miss a short spike; the kernel's own peak RSS of the largest single process cannot.
    indexed = INDEX_LOG.search(stderr)
    return BuildRun(seconds, max(peak, usage.ru_maxrss) / 1024, float(indexed[1]) if indexed else None)


def rebuild_after_one_edit(project: Path, corpus: Path) -> tuple[BuildRun, BuildRun]:
    """A full build, then a rebuild (search cache kept) after one document's text changes."""
    full = build(project, fresh_cache=True)
    document = sorted((corpus / "content/speeches").glob("*.md"))[0]
    document.write_text(document.read_text(encoding="utf-8") + "\n补充一句修改后的内容。\n", encoding="utf-8")
    return full, build(project, fresh_cache=False)


def page_sizes(site: Path) -> list[int]:
    return [
        page.stat().st_size
        for collection in ("speeches", "cases")
        for page in (site / collection).glob("*-doc-*/index.html")
    ]


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


class _GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as the shipped nginx configuration does: text types gzip-compressed.

    Pagefind's own files (.pagefind, .pf_*) are compressed already and go out as they are.
    """

    COMPRESSED = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".ics")

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # noqa: ANN201 - the base class's protocol
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in self.COMPRESSED and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serving(site: Path) -> Iterator[str]:
    """The site over HTTP on 127.0.0.1, gzip-compressed as nginx serves it; yields its address."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_GzipHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


@contextlib.contextmanager
def chromium_page(site: Path) -> Iterator[tuple[Any, str]]:
    """A page of a fresh Debian Chromium (Playwright) and the served site's address."""
    from playwright.sync_api import sync_playwright

    with serving(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(), base
        finally:
            browser.close()


def first_query(site: Path, query: str, timeout_ms: int = 15_000) -> tuple[float, int, float | None]:
    """Open the home page, type ``query`` into the header search, wait for the first result.

    The site is served with gzip for text types, as the shipped nginx configuration does.
    Returns the KB transferred by search requests (script, index files; stock: index and worker)
    from page load until the results, their number, and the milliseconds from the keystroke to the
    first result (None if no result appeared within ``timeout_ms``).
    """
    transferred: list[int] = []
    with chromium_page(site) as (page, base):

        def count(response) -> None:  # noqa: ANN001 - Playwright's Response
            if "search" in response.url:
                transferred.append(response.request.sizes()["responseBodySize"])

        page.on("response", count)
        page.goto(base, wait_until="networkidle")
        page.locator(".ql-search__input, label.md-search__icon, .md-search__input").first.click(force=True)
        # Qinglian loads the search program when the box gets focus; a reader takes a moment
        # before the first character (an input method needs several keystrokes), so typing
        # starts a second later, for both builds. The bytes of that loading still count.
        page.wait_for_timeout(1000)
        if query.isascii():
            page.keyboard.type(query)
        else:
            # An input method commits the whole word at once, then key events follow
            # (Material's box listens to those; insertText alone has none).
            page.keyboard.insert_text(query)
            page.keyboard.press("End")
        typed = time.perf_counter()
        try:
            page.locator(".md-search-result__item, .ql-search__panel .ql-result").first.wait_for(timeout=timeout_ms)
            elapsed: float | None = (time.perf_counter() - typed) * 1000
        except Exception:  # noqa: BLE001 - Playwright's TimeoutError; no result is a result here
            elapsed = None
        page.wait_for_load_state("networkidle")
    return sum(transferred) / 1024, len(transferred), elapsed


def kernel_first_query(site: Path, kernel: str, query: str, runs: int) -> tuple[float, float | None]:
    """First search on one of the readers' Chromium kernels (scripts/old_chromium.py).

    Driven over the DevTools protocol, as the browser-matrix tests do: the query is committed
    a second after focusing the box, as an input method does. Returns the median KB received
    by search requests from page load on, and the median ms from the commit to the first result.
    """
    from cdp import Browser
    from old_chromium import executable

    binary = Path(CHROMIUM) if kernel == "current" else executable(int(kernel))
    sizes, times = [], []
    with serving(site) as base:
        for _ in range(runs):
            browser = Browser(binary)
            try:
                browser.goto(base)
                browser.evaluate("document.querySelector('.ql-search__input').focus()")
                browser.pump(1.0)
                browser.type_text(".ql-search__input", query)
                typed = time.perf_counter()
                try:
                    browser.wait_for("document.querySelectorAll('.ql-search__panel .ql-result').length", 30)
                    times.append((time.perf_counter() - typed) * 1000)
                except TimeoutError:
                    pass
                browser.pump(0.5)
                sizes.append(sum(n for url, n in browser.events.received.items() if "search" in url))
            finally:
                browser.close()
    return statistics.median(sizes) / 1024, statistics.median(times) if times else None


def pagefind_index(site: Path) -> tuple[float, float]:
    """Index the built pages with Pagefind's own CLI into site/pagefind/; wall seconds and peak RSS MB."""
    from pagefind.service import get_executable

    executable = get_executable()
    if executable is None:
        raise SystemExit("Pagefind is missing: pip install -e '.[bench]'")
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    start = time.perf_counter()
    process = subprocess.Popen([str(executable), "--site", str(site), "--output-subdir", "pagefind"], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("pagefind failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


PAGEFIND_SEARCH = """async (query) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.options({ excerptLength: 20 });
  const began = performance.now();
  const found = await pagefind.search(query);
  await Promise.all(found.results.slice(0, 6).map((result) => result.data()));
  return [performance.now() - began, found.results.length];
}"""


def pagefind_first_query(site: Path, query: str) -> tuple[float, int, float, int]:
    """Pagefind's first search for ``query`` in a fresh browser: KB, requests, ms to six results' data, result count."""
    transferred: list[int] = []
    with chromium_page(site) as (page, base):
        page.on("response", lambda r: "/pagefind/" in r.url and transferred.append(r.request.sizes()["responseBodySize"]))
        page.goto(base + "404.html", wait_until="networkidle")
        elapsed, count = page.evaluate(PAGEFIND_SEARCH, query)
        page.wait_for_load_state("networkidle")
    return sum(transferred) / 1024, len(transferred), elapsed, count


def index_size_mb(folder: Path) -> tuple[float, int]:
    files = [path for path in folder.rglob("*") if path.is_file()]
    return sum(path.stat().st_size for path in files) / 1024 / 1024, len(files)


def kernels_report(docs: int, seed: int, runs: int, kernels: list[str]) -> int:
    with tempfile.TemporaryDirectory(prefix="qinglian-bench-") as scratch:
        work = Path(scratch)
        generate_corpus(docs, seed, work / "corpus")
        qinglian_project(work / "corpus", work / "qinglian")
        build(work / "qinglian")
        print(f"{docs} documents, seed {seed}, first search per kernel, median of {runs} runs")
        print(f"{'kernel':<10}{'query':<10}{'search KB':>12}{'results ms':>12}")
        for kernel in kernels:
            for query in QUERIES:
                kb, ms = kernel_first_query(work / "qinglian" / "site", kernel, query, runs)
                shown = f"{ms:.0f}" if ms is not None else "none"
                print(f"{kernel:<10}{query:<10}{kb:>12.0f}{shown:>12}", flush=True)
    return 0


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


def du_mb(folder: Path) -> float:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file()) / 1e6


def fetch(url: str) -> str | None:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (urllib.error.URLError, OSError):
        return None


def wait_for(url: str, text: str, timeout: float = 600.0) -> float:
    """Seconds until the page at ``url`` contains ``text`` (polled every 20 ms)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        body = fetch(url)
        if body is not None and text in body:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise SystemExit(f"{url} did not show {text!r} within {timeout:.0f} s")


def wait_for_log(log: Path, text: str, count: int, timeout: float = 600.0) -> None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if log.read_text(encoding="utf-8", errors="replace").count(text) >= count:
            return
        time.sleep(0.05)
    raise SystemExit(f"mkdocs serve did not log {text!r} {count} times within {timeout:.0f} s")


def serve_report(count: int, seed: int, edits: int) -> int:
    """The page cache: full and incremental builds, cache size, and save-to-page latency under ``mkdocs serve``."""
    with tempfile.TemporaryDirectory(prefix="qinglian-bench-") as scratch:
        work = Path(scratch)
        generate_corpus(count, seed, work / "corpus")
        project = work / "qinglian"
        qinglian_project(work / "corpus", project)
        cold = build(project, fresh_cache=True)
        warm = build(project, fresh_cache=False)
        speeches = sorted((work / "corpus/content/speeches").glob("*.md"))
        edited = speeches[len(speeches) // 2]
        edited.write_text(edited.read_text(encoding="utf-8") + "\n构建计时补充的一段。\n", encoding="utf-8")
        incremental = build(project, fresh_cache=False)
        caches = project_cache(project.resolve())
        pages_mb, search_mb = du_mb(caches / "pages"), du_mb(caches / "search")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        base = f"http://127.0.0.1:{port}/"
        # The server appends (O_APPEND); this process reads the file through its own handle, so
        # reading never moves the offset the server writes at.
        log_path = work / "serve.log"
        log = open(log_path, "ab")
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=log, stderr=log,
            # Run in the background, the bench hands its children SIGINT ignored; the server must stop on it.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        latencies: list[float] = []
        try:
            page = f"{base}speeches/{edited.stem}/"
            first_serve = wait_for(page, "构建计时补充的一段")
            for number in range(edits):
                target = speeches[(number * 7919) % len(speeches)]
                marker = f"第{number}次保存后出现的句子"
                text = target.read_text(encoding="utf-8")
                saved = time.perf_counter()
                target.write_text(text + f"\n{marker}。\n", encoding="utf-8")
                wait_for(f"{base}speeches/{target.stem}/", marker)
                latencies.append(time.perf_counter() - saved)
                # The rebuild is over when the server reloads browsers (MkDocs drops a repeated
                # "Documentation built in" line); the next save starts on an idle server.
                wait_for_log(log_path, "Reloading browsers", number + 1)
                time.sleep(0.5)
        finally:
            server.send_signal(signal.SIGINT)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
            log.close()
            output = log_path.read_text(encoding="utf-8", errors="replace")
    reused = re.findall(r"页面缓存：(\d+) 个页面沿用缓存的正文，其中 (\d+) 个整页沿用", output)
    built = [float(seconds) for seconds in re.findall(r"Documentation built in ([0-9.]+) seconds", output)]
    print(f"{count} documents, seed {seed}")
    print(f"full build, no cache:                  {cold.seconds:.1f} s (peak {cold.peak_rss_mb:.0f} MB)")
    print(f"rebuild, nothing changed:              {warm.seconds:.1f} s ({warm.seconds / cold.seconds:.2f} of full)")
    print(f"rebuild after one document's text:     {incremental.seconds:.1f} s ({incremental.seconds / cold.seconds:.2f} of full)")
    print(f"cache: pages {pages_mb:.0f} MB, search {search_mb:.0f} MB")
    print(f"mkdocs serve, start to first page:     {first_serve:.1f} s (cache of the last build)")
    print(
        f"save-to-page over {len(latencies)} saves:   median {statistics.median(latencies):.2f} s, "
        f"max {max(latencies):.2f} s ({', '.join(f'{value:.2f}' for value in latencies)})"
    )
    if built[1:]:
        print(f"serve rebuilds, whole (search index included): median {statistics.median(built[1:]):.2f} s ({', '.join(f'{value:.2f}' for value in built[1:])})")
    if reused:
        print(f"serve rebuilds reused (bodies, whole pages): {', '.join(f'{a}/{b}' for a, b in reused)}")
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
    parser.add_argument("--kernels", metavar="LIST", help="only time a first search on these Chromium kernels, e.g. 79,86,90,current")
    args = parser.parse_args()
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
