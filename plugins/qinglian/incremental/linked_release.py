"""A publish that takes the live release's unchanged pages as hard links instead of writing them.

Each release records what made each of its pages (the body's cache key and the layout, as
``reuse.PageReuse.made_by`` says) with the file's size, modification time and inode. When
the next publish makes a page from the same key and layout, and the live file is still the
one recorded, the engine is handed an empty page (it writes nothing) and, once the build
is over, the new release gets a hard link to the live file. A release is never modified
after it goes live, so sharing its files is safe; nothing here ever opens a live file for
writing, and a link is made only into the new release's own folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..engines import running
from .kept_site import QuietSkips


@dataclass(frozen=True)
class PageFile:
    made_by: str
    size: int
    mtime_ns: int
    inode: int

    def as_json(self) -> list[Any]:
        return [self.made_by, self.size, self.mtime_ns, self.inode]

    @classmethod
    def from_json(cls, value: Any) -> PageFile | None:
        if (
            isinstance(value, list) and len(value) == 4 and isinstance(value[0], str)
            and all(type(item) is int for item in value[1:])
        ):
            return cls(value[0], value[1], value[2], value[3])
        return None


def page_files(site: Path, made_by: dict[str, str]) -> dict[str, PageFile]:
    """What made each page file of the finished release in ``site``, with the file's status now."""
    found = {}
    for relative, maker in made_by.items():
        try:
            status = os.lstat(site / relative)
        except OSError:
            continue
        found[relative] = PageFile(maker, status.st_size, status.st_mtime_ns, status.st_ino)
    return found


class LinkedRelease:
    def __init__(self, live: Path | None = None, recorded: dict[str, PageFile] | None = None) -> None:
        """Without ``live`` (a first or a full publish) every page is written; what made each is still recorded."""
        self.live = live
        self.recorded = recorded or {}
        self.site: Path | None = None
        # Of this build: what made each page file, by its path in the release; and those linked.
        self.made_by: dict[str, str] = {}
        self.linked: set[str] = set()
        # Pages made otherwise than the live release's (so the two releases differ), when there is one.
        self.differing = 0
        self._quiet = QuietSkips()

    def begin(self, site_dir: Path) -> None:
        self.site, self.made_by, self.linked, self.differing = site_dir, {}, set(), 0
        self._quiet.kept = set()
        running().logger("commands.build").addFilter(self._quiet)

    def unchanged(self, src_uri: str, dest: str, made_by: str) -> bool:
        """Record that ``dest`` is made by ``made_by``; True when the live release's file is that, unchanged."""
        if self.site is None:
            return False
        relative = os.path.relpath(dest, self.site).replace(os.sep, "/")
        self.made_by[relative] = made_by
        if self.live is None:
            return False
        known = self.recorded.get(relative)
        if known is None or known.made_by != made_by:
            self.differing += 1
            return False
        if not self._live_is(relative, known):
            return False
        self.linked.add(relative)
        self._quiet.kept.add(src_uri)
        return True

    def would_link(self, dest: str, made_by: str) -> bool:
        """Whether ``unchanged`` would link ``dest``, without recording anything."""
        if self.site is None or self.live is None:
            return False
        relative = os.path.relpath(dest, self.site).replace(os.sep, "/")
        known = self.recorded.get(relative)
        return known is not None and known.made_by == made_by and self._live_is(relative, known)

    def made_from(self, relative: str, key: str) -> bool:
        """Whether the live release's file at ``relative`` (a path in the release) is still the page made from the body
        ``key``, under any layout."""
        if self.site is None or self.live is None:
            return False
        known = self.recorded.get(relative)
        return known is not None and known.made_by.startswith(f"{key}:") and self._live_is(relative, known)

    def _live_is(self, relative: str, known: PageFile) -> bool:
        """The live release's file is still the one recorded (same size, time and inode)."""
        if self.live is None:
            return False
        try:
            status = os.lstat(self.live / relative)
        except OSError:
            return False
        return (status.st_size, status.st_mtime_ns, status.st_ino) == (known.size, known.mtime_ns, known.inode)

    def link(self) -> None:
        """After the build: the new release gets each unchanged page as a hard link to the live one."""
        running().logger("commands.build").removeFilter(self._quiet)
        if self.site is None or self.live is None:
            return
        made: set[Path] = set()
        for relative in sorted(self.linked):
            target = self.site / relative
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            os.link(self.live / relative, target, follow_symlinks=False)

    def fail(self) -> None:
        running().logger("commands.build").removeFilter(self._quiet)
