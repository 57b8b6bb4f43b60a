"""The project's cache database (incremental/database.py): foreign files, two processes, a full disk, an upgrade."""

from __future__ import annotations

import multiprocessing
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
from pathlib import Path

from conftest import MKDOCS, Project, assert_same_site, cache_of, cache_rows, speech
from qinglian.incremental.database import CacheDatabase
from qinglian.incremental.page_cache import PageCache, RenderedBody, digest



def body(title: str) -> RenderedBody:
    return RenderedBody(title, [], [], {}, [])


def build(root: Path, site: str = "site") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "-d", site], cwd=root, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def test_another_programs_database_is_dropped_with_one_line(tmp_path: Path, capfd) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    foreign = sqlite3.connect(folder / "cache.sqlite")
    foreign.execute("CREATE TABLE pages (key TEXT, entry TEXT, body BLOB, page BLOB)")
    foreign.execute("INSERT INTO pages VALUES ('a', '{}', x'00', NULL)")
    foreign.commit()
    foreign.close()
    cache = PageCache(CacheDatabase(folder), "salt")
    cache.load()
    assert "另一个程序的数据库" in capfd.readouterr().err
    # Made anew, with this schema; the other program's rows are gone.
    key = digest("page")
    cache.store_body(key, body("标题"), "<p>正文</p>")
    cache.save()
    again = PageCache(CacheDatabase(folder), "salt")
    again.load()
    assert again.body(key) is not None and again.body_html(key) == "<p>正文</p>"
    assert cache_rows_at(folder, "SELECT count(*) FROM pages WHERE key = 'a'") == [(0,)]


def cache_rows_at(folder: Path, sql: str) -> list[tuple]:
    connection = sqlite3.connect(folder / "cache.sqlite")
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def _store_many(folder: str, first: int, count: int, start: multiprocessing.synchronize.Event) -> None:
    cache = PageCache(CacheDatabase(Path(folder)), "salt")
    cache.load()
    start.wait(10)
    for number in range(first, first + count):
        cache.store_body(digest(str(number)), body(f"第{number}页"), f"<p>{number}</p>" * 200)
    cache.commit()


def test_two_processes_write_at_once_and_lose_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    PageCache(CacheDatabase(folder), "salt").save()
    context = multiprocessing.get_context("fork")
    start = context.Event()
    writers = [context.Process(target=_store_many, args=(str(folder), number * 1000, 600, start)) for number in range(2)]
    for writer in writers:
        writer.start()
    start.set()
    for writer in writers:
        writer.join(120)
        assert writer.exitcode == 0
    stored = {key for key, in cache_rows_at(folder, "SELECT key FROM pages")}
    assert stored == {digest(str(number)) for number in [*range(600), *range(1000, 1600)]}
    # Each row is whole: its entry's hash matches its body.
    cache = PageCache(CacheDatabase(folder), "salt")
    cache.adopt({key: _entry(folder, key) for key in stored})
    assert all(cache.body_html(key).startswith("<p>") for key in stored)


def _entry(folder: Path, key: str) -> dict:
    import json

    connection = sqlite3.connect(folder / "cache.sqlite")
    try:
        return json.loads(connection.execute("SELECT entry FROM pages WHERE key = ?", (key,)).fetchone()[0])
    finally:
        connection.close()


def test_a_full_disk_rolls_the_batch_back_and_the_cache_stops_writing(tmp_path: Path, capfd) -> None:
    folder = tmp_path / "pages"
    database = CacheDatabase(folder)
    cache = PageCache(database, "salt")
    cache.store_body(digest("kept"), body("保留"), "<p>保留</p>")
    cache.save()
    # SQLite's own "database or disk is full" (SQLITE_FULL), as on a full disk: the file may grow no further.
    pages = cache_rows_at(folder, "PRAGMA page_count")[0][0]
    database.write(f"PRAGMA max_page_count = {pages + 2}")
    database.commit()
    keys = [digest(f"big-{number}") for number in range(20)]
    for number, key in enumerate(keys):
        cache.store_body(key, body(f"大页{number}"), "<p>很长的正文</p>" * 4000)
    cache.commit()
    assert "无法写入" in capfd.readouterr().err
    assert not database.writable
    # Nothing of the refused batch is believed to be stored; what was stored before stays whole.
    assert all(cache.body(key) is None for key in keys)
    assert cache.body(digest("kept")) is not None and cache.body_html(digest("kept")) == "<p>保留</p>"
    cache.save()
    again = PageCache(CacheDatabase(folder), "salt")
    again.load()
    assert again.body(digest("kept")) is not None and all(again.body(key) is None for key in keys)


def _small_disk() -> None:
    # As on a nearly full disk: no file of this process may grow past 1 MB (writes then fail with EFBIG, not a signal).
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))


def test_a_build_on_a_full_disk_goes_on_without_the_cache(project: Project, tmp_path: Path) -> None:
    """The cache database cannot grow: one warning, the site is built whole and the same as with the cache."""
    paragraph = "各级党组织要把纪律教育融入日常、抓在经常，推动党员干部知敬畏、存戒惧、守底线。" * 20
    for number in range(40):
        text = speech(f"在第{number + 1}次廉政教育会上的讲话", f"2024-03-{number % 28 + 1:02d}")
        project.write(f"content/speeches/2024-talk-{number:02d}.md", text + ("\n" + paragraph + "\n") * 10)
    assert build(project.root).returncode == 0
    assert cache_of(project.root, "pages/cache.sqlite").stat().st_size > 2 << 20
    shutil.copytree(project.root / "site", tmp_path / "expected")
    shutil.rmtree(cache_of(project.root))
    result = subprocess.run(
        [*MKDOCS, "build", "-d", "site-full"], cwd=project.root, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, preexec_fn=_small_disk,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count("无法写入") == 1 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert_same_site(tmp_path / "expected", project.root / "site-full")
    # The next build, with room again, fills the cache.
    assert build(project.root, "site-after").returncode == 0
    assert cache_rows(project.root, "SELECT count(*) FROM pages WHERE page IS NOT NULL")[0][0] > 10


def test_an_upgrade_drops_the_file_caches_of_earlier_versions(project: Project, tmp_path: Path) -> None:
    pages = cache_of(project.root, "pages")
    shard = pages / "ab"
    shard.mkdir(parents=True)
    (shard / f"ab{'0' * 38}.body.html").write_text("<p>旧版缓存</p>", encoding="utf-8")
    (pages / "assets").mkdir()
    (pages / "assets" / f"{'1' * 20}.js").write_text("old()", encoding="utf-8")
    for name in ("index.json", "documents.json", "dependencies.json"):
        (pages / name).write_text("{}", encoding="utf-8")
    result = build(project.root)
    assert result.returncode == 0, result.stderr[-2000:]
    left = sorted(path.name for path in pages.iterdir())
    assert left == [".qinglian-cache", "cache.sqlite", *(name for name in ("cache.sqlite-shm", "cache.sqlite-wal") if name in left)]
    assert build(project.root, "site-again").returncode == 0
    assert_same_site(project.root / "site", project.root / "site-again")
