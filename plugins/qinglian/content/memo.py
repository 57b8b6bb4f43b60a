"""Documents as read from their files, kept between the builds of one process.

A preview server rebuilds the whole portal after every save; reading and checking every
file again (YAML, the schema, the scans) was a third of such a rebuild. A file whose size,
modification time and inode are unchanged, checked against the same vocabulary, gives the
same document and the same problems, so the memo hands back a copy of what the last build
read. Copies, because resolving references later fills in a document's fields.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from ..structure.document import Document
from ..structure.problems import ProblemLog


class DocumentMemo:
    def __init__(self) -> None:
        self._entries: dict[Path, tuple[Hashable, bytes]] = {}
        self._seen: set[Path] = set()
        self.reused = 0

    def load(
        self, path: Path, context: Hashable, read: Callable[[ProblemLog], Document | None], log: ProblemLog
    ) -> Document | None:
        """``read(log)`` loads the file; ``context`` is everything else the result depends on."""
        self._seen.add(path)
        try:
            stat = path.stat()
        except OSError:
            return read(log)
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino, context)
        entry = self._entries.get(path)
        if entry is not None and entry[0] == stamp:
            document, problems = pickle.loads(entry[1])
            self.reused += 1
        else:
            local = ProblemLog()
            document = read(local)
            problems = local.problems
            self._entries[path] = (stamp, pickle.dumps((document, problems), protocol=pickle.HIGHEST_PROTOCOL))
        log.problems += problems
        return document

    def remembered(self, path: Path) -> tuple[Document | None, list[Any]] | None:
        """What the last load of ``path`` gave (a copy), without reading the file."""
        entry = self._entries.get(path)
        return pickle.loads(entry[1]) if entry is not None else None

    def forget_unseen(self) -> None:
        """Drop files no longer loaded (deleted or moved) since the last call."""
        for path in set(self._entries) - self._seen:
            del self._entries[path]
        self._seen = set()
        self.reused = 0
