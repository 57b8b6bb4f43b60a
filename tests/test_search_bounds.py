"""A crafted document cannot make the index heavier for every reader, nor stop the build without naming itself."""

from __future__ import annotations

import os
import random
import subprocess
import time
from pathlib import Path

import pytest

from conftest import MKDOCS, Project, speech
from qinglian.search import tokens
from qinglian.search.indexer import SearchIndexer, SearchIndexRefused
from qinglian.search.limits import MAX_PAGE_TOKENS, bounded
from qinglian.search.records import SearchRecord
from qinglian.search.tokens import WordLimit


def random_han(characters: int, seed: int) -> str:
    rng = random.Random(seed)
    lines = ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(100)) for _ in range(characters // 100)]
    return "\n\n".join(lines)


def largest_bucket(site: Path) -> int:
    return max(path.stat().st_size for path in site.glob("search-index/v-*/t/*.json"))


def timed_build(root: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    started = time.monotonic()
    result = subprocess.run([*MKDOCS, "build"], cwd=root, capture_output=True, text=True, env=env, timeout=600)
    return result, time.monotonic() - started


def test_a_huge_page_of_random_characters_is_indexed_in_part_and_buckets_stay_small(project: Project):
    for year in range(2015, 2025):
        project.write(f"content/speeches/{year}-talk.md", speech(title=f"{year}年的讲话", date=f"{year}-05-01"))
    clean, _ = timed_build(project.root)
    assert clean.returncode == 0, clean.stderr
    before = largest_bucket(project.root / "site")
    hostile = speech(title="乱码讲话", date="2024-06-01").replace("讲话正文。", random_han(600_000, 1))
    path = project.write("content/speeches/2024-noise.md", hostile)
    result, seconds = timed_build(project.root)
    assert result.returncode == 0, result.stderr[-2000:]
    warnings = [line for line in result.stderr.splitlines() if "content/speeches/2024-noise.md:" in line]
    assert warnings and f"不超过 {MAX_PAGE_TOKENS} 个不同检索词" in warnings[0] and "不进入站内搜索" in warnings[0]
    line = int(warnings[0].split("2024-noise.md:")[1].split(":")[0])
    assert 10 < line < len(path.read_text(encoding="utf-8").splitlines())
    after = largest_bucket(project.root / "site")
    # Every reader's search fetches files of about the same size as without the page.
    assert after <= 2 * max(before, 16_000), (before, after)
    assert seconds < 120
    # The page itself is still published whole.
    assert (project.root / "site/speeches/2024-noise/index.html").stat().st_size > 1_500_000
    assert "Traceback" not in result.stderr


def test_bounded_cuts_where_the_distinct_tokens_pass_the_limit():
    record = SearchRecord(url="x/", title="标题", collection="领导讲话", date="", text=random_han(200_000, 2))
    indexed, cut = bounded(record)
    assert cut is not None and cut.tokens > MAX_PAGE_TOKENS
    assert 0 < len(indexed.text) < len(record.text) and record.text.startswith(indexed.text)
    assert cut.rest and indexed.text + cut.rest == record.text
    prose = SearchRecord(url="y/", title="标题", collection="", date="", text="八项规定精神落实情况。" * 20_000)
    assert bounded(prose) == (prose, None)


def test_the_site_wide_word_limit_names_the_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tokens, "MAX_WORDS", 3000)
    records = [
        SearchRecord(url=f"p{number}/", title=f"第{number}页", collection="领导讲话", date="", text=" ".join(f"w{number}x{i}" for i in range(size)))
        for number, size in enumerate([10, 1600, 20, 1500, 30])
    ]
    indexer = SearchIndexer(tmp_path / "cache")
    indexer.start(records)
    with pytest.raises(SearchIndexRefused) as refused:
        indexer.finish(tmp_path / "site")
    urls = refused.value.args[0]
    assert urls and {"p1/", "p3/"} <= set(urls)
    assert not isinstance(refused.value, WordLimit)



def test_a_build_past_the_word_limit_names_the_files(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from qinglian.engine import ContentRejected, build_site

    monkeypatch.setattr(tokens, "MAX_WORDS", 2000)
    monkeypatch.chdir(project.root)
    project.write("content/speeches/2024-codes.md", speech(title="编号清单", date="2024-06-01").replace("讲话正文。", " ".join(f"code{i}" for i in range(2500))))
    with pytest.raises(ContentRejected) as rejected:
        build_site(project.root / "mkdocs.yml", tmp_path / "site")
    assert "content/speeches/2024-codes.md" in str(rejected.value) and "不超过 2000 个" in str(rejected.value)
