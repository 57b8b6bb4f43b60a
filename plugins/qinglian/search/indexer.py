"""Building the search index in the background and placing it in the site."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..atomic import disk_message
from ..cache_guard import made_by_cache
from ..cache_store import warn_healed
from .index_writer import FILE_LIST, FORMAT, META, IndexSummary, IndexUpdate, update_index, whole_index
from .records import SearchRecord
from .tokens import WordLimit

# Under the site root: search/ is the search page's address.
SEARCH_FOLDER = "search-index"
# In the cache: what the last index was made of, so a rebuild reads only new or changed pages.
STATE_FOLDER = "state"


class SearchIndexError(Exception):
    """The index could not be written (disk full, permissions, a crash of the indexing process)."""


class SearchIndexRefused(SearchIndexError):
    """The pages would make more distinct ASCII words than an index can hold; ``args[0]``: their addresses."""


@dataclass
class IndexReport:
    summary: IndexSummary
    # False when the index came unchanged from the cache.
    rebuilt: bool
    # Spent writing the index, alongside the page rendering.
    seconds: float

    @property
    def files(self) -> list[str]:
        """The index files a publish check reads back (they must parse)."""
        return [f"{SEARCH_FOLDER}/{META}", f"{SEARCH_FOLDER}/v-{self.summary.version}/filters.json"]


def records_fingerprint(records: list[SearchRecord]) -> str:
    digest = hashlib.sha256(f"qinglian-search {FORMAT}\n".encode())
    for fingerprint in sorted(record.fingerprint for record in records):
        digest.update(fingerprint.encode())
    return digest.hexdigest()[:16]


def _index_in_child(records: list[SearchRecord], target: Path, report: Connection) -> None:
    began = time.perf_counter()
    try:
        _, update = update_index(records, target, target.parent / STATE_FOLDER)
        report.send(("done", (time.perf_counter() - began, update)))
    except WordLimit as exc:
        report.send(("content", exc.args[0] if exc.args else []))
    except OSError as exc:
        report.send(("failed", disk_message(exc)))
    except MemoryError:
        report.send(("failed", "内存不足"))
    except Exception as exc:  # noqa: BLE001 - the parent reports it; a traceback helps no one here
        report.send(("failed", f"{exc.__class__.__name__}: {str(exc)[:300]}"))


class SearchIndexer:
    """Writes the index in a child process while the pages are rendered.

    The child has its own interpreter lock, so the index never waits for the rendering. A
    finished index is kept in ``cache_dir`` under the fingerprint of its records; a build with
    the same records places that copy instead of indexing again; otherwise the state of the
    last index lets the child read only the pages that changed. The cache is safe to delete.
    """

    def __init__(self, cache_dir: Path) -> None:
        self.cache_dir = cache_dir
        self._target: Path | None = None
        self._child: BaseProcess | None = None
        self._report: Connection | None = None

    def start(self, records: list[SearchRecord]) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._target = self.cache_dir / records_fingerprint(records)
        if (self._target / META).is_file():
            if whole_index(self._target):
                return
            warn_healed(f"搜索索引缓存 {self._target}")
            shutil.rmtree(self._target, ignore_errors=True)
        # Fork: the child starts at once with the records in hand, nothing pickled.
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        self._child = context.Process(
            target=_index_in_child, args=(records, self._target, sending), name="qinglian-search-index", daemon=True
        )
        self._child.start()
        sending.close()
        self._report = receiving

    def finish(self, site_dir: Path, link: bool = False, earlier: Path | None = None) -> IndexReport:
        """Wait for the index and place it in ``site_dir``; raises ``SearchIndexError`` on failure.

        ``link`` (a preview) hard-links the files from the cache; a build that may be published
        copies them, so nothing that happens to the cache later can change a release. A publish
        names the live release (``earlier``): files the new index kept from the one there are
        hard links to that release's, which is never modified.
        """
        if self._target is None:
            raise SearchIndexError("搜索索引没有开始生成。")
        rebuilt, seconds, update = False, 0.0, None
        if self._child is not None and self._report is not None:
            try:
                outcome, detail = self._report.recv()
            except EOFError:
                outcome, detail = "failed", f"索引进程意外退出（退出码 {self._child.exitcode}）"
            self._child.join()
            self._child = None
            if outcome == "content":
                raise SearchIndexRefused(detail)
            if outcome != "done":
                raise SearchIndexError(f"搜索索引生成失败：{detail}")
            rebuilt, (seconds, update) = True, detail
        try:
            summary = IndexSummary.read(self._target)
        except (OSError, ValueError, KeyError) as exc:
            raise SearchIndexError(f"搜索索引缓存已损坏（{str(exc)[:200]}）：请删除 {self.cache_dir} 后重新生成。") from None
        try:
            place = _link_or_copy if link else shutil.copy2
            folder = site_dir / SEARCH_FOLDER
            if earlier is None or update is None or not _place_beside(earlier / SEARCH_FOLDER, self._target, summary.version, folder, update):
                _place(self._target, summary.version, folder, update, place)
        except OSError as exc:
            raise SearchIndexError(f"搜索索引没有放入网站：{disk_message(exc)}") from None
        self._prune(self._target.name)
        return IndexReport(summary, rebuilt, seconds)

    def cancel(self) -> None:
        """Stop indexing when the build fails."""
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._child = None

    def _prune(self, keep: str) -> None:
        # Runs when no indexing is under way, so unfinished folders are left over from a crash.
        for entry in self.cache_dir.iterdir():
            # Only what this cache made, never through a link (cache_guard claimed the folder).
            if entry.name not in (keep, STATE_FOLDER) and made_by_cache(entry, "search"):
                shutil.rmtree(entry, ignore_errors=True)


def _place(index: Path, version: str, folder: Path, update: IndexUpdate | None, place: Callable[[str, str], object]) -> None:
    """Make ``folder`` (in the site) a copy of the finished ``index``.

    A preview rebuild finds the last build's index in the site: when it is the one the new
    index was made from, only the files written anew are replaced.
    """
    try:
        current = IndexSummary.read(folder).version
    except (OSError, ValueError, KeyError):
        current = None
    if current == version and (folder / f"v-{version}").is_dir():
        return
    if update is None or current != update.base or not (folder / f"v-{current}").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(index, folder, copy_function=place, ignore=shutil.ignore_patterns(FILE_LIST))
        return
    placed = folder / f"v-{version}"
    os.rename(folder / f"v-{current}", placed)
    for name in update.written:
        target = placed / name
        target.unlink(missing_ok=True)
        place(str(index / f"v-{version}" / name), str(target))
    swap = folder / f".{META}.new"
    swap.unlink(missing_ok=True)
    place(str(index / META), str(swap))
    os.replace(swap, folder / META)


def _place_beside(earlier: Path, index: Path, version: str, folder: Path, update: IndexUpdate) -> bool:
    """Make ``folder`` the finished ``index``, linking the files it kept from the index in ``earlier``
    (another release's); False, with nothing placed, when that index is not the one it was made from."""
    try:
        earlier_version = IndexSummary.read(earlier).version
    except (OSError, ValueError, KeyError):
        return False
    base = earlier / f"v-{update.base}"
    if earlier_version != update.base or base.is_symlink() or not base.is_dir():
        return False
    written = set(update.written)
    source = index / f"v-{version}"
    shutil.rmtree(folder, ignore_errors=True)
    for current, _, names in os.walk(source):
        relative = os.path.relpath(current, source)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        os.makedirs(folder / f"v-{version}" / prefix, exist_ok=True)
        for name in names:
            new, kept = os.path.join(current, name), base / (prefix + name)
            target = folder / f"v-{version}" / (prefix + name)
            if prefix + name not in written and _same_size(kept, new):
                os.link(kept, target, follow_symlinks=False)
            else:
                shutil.copy2(new, target)
    shutil.copy2(index / META, folder / META)
    return True


def _same_size(kept: Path, new: str) -> bool:
    # The kept file is the base version's by the index's own record; a file of another size was cut short or replaced.
    try:
        status = os.lstat(kept)
    except OSError:
        return False
    return not os.path.islink(kept) and status.st_size == os.stat(new).st_size


def _link_or_copy(source: str, target: str) -> None:
    # Hard links make placing a 10,000-page index nearly free; copies where links can't go.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def indexed_pages(site_dir: Path) -> list[dict[str, str]]:
    """Every page the site's search index holds, in index order (what a result shows)."""
    summary = IndexSummary.read(site_dir / SEARCH_FOLDER)
    pages = site_dir / SEARCH_FOLDER / f"v-{summary.version}" / "p"
    return [json.loads((pages / f"{number}.json").read_text(encoding="utf-8")) for number in range(summary.pages)]
