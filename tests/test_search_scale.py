"""The search's request budget on a generated 2,000-document site (a count, not a timing).

The site is scripts/bench.py's corpus, built by the portal and served with gzip as nginx
serves it. A first search fetches the index files of its tokens and the results it shows,
never the whole index: at most 20 requests and 300 KB, from page load to the first results.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO, build_site

sys.path.insert(0, str(REPO / "scripts"))
import bench_corpus  # noqa: E402
import bench_search  # noqa: E402

pytestmark = pytest.mark.browser

DOCUMENTS = 2000
MAX_REQUESTS = 20
MAX_KB = 300


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("scale")
    bench_corpus.generate_corpus(DOCUMENTS, 1, work / "corpus")
    bench_corpus.qinglian_project(work / "corpus", work / "portal")
    return build_site(work / "portal")


@pytest.fixture(scope="module")
def large_url(large_site: Path) -> Iterator[str]:
    with bench_search.serving(large_site) as url:
        yield url


@pytest.mark.parametrize("query", ["警示教育", bench_corpus.RARE_PHRASE[:5], "2024", "2024年 廉洁"])
def test_a_first_search_stays_within_the_request_budget(browser, large_url: str, query: str):
    context = browser.new_context()
    page = context.new_page()
    fetched: list[tuple[str, int]] = []
    page.on("response", lambda r: "search" in r.url and fetched.append((r.url, r.request.sizes()["responseBodySize"])))
    page.goto(large_url, wait_until="networkidle")
    page.locator(".ql-search__input").click()
    page.keyboard.insert_text(query)
    page.locator(".ql-search__panel .ql-result").first.wait_for(timeout=20_000)
    page.wait_for_load_state("networkidle")
    kb = sum(size for _, size in fetched) / 1024
    assert len(fetched) <= MAX_REQUESTS, fetched
    assert kb <= MAX_KB, (kb, fetched)
    # Index files are a few of the buckets, never all of them.
    assert sum("/t/" in url for url, _ in fetched) <= 8
    first = page.locator(".ql-search__panel .ql-result").first.inner_text()
    assert all(part in first for part in query.split()), first
    context.close()


def test_a_rare_phrase_finds_exactly_its_documents(browser, large_url: str):
    page = browser.new_page()
    page.goto(large_url + "search/?q=" + bench_corpus.RARE_PHRASE)
    page.locator(".ql-search-page__status", has_text="结果").wait_for(timeout=20_000)
    expected = DOCUMENTS // bench_corpus.RARE_EVERY
    assert page.locator(".ql-search-page__results .ql-result").count() == expected
    assert page.locator(".ql-results__divider").count() == 0
    assert page.locator(".ql-search-page__results mark").first.inner_text() == bench_corpus.RARE_PHRASE
    page.close()
