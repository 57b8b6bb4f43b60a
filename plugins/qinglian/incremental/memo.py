"""Documents as read from their files, kept between builds.

Reading and checking every file (YAML, the schema, the scans) is the largest part of a
rebuild after a few edits. A file with the same content, checked against the same
vocabulary by the same code, gives the same document and the same problems, so the memo
hands back a copy of what an earlier build read. Copies, because resolving references later
fills in a document's fields.

Within one process (a preview server) a file is known by its size, modification time and
inode; between processes (the nightly build) the memo is kept in the cache database, a row per
file, and a file whose status changed (a fresh clone) is known by a hash of its bytes.

A row is JSON (``serial``; nothing in it runs when read). Only the rows of files read again,
re-stamped or gone are written, so one edit costs one row, not the whole memo. A row that does
not decode is dropped and its document is read again; rows written by other reading code are
not read (the ``documents`` setting names the format and that code).
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from ..cache_store import warn_healed
from ..structure.document import Document
from ..structure.problems import Problem, ProblemLog
from ..content.serial import decode, encode
from .database import CacheDatabase
from .read_ahead import read_in_workers

# Bump when an entry's layout changes; older memo rows are then ignored.
FORMAT = 3


@dataclass
class _Entry:
    stamp: tuple[int, int, int]
    content: str
    # A hash of everything else the document depends on (the vocabulary, the folders).
    context: str
    # The (document, problems) pair as JSON text (``serial``): what the memo file keeps.
    loaded: str
    # The same pair pickled by this process once it was read or decoded: copies for later
    # builds of a preview cost a fraction of decoding again. Never written, never read from a file.
    copy: bytes | None = None
    # The decoded pair itself, handed out again by a memo that shares (``DocumentMemo(shared=True)``).
    value: tuple[Document | None, list[Problem]] | None = None
    # Read ahead by a worker of this build (``read_ahead``): its first load is a read, not a reuse.
    fresh: bool = False

    def documents(self, shared: bool = False, copies: bool = True) -> tuple[Document | None, list[Problem]] | None:
        """A fresh copy of the pair (or, ``shared``, the same one each time), or None when the stored text is not one.

        ``copies``: keep a pickled copy for the next call (a process that builds once never makes one).
        """
        if shared:
            if self.value is None:
                self.value = self.documents()
            return self.value
        if self.copy is not None:
            return pickle.loads(self.copy)  # noqa: S301 - bytes this process made itself
        decoded = _decoded(self.loaded)
        if decoded is not None and copies:
            self.copy = pickle.dumps(decoded, protocol=pickle.HIGHEST_PROTOCOL)
        return decoded


class DocumentMemo:
    def __init__(self, salt: str = "", shared: bool = False, copies: bool = True) -> None:
        # Shared: a document read once is handed out as the same object to every later load. Only for
        # a process that never changes documents after loading (the workspace's checks): the loader's
        # own cross-document steps assign their results afresh on every load.
        self.shared = shared
        # Copies kept for later loads of this process; a process that builds once (the nightly build) needs none.
        self.copies = copies
        # ``salt``: the code that reads documents; entries read by other code are not trusted.
        self.salt = salt
        self._entries: dict[Path, _Entry] = {}
        self._seen: set[Path] = set()
        # Files whose entries were added, read again or re-stamped, and files gone, since the memo was read or written.
        self._changed: set[Path] = set()
        self._gone: set[Path] = set()
        # The rows in the database were written by other code (or none were): all are written anew.
        self._rewrite = True
        self.reused = 0

    def __len__(self) -> int:
        return len(self._entries)

    @classmethod
    def read(cls, database: CacheDatabase, salt: str, copies: bool = True, shared: bool = False) -> DocumentMemo:
        """The memo the database keeps from the same code, or an empty one."""
        memo = cls(salt, shared=shared, copies=copies)
        if database.setting("documents") != f"{FORMAT}:{salt}":
            return memo
        damaged = 0
        for name, text in database.rows("SELECT path, entry FROM documents"):
            try:
                memo._entries[Path(name)] = _entry(json.loads(text))
            except (ValueError, TypeError, RecursionError):
                damaged += 1
        if damaged:
            warn_healed(f"缓存数据库 {database.path} 中的 {damaged} 个文档条目")
        memo._rewrite = damaged > 0
        return memo

    def write(self, database: CacheDatabase) -> None:
        """Keep the changes since the memo was read or written in the database: a row per changed file."""
        changed, gone = self._changed & set(self._entries), self._gone - set(self._entries)
        # A database made again since (healed, deleted by an operator) holds none of the rows this memo wrote.
        self._rewrite = self._rewrite or database.setting("documents") != f"{FORMAT}:{self.salt}"
        if not self._rewrite and not changed and not gone:
            return
        if self._rewrite:
            changed, gone = set(self._entries), set()
        rows = ((str(path), _entry_text(self._entries[path])) for path in sorted(changed))
        if database.update_rows("documents", f"{FORMAT}:{self.salt}", rows, ((str(path),) for path in sorted(gone)), self._rewrite):
            self._changed, self._gone, self._rewrite = set(), set(), False

    def load(
        self, path: Path, context: Hashable, read: Callable[[ProblemLog], Document | None], log: ProblemLog
    ) -> Document | None:
        """``read(log)`` loads the file; ``context`` is everything else the result depends on."""
        self._seen.add(path)
        context_key = _context_key(context)
        try:
            entry, stamp, content = self._known(path, context_key)
        except OSError:
            return read(log)
        remembered = entry.documents(self.shared, self.copies) if entry is not None else None
        if entry is not None and entry.fresh:
            # A worker's read: its pickled copy has been used, and this process keeps copies only when asked to.
            entry.fresh = False
            if not self.copies:
                entry.copy = None
        elif remembered is not None:
            self.reused += 1
        if remembered is not None:
            document, problems = remembered
        else:
            if entry is not None:
                warn_healed("文档缓存中的条目")
            local = ProblemLog()
            document = read(local)
            problems = local.problems
            self._entries[path] = _read_entry(stamp, content, context_key, document, problems, self.copies)
            if self.shared:
                self._entries[path].value = (document, problems)
            self._changed.add(path)
        log.problems += problems
        return document

    def read_ahead(
        self, paths: list[Path], context: Hashable, read: Callable[[Path, ProblemLog], Document | None], workers: int
    ) -> tuple[int, float] | None:
        """Read the files of ``paths`` that the memo does not know in ``workers`` forked processes, so
        that the ``load`` of each finds it: how many the workers read, in how many seconds (None: no worker started)."""
        context_key = _context_key(context)
        # Files the memo holds, however they changed, are left to ``load``: after an edit they are few.
        unknown = [path for path in paths if path not in self._entries or self._entries[path].context != context_key]

        def in_worker(path: Path) -> _Entry:
            # In the order ``load`` takes: a file changed meanwhile is known by its status next time.
            stamp, content = _stamp(path), _hash(path)
            local = ProblemLog()
            document = read(path, local)
            return _read_entry(stamp, content, context_key, document, local.problems, True)

        read_by_workers, seconds = read_in_workers(unknown, in_worker, workers)
        for path, entry in read_by_workers.items():
            entry.fresh = True
            self._entries[path] = entry
            self._changed.add(path)
        return (len(read_by_workers), seconds) if read_by_workers else None

    def _known(self, path: Path, context_key: str) -> tuple[_Entry | None, tuple[int, int, int], str]:
        """The entry that holds ``path`` as it is now (or None), the file's status and the hash of its bytes; raises OSError."""
        stamp = _stamp(path)
        entry = self._entries.get(path)
        if entry is not None and entry.context != context_key:
            entry = None
        content = entry.content if entry is not None and entry.stamp == stamp else _hash(path)
        if entry is not None and entry.stamp != stamp:
            # Another checkout, or a save that restored the content: known by the bytes.
            if entry.content != content:
                entry = None
            else:
                entry.stamp = stamp
                self._changed.add(path)
        return entry, stamp, content

    def contents(self) -> dict[Path, str]:
        """The hash of every remembered file's bytes, as its document was read."""
        return {path: entry.content for path, entry in self._entries.items()}

    def remembered(self, path: Path) -> tuple[Document | None, list[Any]] | None:
        """What the last load of ``path`` gave (a copy), without reading the file."""
        entry = self._entries.get(path)
        return entry.documents() if entry is not None else None

    def forget_unseen(self) -> None:
        """Drop files no longer loaded (deleted or moved) since the last call."""
        for path in set(self._entries) - self._seen:
            del self._entries[path]
            self._gone.add(path)
        self._seen = set()
        self.reused = 0


def reading_salt() -> str:
    """What reads a document: this code and the YAML parser (a memo read by other code is not trusted)."""
    from .reuse import own_code

    return f"{own_code()} pyyaml={metadata.version('pyyaml')}"


def _context_key(context: Hashable) -> str:
    return hashlib.blake2b(repr(context).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def _read_entry(
    stamp: tuple[int, int, int], content: str, context_key: str, document: Document | None, problems: list[Problem], copies: bool
) -> _Entry:
    """The entry for a file just read: the pair as memo text, and pickled when ``copies``."""
    stored = json.dumps(encode((document, problems)), ensure_ascii=False, separators=(",", ":"))
    copy = pickle.dumps((document, problems), protocol=pickle.HIGHEST_PROTOCOL) if copies else None
    return _Entry(stamp, content, context_key, stored, copy)


def _stamp(path: Path) -> tuple[int, int, int]:
    """The file's status as the memo knows it: modification time, size and inode (raises OSError)."""
    status = path.stat()
    return (status.st_mtime_ns, status.st_size, status.st_ino)


def _hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=20).hexdigest()


def _decoded(loaded: str) -> tuple[Document | None, list[Problem]] | None:
    """A stored (document, problems) pair, or None when the entry is not one (``decode`` makes only data)."""
    try:
        document, problems = decode(json.loads(loaded))
    except (ValueError, TypeError, RecursionError):
        return None
    if not isinstance(problems, list):
        return None
    if not all(isinstance(problem, Problem) for problem in problems):
        return None
    return document, problems


def _entry_text(entry: _Entry) -> str:
    return json.dumps([list(entry.stamp), entry.content, entry.context, entry.loaded], ensure_ascii=False, separators=(",", ":"))


def _entry(fields: Any) -> _Entry:
    if not isinstance(fields, list) or len(fields) != 4:
        raise ValueError("bad entry")
    stamp, content, context, loaded = fields
    if not (isinstance(stamp, list) and len(stamp) == 3 and all(type(n) is int for n in stamp)):
        raise ValueError("bad stamp")
    if not (isinstance(content, str) and isinstance(context, str) and isinstance(loaded, str)):
        raise ValueError("bad entry")
    return _Entry((stamp[0], stamp[1], stamp[2]), content, context, loaded)
