#!/usr/bin/env python3
"""Search quality on the fixed query set of tests/test_search_quality.py, two ways.

    .venv/bin/python scripts/search_quality.py

Builds the example content plus the decoy case with Qinglian, then indexes the very same
page texts a second time with Pagefind's own Chinese segmentation (its CLI over plain
``lang="zh"`` pages; install with ``pip install -e '.[bench]'``). In headless Chromium (Debian's) it runs every query through both: Qinglian's search
page (all results), and Pagefind's search() with the query as typed. For each it prints
recall (documents containing the phrase that were found), precision (results that contain
the phrase) and in how many queries every phrase match came before every other result.
"""

from __future__ import annotations

import html
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import EXAMPLE_BUILD_DATE, LAUNCH_ARGS, serving  # noqa: E402
from qinglian.search.indexer import indexed_pages  # noqa: E402

spec = importlib.util.spec_from_file_location("quality", ROOT / "tests/test_search_quality.py")
quality = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
spec.loader.exec_module(quality)  # type: ignore[union-attr]


def build(project: Path) -> Path:
    shutil.copytree(ROOT / "content", project / "content")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs").mkdir()
    (project / "docs/index.md").write_text("---\ntitle: 首页\n---\n\n欢迎访问。\n", encoding="utf-8")
    (project / "content/cases/2025-decoy-pairs.md").write_text(quality.DECOY, encoding="utf-8")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=project, env=env, check=True)
    return project / "site"


def index_with_pagefind_segmentation(site: Path, scratch: Path) -> None:
    """The same page texts, as plain pages, segmented by Pagefind itself into site/pagefind-zh/."""
    from pagefind.service import get_executable

    texts: dict[str, list[str]] = {}
    for page in indexed_pages(site):
        # A regulation's articles are one page for Pagefind, as they are one file.
        texts.setdefault(page["url"].split("#")[0], []).extend([page["title"], page["collection"], page["date"], page["text"]])
    plain = scratch / "plain"
    for url, parts in texts.items():
        target = plain / url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(f"<p>{html.escape(part)}</p>" for part in parts if part)
        target.write_text(f'<!doctype html><html lang="zh"><head><title>{html.escape(parts[0])}</title></head><body>{body}</body></html>',
                          encoding="utf-8")
    executable = get_executable()
    if executable is None:
        raise SystemExit("Pagefind is missing: pip install -e '.[bench]'")
    subprocess.run([str(executable), "--site", str(plain), "--output-path", str(site / "pagefind-zh")], check=True,
                   stdout=subprocess.DEVNULL)


PAGEFIND_ZH = """async (query) => {
  const pagefind = await import('/pagefind-zh/pagefind.js');
  await pagefind.options({ basePath: '/pagefind-zh/' });
  const found = await pagefind.search(query);
  const urls = [];
  for (const result of found.results) urls.push((await result.data()).url.replace(/^\\//, ''));
  return urls;
}"""


def score(name: str, results: dict[str, list[str]]) -> None:
    expected_total = found_total = returned = relevant_returned = ordered = 0
    for query, expected in quality.EXPECTED.items():
        urls = results[query]
        hits = [url for url in urls if url in expected]
        expected_total += len(expected)
        found_total += len(set(hits))
        returned += len(urls)
        relevant_returned += len(hits)
        positions = [i for i, url in enumerate(urls) if url in expected]
        others = [i for i, url in enumerate(urls) if url not in expected]
        ordered += not others or not positions or max(positions) < min(others)
    print(
        f"{name:<34}{found_total / expected_total:>8.2f}{relevant_returned / max(returned, 1):>11.2f}"
        f"{ordered:>9}/{len(quality.EXPECTED)}"
    )


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="qinglian-quality-") as scratch:
        site = build(Path(scratch) / "project")
        index_with_pagefind_segmentation(site, Path(scratch))
        with serving(site) as base, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=LAUNCH_ARGS)
            page = browser.new_page()
            ours = {query: quality.all_results(page, base, query) for query in quality.EXPECTED}
            page.goto(base)
            theirs = {query: page.evaluate(PAGEFIND_ZH, query) for query in quality.EXPECTED}
            browser.close()
    print(f"{len(quality.EXPECTED)} queries, {sum(map(len, quality.EXPECTED.values()))} expected documents")
    print(f"{'search':<34}{'recall':>8}{'precision':>11}{'phrase first':>13}")
    score("qinglian (symbol pairs and triples)", ours)
    score("pagefind zh segmentation", theirs)
    for query in quality.EXPECTED:
        missed = sorted(set(quality.EXPECTED[query]) - set(theirs[query]))
        if missed:
            print(f"  pagefind zh missed for {query}: {', '.join(missed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
