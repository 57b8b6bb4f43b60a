"""The release store: history-based rollback and pruning, and destinations a publish must refuse."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from conftest import Project
from qinglian.publish.releases import ReleaseStore


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def fake_publish(store: ReleaseStore, when: dt.datetime, keep: int = 2) -> str:
    """What ``qinglian publish`` does to the store once its release is built and verified."""
    release_id, build_dir = store.new_build_dir(when)
    (build_dir / "index.html").write_text(release_id, encoding="utf-8")
    store.finish(release_id, build_dir)
    store.switch(release_id)
    store.prune(keep)
    return release_id


def live(dest: Path) -> str:
    return (dest / "current" / "index.html").read_text(encoding="utf-8")


def test_rollback_walks_the_history_not_the_names(tmp_path: Path):
    dest = tmp_path / "www"
    store = ReleaseStore(dest)
    day = dt.datetime(2026, 11, 20, 2, 0)
    r1 = fake_publish(store, day)
    r2 = fake_publish(store, day + dt.timedelta(days=1))
    assert cli("rollback", "--dest", str(dest)).returncode == 0 and live(dest) == r1
    r3 = fake_publish(store, day + dt.timedelta(days=2))
    # R2 was rejected by the rollback: it is kept for inspection (one of the 2 newest), and R1, live before R3, is kept too.
    assert store.release_ids() == [r1, r2, r3]
    result = cli("rollback", "--dest", str(dest))
    assert result.returncode == 0 and live(dest) == r1, result.stderr
    assert f"现在使用 releases/{r1}" in result.stdout
    again = cli("rollback", "--dest", str(dest))
    assert again.returncode == 5 and live(dest) == r1
    assert r2 not in again.stdout + again.stderr


def test_a_release_whose_name_sorts_earlier_is_still_the_newest(tmp_path: Path):
    """A clock set back between two publishes: the history, not the name, says which came last."""
    dest = tmp_path / "www"
    store = ReleaseStore(dest)
    first = fake_publish(store, dt.datetime(2026, 11, 20, 2, 0), keep=3)
    skewed = fake_publish(store, dt.datetime(2026, 11, 19, 2, 0), keep=3)
    assert live(dest) == skewed and skewed < first
    assert cli("rollback", "--dest", str(dest)).returncode == 0
    assert live(dest) == first


def test_a_destination_from_before_the_history_still_rolls_back(tmp_path: Path):
    dest = tmp_path / "www"
    store = ReleaseStore(dest)
    day = dt.datetime(2026, 11, 20, 2, 0)
    r1 = fake_publish(store, day, keep=5)
    fake_publish(store, day + dt.timedelta(days=1), keep=5)
    (dest / "history.json").unlink()
    assert cli("rollback", "--dest", str(dest)).returncode == 0 and live(dest) == r1


def test_dangerous_destinations_are_refused_before_any_work(project: Project, tmp_path: Path):
    outside = tmp_path / "precious.txt"
    outside.write_text("运维人员的重要文件", encoding="utf-8")
    # A lock that is a link to another file.
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / ".lock").symlink_to(outside)
    # A real folder where the current link should be.
    real = tmp_path / "real"
    (real / "current").mkdir(parents=True)
    (real / "current/index.html").write_text("手工放置的网站", encoding="utf-8")
    # A destination that is a dangling link.
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere/www")
    for dest, named in ((linked, ".lock"), (real, "current"), (dangling, "dangling")):
        before = sorted(p.name for p in dest.iterdir()) if dest.exists() else None
        result = cli("publish", "--dest", str(dest), cwd=project.root)
        assert result.returncode == 2, result.stderr
        assert "没有执行" in result.stderr and named in result.stderr and "Traceback" not in result.stderr
        assert (sorted(p.name for p in dest.iterdir()) if dest.exists() else None) == before
        rolled = cli("rollback", "--dest", str(dest))
        assert rolled.returncode == 2 and "Traceback" not in rolled.stderr
    assert outside.read_text(encoding="utf-8") == "运维人员的重要文件"
    assert not (tmp_path / "nowhere").exists()
    assert (real / "current/index.html").read_text(encoding="utf-8") == "手工放置的网站"
    assert not os.path.lexists(real / "releases")
