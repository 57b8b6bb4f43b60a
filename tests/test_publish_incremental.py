"""The nightly publish writes only what changed: unchanged pages are hard links to the live release, which is never written to."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
from pathlib import Path

from conftest import Project, cache_of, cache_rows
from test_publish import publish, tree

EDITED = "speeches/2024-warning-education-conference"


def snapshot(release: Path) -> dict[str, tuple[str, int]]:
    """Every file of a release: its SHA-256 and modification time."""
    return {
        p.relative_to(release).as_posix(): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in sorted(release.rglob("*")) if p.is_file()
    }


def dependency_record(portal: Project) -> dict[str, dict[str, object]]:
    """The page cache's dependency record, by part (pages, blocks, sources, outlines) and name."""
    record: dict[str, dict[str, object]] = {}
    for part, name, value in cache_rows(portal.root, "SELECT part, name, value FROM records"):
        record.setdefault(part, {})[name] = json.loads(value)
    return record


def edit(portal: Project) -> None:
    source = portal.root / f"content/{EDITED}.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n会后，各单位结合实际认真传达学习。\n", encoding="utf-8")


def test_the_next_publish_links_unchanged_pages_and_never_writes_the_live_release(portal: Project, tmp_path: Path):
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    live = (dest / "current").resolve()
    before = snapshot(live)
    edit(portal)
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "个页面与正在使用的版本相同，直接共用其文件；其余 1 个页面重新写入" in result.stdout
    new = (dest / "current").resolve()
    assert new != live
    # The live release is byte for byte, and time for time, what it was.
    assert snapshot(live) == before
    pages = [p.relative_to(new).as_posix() for p in new.rglob("index.html")]
    shared = [page for page in pages if os.path.samefile(new / page, live / page)]
    assert f"{EDITED}/index.html" not in shared
    assert len(shared) == len(pages) - 1
    assert "会后，各单位结合实际认真传达学习。" in (new / EDITED / "index.html").read_text(encoding="utf-8")
    # The search index the new release has is the old one with the edited speech's files written anew.
    index = [p for p in (new / "search-index").rglob("*.json") if p.parent.parent.name.startswith("v-")]
    linked = [p for p in index if p.stat().st_nlink > 1]
    assert index and 0 < len(index) - len(linked) < len(index) // 2
    for path in linked:
        assert any(os.path.samefile(path, old) for old in (live / "search-index").rglob(path.name))


def test_a_linked_publish_gives_the_files_of_a_full_one(portal: Project, tmp_path: Path):
    linked, full = tmp_path / "linked", tmp_path / "full"
    for dest in (linked, full):
        assert publish(portal, dest).returncode == 0
    edit(portal)
    result = publish(portal, linked)
    assert result.returncode == 0, result.stderr[-3000:]
    # Only the edited speech is assembled again; the other pages keep their recorded keys.
    kept = re.search(r"页面依赖：(\d+) 个页面（共 (\d+) 个）", result.stderr)
    assert kept is not None and int(kept[1]) == int(kept[2]) - 1, result.stderr[-3000:]
    result = publish(portal, full, "--full")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "直接共用" not in result.stdout
    # --full assembles every page: it goes by no recorded dependency.
    assert "页面依赖：" not in result.stderr
    assert tree(linked) == tree(full)


def test_verification_reads_the_link_graph_of_linked_pages(portal: Project, tmp_path: Path):
    """Linked pages are not parsed again: their links come from the record, and when a file is gone they are checked against the new release."""
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    live = (dest / "current").resolve()
    record_path = next((dest / "manifests").glob("*.pages.json.gz"))
    record = json.loads(gzip.decompress(record_path.read_bytes()))
    # As if every page of the live release linked to the quiz that is deleted next.
    record["strings"].append("/quizzes/2025-grassroots-cases-quiz/")
    for lists in record["links"].values():
        lists[0].append(len(record["strings"]) - 1)
    record_path.write_bytes(gzip.compress(json.dumps(record, ensure_ascii=False).encode("utf-8")))
    (portal.root / "content/quizzes/2025-grassroots-cases-quiz.md").unlink()
    result = publish(portal, dest)
    assert result.returncode == 3, result.stdout + result.stderr[-3000:]
    assert "直接共用其文件" in result.stdout
    assert re.search(r"站内链接无法打开：\S+/index.html: /quizzes/2025-grassroots-cases-quiz/", result.stderr), result.stderr[-3000:]
    assert (dest / "current").resolve() == live


def test_a_damaged_record_means_a_full_publish(portal: Project, tmp_path: Path):
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    record_path = next((dest / "manifests").glob("*.pages.json.gz"))
    record_path.write_bytes(b"\x1f\x8b not really gzip")
    edit(portal)
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "直接共用" not in result.stdout and "Traceback" not in result.stderr


def test_a_record_whose_listing_blocks_do_not_match_fails_and_keeps_the_live_release(portal: Project, tmp_path: Path):
    """The record's placeholders are checked when a listing is made from them: a record that
    missed an input fails the publish with a message, never a stale page."""
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    live = (dest / "current").resolve()
    before = tree(dest)
    entries = dependency_record(portal)
    inputs = sorted(entries["blocks"])
    markers = [entries["blocks"][name] for name in inputs]
    assert len(set(markers)) > 1
    # Each listing's inputs now name another listing's block.
    for name, marker in zip(inputs, markers[1:] + markers[:1]):
        cache_rows(portal.root, "UPDATE records SET value = ? WHERE part = 'blocks' AND name = ?", (json.dumps(marker), name))
    result = publish(portal, dest)
    assert result.returncode != 0
    assert "的内容与页面依赖记录不符" in result.stderr and "Traceback" not in result.stderr + result.stdout
    assert (dest / "current").resolve() == live
    assert tree(dest) == before


def test_a_damaged_cached_body_is_not_read_for_a_linked_page_and_heals_when_laid_out_anew(portal: Project, tmp_path: Path):
    """A page the live release has from the same body is linked without reading that body. When
    the layout changes, the body is needed: a damaged one fails that publish with a message, is
    taken out of the cache, and the next publish renders the page again."""
    dest = tmp_path / "www"
    assert publish(portal, dest).returncode == 0
    key = dependency_record(portal)["pages"]["cases/2025-project-kickbacks.md"][1]
    data = cache_rows(portal.root, "SELECT body FROM pages WHERE key = ?", (key,))[0][0]
    assert b"<p>" in data
    # Same size, other bytes.
    cache_rows(portal.root, "UPDATE pages SET body = ? WHERE key = ?", (data.replace(b"<p>", b"<q>", 1), key))
    database = cache_of(portal.root, "pages/cache.sqlite")

    edit(portal)
    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr[-3000:]
    live = (dest / "current").resolve()
    page = "cases/2025-project-kickbacks/index.html"
    assert os.path.samefile(live / page, (dest / "releases" / sorted(os.listdir(dest / "releases"))[0] / page))

    # The help page's title is in every page's navigation: every page is laid out anew.
    help_page = portal.root / "docs/help.md"
    help_page.write_text(help_page.read_text(encoding="utf-8").replace("title: 使用帮助", "title: 使用说明", 1), encoding="utf-8")
    before = tree(dest)
    result = publish(portal, dest)
    assert result.returncode == 4
    assert f"缓存数据库 {database} 中的页面已损坏" in result.stderr + result.stdout and "Traceback" not in result.stderr
    assert (dest / "current").resolve() == live and tree(dest) == before
    assert cache_rows(portal.root, "SELECT count(*) FROM pages WHERE key = ?", (key,)) == [(0,)]

    result = publish(portal, dest)
    assert result.returncode == 0, result.stderr[-3000:]
    full = tmp_path / "full"
    assert publish(portal, full, "--full").returncode == 0
    # The same files, besides the earlier search index versions a release keeps for open pages.
    carried = {path for path in tree(dest) if path.startswith("search-index/v-") and path not in tree(full)}
    assert {path: digest for path, digest in tree(dest).items() if path not in carried} == tree(full)
    assert "使用说明" in ((dest / "current").resolve() / page).read_text(encoding="utf-8")
