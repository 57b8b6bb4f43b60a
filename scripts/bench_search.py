"""Search in the browser: the first query in headless Chromium (current and old kernels), and Pagefind beside it (scripts/bench.py)."""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import io
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any


from bench_corpus import generate_corpus, qinglian_project, build

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# A phrase every synthetic corpus contains (it comes from the example content), the rare phrase, and a number.
QUERIES = ("警示教育", "旧仓库改建", "2024")


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
