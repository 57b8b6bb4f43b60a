"""Search records, the pair encoding, shards and incremental indexing (no browser)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import Project, speech
from qinglian.search.indexer import indexed_pages
from qinglian.search.records import SearchRecord
from qinglian.search.shards import plan_shards
from qinglian.search.text import decode_index_text, encode_for_index, markdown_to_text


@pytest.mark.parametrize("text", [
    "深入贯彻中央八项规定精神，2023年警示教育大会。",
    "一把手要带头",
    "XX市 2024 年度 ABC 计划",
    "腐",
    "“四风”问题；以案为鉴、以案促改！",
])
def test_pair_encoding_keeps_the_text_once_spaces_are_made_plain(text: str):
    encoded = encode_for_index(text)
    # Pagefind turns every space into " "; Chinese needs none, so only Latin neighbours keep one.
    assert decode_index_text(" ".join(encoded.split())) == re.sub(r"(?<![A-Za-z0-9]) | (?![A-Za-z0-9])", "", text)


def test_pairs_overlap_and_each_run_ends_with_its_last_character():
    assert encode_for_index("八项规定").split() == ["八项", "项规", "规定", "定"]
    words = encode_for_index("2023年四风，问题").split()
    assert words == ["2023", "年四", "四风", "风", "，", "问题", "题"]


def test_markdown_to_text_keeps_words_not_markup():
    text = markdown_to_text("## 一、标题 {#first}\n\n- **加粗**和[链接](../a.md)\n\n| 列 | 值 |\n| --- | --- |\n| 甲 | 乙 |\n\n<div>块</div>\n")
    assert text.split("\n") == ["一、标题", "加粗和链接", "列   值", "甲   乙", "块"]


def record(url: str, date: str, text: str = "") -> SearchRecord:
    return SearchRecord(url=url, title=url, collection="领导讲话", date="", text=text or url, order_key=date)


def test_shards_are_cut_oldest_first_so_edits_and_new_documents_touch_one_shard():
    records = [record(f"s{i}/", f"202{i % 5}-01-{i + 1:02d}") for i in range(14)]
    shards = plan_shards(records, limit=6, engine_version="1")
    assert [len(shard.records) for shard in shards] == [6, 6, 2]
    dates = [r.order_key for shard in shards for r in shard.records]
    assert dates == sorted(dates)
    edited = [*records[:3], record("s3/", records[3].order_key, "改过的正文"), *records[4:]]
    assert len({s.name for s in plan_shards(edited, 6, "1")} - {s.name for s in shards}) == 1
    newest = [*records, record("new/", "2030-01-01")]
    assert len({s.name for s in plan_shards(newest, 6, "1")} - {s.name for s in shards}) == 1
    # A new Pagefind version rebuilds everything.
    assert not {s.name for s in plan_shards(records, 6, "2")} & {s.name for s in shards}


def shard_log(result) -> tuple[int, int]:  # noqa: ANN001 - CompletedProcess
    found = re.search(r"搜索索引：\d+ 个页面，(\d+) 个分片（重建 (\d+) 个", result.stderr)
    assert found, result.stderr
    return int(found[1]), int(found[2])


def test_rebuild_reindexes_only_the_shard_that_changed(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      search_shard_size: 2\n", encoding="utf-8")
    for year in (2021, 2022, 2023):
        project.write(f"content/speeches/{year}-talk.md", speech(title=f"{year}年的讲话", date=f"{year}-05-01"))
    first = project.build()
    assert first.returncode == 0, first.stderr
    shards, rebuilt = shard_log(first)
    assert shards >= 2 and rebuilt == shards
    assert shard_log(project.build()) == (shards, 0)
    project.write("content/speeches/2022-talk.md", speech(title="2022年修改后的讲话", date="2022-05-01"))
    again = project.build()
    assert shard_log(again) == (shards, 1)
    titles = {page["meta"]["title"] for page in indexed_pages(project.root / "site")}
    assert "2022年修改后的讲话" in titles and "2022年的讲话" not in titles
    # Only the shards of the current build stay in the cache.
    assert len(list((project.root / ".cache/qinglian/search").iterdir())) == shards


def test_every_page_has_the_search_box_and_the_404_page_reaches_the_root(example_site: Path):
    html = (example_site / "speeches/2024-eight-rules-deployment/index.html").read_text(encoding="utf-8")
    assert '<form class="ql-search" role="search" method="get" action="../../search/" data-root="../../">' in html
    assert 'src="../../assets/qinglian/search.js"' in html
    not_found = (example_site / "404.html").read_text(encoding="utf-8")
    assert 'action="/search/" data-root="/"' in not_found
    # Material's own search is off: no second box and no lunr index.
    assert "md-search__input" not in html and not (example_site / "search/search_index.json").exists()
    assert (example_site / "search/index.html").is_file()


def test_material_search_plugin_alongside_is_a_warning(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"), encoding="utf-8")
    result = project.build()
    assert result.returncode == 0
    assert "plugins 中有 search：qinglian 自带全站搜索，请删除 search" in result.stderr
    assert project.build("--strict").returncode != 0


def test_a_shard_counts_as_written_only_when_every_file_is_whole(example_site: Path, tmp_path: Path):
    from qinglian.search.pagefind import bundle_complete

    shard = next((example_site / "pagefind").glob("*/pagefind-entry.json")).parent
    copy = tmp_path / "shard"
    shutil.copytree(shard, copy)
    assert bundle_complete(copy)
    fragment = next((copy / "fragment").iterdir())
    fragment.write_bytes(fragment.read_bytes()[:-20])
    assert not bundle_complete(copy)
    (copy / "pagefind-entry.json").write_text("", encoding="utf-8")
    assert not bundle_complete(copy)
