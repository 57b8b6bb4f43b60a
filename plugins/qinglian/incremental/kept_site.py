"""Preview rebuilds that leave unchanged pages where they are.

``mkdocs serve`` empties its site folder before every rebuild and writes every page again:
at a thousand documents that was a fifth of a rebuild after one save, and it grows with the
site. Between two preview rebuilds, this keeps the last build's files aside while MkDocs
empties the folder (it leaves hidden entries alone), puts them back before any page is
written, and answers MkDocs with an empty page for each page that comes out exactly as the
file already there: MkDocs writes no file for an empty page. Files the new build does not
produce are removed at the end, so the folder holds exactly what a full build would write.
Only used by ``mkdocs serve``; a failed rebuild makes the next one write everything.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from ..engines import running

ASIDE = ".qinglian-previous"
_SKIPPED = re.compile(r"(?:Page|Template) skipped: '(.*)'\.? [Gg]enerated empty output\.")


class QuietSkips(logging.Filter):
    """MkDocs reports every empty page; the pages left in place are not news."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        match = _SKIPPED.fullmatch(record.getMessage())
        return match is None or match[1] not in self.kept


class KeptSite:
    def __init__(self) -> None:
        # Of the last successful build: each page file and what made it (cache key and layout).
        self._written: dict[str, str] = {}
        self._writing: dict[str, str] = {}
        self._quiet = QuietSkips()
        self._site: Path | None = None
        self._produced: set[str] = set()

    def set_aside(self, site_dir: Path) -> None:
        """Before MkDocs empties ``site_dir``: move its files into a hidden folder inside it."""
        self._site = site_dir
        self._writing = {}
        self._quiet.kept = set()
        aside = site_dir / ASIDE
        shutil.rmtree(aside, ignore_errors=True)
        if not self._written or not site_dir.is_dir():
            return
        aside.mkdir()
        for entry in os.listdir(site_dir):
            if not entry.startswith("."):
                os.replace(site_dir / entry, aside / entry)
        running().logger("commands.build").addFilter(self._quiet)

    def put_back(self) -> None:
        """After MkDocs emptied the folder, before it writes: the last build's files return."""
        if self._site is None:
            return
        aside = self._site / ASIDE
        if aside.is_dir():
            for entry in os.listdir(aside):
                os.replace(aside / entry, self._site / entry)
            aside.rmdir()

    def unchanged(self, src_uri: str, dest: str, made_by: str) -> bool:
        """Record that ``dest`` is made by ``made_by``; True when the file there is already that."""
        self._writing[dest] = made_by
        if self._written.get(dest) == made_by and os.path.isfile(dest):
            self._quiet.kept.add(src_uri)
            return True
        return False

    def keep_template(self, name: str) -> None:
        """A theme template (the sitemap) the rebuild leaves as the last one wrote it."""
        self._quiet.kept.add(name)

    def finish(self, produced: set[str], rewritten: set[str], carried_over: bool = False) -> None:
        """After a successful build: remove what it did not produce (``rewritten`` folders are its own).

        ``carried_over``: the build left pages out because they stay as they are; what the last
        build produced is still produced.
        """
        running().logger("commands.build").removeFilter(self._quiet)
        if self._site is None:
            return
        if carried_over:
            # The same files as the last rebuild: nothing can have gone stale.
            self._produced |= produced
            self._written, self._writing = {**self._written, **self._writing}, {}
            return
        self._produced = produced
        emptied = set()
        for current, folders, names in os.walk(self._site):
            folders[:] = [name for name in folders if not name.startswith(".") and os.path.join(current, name) not in rewritten]
            for name in names:
                path = os.path.join(current, name)
                if path not in produced and not name.startswith("."):
                    os.unlink(path)
                    emptied.add(current)
        for folder in sorted(emptied, key=len, reverse=True):
            # A deleted document leaves its folder behind; a full build would not have it.
            while folder != str(self._site) and not os.listdir(folder):
                os.rmdir(folder)
                folder = os.path.dirname(folder)
        self._written, self._writing = self._writing, {}

    def fail(self) -> None:
        """The rebuild failed: the next one writes every page; files set aside go back if still aside."""
        running().logger("commands.build").removeFilter(self._quiet)
        self._written, self._writing, self._produced = {}, {}, set()
        if self._site is None or not (self._site / ASIDE).is_dir():
            return
        for entry in os.listdir(self._site):
            if not entry.startswith("."):
                path = self._site / entry
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        self.put_back()
