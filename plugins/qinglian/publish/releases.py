"""The release directory an operator's web server serves from.

    DEST/current            -> releases/20261122-020000   (symlink; the web server's root)
    DEST/releases/<id>/     a complete, self-contained site
    DEST/releases/<id>.building/   a build in progress (removed if a run dies)
    DEST/manifests/<id>.json       what each release contains, for the change summary
    DEST/history.json       which release went live after which (publish and rollback)
    DEST/.lock              held while a publish or rollback runs

``current`` only ever changes by renaming a new symlink over it, which is atomic: readers
see the old release or the new one, never a mixture, and a failed run leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..atomic import write_atomically
from .manifest import read_manifest

CURRENT = "current"
RELEASES = "releases"
MANIFESTS = "manifests"
HISTORY = "history.json"
BUILDING_SUFFIX = ".building"
_RELEASE_ID = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")
# Events kept in the history file; the live stack itself is never cut.
_LOG_LENGTH = 500


class Busy(Exception):
    """Another publish or rollback holds the lock."""


class UnsafeDestination(Exception):
    """The destination is not what a publish may write into; nothing was done."""


def check_destination(dest: Path) -> None:
    """Refuse a destination that would make a publish write elsewhere or fail half-way.

    ``dest`` as the operator gave it, before resolving links.
    """
    if dest.is_symlink() and not dest.exists():
        raise UnsafeDestination(f"发布目录 {dest} 是指向不存在位置的符号链接（{os.readlink(dest)}）：请改正链接或改用实际目录。")
    if dest.exists() and not dest.is_dir():
        raise UnsafeDestination(f"发布目录 {dest} 不是文件夹。")
    lock = dest / ".lock"
    if lock.is_symlink():
        raise UnsafeDestination(f"{lock} 是符号链接：发布不会写入链接指向的文件。请删除它（rm {lock}）后重试。")
    current = dest / CURRENT
    if current.exists() and not current.is_symlink():
        raise UnsafeDestination(
            f"{current} 是真实的文件夹，不是指向 releases 中某个版本的符号链接：发布无法原子切换。"
            f"请把它移走（例如 mv {current} {dest}/current.old）后重试。"
        )


class ReleaseStore:
    def __init__(self, dest: Path) -> None:
        self.dest = dest
        self.releases = dest / RELEASES
        self.manifests = dest / MANIFESTS
        self.current_link = dest / CURRENT

    # Locking

    @contextmanager
    def locked(self, wait_seconds: float = 0) -> Iterator[None]:
        self.dest.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait_seconds
        try:
            # Never through a link: truncating the lock must not truncate another file.
            descriptor = os.open(self.dest / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise UnsafeDestination(f"{self.dest / '.lock'} 是符号链接：请删除它后重试。") from None
            raise
        with open(descriptor, "r+", encoding="utf-8") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read(512).strip()
                        raise Busy(holder) from None
                    time.sleep(0.5)
            handle.seek(0)
            handle.truncate()
            handle.write(f"进程 {os.getpid()}，开始于 {dt.datetime.now().astimezone().isoformat(timespec='seconds')}\n")
            handle.flush()
            try:
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)

    # Releases

    def release_ids(self) -> list[str]:
        if not self.releases.is_dir():
            return []
        return sorted(p.name for p in self.releases.iterdir() if p.is_dir() and _RELEASE_ID.match(p.name))

    def current_id(self) -> str | None:
        if not self.current_link.is_symlink():
            return None
        target = Path(os.readlink(self.current_link)).name
        return target if (self.releases / target).is_dir() else None

    def clean_up(self) -> list[str]:
        """Remove what an interrupted run left behind; returns what was removed."""
        removed = []
        if self.releases.is_dir():
            for leftover in self.releases.glob(f"*{BUILDING_SUFFIX}"):
                shutil.rmtree(leftover, ignore_errors=True)
                removed.append(leftover.name)
        for temporary in self.dest.glob(f".{CURRENT}.*"):
            temporary.unlink(missing_ok=True)
        if self.manifests.is_dir():
            for partial in self.manifests.glob("*.tmp"):
                partial.unlink(missing_ok=True)
        return removed

    def new_build_dir(self, now: dt.datetime) -> tuple[str, Path]:
        self.releases.mkdir(parents=True, exist_ok=True)
        base = now.strftime("%Y%m%d-%H%M%S")
        release_id, number = base, 1
        while (self.releases / release_id).exists() or (self.releases / (release_id + BUILDING_SUFFIX)).exists():
            number += 1
            release_id = f"{base}-{number}"
        path = self.releases / (release_id + BUILDING_SUFFIX)
        path.mkdir()
        return release_id, path

    def finish(self, release_id: str, build_dir: Path) -> Path:
        final = self.releases / release_id
        os.rename(build_dir, final)
        _fsync_dir(self.releases)
        return final

    def switch(self, release_id: str, action: str = "publish") -> None:
        """Point ``current`` at ``release_id`` in one atomic rename, and record it in the history.

        ``action`` is "publish" (the release goes on top of the live stack) or "rollback" (the
        current release leaves the stack, and ``release_id`` below it is live again).
        """
        live = self.live_stack()
        if action == "rollback":
            while live and live[-1] != release_id:
                live.pop()
        else:
            live = [r for r in live if r != release_id] + [release_id]
        temporary = self.dest / f".{CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(f"{RELEASES}/{release_id}", temporary)
        os.replace(temporary, self.current_link)
        _fsync_dir(self.dest)
        self._write_history(live, {"release": release_id, "action": action, "at": _now()})

    def live_stack(self) -> list[str]:
        """The releases that went live one after another and were not rolled back, oldest first.

        Without a history (a destination from before it was kept), the releases up to the
        current one in the order of their names.
        """
        existing = set(self.release_ids())
        history = self._history()
        if history is not None:
            live = [r for r in history["live"] if r in existing]
        else:
            current = self.current_id()
            live = [r for r in sorted(existing) if current is not None and r <= current]
        current = self.current_id()
        if current is not None and (not live or live[-1] != current):
            live = [r for r in live if r != current] + [current]
        return live

    def prune(self, keep: int) -> list[str]:
        """Delete all but the ``keep`` newest releases, rolled-back ones included.

        The current release and the newest one that was live before it always stay, whatever
        ``keep`` says, and so does the newest live one whose documents differ from the current
        one's: nights that only move the calendar's "today" must not push the last good release
        out of reach of a rollback.
        """
        ids = self.release_ids()
        made = self._made_order()
        newest_first = sorted(ids, key=lambda r: (made.get(r, -1), r), reverse=True)
        live = self.live_stack()
        kept = set(newest_first[:max(keep, 1)]) | set(live[-2:])
        documents = read_manifest(self.manifest_path(live[-1])) if live else None
        kept |= set(next(([r] for r in reversed(live[:-1]) if read_manifest(self.manifest_path(r)) != documents), []))
        doomed = [r for r in ids if r not in kept]
        for release_id in doomed:
            shutil.rmtree(self.releases / release_id, ignore_errors=True)
            (self.manifests / f"{release_id}.json").unlink(missing_ok=True)
            self.record_path(release_id).unlink(missing_ok=True)
        return doomed

    def _made_order(self) -> dict[str, int]:
        """When each release was published, as a position in the history (a clock set back does not reorder them)."""
        history = self._history() or {"live": [], "log": []}
        order: dict[str, int] = {}
        for position, event in enumerate(history["log"]):
            if isinstance(event, dict) and event.get("action", "publish") == "publish" and isinstance(event.get("release"), str):
                order.setdefault(event["release"], position)
        return order

    def previous_id(self) -> str | None:
        """The release that was live before the current one went live."""
        live = self.live_stack()
        return live[-2] if len(live) >= 2 else None

    def events(self) -> dict[str, str]:
        """When each release last went live (publish or rollback), by the history."""
        history = self._history() or {"live": [], "log": []}
        return {
            event["release"]: str(event.get("at", ""))[:19].replace("T", " ")
            for event in history["log"]
            if isinstance(event, dict) and isinstance(event.get("release"), str)
        }

    def _history(self) -> dict[str, list] | None:
        path = self.dest / HISTORY
        if not path.exists() or path.is_symlink():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("live"), list) or not isinstance(data.get("log"), list):
            return None
        return {"live": [r for r in data["live"] if isinstance(r, str) and _RELEASE_ID.match(r)], "log": data["log"]}

    def _write_history(self, live: list[str], event: dict[str, str]) -> None:
        history = self._history() or {"live": [], "log": []}
        log = [*history["log"], event][-_LOG_LENGTH:]
        text = json.dumps({"live": live, "log": log}, ensure_ascii=False, indent=1)
        write_atomically(self.dest / HISTORY, text.encode("utf-8"))

    def manifest_path(self, release_id: str) -> Path:
        return self.manifests / f"{release_id}.json"

    def record_path(self, release_id: str) -> Path:
        """What made the release's pages, and its link graph (``page_record``)."""
        return self.manifests / f"{release_id}.pages.json.gz"


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    # Make the rename durable, so a power cut cannot bring back the old state half-way.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
