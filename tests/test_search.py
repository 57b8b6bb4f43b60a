"""The search index as a library: tokens, lists, the files it writes, records and caching.

A small reader below follows the browser's steps (assets/search.js) over the written files,
so the index is checked without a browser; the same rules are compared with the browser's
own functions in Chromium, and tests/test_search_quality.py runs the real client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from pathlib import Path

import numpy as np
import pytest

from conftest import Project, cache_of, speech
from qinglian.search import index_writer
from qinglian.search.index_writer import META, update_index, write_index
from qinglian.search.indexer import SEARCH_FOLDER, SearchIndexer, indexed_pages
from qinglian.search.postings import decode_list, encode_groups, encode_list
from qinglian.search.records import GUIDES, OTHER_PAGES, SearchRecord, page_record
from qinglian.search.text import markdown_to_text
from qinglian.search.tokens import WordTable, bucket_of, key_text, normalise, symbol_numbers, token_keys


def tokens_of(text: str) -> set[str]:
    words = WordTable()
    return {key_text(int(key), words) for key in token_keys(symbol_numbers(text, words))}


def test_tokens_are_single_symbols_pairs_and_triples_of_each_run():
    assert tokens_of("八项规定") == {"八", "项", "规", "定", "八项", "项规", "规定", "八项规", "项规定"}
    # ASCII words are one symbol, in lower case; full-width forms become ASCII; punctuation breaks runs.
    assert tokens_of("２０２４年ＸＸ区，食堂") == {
        "2024", "年", "xx", "区", "2024年", "年xx", "xx区", "2024年xx", "年xx区", "食", "堂", "食堂",
    }
    assert tokens_of("a b") == {"a", "b"}
    # Characters beyond the Basic Multilingual Plane are symbols too; emoji and kana break runs.
    assert tokens_of("𠀀字😀かな") == {"𠀀", "字", "𠀀字"}
    # The mark that stands for a word while counting can't be smuggled in.
    assert tokens_of("\ue000甲") == {"甲"}


def test_lists_round_trip_with_large_gaps_and_title_flags():
    pages = np.array([0, 1, 2, 40, 41, 5000, 1_000_000, 3, 7], dtype=np.int64)
    groups = np.array([0, 0, 0, 0, 0, 0, 0, 1, 1], dtype=np.int64)
    flags = np.array([1, 0, 0, 1, 0, 0, 1, 0, 1], dtype=np.int64)
    offsets, text = encode_groups(groups, pages, flags)
    first = text[offsets[0]:offsets[1]].decode()
    second = text[offsets[1]:offsets[2]].decode()
    assert decode_list(first) == [(0, True), (1, False), (2, False), (40, True), (41, False), (5000, False), (1_000_000, True)]
    assert decode_list(second) == [(3, False), (7, True)]
    # Neighbouring pages repeat one character, which gzip shrinks to almost nothing.
    assert encode_list(range(100)) == "2" * 100
    assert re.fullmatch(r"[0-9A-Za-z_-]*", text.decode())


def record(url: str, date: str, text: str, title: str = "", **extra: object) -> SearchRecord:
    return SearchRecord(url=url, title=title or url, collection="领导讲话", date=date, text=text, order_key=date,
                        filters={"collection": ["领导讲话"], "year": [date[:4]]}, **extra)  # type: ignore[arg-type]


class IndexReader:
    """The browser's steps, in Python, over a written index folder."""

    def __init__(self, folder: Path) -> None:
        self.meta = json.loads((folder / META).read_text(encoding="utf-8"))
        self.base = folder / f"v-{self.meta['version']}"
        self.fetched: set[str] = set()

    def list(self, token: str) -> list[tuple[int, bool]]:
        name = f"t/{bucket_of(token, self.meta['buckets'])}.json"
        self.fetched.add(name)
        lists = json.loads((self.base / name).read_text(encoding="utf-8"))
        return decode_list(lists.get(token, ""))

    def page(self, number: int) -> dict[str, str]:
        return json.loads((self.base / f"p/{number}.json").read_text(encoding="utf-8"))

    def search(self, query: str) -> tuple[list[str], list[str]]:
        """(likely phrase pages, pages holding the pairs only), each in page order."""
        loose: list[str] = []
        exact: list[str] = []
        for part in normalise(query).split():
            for run in _runs(part):
                loose += run if len(run) == 1 else _covering(run, 2)
                exact += _covering(run, 3)
        holding = [{page for page, _ in self.list(token)} for token in dict.fromkeys(loose)]
        candidates = sorted(set.intersection(*holding)) if holding else []
        triples = [{page for page, _ in self.list(token)} for token in dict.fromkeys(exact)]
        likely = set.intersection(*triples) if triples else set(candidates)
        urls = [self.page(n)["url"] for n in candidates]
        return [u for n, u in zip(candidates, urls) if n in likely], [u for n, u in zip(candidates, urls) if n not in likely]


def _runs(text: str) -> list[list[str]]:
    runs: list[list[str]] = []
    for match in re.finditer(r"(?:[0-9a-z]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])+", text):
        runs.append(re.findall(r"[0-9a-z]+|.", match[0]))
    return runs


def _covering(run: list[str], size: int) -> list[str]:
    if len(run) < size:
        return []
    tokens = ["".join(run[i:i + size]) for i in range(0, len(run) - size + 1, 2)]
    last = "".join(run[-size:])
    return tokens if tokens[-1] == last else [*tokens, last]


@pytest.fixture
def small_index(tmp_path: Path) -> Path:
    records = [
        record("a/", "2024-03-05", "深入贯彻中央八项规定精神。", title="八项规定学习"),
        record("b/", "2025-01-02", "八项措施要有规定，定期检查。"),
        record("c/", "2023-07-01", "XX区机关食堂违规吃喝问题。"),
        page_record("editors/schema.md", "editors/schema/", "字段说明", "| 字段 | 说明 |\n| --- | --- |\n| title | 八项规定精神的讲话标题 |\n"),
        page_record("help.md", "help/", "帮助", "搜索八项规定。"),
    ]
    write_index(records, tmp_path / "index")
    return tmp_path / "index"


def test_pages_are_numbered_newest_first_with_hand_written_pages_last(small_index: Path):
    reader = IndexReader(small_index)
    # The staff guides come last: readers' default results stop before them (meta "readers").
    assert [reader.page(n)["url"] for n in range(reader.meta["pages"])] == ["b/", "a/", "c/", "help/", "editors/schema/"]
    assert reader.meta["documents"] == 3 and reader.meta["readers"] == 4 and reader.meta["staff"] == GUIDES
    assert reader.page(4)["collection"] == GUIDES and reader.page(3)["collection"] == OTHER_PAGES
    # Table rows read as cells, not one run-on phrase.
    assert reader.page(4)["text"] == "字段　说明\ntitle　八项规定精神的讲话标题"


def test_phrase_pages_are_told_from_pages_with_the_pairs_apart(small_index: Path):
    reader = IndexReader(small_index)
    likely, loose = reader.search("八项规定")
    assert likely == ["a/", "help/", "editors/schema/"] and loose == ["b/"]
    assert reader.search("xx区 食堂") == (["c/"], [])
    assert reader.search("吃喝问题") == (["c/"], [])
    assert reader.search("腐败") == ([], [])
    # Title flags: the phrase's pairs all stand in page a's title.
    assert (1, True) in reader.list("八项") and (0, False) in reader.list("八项")


def assert_same_files(expected: Path, actual: Path) -> None:
    """The same index files; the cache's list of them (files.json) never reaches a site."""
    names = sorted(p.relative_to(expected).as_posix() for p in expected.rglob("*") if p.is_file() and p.name != "files.json")
    assert names == sorted(p.relative_to(actual).as_posix() for p in actual.rglob("*") if p.is_file() and p.name != "files.json")
    for name in names:
        assert (expected / name).read_bytes() == (actual / name).read_bytes(), name


def test_the_index_is_the_same_however_it_is_cut_into_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    records = [record(f"d{i}/", f"2024-01-{i % 28 + 1:02d}", f"第{i}篇：警示教育与八项规定精神，编号{i * 7}。") for i in range(300)]
    whole = write_index(records, tmp_path / "whole")
    # Seven ranges over sixteen buckets: ranges that do not divide the buckets evenly.
    monkeypatch.setattr(index_writer, "_PASS_POSTINGS", index_writer.estimated_postings(records) // 6)
    cut = write_index(records, tmp_path / "cut")
    assert whole == cut
    assert_same_files(tmp_path / "whole", tmp_path / "cut")
    reader = IndexReader(tmp_path / "cut")
    assert len(reader.search("警示教育")[0]) == 300 and reader.search("编号2093") == (["d299/"], [])
    # Every token of a record is in its bucket, whatever range the bucket fell in.
    urls = [reader.page(number)["url"] for number in range(reader.meta["pages"])]
    for chosen in (records[0], records[150], records[299]):
        for token in tokens_of(chosen.indexed_text()):
            assert chosen.url in {urls[page] for page, _ in reader.list(token)}, token


def test_filters_list_the_pages_of_each_value(small_index: Path):
    reader = IndexReader(small_index)
    filters = json.loads((reader.base / "filters.json").read_text(encoding="utf-8"))
    by_year = dict(zip(filters["year"]["values"], filters["year"]["lists"]))
    assert [page for page, _ in decode_list(by_year["2024"])] == [1]
    collections = dict(zip(filters["collection"]["values"], filters["collection"]["lists"]))
    assert [page for page, _ in decode_list(collections[GUIDES])] == [4]


def test_markdown_to_text_keeps_words_not_markup():
    text = markdown_to_text("## 一、标题 {#first}\n\n- **加粗**和[链接](../a.md)\n\n| 列 | 值 |\n| --- | --- |\n| 甲 | 乙 |\n\n<div>块</div>\n")
    assert text.split("\n") == ["一、标题", "加粗和链接", "列　值", "甲　乙", "块"]


def test_the_browser_cuts_and_hashes_text_as_the_index_does(page, served_site: str):
    page.goto(served_site)
    samples = ["八项规定", "２０２４年ＸＸ区，食堂", "𠀀字😀かな", "Ab1 c", "警示教育大会上的讲话（2024年3月5日）", "Ⅻ条·第二十八条"]
    runs = page.evaluate("samples => samples.map(s => window.qinglianSearch.symbolRuns(s))", samples)
    assert runs == [_runs(normalise(sample)) for sample in samples]
    tokens = sorted(tokens_of("".join(samples)))
    buckets = page.evaluate("tokens => tokens.map(t => window.qinglianSearch.bucketOf(t, 4096))", tokens)
    assert buckets == [bucket_of(token, 4096) for token in tokens]
    lists = ["2" * 5, encode_list([0, 31, 32, 1023, 1024, 40_000, 2_000_000])]
    decoded = page.evaluate("lists => lists.map(l => window.qinglianSearch.decodeList(l).pages)", lists)
    assert decoded == [[page for page, _ in decode_list(text)] for text in lists]


PLAN = textwrap.dedent("""\
    ---
    title: 二〇二四年学习计划
    date: 2024-01-05
    year: 2024
    unit: XX市纪委监委
    topics: [警示教育]
    sessions:
      - date: 2024-05-10
        topic: 对照QLPLANTOPIC查摆作风问题
        form: 专题研讨
        unit: XX市纪委监委
        location: QLPLACE会议室
        readings:
          - speeches/2024-warning
    ---

    计划正文。
    """)

QUIZ = textwrap.dedent("""\
    ---
    title: 自测题
    date: 2024-02-01
    unit: XX市纪委监委
    topics: [警示教育]
    pass_mark: 2
    questions:
      - type: 单选题
        question: QLQUESTION 下列哪项正确？
        options: [QLOPTIONA, QLOPTIONB]
        answer: A
        explanation: QLEXPLANATION 因为第一项正确。
      - type: 填空题
        question: 纪律要求要转化为___。
        blanks:
          - [QLBLANKANSWER]
        explanation: 见讲话。
      - type: 判断题
        question: QLJUDGE 这种说法对吗？
        answer: 错误
        explanation: 说法不对。
    full_marks: 3
    ---

    测试说明。
    """)


def test_plan_sessions_quiz_text_and_back_links_are_found_but_never_answers(project: Project):
    project.write("content/speeches/2024-warning.md", speech())
    project.write("content/plans/2024-plan.md", PLAN)
    project.write("content/quizzes/2024-self-test.md", QUIZ)
    project.build_ok("--strict")
    reader = IndexReader(project.root / "site" / SEARCH_FOLDER)
    assert reader.search("qlplace")[0] == ["plans/2024-plan/"]
    # The reading's page carries the 列入学习计划 block naming the session.
    assert set(reader.search("qlplantopic")[0]) == {"plans/2024-plan/", "speeches/2024-warning/"}
    assert reader.search("qlplantopic 列入学习计划")[0] == ["speeches/2024-warning/"]
    for word in ("qlquestion", "qloptiona", "qloptionb", "qljudge"):
        assert reader.search(word)[0] == ["quizzes/2024-self-test/"], word
    for word in ("qlexplanation", "qlblankanswer"):
        assert reader.search(word) == ([], []), word
    index_text = "".join(p.read_text(encoding="utf-8") for p in (project.root / "site" / SEARCH_FOLDER).rglob("*.json"))
    assert "QLEXPLANATION" not in index_text and "QLBLANKANSWER" not in index_text
    assert "qlexplanation" not in index_text and "qlblankanswer" not in index_text
    quiz = next(p for p in indexed_pages(project.root / "site") if p["url"] == "quizzes/2024-self-test/")
    assert "因为第一项正确" not in quiz["text"] and "说法不对" not in quiz["text"] and "错误" not in quiz["text"]


def index_log(result) -> str:  # noqa: ANN001 - CompletedProcess
    found = re.search(r"搜索索引：\d+ 个页面，\d+ 个检索词，\d+ 个分块；(\S+?)[，。]", result.stderr)
    assert found, result.stderr
    return found[1]


def test_an_unchanged_build_reuses_the_index_and_an_edit_rebuilds_it(project: Project):
    for year in (2021, 2022, 2023):
        project.write(f"content/speeches/{year}-talk.md", speech(title=f"{year}年的讲话", date=f"{year}-05-01"))
    first = project.build()
    assert first.returncode == 0, first.stderr
    assert index_log(first) == "重新生成"
    assert index_log(project.build()) == "页面未变"
    project.write("content/speeches/2022-talk.md", speech(title="2022年修改后的讲话", date="2022-05-01"))
    assert index_log(project.build()) == "重新生成"
    titles = {page["title"] for page in indexed_pages(project.root / "site")}
    assert "2022年修改后的讲话" in titles and "2022年的讲话" not in titles
    # Only the current index and the state it was made from stay in the cache.
    # The index made now, its state, and the marker that claims the folder (cache_guard).
    assert sorted(entry.name for entry in cache_of(project.root, "search").iterdir() if entry.name != ".qinglian-cache")[1:] == ["state"]


def test_the_old_shard_option_is_a_warning(project: Project):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      search_shard_size: 2\n", encoding="utf-8")
    result = project.build()
    assert result.returncode == 0
    assert "search_shard_size 已不再使用" in result.stderr


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


def test_an_index_from_the_previous_state_is_the_same_as_a_fresh_one(tmp_path: Path):
    """Edits of every kind: text, title, date (a new place in the order), a new page, a deleted page."""
    base = [record(f"d{i}/", f"2024-01-{i % 28 + 1:02d}", f"第{i}篇：警示教育与八项规定精神，编号{i * 7}。") for i in range(60)]
    state = tmp_path / "state"
    write_index(base, tmp_path / "first", state)
    edited = list(base)
    edited[3] = record("d3/", edited[3].date, "改写后的正文：以案促改。")
    edited[5] = record("d5/", edited[5].date, edited[5].text, title="新的标题QLTITLE")
    edited[7] = record("d7/", "2030-06-01", edited[7].text)
    del edited[9]
    edited.append(record("new/", "2031-01-01", "新增的文档，只有它提到QLNEWWORD。"))
    incremental = write_index(edited, tmp_path / "incremental", state)
    fresh = write_index(edited, tmp_path / "fresh")
    assert incremental == fresh
    assert_same_files(tmp_path / "fresh", tmp_path / "incremental")
    reader = IndexReader(tmp_path / "incremental")
    assert reader.search("qlnewword") == (["new/"], []) and reader.search("qltitle") == (["d5/"], [])
    assert reader.search("编号63") == ([], []) and reader.page(1)["url"] == "d7/"
    # A state from another layout (more buckets) is ignored, not misread.
    many = [record(f"m{i}/", "2024-02-01", "警示教育" * 2000 + str(i)) for i in range(40)]
    assert write_index(many, tmp_path / "bigger", state) == write_index(many, tmp_path / "bigger-fresh")


def test_an_edit_in_place_takes_unchanged_files_from_the_last_index(tmp_path: Path):
    """Text and title edits keep every page's number: only the buckets they touch are written anew."""
    # Long enough texts for more buckets than an edit touches.
    base = [record(f"d{i}/", f"2024-01-{i % 28 + 1:02d}", f"第{i}篇：警示教育与八项规定精神，编号{i * 7}。" * 300) for i in range(60)]
    state = tmp_path / "cache/state"
    first = write_index(base, tmp_path / "cache/first", state)
    before = tmp_path / f"cache/first/v-{first.version}"
    inodes = {path.relative_to(before).as_posix(): path.stat().st_ino for path in before.rglob("*.json")}
    # As in a site the index was placed in: links to the same files, which keep them alive.
    shutil.copytree(before, tmp_path / "site", copy_function=os.link)
    site_copy = {path: path.read_bytes() for path in (tmp_path / "site").rglob("*.json")}
    edited = list(base)
    edited[3] = record("d3/", edited[3].date, "改写后的正文：以案促改，只有它提到QLPLACE。")
    edited[5] = record("d5/", edited[5].date, edited[5].text, title="新的标题QLTITLE")
    incremental, update = update_index(edited, tmp_path / "cache/second", state)
    fresh = write_index(edited, tmp_path / "fresh")
    assert incremental == fresh and incremental.version != first.version
    assert_same_files(tmp_path / "fresh", tmp_path / "cache/second")
    folder = tmp_path / f"cache/second/v-{incremental.version}"
    taken_over = {path.relative_to(folder).as_posix() for path in folder.rglob("*.json") if inodes.get(path.relative_to(folder).as_posix()) == path.stat().st_ino}
    pages = {f"p/{number}.json" for number in range(60)}
    fresh_reader = IndexReader(tmp_path / "fresh")
    number_of = {fresh_reader.page(number)["url"]: number for number in range(60)}
    assert pages - taken_over == {f"p/{number_of['d3/']}.json", f"p/{number_of['d5/']}.json"}
    buckets = {path for path in taken_over if path.startswith("t/")}
    assert 0 < len(buckets) < incremental.buckets
    # What was written anew is what the site's copy must replace, and nothing else.
    assert update is not None and update.base == first.version
    assert set(update.written) == set(inodes) - taken_over
    # Files are written anew, never changed in place: the site's copy is untouched.
    assert all(path.read_bytes() == data for path, data in site_copy.items())
    # The first index gave its files away: it no longer passes for whole.
    assert not (tmp_path / "cache/first/meta.json").exists()
    reader = IndexReader(tmp_path / "cache/second")
    assert reader.search("qlplace") == (["d3/"], []) and reader.search("qltitle") == (["d5/"], [])


def test_a_site_holding_the_last_index_gets_only_the_files_written_anew(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """What a preview rebuild does with the site's copy of the index after an edit in place."""
    base = [record(f"d{i}/", f"2024-01-{i % 28 + 1:02d}", f"第{i}篇：警示教育与八项规定精神，编号{i * 7}。" * 300) for i in range(60)]
    site = tmp_path / "site"
    indexer = SearchIndexer(tmp_path / "cache")
    indexer.start(base)
    first = indexer.finish(site, link=True).summary
    placed = site / SEARCH_FOLDER
    inodes = {path.relative_to(placed).as_posix(): path.stat().st_ino for path in placed.rglob("*.json")}
    edited = list(base)
    edited[3] = record("d3/", edited[3].date, "改写后的正文：以案促改，只有它提到QLPLACE。")
    indexer.start(edited)
    with monkeypatch.context() as patched:
        # Not copied whole again.
        patched.setattr(shutil, "copytree", None)
        second = indexer.finish(site, link=True).summary
    assert second.version != first.version and not (placed / f"v-{first.version}").exists()
    fresh = tmp_path / "fresh"
    write_index(edited, fresh)
    assert_same_files(fresh, placed)
    kept = [name for name, inode in inodes.items() if (placed / name.replace(first.version, second.version)).stat().st_ino == inode]
    # Most files stay where they were; the edited page's file, the buckets it touches and meta.json do not.
    assert len(kept) > len(inodes) // 2 and "meta.json" not in kept
    assert IndexReader(placed).search("qlplace") == (["d3/"], [])
    # The same records again: the site already holds that index and is left alone.
    meta_inode = (placed / "meta.json").stat().st_ino
    indexer.start(edited)
    assert indexer.finish(site, link=True).summary == second and (placed / "meta.json").stat().st_ino == meta_inode
    assert_same_files(fresh, placed)


def test_hand_written_pages_come_after_documents_under_their_own_filter(page, served_site: str):
    page.goto(served_site + "search/?q=" + "八项规定")
    page.locator(".ql-search-page__status", has_text="结果").wait_for(timeout=15000)
    more = page.locator(".ql-search-page__more")
    while more.is_visible():
        before = page.locator(".ql-search-page__results .ql-result").count()
        more.click()
        page.wait_for_function("n => document.querySelectorAll('.ql-search-page__results .ql-result').length > n", arg=before)
    kinds = page.locator(".ql-search-page__results > li").evaluate_all(
        "items => items.map(li => li.classList.contains('ql-results__divider') ? '|' :"
        " (/^(编辑和运维指南|其他页面)/.test(li.querySelector('.ql-result__meta').textContent) ? 'g' : 'd'))"
    )
    above = "".join(kinds).split("|")[0]
    assert "g" in above and "d" in above and "dg" in above and "gd" not in above, kinds
    # The staff guides are not among a reader's results; they are found under their own filter value.
    metas = page.locator(".ql-search-page__results .ql-result__meta").all_inner_texts()
    assert metas and not any(meta.startswith("编辑和运维指南") for meta in metas)
    guides = page.locator(".ql-facet__option", has_text="编辑和运维指南")
    assert int(guides.locator(".ql-facet__count").inner_text()) >= 1
    guides.locator("input").check()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.ql-search-page__results .ql-result__meta')]"
        ".every(m => m.textContent.startsWith('编辑和运维指南'))"
    )
