"""Caches that cannot be turned against the operator: no code runs from them, damage heals, one build at a time."""

from __future__ import annotations

import json
import os
import pickle
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import EXAMPLE_BUILD_DATE, MKDOCS, REPO, Project, assert_same_site, cache_of, speech
from qinglian.cache_store import cache_lock
from qinglian.content.serial import decode, encode

MARKER = "pwned-by-cache"


class _Payload:
    """Unpickling this runs a shell command that leaves a marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"id > {self.marker}",))


def crafted_pickle(marker: Path) -> bytes:
    return pickle.dumps({"format": 1, "salt": "", "entries": _Payload(marker)})


def build(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE}
    return subprocess.run([*MKDOCS, "build", *args], cwd=root, capture_output=True, text=True, env=env, timeout=600)


def publish(root: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE}
    return subprocess.run(
        [sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest)],
        cwd=root, capture_output=True, text=True, env=env, timeout=600,
    )


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=root, check=True, capture_output=True)


def test_a_committed_pickle_runs_nothing_on_the_publishing_server(project: Project, tmp_path: Path):
    """The audit's attack: a pickle committed where the caches used to be, and one planted in the cache itself."""
    marker = tmp_path / MARKER
    payload = crafted_pickle(marker)
    for name in ("documents.pickle", "index.pickle"):
        project.write(f".cache/qinglian/pages/{name}", "")
        (project.root / ".cache/qinglian/pages" / name).write_bytes(payload)
    git(project.root, "init", "-q")
    git(project.root, "add", "-A", "-f")
    git(project.root, "commit", "-qm", "content")
    first = build(project.root)
    assert first.returncode == 0, first.stderr
    pages = cache_of(project.root, "pages")
    for name in ("documents.pickle", "index.pickle", "documents.json", "index.json"):
        (pages / name).write_bytes(payload)
    again = publish(project.root, tmp_path / "www")
    assert again.returncode == 0, again.stderr
    assert not marker.exists()
    assert "Traceback" not in again.stderr


def test_serialised_documents_refuse_anything_but_data():
    for hostile in (
        {"o": "system", "f": ["id"]},
        {"o": "Document", "f": []},
        {"e": ["Severity", "__class__"]},
        {"@": 3},
        {"x": 1},
        {"m": [[1]]},
    ):
        with pytest.raises(ValueError):
            decode(hostile)
    with pytest.raises(ValueError):
        encode(object())
    # Objects that point at each other come back pointing at each other.
    chapter: dict[str, object] = {"articles": []}
    article = {"chapter": chapter}
    chapter["articles"].append(article)  # type: ignore[attr-defined]
    again = decode(json.loads(json.dumps(encode([chapter, article]))))
    assert again[0]["articles"][0] is again[1] and again[1]["chapter"] is again[0]


def test_a_cache_file_that_git_tracks_stops_the_build(project: Project, tmp_path: Path):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      cache_dir: .cache/qinglian\n", encoding="utf-8")
    assert build(project.root).returncode == 0
    project.write(".gitignore", ".cache/\nsite/\n")
    git(project.root, "init", "-q")
    git(project.root, "add", "-A")
    git(project.root, "add", "-f", ".cache/qinglian/pages/cache.sqlite")
    git(project.root, "commit", "-qm", "oops")
    site_before = (project.root / "site/index.html").read_bytes()
    result = build(project.root)
    assert result.returncode != 0
    assert "被 git 跟踪" in result.stderr and ".cache/qinglian/pages/cache.sqlite" in result.stderr
    assert "Traceback" not in result.stderr
    assert (project.root / "site/index.html").read_bytes() == site_before
    published = publish(project.root, tmp_path / "www")
    assert published.returncode == 4, published.stderr
    assert "不是内容问题" in published.stderr and "内容检查未通过" not in published.stderr


def test_a_second_build_waits_for_the_caches_or_says_who_holds_them(project: Project, tmp_path: Path):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      cache_lock_wait: 1\n", encoding="utf-8")
    with cache_lock(cache_of(project.root), 0, "测试"):
        result = build(project.root)
        published = publish(project.root, tmp_path / "www")
    assert result.returncode != 0
    assert f"进程 {os.getpid()}（测试）" in result.stderr and "Traceback" not in result.stderr
    assert published.returncode == 75, published.stderr
    assert f"进程 {os.getpid()}" in published.stderr
    assert build(project.root).returncode == 0


# Damage done to cache files: each must be noticed, dropped and rebuilt.

def truncate(path: Path, rng: random.Random) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: rng.randrange(len(data))] if data else b"")


def flip(path: Path, rng: random.Random) -> None:
    data = bytearray(path.read_bytes())
    if not data:
        path.write_bytes(b"\xff")
        return
    for _ in range(max(1, len(data) // 200)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))


def wrong_type(path: Path, rng: random.Random) -> None:
    if path.suffix == ".npy":
        np.save(path, np.array([1.5, 2.5]), allow_pickle=False)
    elif path.suffix == ".json":
        path.write_text(rng.choice(["5", "[]", '"x"', '{"entries": 5, "fingerprints": 5}', "null", "1e999999"]), encoding="utf-8")
    else:
        path.write_bytes(crafted_pickle(path.with_name(MARKER)))


def wrong_version(path: Path, rng: random.Random) -> None:
    text = path.read_bytes()
    if path.suffix == ".json" and text.startswith(b"{"):
        path.write_bytes(text.replace(b'"format":', b'"format":7', 1).replace(b'"format": ', b'"format": 7', 1))
    elif path.suffix == ".npy":
        np.save(path, np.zeros(3, dtype=np.int32), allow_pickle=False)
    else:
        other = sorted(p for p in path.parent.parent.rglob("*") if p.is_file() and p != path and p.suffix == path.suffix)
        path.write_bytes(other[0].read_bytes() if other else b"")


MUTATIONS = [truncate, flip, wrong_type, wrong_version]


def cache_files(root: Path) -> list[Path]:
    return sorted(p for p in cache_of(root).rglob("*") if p.is_file() and not p.is_symlink() and p.name != ".lock")


def kind_of(path: Path) -> str:
    name = path.name
    for suffix in (".body.html", ".page.html"):
        if name.endswith(suffix):
            return suffix
    return path.parent.name + "/" + name.split(".", 1)[-1] if path.parent.name in ("t", "p", "assets") else name.split("-")[0]


def test_damaged_caches_of_every_kind_are_rebuilt_without_a_traceback(project: Project, tmp_path: Path):
    for year in (2021, 2022, 2023, 2024):
        project.write(f"content/speeches/{year}-talk.md", speech(title=f"{year}年的讲话", date=f"{year}-05-01"))
    fresh = build(project.root, "-d", "fresh")
    assert fresh.returncode == 0, fresh.stderr
    rng = random.Random(2026)
    for round_number, mutate in enumerate(MUTATIONS * 2):
        files = cache_files(project.root)
        by_kind: dict[str, list[Path]] = {}
        for path in files:
            by_kind.setdefault(kind_of(path), []).append(path)
        # The first rounds damage one file of every kind; the second ones every file.
        chosen = [rng.choice(paths) for paths in by_kind.values()] if round_number < len(MUTATIONS) else files
        for path in chosen:
            mutate(path, rng)
        result = build(project.root, "--strict", "-d", f"site-{round_number}")
        assert result.returncode == 0, f"{mutate.__name__}: {result.stderr[-3000:]}"
        assert "Traceback" not in result.stderr and "Error" not in result.stderr, result.stderr[-3000:]
        assert_same_site(project.root / "fresh", project.root / f"site-{round_number}")
        assert not list(cache_of(project.root).rglob(MARKER))
    assert len(by_kind) >= 10, sorted(by_kind)


def test_the_example_portal_is_the_same_after_every_cache_file_was_damaged(tmp_path: Path):
    root = tmp_path / "portal"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    assert build(root, "--strict", "-d", "fresh").returncode == 0
    rng = random.Random(7)
    for path in cache_files(root):
        rng.choice(MUTATIONS)(path, rng)
    damaged = build(root, "--strict", "-d", "damaged")
    assert damaged.returncode == 0, damaged.stderr[-3000:]
    assert "缓存已损坏，已自动重建" in damaged.stderr and "Traceback" not in damaged.stderr
    assert_same_site(root / "fresh", root / "damaged")
    shutil.rmtree(cache_of(root))
    deleted = build(root, "--strict", "-d", "deleted")
    assert deleted.returncode == 0
    assert_same_site(root / "fresh", root / "deleted")


def test_a_full_disk_while_placing_the_index_is_one_short_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    import errno

    from qinglian.search.indexer import SearchIndexer, SearchIndexError
    from qinglian.search.records import SearchRecord

    records = [SearchRecord(url=f"d{n}/", title=f"第{n}篇", collection="领导讲话", date="", text="警示教育" * 50) for n in range(40)]
    indexer = SearchIndexer(tmp_path / "cache")
    indexer.start(records)

    def full(source: str, target: str) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", target)

    monkeypatch.setattr(shutil, "copy2", full)
    with pytest.raises(SearchIndexError) as failed:
        indexer.finish(tmp_path / "site")
    message = str(failed.value)
    assert message.startswith("搜索索引没有放入网站：磁盘空间不足") and len(message) < 300, message


def test_a_file_moved_away_during_the_build_is_a_message(project: Project, monkeypatch: pytest.MonkeyPatch):
    """The build reads the speech after it was renamed: one message naming it, no traceback."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, PluginError

    monkeypatch.chdir(project.root)
    config = load_config(str(project.root / "mkdocs.yml"))
    original = config.plugins.on_page_read_source
    moved = project.root / "content/speeches/2024-warning.md"

    def read_after_rename(*, page, config):  # noqa: ANN001, ANN202 - the engine's hook signature
        if page.file.src_uri == "speeches/2024-warning.md" and moved.exists():
            moved.rename(moved.with_name("renamed.md.bak"))
        return original(page=page, config=config)

    monkeypatch.setattr(config.plugins, "on_page_read_source", read_after_rename)
    config.plugins.on_startup(command="build", dirty=False)
    with pytest.raises((Abort, PluginError)):
        mkdocs_build.build(config)
    plugin = next(p for p in config.plugins.values() if type(p).__name__ == "QinglianPlugin")
    assert isinstance(plugin.build_error, PluginError)
    assert "content/speeches/2024-warning.md: 文件在生成过程中被移动" in str(plugin.build_error)


@pytest.mark.parametrize("damage", ["empty-array", "empty-range", "fingerprints-not-a-list"])
def test_a_damaged_search_state_is_rebuilt_not_a_content_error(project: Project, tmp_path: Path, damage: str):
    """The audit's cases: every later build failed with 索引进程意外退出, and publish called it a content error."""
    for year in (2021, 2022, 2023):
        project.write(f"content/speeches/{year}-talk.md", speech(title=f"{year}年的讲话", date=f"{year}-05-01"))
    assert build(project.root, "-d", "fresh").returncode == 0
    # An edit, so the next build reads the state instead of reusing the finished index.
    project.write("content/speeches/2022-talk.md", speech(title="2022年修改后的讲话", date="2022-05-01"))
    state = cache_of(project.root, "search/state")
    if damage == "empty-array":
        (state / "token_buckets.npy").write_bytes(b"")
    elif damage == "empty-range":
        (state / "range-0.npy").write_bytes(b"")
    else:
        data = json.loads((state / "state.json").read_text(encoding="utf-8"))
        data["fingerprints"] = 5
        (state / "state.json").write_text(json.dumps(data), encoding="utf-8")
    result = build(project.root, "--strict", "-d", "healed")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "缓存已损坏，已自动重建：搜索索引的增量状态" in result.stderr and "Traceback" not in result.stderr
    assert build(project.root, "--strict", "-d", "again").returncode == 0
    shutil.rmtree(cache_of(project.root))
    assert build(project.root, "--strict", "-d", "clean").returncode == 0
    assert_same_site(project.root / "clean", project.root / "healed")
    published = publish(project.root, tmp_path / "www")
    assert published.returncode == 0, published.stderr
