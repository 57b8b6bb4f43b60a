"""Operator paths that had no test: a kill between the switch and the history, --wait, rollback --to, and qinglian releases."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

from conftest import EXAMPLE_BUILD_DATE, Project, speech
from qinglian.publish.releases import ReleaseStore

# ``qinglian publish`` that kills itself right after the ``current`` link moved, before the history is written.
KILLED_AFTER_SWITCH = textwrap.dedent(
    """
    import os, signal, sys
    from qinglian.publish import releases
    from qinglian.cli import main

    def killed(self, live, event):
        os.kill(os.getpid(), signal.SIGKILL)

    releases.ReleaseStore._write_history = killed
    sys.exit(main(sys.argv[1:]))
    """
)


def env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE}


def cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=root, env=env(), capture_output=True, text=True, timeout=300)


def _edit(project: Project, text: str) -> None:
    project.write("content/speeches/2024-warning.md", speech().replace("讲话正文。", text))


def test_a_publish_killed_between_the_switch_and_the_history_leaves_a_whole_site_and_rollback_works(project: Project, tmp_path: Path):
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    assert cli(project.root, "publish", "--dest", str(dest)).returncode == 0
    first = ReleaseStore(dest).current_id()
    _edit(project, "第二版正文。")
    killed = subprocess.run([sys.executable, "-c", KILLED_AFTER_SWITCH, "publish", "--dest", str(dest)], cwd=project.root, env=env(),
                            capture_output=True, text=True, timeout=300)
    assert killed.returncode == -9, killed.stderr
    store = ReleaseStore(dest)
    second = store.current_id()
    # The link moved and the history did not: readers get the new release whole.
    assert second != first and first in store.release_ids()
    page = (dest / "current" / "speeches" / "2024-warning" / "index.html").read_text(encoding="utf-8")
    assert "第二版正文。" in page and page.rstrip().endswith("</html>")
    assert "history" not in str(store.events().get(second, ""))
    # Rollback still knows the release that was live before, from the history it has.
    rolled = cli(project.root, "rollback", "--dest", str(dest))
    assert rolled.returncode == 0 and store.current_id() == first, rolled.stderr
    _edit(project, "第三版正文。")
    again = cli(project.root, "publish", "--dest", str(dest))
    assert again.returncode == 0, again.stderr
    assert "第三版正文。" in (dest / "current" / "speeches" / "2024-warning" / "index.html").read_text(encoding="utf-8")


def test_publish_wait_waits_for_the_lock_and_then_publishes(project: Project, tmp_path: Path):
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    store = ReleaseStore(dest)
    held = threading.Event()

    def hold() -> None:
        with store.locked():
            held.set()
            time.sleep(3)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    started = time.monotonic()
    assert cli(project.root, "publish", "--dest", str(dest)).returncode == 75
    waited = cli(project.root, "publish", "--dest", str(dest), "--wait", "60")
    holder.join()
    assert waited.returncode == 0, waited.stderr
    assert time.monotonic() - started >= 2.5
    assert store.current_id() is not None


def test_rollback_to_a_named_release_and_releases_lists_them(project: Project, tmp_path: Path):
    dest = tmp_path.parent / f"{tmp_path.name}-www"
    ids = []
    for version in ("第一版正文。", "第二版正文。", "第三版正文。"):
        _edit(project, version)
        assert cli(project.root, "publish", "--dest", str(dest)).returncode == 0
        ids.append(ReleaseStore(dest).current_id())
    first, second, third = ids
    missing = cli(project.root, "rollback", "--dest", str(dest), "--to", "20990101-000000")
    assert missing.returncode == 5 and "没有版本 20990101-000000" in missing.stderr and first in missing.stderr
    to_first = cli(project.root, "rollback", "--dest", str(dest), "--to", first)
    assert to_first.returncode == 0 and ReleaseStore(dest).current_id() == first
    assert "第一版正文。" in (dest / "current" / "speeches" / "2024-warning" / "index.html").read_text(encoding="utf-8")
    same = cli(project.root, "rollback", "--dest", str(dest), "--to", first)
    assert same.returncode == 0 and "已经是正在使用的版本" in same.stdout
    listed = cli(project.root, "releases", "--dest", str(dest))
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines() if line.startswith("  ")}
    assert set(lines) == {first, second, third}
    assert "【正在使用】" in lines[first] and "已被回退" in lines[second] and "已被回退" in lines[third] and "1 篇文档" in lines[second]
    assert "qinglian rollback --dest … --to <版本>" in listed.stdout
    empty = cli(project.root, "releases", "--dest", str(tmp_path / "nothing"))
    assert empty.returncode == 0 and "还没有任何版本" in empty.stdout
