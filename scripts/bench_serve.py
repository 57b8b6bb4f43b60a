"""The page cache under ``mkdocs serve``: builds, cache size, and save to page (scripts/bench.py --serve)."""

from __future__ import annotations

import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


from qinglian.cache_store import project_cache

from bench_corpus import generate_corpus, qinglian_project, build

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
