"""Unchanged means unchanged: quiet nights make no release, and pruning never takes the last good one out of reach."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from conftest import Project, speech
from qinglian.publish.releases import ReleaseStore

PLAN = """\
---
title: 2026年度学习计划
date: 2026-01-06
unit: XX市纪委监委
year: 2026
topics: [警示教育]
sessions:
  - date: 2026-03-10
    topic: 学习警示教育大会讲话
    form: 集中学习
    time: "09:00"
    readings:
      - speeches/2024-warning
---

全年学习安排。
"""


def publish(root: Path, dest: Path, build_date: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": build_date}
    return subprocess.run([sys.executable, "-m", "qinglian.cli", "publish", "--dest", str(dest), *extra], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_four_quiet_nights_after_a_bad_edit_keep_the_last_good_release(project: Project, tmp_path: Path):
    project.write("content/plans/2026-plan.md", PLAN)
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    night = dt.datetime(2026, 3, 1, 2, 0)
    first = publish(project.root, dest, night.isoformat(timespec="minutes"))
    assert first.returncode == 0, first.stderr
    feed = (dest / "current" / "calendar" / "feeds" / "all.ics").read_bytes()
    good = ReleaseStore(dest).current_id()

    project.write("content/speeches/2024-warning.md", speech().replace("讲话正文。", "错误的正文。"))
    night += dt.timedelta(days=1)
    assert publish(project.root, dest, night.isoformat(timespec="minutes")).returncode == 0
    bad = ReleaseStore(dest).current_id()
    assert bad != good

    # A second publish the same day, hours later: the same bytes, so no release (the feed's DTSTAMP was the build time).
    again = publish(project.root, dest, (night + dt.timedelta(hours=5)).isoformat(timespec="minutes"))
    assert again.returncode == 0 and "内容没有变化" in again.stdout, again.stdout
    for _ in range(4):
        # The calendar marks "today", so each night's pages differ; the documents do not.
        night += dt.timedelta(days=1)
        quiet = publish(project.root, dest, night.isoformat(timespec="minutes"), "--keep", "2")
        assert quiet.returncode == 0, quiet.stderr
    store = ReleaseStore(dest)
    assert good in store.release_ids() and len(store.release_ids()) == 3
    # The feed's DTSTAMP is when its plan says it was revised (its date), not the build time.
    assert (dest / "current" / "calendar" / "feeds" / "all.ics").read_bytes() == feed
    assert b"DTSTAMP:20260105T160000Z" in feed
    rolled = subprocess.run([sys.executable, "-m", "qinglian.cli", "rollback", "--dest", str(dest), "--to", good], capture_output=True, text=True)
    assert rolled.returncode == 0 and ReleaseStore(dest).current_id() == good, rolled.stderr


def test_keep_counts_rolled_back_releases_and_always_keeps_the_one_live_before(tmp_path: Path):
    from test_releases import fake_publish

    dest = tmp_path / "www"
    store = ReleaseStore(dest)
    day = dt.datetime(2026, 11, 20, 2, 0)
    r1 = fake_publish(store, day, keep=7)
    r2 = fake_publish(store, day + dt.timedelta(days=1), keep=7)
    r3 = fake_publish(store, day + dt.timedelta(days=2), keep=7)
    assert subprocess.run([sys.executable, "-m", "qinglian.cli", "rollback", "--dest", str(dest)], capture_output=True).returncode == 0
    # The audit: a rolled-back release was deleted at the next publish with --keep 7 and three releases.
    r4 = fake_publish(store, day + dt.timedelta(days=3), keep=7)
    assert store.release_ids() == [r1, r2, r3, r4]
    # --keep 2 keeps the two newest (r3 rolled back, r4) and the one live before r4 (r2), whatever keep says.
    store.prune(2)
    assert store.release_ids() == [r2, r3, r4]
