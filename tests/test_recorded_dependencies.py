"""Page keys from recorded dependencies: a rebuild that does not assemble unchanged documents again is still the fresh build."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import EXAMPLE_BUILD_DATE, MKDOCS, Project, assert_same_site, cache_of, cache_rows, speech

KEPT = re.compile(r"页面依赖：(\d+) 个页面（共 (\d+) 个）所依赖的内容与上次生成时相同")
CASE = "content/cases/2025-project-kickbacks.md"
REGULATION = "content/regulations/2023-organ-staff-integrity.md"


def build(root: Path, site: str, build_date: str = EXAMPLE_BUILD_DATE) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*MKDOCS, "build", "-d", site],
        cwd=root, capture_output=True, text=True, timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": build_date},
    )
    if result.returncode != 0:
        pytest.fail(f"{root} does not build:\n{result.stderr[-4000:]}")
    return result


def kept(result: subprocess.CompletedProcess[str]) -> tuple[int, int] | None:
    found = KEPT.search(result.stderr)
    return (int(found[1]), int(found[2])) if found else None


def fresh(root: Path, scratch: Path, build_date: str = EXAMPLE_BUILD_DATE) -> Path:
    """The project built in a copy with no cache at all."""
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("site*"))
    shutil.rmtree(cache_of(scratch), ignore_errors=True)
    assert kept(build(scratch, "site", build_date)) is None
    return scratch / "site"


@pytest.fixture
def portal(portal: Project) -> Path:
    """The example portal's folder (conftest's copy)."""
    return portal.root


def append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_a_text_edit_reassembles_only_that_document(portal: Path, tmp_path: Path):
    assert kept(build(portal, "site")) is None  # nothing recorded yet
    documents = len(list((portal / "content").glob("*/*.md")))
    unchanged = kept(build(portal, "site-again"))
    # Every document page and every generated page (listings, calendar, quizzes).
    assert unchanged is not None and unchanged[0] == unchanged[1] > documents
    assert_same_site(portal / "site", portal / "site-again")

    append(portal / CASE, "\n本段为修改后补充的内容。\n")
    result = build(portal, "site-edited")
    # The listings showing the case keep their keys too: its card did not change.
    assert kept(result) == (unchanged[0] - 1, unchanged[1])
    assert_same_site(fresh(portal, tmp_path / "fresh"), portal / "site-edited")
    assert "本段为修改后补充的内容" in (portal / "site-edited/cases/2025-project-kickbacks/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["regulation text", "case title", "case heading", "vocabulary"])
def test_what_other_pages_show_reassembles_every_document(portal: Path, tmp_path: Path, change: str):
    build(portal, "site")
    if change == "regulation text":
        # The cases citing 第二十八条 show its words.
        path = portal / REGULATION
        path.write_text(path.read_text(encoding="utf-8").replace("收受好处", "收受财物"), encoding="utf-8")
    elif change == "case heading":
        # Readings may point to a heading: its outline is part of what others show.
        path = portal / CASE
        path.write_text(path.read_text(encoding="utf-8").replace("## 案件警示", "## 案件警示与整改"), encoding="utf-8")
    elif change == "case title":
        path = portal / CASE
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", r"title: \1（修订）", text, count=1, flags=re.M), encoding="utf-8")
    else:
        append(portal / "content/vocabulary.yml", "\n# 补充说明\n")
    result = build(portal, "site-edited")
    assert kept(result) is not None and kept(result)[0] == 0, result.stderr[-2000:]
    assert_same_site(fresh(portal, tmp_path / "fresh"), portal / "site-edited")


def test_a_later_build_date_moves_the_next_session_as_a_fresh_build_does(portal: Path, tmp_path: Path):
    # The weekly quiz is set every Wednesday from 2 December: on 20 November its page names
    # the first session to come, on 8 December the next one. A speech no plan reads depends
    # on the date through nothing; it keeps its key.
    (portal / "content/speeches/2026-unscheduled.md").write_text(
        speech("在新任干部廉政谈话会上的讲话", "2026-02-10", speaker="市纪委副书记"), encoding="utf-8"
    )
    build(portal, "site")
    later = "2026-12-08T10:00"
    result = build(portal, "site-later", later)
    documents = kept(result)
    assert documents is not None and 0 < documents[0] < documents[1], result.stderr[-2000:]
    page = "quizzes/2026-weekly-discipline-pool/index.html"
    assert (portal / "site/" / page).read_bytes() != (portal / "site-later" / page).read_bytes()
    assert_same_site(fresh(portal, tmp_path / "fresh", later), portal / "site-later")


def test_a_damaged_record_is_dropped_and_every_page_assembled(portal: Path, tmp_path: Path):
    build(portal, "site")
    cache_rows(portal, "UPDATE records SET value = '[\"cut short' WHERE rowid = (SELECT max(rowid) FROM records WHERE part = 'pages')")
    result = build(portal, "site-again")
    assert f"缓存数据库 {cache_of(portal, 'pages/cache.sqlite')} 中的页面依赖记录" in result.stderr
    assert kept(result) is None
    assert_same_site(portal / "site", portal / "site-again")
    # The build wrote a sound record again.
    assert kept(build(portal, "site-third")) is not None


def test_recorded_listings_missing_from_the_page_cache_are_made_again(portal: Path):
    # The record says what each listing's placeholder is; the pages themselves are gone, so
    # every listing is rendered, its block made from the record's inputs and checked.
    build(portal, "site")
    pages = cache_of(portal, "pages")
    for shard in pages.iterdir():
        if shard.is_dir() and len(shard.name) == 2:
            shutil.rmtree(shard)
    result = build(portal, "site-again")
    assert kept(result) is not None
    assert_same_site(portal / "site", portal / "site-again")



@pytest.mark.parametrize(
    "meta",
    [
        {"title": "讲话", "date": dt.date(2025, 3, 5), "topics": ["八项规定", "以案促改"], "draft": False, "order": 3, "weight": 1.5},
        {"when": dt.datetime(2025, 3, 5, 9, 30), "at": dt.datetime(2025, 3, 5, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))},
        {"nested": {"hide": ["navigation", "toc"], "search": {"exclude": True}}, "nothing": None},
        {},
    ],
)
def test_metadata_json_can_hold_is_remembered_as_it_was(meta: dict):
    from qinglian.incremental.source_meta import KnownSources

    source = "---\nanything\n---\n\n# 正文\n"
    first, second = KnownSources(), None
    assert first.split("a.md", source, lambda text: (text[16:], meta)) == (source[16:], meta)
    second = KnownSources(first.made)

    def parse(text: str) -> tuple[str, dict]:
        raise AssertionError("parsed again")

    markdown, remembered = second.split("a.md", source, parse)
    assert markdown == source[16:] and remembered == meta and remembered is not meta
    assert [type(value) for value in remembered.values()] == [type(value) for value in meta.values()]
    # Another source at the same path is parsed.
    assert KnownSources(first.made).split("a.md", source + "补充", lambda text: ("x", {"title": "新"})) == ("x", {"title": "新"})


@pytest.mark.parametrize(
    "meta",
    [{1: "数字键"}, {"$date": "2025-03-05"}, {"tags": {"一", "二"}}, {"ratio": float("nan")}, {"text": "\ud800"}, {"data": b"bytes"}],
)
def test_metadata_json_cannot_hold_exactly_is_parsed_every_time(meta: dict):
    from qinglian.incremental.source_meta import KnownSources

    known = KnownSources()
    known.split("a.md", "---\nx\n---\n", lambda text: ("", meta))
    assert known.made == {}


def test_a_remembered_split_that_does_not_decode_is_parsed_again():
    from qinglian.incremental.page_cache import digest
    from qinglian.incremental.source_meta import KnownSources

    source = "---\ntitle: 讲话\n---\n\n正文\n"
    for entry in [(digest(source), 4, {"d": {"$date": "不是日期"}}), (digest(source), 999, {"title": "讲话"})]:
        known = KnownSources({"a.md": entry})
        assert known.split("a.md", source, lambda text: ("正文\n", {"title": "讲话"})) == ("正文\n", {"title": "讲话"})
