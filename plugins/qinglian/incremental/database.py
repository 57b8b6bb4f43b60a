"""One SQLite database per project holding the page cache, the document memo and the dependency record.

Thousands of small files cost a build more in ``open``, ``mkdir`` and atomic renames than the
pages cost to render, and whole-file JSON rewrites cost a nightly publish seconds for one edit.
A database keeps pages as rows and updates the memo row by row, in batched transactions.

The guarantees of the file caches hold:

- Data only. Rows hold text, bytes and JSON; nothing read from the database runs. Each stored
  body or page carries the hash it was written with and is used only if it still matches.
- A damaged or foreign file is dropped and made again, with one warning line: a file that is not
  an SQLite database, one another program made (its ``application_id``), one of another schema
  version, or one SQLite reports malformed while it is read.
- One writer at a time. Builds of a project take turns through the project's lock
  (``cache_store.cache_lock``); within a build, the forked workers write through connections of
  their own, and SQLite's write lock (WAL mode, waiting up to a minute) orders them.
- A write the disk cannot take (full, read-only) is rolled back whole; the cache then stops
  writing for this process, with one warning, and the build goes on without it.

The file lives in the pages cache folder, which ``cache_guard`` claims before anything is written.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from ..cache_store import warn_healed

FILE_NAME = "cache.sqlite"
# Marks the file as Qinglian's ("QLC1"): another program's database in its place is not read.
APPLICATION_ID = 0x514C4331
# Bump when a table's meaning changes: an older file is then made again.
SCHEMA = 1
# The largest SQLite allows. A page body and a finished page (30–60 KB) then take one or two pages each, not
# fifteen: a cold build of 1,000 documents makes 9,000 reads and writes of the file instead of 110,000, for 25 % more disk.
PAGE_SIZE = 65536
# Writes per transaction: few enough that a rolled-back batch costs little, many enough that commits are rare.
BATCH = 200
_SIDE_FILES = ("-wal", "-shm", "-journal")
# Tables kept row by row (``update_rows``): their key columns and value columns. Each has a setting of its name.
_ROW_TABLES = {"documents": (("path",), ("entry",)), "records": (("part", "name"), ("value",))}

_TABLES = """
CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE pages (key TEXT PRIMARY KEY, entry TEXT NOT NULL, body BLOB NOT NULL, page BLOB);
CREATE TABLE assets (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE documents (path TEXT PRIMARY KEY, entry TEXT NOT NULL);
CREATE TABLE records (part TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (part, name));
"""


class CacheDatabase:
    """The project's cache database; opened on first use, again in a forked child, healed when damaged."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / FILE_NAME
        self._connection: sqlite3.Connection | None = None
        self._pid = 0
        # Connections of a parent this process was forked from: never used, never closed here.
        self._inherited: list[sqlite3.Connection] = []
        # Statements waiting for the next batch: (SQL, parameters, whether for many rows).
        self._queue: list[tuple[str, Any, bool]] = []
        self._queuer = os.getpid()
        # Called with no arguments when a batch is rolled back (what it wrote is not in the database).
        self._on_rollback: list[Callable[[], None]] = []
        self.writable = True
        # The file passed SQLite's structural check in this process, or was made by it.
        self._checked = False

    # -- reading -------------------------------------------------------------------------------

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query, after the queued writes; none when the database turns out damaged (it is then made again)."""
        if self._queue:
            self.commit()
        try:
            return self._open().execute(sql, parameters).fetchall()
        except sqlite3.DatabaseError as exc:
            self._heal(exc)
            return []

    def row(self, sql: str, parameters: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        found = self.rows(sql, parameters)
        return found[0] if found else None

    @property
    def total_changes(self) -> int:
        """Rows inserted, changed or deleted through this process's connection so far."""
        return self._open().total_changes

    def setting(self, name: str) -> str | None:
        found = self.row("SELECT value FROM settings WHERE name = ?", (name,))
        return found[0] if found else None

    # -- writing -------------------------------------------------------------------------------
    # Writes wait in a queue and go in one short transaction: a batch held open while pages render
    # would hold SQLite's write lock, and the other workers of the build would wait for it.

    def write(self, sql: str, parameters: Sequence[Any] = ()) -> bool:
        """One statement for the next batch; False when the cache no longer writes (or the batch it completed failed)."""
        return self._queue_up(sql, parameters, False)

    def write_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> bool:
        return self._queue_up(sql, list(rows), True)

    def set_setting(self, name: str, value: str) -> bool:
        return self.write("INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)", (name, value))

    def keep_only(self, table: str, column: str, kept: Iterable[str]) -> bool:
        """Delete every row of ``table`` whose ``column`` is not in ``kept``."""
        if table not in ("pages", "assets", "documents") or column not in ("key", "name", "path"):
            raise ValueError(f"not a cache table: {table}.{column}")
        return (
            self.write("CREATE TEMP TABLE IF NOT EXISTS kept (value TEXT PRIMARY KEY)")
            and self.write("DELETE FROM temp.kept")
            and self.write_many("INSERT OR IGNORE INTO temp.kept (value) VALUES (?)", ((value,) for value in kept))
            and self.write(f"DELETE FROM {table} WHERE {column} NOT IN (SELECT value FROM temp.kept)")
            and self.write("DELETE FROM temp.kept")
        )

    def update_rows(
        self, table: str, setting: str, upserts: Iterable[Sequence[Any]], deletions: Iterable[Sequence[Any]], anew: bool
    ) -> bool:
        """Bring a table kept row by row up to date in one batch: its rows (all of them anew, or these changes),
        then the ``setting`` that names what wrote them. False when the batch could not be written."""
        keys, values = _ROW_TABLES[table]
        columns = (*keys, *values)
        insert = f"INSERT OR REPLACE INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        delete = f"DELETE FROM {table} WHERE {' AND '.join(f'{key} = ?' for key in keys)}"
        written = (
            (not anew or self.write(f"DELETE FROM {table}"))
            and self.write_many(insert, upserts)
            and self.write_many(delete, deletions)
            and self.set_setting(table, setting)
        )
        return written and self.commit()

    def on_rollback(self, forget: Callable[[], None]) -> None:
        """``forget`` is called if the batch in progress is rolled back (once; the next batch starts without it)."""
        self._on_rollback.append(forget)

    def commit(self) -> bool:
        """Write the queued statements in one transaction; False when they could not be written (none is)."""
        self._own_queue()
        queued, self._queue = self._queue, []
        forgetting, self._on_rollback = self._on_rollback, []
        if not queued or not self.writable:
            return self.writable
        try:
            connection = self._open()
            connection.execute("BEGIN IMMEDIATE")
            try:
                for sql, parameters, many in queued:
                    if many:
                        connection.executemany(sql, parameters)
                    else:
                        connection.execute(sql, parameters)
                connection.execute("COMMIT")
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            for forget in forgetting:
                forget()
            self.writable = False
            warn_healed(f"缓存数据库 {self.path} 无法写入（{exc}），本次生成不再写入缓存，下次生成会重新渲染这些页面")
            return False
        return True

    def close(self) -> None:
        """Commit and close (in the process that opened it)."""
        if self._connection is not None and self._pid == os.getpid():
            self.commit()
            self._connection.close()
        self._connection = None

    def _own_queue(self) -> None:
        if self._queuer != os.getpid():
            # Forked: what the parent queued is the parent's to write.
            self._queue, self._on_rollback, self._queuer = [], [], os.getpid()

    def _queue_up(self, sql: str, parameters: Any, many: bool) -> bool:
        if not self.writable:
            return False
        self._own_queue()
        self._queue.append((sql, parameters, many))
        if len(self._queue) >= BATCH:
            return self.commit()
        return True

    # -- opening and healing -------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self._connection is not None and self._pid == os.getpid():
            return self._connection
        if self._connection is not None:
            # Forked: the parent's connection is not this process's to use (SQLite's rule), nor to close.
            self._inherited.append(self._connection)
            self._connection = None
        try:
            self._connection = self._connect()
        except sqlite3.DatabaseError as exc:
            self._remove(f"缓存数据库 {self.path}（{exc}）")
            self._connection = self._connect()
        self._pid = os.getpid()
        return self._connection

    def _connect(self) -> sqlite3.Connection:
        """A connection to a database of this schema, made empty when the file is another's or of another version."""
        if self.path.is_symlink():
            # Never followed: writing through a link would change a file outside the cache.
            self._remove("")
        self.folder.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            application = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            tables = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.DatabaseError:
            connection.close()
            raise
        if application == APPLICATION_ID and version == SCHEMA:
            _configure(connection)
            if self._checked:
                return connection
            # Once per process (a forked worker inherits the answer): damage found half-way through a build would
            # leave pages it meant to take from the cache without a body. About 0.3 CPU-seconds per 100 MB.
            try:
                found = connection.execute("PRAGMA quick_check(1)").fetchone()
            except sqlite3.DatabaseError:
                connection.close()
                raise
            if found is not None and found[0] == "ok":
                self._checked = True
                return connection
            connection.close()
            raise sqlite3.DatabaseError(f"quick_check: {found[0] if found else '?'}")
        connection.close()
        if tables:
            what = "另一个程序的数据库" if application != APPLICATION_ID else f"旧版本（{version}）的缓存数据库"
            self._remove(f"缓存数据库 {self.path}（{what}）")
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        # Set before the first table (and before WAL mode fixes it).
        connection.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        _configure(connection)
        self._checked = True
        connection.executescript(f"BEGIN IMMEDIATE;\n{_TABLES}\nPRAGMA application_id = {APPLICATION_ID};\nPRAGMA user_version = {SCHEMA};\nCOMMIT;")
        return connection

    def _heal(self, exc: sqlite3.DatabaseError) -> None:
        """SQLite found the file damaged while reading: drop it; the next use makes it again."""
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            # Not damage: another process held the write lock past the timeout. Read nothing this time.
            return
        if self._connection is not None and self._pid == os.getpid():
            try:
                self._connection.close()
            except sqlite3.Error:
                pass
        self._connection = None
        self._remove(f"缓存数据库 {self.path}（{exc}）")

    def _remove(self, what: str) -> None:
        if what:
            warn_healed(what)
        for suffix in ("", *_SIDE_FILES):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)


def _configure(connection: sqlite3.Connection) -> None:
    # WAL: readers never wait for the writer. Durable at checkpoints, not at every commit: a power cut loses the
    # last batches, never the file's integrity.
    connection.execute("PRAGMA journal_mode = WAL").fetchone()
    connection.execute("PRAGMA synchronous = NORMAL")
