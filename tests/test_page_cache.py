"""Incremental builds: a build that reuses the page cache writes the same bytes as a build from nothing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import ENGINE, EXAMPLE_BUILD_DATE, MKDOCS, REPO, assert_same_site, cache_of, free_port, speech

REUSE = re.compile(r"页面缓存：(\d+) 个页面沿用缓存的正文，其中 (\d+) 个整页沿用")
# A Material partial: overriding it is a change of the theme's templates.
COPYRIGHT_PARTIAL = "overrides/partials/copyright.html"


def mkdocs_build(root: Path, site: str = "site", *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*MKDOCS, "build", "-d", site, *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE},
        timeout=900,
    )


def built(root: Path, site: str = "site", *args: str) -> tuple[Path, tuple[int, int]]:
    """Build; the site and (bodies reused, whole pages reused)."""
    result = mkdocs_build(root, site, *args)
    if result.returncode != 0:
        pytest.fail(f"{root} does not build:\n{result.stderr[-4000:]}")
    reuse = REUSE.search(result.stderr)
    assert reuse is not None, result.stderr[-2000:]
    return root / site, (int(reuse[1]), int(reuse[2]))


def fresh_build(root: Path, scratch: Path) -> Path:
    """The same project built with no cache at all, in a copy."""
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.rmtree(cache_of(scratch), ignore_errors=True)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns(".cache", "site"))
    site, (bodies, _) = built(scratch)
    assert bodies == 0
    return site


def page_count(site: Path) -> int:
    return sum(1 for path in site.rglob("*.html") if path.name != "404.html")


@pytest.fixture
def example_portal(tmp_path: Path) -> Path:
    root = tmp_path / "portal"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    (root / "mkdocs.yml").write_text(config.replace("theme:\n", "theme:\n  custom_dir: overrides\n", 1), encoding="utf-8")
    partial = root / COPYRIGHT_PARTIAL
    partial.parent.mkdir(parents=True)
    partial.write_text('<div class="md-copyright">{{ config.copyright }}</div>\n', encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# A role in the example vocabulary.
SPEAKER = "市纪委副书记"
CASE = "content/cases/2024-banquet-in-canteen.md"
SPEECH = "content/speeches/2024-organs-clean-culture.md"

EDITS: dict[str, Callable[[Path], None]] = {
    "body": lambda root: edit(root / CASE, "## 处理情况", "本段为修改后新增的内容。\n\n## 处理情况"),
    "title": lambda root: edit(root / CASE, "违规在内部食堂接受宴请问题的通报", "在内部食堂接受宴请问题的通报（修订）"),
    "topic": lambda root: edit(root / CASE, "topics: [八项规定精神, 纠治四风]", "topics: [八项规定精神]"),
    "date": lambda root: edit(root / CASE, "date: 2024-01-15", "date: 2025-06-30"),
    "new document": lambda root: (root / "content/speeches/2026-new-speech.md").write_text(
        speech("在新任干部廉政谈话会上的讲话", "2026-02-10", speaker=SPEAKER), encoding="utf-8"
    ),
    # The plan that read it now reads another speech, as an editor would fix it.
    "deleted document": lambda root: (
        (root / SPEECH).unlink(),
        edit(root / "content/plans/2024-city-organs-study-plan.md", "speeches/2024-organs-clean-culture", "speeches/2024-warning-education-conference"),
    ),
    # A topic's address changes: every page linking to the topic changes with it.
    "vocabulary": lambda root: edit(root / "content/vocabulary.yml", "廉洁文化: clean-culture", "廉洁文化: integrity-culture"),
    "template": lambda root: (root / COPYRIGHT_PARTIAL).write_text(
        '<div class="md-copyright">{{ config.copyright }}（模板已修改）</div>\n', encoding="utf-8"
    ),
}


@pytest.mark.parametrize("kind", list(EDITS))
def test_incremental_build_equals_fresh_build_after_each_kind_of_edit(example_portal: Path, tmp_path: Path, kind: str) -> None:
    first, (bodies, _) = built(example_portal)
    assert bodies == 0
    pages = page_count(first)
    # Nothing changed: every page comes whole from the cache, and the bytes are the same.
    again, (bodies, whole) = built(example_portal, "site-again")
    assert (bodies, whole) == (pages, pages)
    assert_same_site(first, again)

    EDITS[kind](example_portal)
    incremental, (bodies, whole) = built(example_portal, "site-incremental")
    assert_same_site(fresh_build(example_portal, tmp_path / "fresh"), incremental)
    if kind == "template":
        # Every page is laid out again, but no Markdown is rendered again.
        assert bodies == pages and whole == 0
    elif kind == "body":
        # The case itself and the pages that show its body's effects (none: its title and
        # summary are unchanged) render again; everything else is reused.
        assert bodies == pages - 1
    elif kind in ("title", "topic", "date", "new document", "deleted document"):
        assert 0 < bodies < pages


def test_generated_corpus_incremental_equals_fresh(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "content", root / "content", ignore=shutil.ignore_patterns("*.md"))
    (root / "docs").mkdir()
    (root / "docs/index.md").write_text("---\ntitle: 首页\n---\n\n欢迎。\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    topics = ["八项规定精神", "警示教育", "以案促改"]
    for number in range(120):
        extra = {"topics": f"[{topics[number % 3]}]", "speaker": SPEAKER}
        (root / f"content/speeches/20{20 + number % 6}-speech-{number:03d}.md").write_text(
            speech(f"第{number}次警示教育讲话", f"20{20 + number % 6}-{number % 12 + 1:02d}-{number % 27 + 1:02d}", **extra),
            encoding="utf-8",
        )
    built(root)
    for change in (
        lambda: edit(root / "content/speeches/2021-speech-001.md", "讲话正文。", "讲话正文，补充一句。"),
        lambda: edit(root / "content/speeches/2022-speech-002.md", "date: 2022-03-03", "date: 2025-12-31"),
        lambda: (root / "content/speeches/2023-speech-003.md").unlink(),
        lambda: (root / "content/speeches/2025-speech-new.md").write_text(speech("新增讲话", "2025-11-11", speaker=SPEAKER), encoding="utf-8"),
    ):
        change()
        incremental, (bodies, _) = built(root)
        assert bodies > 0
        assert_same_site(fresh_build(root, tmp_path / "fresh"), incremental)


def test_warnings_of_a_reused_page_are_repeated(example_portal: Path) -> None:
    (example_portal / "docs/editors/broken.md").write_text("# 链接\n\n见[不存在的页面](missing.md)。\n", encoding="utf-8")
    first = mkdocs_build(example_portal)
    second = mkdocs_build(example_portal)
    assert first.returncode == second.returncode == 0
    for result in (first, second):
        assert "missing.md" in result.stderr
    assert REUSE.search(second.stderr) and int(REUSE.search(second.stderr)[2]) > 0
    # --strict fails on the warning whether or not the page came from the cache.
    assert mkdocs_build(example_portal, "site", "--strict").returncode != 0
    assert mkdocs_build(example_portal, "site", "--strict").returncode != 0


def test_a_damaged_cache_is_rebuilt_not_trusted(example_portal: Path, tmp_path: Path) -> None:
    first, _ = built(example_portal)
    database = cache_of(example_portal, "pages/cache.sqlite")
    # Pages changed under intact rows (a disk's bit flips, a hand): each no longer matches its hash, and is laid out again.
    with sqlite3.connect(database) as connection:
        changed = connection.execute(
            "UPDATE pages SET page = CAST('<p>伪造</p>' AS BLOB) WHERE key IN (SELECT key FROM pages WHERE page IS NOT NULL LIMIT 5)"
        ).rowcount
    connection.close()
    assert changed == 5
    again, (reused, whole) = built(example_portal, "site-again")
    assert reused == page_count(first) and whole == reused - 5
    assert_same_site(first, again)
    # The file damaged in its middle: SQLite finds it malformed, or the rows' hashes do not match; either way it is not trusted.
    size = database.stat().st_size
    with database.open("r+b") as file:
        file.seek(size // 3)
        file.write(b"\xff" * 16384)
    result = mkdocs_build(example_portal, "site-third")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "缓存已损坏，已自动重建" in result.stderr
    assert_same_site(first, example_portal / "site-third")
    # Not a database at all: dropped with one line, and made again.
    database.write_bytes(b"not a database" * 100)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    result = mkdocs_build(example_portal, "site-fourth")
    assert result.returncode == 0 and result.stderr.count("缓存已损坏") == 1, result.stderr[-2000:]
    assert_same_site(first, example_portal / "site-fourth")
    assert built(example_portal, "site-fifth")[1][0] == page_count(first)


def test_cache_can_be_switched_off(example_portal: Path) -> None:
    config = example_portal / "mkdocs.yml"
    edit(config, "      page_size: 10\n", "      page_size: 10\n      page_cache: false\n")
    result = mkdocs_build(example_portal)
    assert result.returncode == 0, result.stderr[-2000:]
    assert not REUSE.search(result.stderr)
    assert not cache_of(example_portal, "pages").exists()


def ctrl_c_stops() -> None:
    # A suite started in the background (nohup, a CI runner) hands its children SIGINT ignored,
    # and Python then never raises KeyboardInterrupt: give the server Ctrl+C back.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Serving:
    """``mkdocs serve`` of a project, its site folder (under its own TMPDIR) and its log."""

    def __init__(self, root: Path, scratch: Path, port: int) -> None:
        scratch.mkdir(parents=True)
        self.scratch = scratch
        self.log = (scratch / "serve.log").open("w+", encoding="utf-8")
        self.base = f"http://127.0.0.1:{port}/"
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, "TMPDIR": str(scratch)}
        self.process = subprocess.Popen(
            [*MKDOCS, "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=root, env=env, stdout=self.log, stderr=self.log,
            preexec_fn=ctrl_c_stops,
        )

    @staticmethod
    def builds(output: str) -> int:
        """Finished builds: the first, then one per browser reload (MkDocs drops a repeated
        "Documentation built in 0.41 seconds", so that line cannot be counted)."""
        return ("Serving on" in output) + output.count("Reloading browsers")

    def output(self) -> str:
        self.log.flush()
        return (self.scratch / "serve.log").read_text(encoding="utf-8")

    def wait_for_builds(self, count: int, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.builds(self.output()) >= count:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        pytest.fail(f"mkdocs serve did not finish build {count}:\n{self.output()[-3000:]}")

    def settle(self, builds: int) -> int:
        """Wait for more than ``builds`` builds and a quiet second after them; the number of builds so far."""
        self.wait_for_builds(builds + 1)
        quiet_since, seen = time.monotonic(), self.output()
        deadline = quiet_since + 120
        while time.monotonic() - quiet_since < 1.0:
            if time.monotonic() > deadline:
                pytest.fail(f"mkdocs serve kept rebuilding:\n{seen[-3000:]}")
            time.sleep(0.1)
            if self.output() != seen:
                quiet_since, seen = time.monotonic(), self.output()
        return self.builds(seen)

    def site(self) -> Path:
        (folder,) = self.scratch.glob(ENGINE.temp_prefix + "*")
        return folder

    def stop(self) -> None:
        """Ctrl+C, as an editor stops the preview: the server ends its work (on_shutdown)."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            pytest.fail(f"mkdocs serve did not stop on Ctrl+C:\n{self.output()[-3000:]}")
        finally:
            self.log.close()


def test_serve_rebuilds_leave_the_same_site_as_a_fresh_serve(example_portal: Path, tmp_path: Path) -> None:
    port = free_port()
    serving = Serving(example_portal, tmp_path / "first", port)
    try:
        builds = serving.settle(0)
        for number, kind in enumerate(("body", "deleted document", "new document", "title"), start=2):
            EDITS[kind](example_portal)
            builds = serving.settle(builds)
            # One rebuild per save: reading the content during a rebuild is no change.
            assert builds == number, serving.output()[-3000:]
        log = serving.output()
        assert "Error" not in log and "Traceback" not in log, log[-3000:]
        rebuilt = shutil.copytree(serving.site(), tmp_path / "rebuilt")
    finally:
        serving.stop()
    # After a body edit every other page stays in place; the last rebuilds reuse most pages whole.
    reuse = [(int(bodies), int(whole)) for bodies, whole in REUSE.findall(log)]
    assert len(reuse) >= 5 and all(whole > 0 for _, whole in reuse[1:]), reuse
    assert "Page skipped" not in log
    # The body edit was taken in without loading the portal again; the other edits were not.
    assert log.count("预览：只有 1 篇文档的正文有变化") == 1, log[-3000:]
    stopped = (tmp_path / "first/serve.log").read_text(encoding="utf-8")
    fresh = Serving(example_portal, tmp_path / "second", port)
    try:
        fresh.settle(0)
        assert_same_site(fresh.site(), rebuilt)
        # The rebuilds' entries reached the cache's index when the first server stopped,
        # although only its first build wrote the index: every page is reused whole.
        ((bodies, whole),) = REUSE.findall(fresh.output())
        assert int(bodies) == int(whole) == page_count(rebuilt), (bodies, whole, page_count(rebuilt), stopped[-1500:], fresh.output()[-1500:])
    finally:
        fresh.stop()
