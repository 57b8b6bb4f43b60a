"""A save is checked like ``qinglian check`` before it is written: the whole content as it would be after it."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..content.loader import DEFAULT_VOCABULARY_FILE, LoadResult, load_content
from ..incremental.memo import DocumentMemo
from .cached_documents import CachedDocuments
from ..structure.clock import BUILD_DATE_VARIABLE, DEFAULT_TIMEZONE, build_clock
from ..structure.problems import Problem

_Key = tuple[str, int, str, str, str]


def _key(problem: Problem) -> _Key:
    return (problem.path, problem.line, problem.field, problem.expected, problem.found)


@dataclass(frozen=True)
class Verdict:
    """What a save would bring: errors in the saved files, and errors it causes elsewhere."""

    errors: list[Problem]

    @property
    def accepted(self) -> bool:
        return not self.errors


class SaveChecker:
    """Keeps the documents read once in memory, so a save reads only the files it changes."""

    def __init__(
        self, root: Path, content_dir: Path, vocabulary_file: str = DEFAULT_VOCABULARY_FILE, cached: CachedDocuments | None = None
    ) -> None:
        self.root = root
        self.content_dir = content_dir
        self.vocabulary_file = vocabulary_file
        # What the builds read, when they kept it: a start then reads only the files changed since.
        self._cached = cached
        self._memo = cached.memo() if cached is not None else DocumentMemo(shared=True)
        self._baseline: set[_Key] | None = None
        self._last: set[_Key] = set()
        self._lock = threading.Lock()

    def _load(self, overrides: Mapping[Path, bytes | None]) -> LoadResult:
        today = build_clock(DEFAULT_TIMEZONE, os.environ.get(BUILD_DATE_VARIABLE)).today
        return load_content(self.content_dir, self.root, self.vocabulary_file, today=today, memo=self._memo, overrides=overrides)

    def warm(self) -> int:
        """Read every document once (at start), so the first save is as quick as the others."""
        with self._lock:
            loaded = self._load({})
            self._baseline = {_key(p) for p in loaded.log.errors}
            if self._cached is not None:
                self._memo.forget_unseen()
                self._cached.keep(self._memo)
            return len(loaded.sources)

    def check(self, overrides: Mapping[str, bytes | None], ignored: frozenset[str] = frozenset()) -> Verdict:
        """``overrides``: repository paths under the content folder → new bytes (None: deleted).

        ``ignored``: paths given only so others can cite them (documents under review); their own problems are not this save's.
        """
        paths = {self.root / name: data for name, data in overrides.items()}
        with self._lock:
            if self._baseline is None:
                self._baseline = {_key(p) for p in self._load({}).log.errors}
            loaded = self._load(paths)
            self._last = {_key(p) for p in loaded.log.errors}
            shown = set(overrides) - ignored
            errors = [
                p for p in loaded.log.sorted()
                if p.severity.name == "ERROR" and p.path not in ignored and (p.path in shown or _key(p) not in self._baseline)
            ]
            return Verdict(errors)

    def written(self) -> None:
        """The last checked change is now in the working tree: its errors are the new baseline."""
        with self._lock:
            self._baseline = set(self._last)
