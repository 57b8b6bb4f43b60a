"""Documents as read from their files, kept between builds.

Reading and checking every file (YAML, the schema, the scans) is the largest part of a
rebuild after a few edits. A file with the same content, checked against the same
vocabulary by the same code, gives the same document and the same problems, so the memo
hands back a copy of what an earlier build read. Copies, because resolving references later
fills in a document's fields.

Within one process (a preview server) a file is known by its size, modification time and
inode; between processes (the nightly build) the memo is kept in a file, and a file whose
status changed (a fresh clone) is known by a hash of its bytes.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..atomic import atomic_file
from ..structure.document import Document
from ..structure.problems import ProblemLog

# Bump when an entry's layout changes; older memo files are then ignored.
FORMAT = 1


@dataclass
class _Entry:
    stamp: tuple[int, int, int]
    content: str
    context: Hashable
    # The pickled (document, problems) pair.
    loaded: bytes


class DocumentMemo:
    def __init__(self, salt: str = "") -> None:
        # ``salt``: the code that reads documents; entries read by other code are not trusted.
        self.salt = salt
        self._entries: dict[Path, _Entry] = {}
        self._seen: set[Path] = set()
        self._changed = False
        self.reused = 0

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def read(cls, path: Path, salt: str) -> DocumentMemo:
        """The memo kept in ``path`` by the same code, or an empty one."""
        memo = cls(salt)
        try:
            with path.open("rb") as stream:
                stored = pickle.load(stream)
            if stored.get("format") == FORMAT and stored.get("salt") == salt:
                memo._entries = {Path(name): _Entry(*fields) for name, fields in stored["entries"].items()}
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, KeyError, TypeError, ValueError):
            # A missing, foreign or damaged memo: every file is read.
            memo._entries = {}
        return memo

    def write(self, path: Path) -> None:
        """Keep the memo in ``path`` (atomically), if it changed since it was read or written."""
        if not self._changed:
            return
        entries = {str(name): (e.stamp, e.content, e.context, e.loaded) for name, e in self._entries.items()}
        # Streamed: a pickled copy of a large memo would double its memory for a moment.
        with atomic_file(path) as stream:
            pickle.dump({"format": FORMAT, "salt": self.salt, "entries": entries}, stream, protocol=pickle.HIGHEST_PROTOCOL)
        self._changed = False

    def load(
        self, path: Path, context: Hashable, read: Callable[[ProblemLog], Document | None], log: ProblemLog
    ) -> Document | None:
        """``read(log)`` loads the file; ``context`` is everything else the result depends on."""
        self._seen.add(path)
        try:
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
            entry = self._entries.get(path)
            if entry is not None and entry.context != context:
                entry = None
            content = entry.content if entry is not None and entry.stamp == stamp else _hash(path)
            if entry is not None and entry.stamp != stamp:
                # Another checkout, or a save that restored the content: known by the bytes.
                if entry.content != content:
                    entry = None
                else:
                    entry.stamp = stamp
                    self._changed = True
        except OSError:
            return read(log)
        if entry is not None:
            document, problems = pickle.loads(entry.loaded)
            self.reused += 1
        else:
            local = ProblemLog()
            document = read(local)
            problems = local.problems
            self._entries[path] = _Entry(stamp, content, context, pickle.dumps((document, problems), protocol=pickle.HIGHEST_PROTOCOL))
            self._changed = True
        log.problems += problems
        return document

    def remembered(self, path: Path) -> tuple[Document | None, list[Any]] | None:
        """What the last load of ``path`` gave (a copy), without reading the file."""
        entry = self._entries.get(path)
        return pickle.loads(entry.loaded) if entry is not None else None

    def forget_unseen(self) -> None:
        """Drop files no longer loaded (deleted or moved) since the last call."""
        for path in set(self._entries) - self._seen:
            del self._entries[path]
            self._changed = True
        self._seen = set()
        self.reused = 0


def _hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()
