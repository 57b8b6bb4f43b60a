"""The release directory an operator's web server serves from.

    DEST/current            -> releases/20261122-020000   (symlink; the web server's root)
    DEST/releases/<id>/     a complete, self-contained site
    DEST/releases/<id>.building/   a build in progress (removed if a run dies)
    DEST/manifests/<id>.json       what each release contains, for the change summary
    DEST/.lock              held while a publish or rollback runs

``current`` only ever changes by renaming a new symlink over it, which is atomic: readers
see the old release or the new one, never a mixture, and a failed run leaves it alone.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import os
import re
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CURRENT = "current"
RELEASES = "releases"
MANIFESTS = "manifests"
BUILDING_SUFFIX = ".building"
_RELEASE_ID = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")


class Busy(Exception):
    """Another publish or rollback holds the lock."""


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
        with open(self.dest / ".lock", "a+") as handle:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES):
                        raise
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip()
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

    def switch(self, release_id: str) -> None:
        """Point ``current`` at ``release_id`` in one atomic rename."""
        temporary = self.dest / f".{CURRENT}.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        os.symlink(f"{RELEASES}/{release_id}", temporary)
        os.replace(temporary, self.current_link)
        _fsync_dir(self.dest)

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest ``keep`` releases; the current one always stays."""
        current = self.current_id()
        ids = self.release_ids()
        doomed = [r for r in ids[: max(0, len(ids) - keep)] if r != current]
        for release_id in doomed:
            shutil.rmtree(self.releases / release_id, ignore_errors=True)
            (self.manifests / f"{release_id}.json").unlink(missing_ok=True)
        return doomed

    def previous_id(self) -> str | None:
        """The newest release older than the current one."""
        current = self.current_id()
        older = [r for r in self.release_ids() if current is None or r < current]
        return older[-1] if older else None

    def manifest_path(self, release_id: str) -> Path:
        return self.manifests / f"{release_id}.json"


def _fsync_dir(path: Path) -> None:
    # Make the rename durable, so a power cut cannot bring back the old state half-way.
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
