"""Building the search shards in the background and placing them in the site."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import multiprocessing
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from .browser_script import SCRIPT_NAME, browser_script, script_fingerprint
from .pagefind import PagefindError, write_index
from .records import FILTER_LABELS, SearchRecord
from .shards import Shard, plan_shards
from .text import decode_index_text

# Under the site root; the browser reads SHARD_LIST to learn which shards to merge.
SEARCH_FOLDER = "pagefind"
SHARD_LIST = f"{SEARCH_FOLDER}/shards.json"
_COMPLETE = "pagefind-entry.json"
# Pagefind also writes its own ready-made interfaces; the portal has its own, in Chinese.
_UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
           "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js",
           # Search runs without a worker (noWorker), so the worker script is never loaded.
           "pagefind-worker.js")


def pagefind_version() -> str:
    for package in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            return version(package)
        except PackageNotFoundError:
            continue
    return "unknown"


@dataclass
class IndexReport:
    shards: list[str]
    records: int
    # Shards indexed in this build; the rest came from the cache unchanged.
    rebuilt: list[str] = field(default_factory=list)
    # Spent indexing the rebuilt shards, alongside the page rendering.
    seconds: float = 0.0

    @property
    def files(self) -> list[str]:
        return [SHARD_LIST, *(f"{SEARCH_FOLDER}/{name}/{_COMPLETE}" for name in self.shards)]


def index_shards(shards: list[Shard], cache_dir: Path) -> float:
    """Index each shard into ``cache_dir/<name>``, one Pagefind process at a time; return the seconds."""
    began = time.perf_counter()
    cache_dir.mkdir(parents=True, exist_ok=True)
    for shard in shards:
        partial = cache_dir / f"{shard.name}.partial-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        write_index((record.payload for record in shard.records), partial)
        for name in _UNUSED:
            (partial / name).unlink(missing_ok=True)
        script = partial / SCRIPT_NAME
        script.write_bytes(browser_script(script.read_bytes()))
        target = cache_dir / shard.name
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
    return time.perf_counter() - began


def _index_in_child(shards: list[Shard], cache_dir: Path, report: Connection) -> None:
    try:
        report.send(("done", index_shards(shards, cache_dir)))
    except (PagefindError, OSError) as exc:
        report.send(("failed", str(exc)))


class SearchIndexer:
    """Indexes the shards that changed in a child process while the pages are rendered.

    The child has its own interpreter lock, so encoding and sending records never waits for
    the rendering (a thread did, and left Pagefind idle). Finished shards are kept in
    ``cache_dir`` under their fingerprint; a later build whose shard has the same records
    copies it instead of indexing again.
    """

    def __init__(self, cache_dir: Path, shard_limit: int) -> None:
        self.cache_dir = cache_dir
        self.shard_limit = shard_limit
        self._shards: list[Shard] = []
        self._missing: list[Shard] = []
        self._child: BaseProcess | None = None
        self._report: Connection | None = None

    def start(self, records: list[SearchRecord]) -> None:
        self._shards = plan_shards(records, self.shard_limit, f"{pagefind_version()}+{script_fingerprint()}")
        self._missing = [shard for shard in self._shards if not (self.cache_dir / shard.name / _COMPLETE).is_file()]
        if not self._missing:
            return
        # Fork: the child starts at once with the records in hand, nothing pickled.
        context = multiprocessing.get_context("fork")
        receiving, sending = context.Pipe(duplex=False)
        self._child = context.Process(
            target=_index_in_child, args=(self._missing, self.cache_dir, sending), name="qinglian-search-index", daemon=True
        )
        self._child.start()
        sending.close()
        self._report = receiving

    def finish(self, site_dir: Path) -> IndexReport:
        """Wait for the shards and copy them into ``site_dir``; raises ``PagefindError`` on failure."""
        seconds = 0.0
        if self._child is not None and self._report is not None:
            try:
                outcome, detail = self._report.recv()
            except EOFError:
                outcome, detail = "failed", f"索引进程意外退出（退出码 {self._child.exitcode}）"
            self._child.join()
            self._child = None
            if outcome != "done":
                raise PagefindError(f"搜索索引生成失败：{detail}")
            seconds = float(detail)
        folder = site_dir / SEARCH_FOLDER
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for shard in self._shards:
            shutil.copytree(self.cache_dir / shard.name, folder / shard.name, copy_function=_link_or_copy)
        names = [shard.name for shard in self._shards]
        listing = {"shards": [f"{name}/" for name in names], "filters": FILTER_LABELS}
        (site_dir / SHARD_LIST).write_text(json.dumps(listing, ensure_ascii=False), encoding="utf-8")
        self._prune(set(names))
        return IndexReport(
            shards=names,
            records=sum(len(shard.records) for shard in self._shards),
            rebuilt=[shard.name for shard in self._missing],
            seconds=seconds,
        )

    def cancel(self) -> None:
        """Stop indexing when the build fails; shards already finished stay in the cache."""
        if self._child is not None:
            self._child.terminate()
            self._child.join()
            self._child = None

    def _prune(self, keep: set[str]) -> None:
        # Runs when no indexing is under way, so unfinished folders are left over from a crash.
        for entry in self.cache_dir.iterdir():
            if entry.name not in keep:
                shutil.rmtree(entry, ignore_errors=True)


def _link_or_copy(source: str, target: str) -> None:
    # Hard links make placing a 10,000-document index nearly free; copies where links can't go.
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


FRAGMENT_SIGNATURE = b"pagefind_dcd"


def read_fragment(path: Path) -> dict[str, object]:
    """One page as a Pagefind shard stores it (url, meta, filters), with its text decoded."""
    data = gzip.decompress(path.read_bytes())
    fragment = json.loads(data.removeprefix(FRAGMENT_SIGNATURE))
    fragment["text"] = decode_index_text(str(fragment.get("content", "")))
    return fragment


def indexed_pages(site_dir: Path) -> list[dict[str, object]]:
    """Every page the site's search index holds."""
    return [read_fragment(path) for path in sorted((site_dir / SEARCH_FOLDER).glob("*/fragment/*.pf_fragment"))]
