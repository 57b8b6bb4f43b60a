"""Packs typeset in a child process while the pages render, kept by what goes into them.

A pack's cache key is the hash of its HTML and of the typesetter, stylesheet and fonts, so a
pack is typeset again exactly when one of its inputs changed, and a cached pack is the same
bytes a fresh one would be. The cache holds data only: a PDF and a small JSON record of its
hash and page count; a damaged or foreign entry is typeset again.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import multiprocessing
import os
import re
import signal
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

from ..atomic import disk_message, write_atomically
from ..cache_store import file_hash, read_json, read_verified, write_json
from .catalog import PACK_FOLDER, PACK_INDEX
from .typeset import tool_fingerprint, typeset

_PR_SET_PDEATHSIG = 1
_ENTRY = re.compile(r"^[0-9a-f]{64}\.(pdf|json)$")  # cache_guard lets the packs' cache hold only these


class PackFailure(Exception):
    """A pack could not be typeset or placed; the message says which and why."""


@dataclass(frozen=True)
class PackJob:
    uri: str
    title: str
    html: str
    # Where the pack's images are looked up, and the folders they may come from.
    base: Path
    roots: tuple[Path, ...]


@dataclass(frozen=True)
class PackReport:
    packs: int
    typeset: int
    seconds: float


def _die_with(parent: int) -> None:
    """End this child when the build that forked it ends, even by kill -9: typesetting takes
    seconds, and the child holds the build's inherited cache and publish locks meanwhile."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child finishes its packs and exits
        return
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _typeset_in_child(jobs: list[tuple[str, PackJob]], cache_dir: Path, report: Connection, parent: int) -> None:
    _die_with(parent)
    began = time.perf_counter()
    for key, job in jobs:
        try:
            pdf, pages = typeset(job.html, job.base, job.roots)
            write_atomically(cache_dir / f"{key}.pdf", pdf, durable=False)
            write_json(cache_dir / f"{key}.json", {"hash": file_hash(pdf), "pages": pages})
        except OSError as exc:
            report.send(("failed", f"《{job.title}》：{disk_message(exc)}"))
            return
        except Exception as exc:  # noqa: BLE001 - the parent reports it; a traceback helps no one here
            report.send(("failed", f"《{job.title}》：{exc.__class__.__name__}: {str(exc)[:300]}"))
            return
    report.send(("done", time.perf_counter() - began))


class PackBuilder:
    """Starts typesetting the packs a build needs; ``finish`` places them in the site with their index."""

    def __init__(self, cache_dir: Path, processes: int = 1) -> None:
        self.cache_dir = cache_dir
        self.processes = max(1, processes)
        self._keys: dict[str, str] = {}
        self._typeset = 0
        self._children: list[tuple[BaseProcess, Connection]] = []

    def start(self, jobs: list[PackJob]) -> None:
        """Raises ``PackToolMissing`` when WeasyPrint or a font is not installed."""
        tools = tool_fingerprint() if jobs else ""
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        waiting = []
        for job in jobs:
            key = hashlib.sha256(f"{tools}\n{job.html}".encode("utf-8", "surrogatepass")).hexdigest()
            self._keys[job.uri] = key
            if self._cached(key) is None:
                waiting.append((key, job))
        self._typeset = len(waiting)
        # Longest first, each to the least loaded process: the packs finish about together.
        shares: list[list[tuple[str, PackJob]]] = [[] for _ in range(min(self.processes, len(waiting)))]
        loads = [0] * len(shares)
        for key, job in sorted(waiting, key=lambda pair: (-len(pair[1].html), pair[1].uri)):
            least = loads.index(min(loads))
            shares[least].append((key, job))
            loads[least] += len(job.html)
        # Fork: each child starts at once with its HTML in hand, nothing pickled.
        context = multiprocessing.get_context("fork")
        for number, share in enumerate(shares, start=1):
            receiving, sending = context.Pipe(duplex=False)
            child = context.Process(
                target=_typeset_in_child, args=(share, self.cache_dir, sending, os.getpid()), name=f"qinglian-packs-{number}", daemon=True
            )
            child.start()
            sending.close()
            self._children.append((child, receiving))

    def _cached(self, key: str) -> tuple[bytes, int] | None:
        record = read_json(self.cache_dir / f"{key}.json")
        if not isinstance(record, dict) or not isinstance(record.get("hash"), str) or not isinstance(record.get("pages"), int):
            return None
        pdf = read_verified(self.cache_dir / f"{key}.pdf", record["hash"])
        return (pdf, record["pages"]) if pdf is not None else None

    def finish(self, site_dir: Path, live: Path | None = None) -> PackReport:
        """Wait for the typesetting, then write every pack and ``packs/index.json`` into ``site_dir``.

        A pack with the same bytes in the ``live`` release of a publish is a hard link to it.
        """
        seconds, failures = 0.0, []
        children, self._children = self._children, []
        for child, report in children:
            try:
                outcome, detail = report.recv()
            except EOFError:
                outcome, detail = "failed", f"排版进程意外退出（退出码 {child.exitcode}）"
            child.join()
            if outcome != "done":
                failures.append(detail)
            else:
                seconds = max(seconds, detail)
        if failures:
            raise PackFailure(f"学习资料汇编没有生成：{'；'.join(failures)}")
        folder = site_dir / PACK_FOLDER
        index: dict[str, dict[str, int]] = {}
        try:
            folder.mkdir(parents=True, exist_ok=True)
            for uri, key in sorted(self._keys.items()):
                cached = self._cached(key)
                if cached is None:
                    raise PackFailure(f"学习资料汇编 {uri} 的缓存在生成后被改动或删除，请重新生成。")
                pdf, pages = cached
                _place(site_dir / uri, pdf, live / uri if live is not None else None)
                index[uri] = {"bytes": len(pdf), "pages": pages}
            write_atomically(site_dir / PACK_INDEX, json.dumps(index, ensure_ascii=False, sort_keys=True).encode("utf-8"), durable=False)
            self._remove_stale(folder, {Path(uri).name for uri in index} | {Path(PACK_INDEX).name})
        except OSError as exc:
            raise PackFailure(f"学习资料汇编没有放入网站：{disk_message(exc)}") from None
        self._prune(set(self._keys.values()))
        return PackReport(len(index), self._typeset, seconds)

    def cancel(self) -> None:
        children, self._children = self._children, []
        for child, _ in children:
            child.terminate()
            child.join()

    @staticmethod
    def _remove_stale(folder: Path, keep: set[str]) -> None:
        # A preview rebuild writes into the last build's site: packs no longer made leave it.
        for entry in folder.iterdir():
            if entry.name not in keep and entry.suffix in (".pdf", ".json") and entry.is_file() and not entry.is_symlink():
                entry.unlink()

    def _prune(self, keep: set[str]) -> None:
        # Only entries this cache writes (a hash and .pdf or .json), never through a link.
        for entry in self.cache_dir.iterdir():
            if _ENTRY.match(entry.name) and entry.name.split(".")[0] not in keep and entry.is_file() and not entry.is_symlink():
                entry.unlink(missing_ok=True)


def _place(target: Path, pdf: bytes, live: Path | None) -> None:
    if live is not None and not live.is_symlink() and live.is_file() and live.stat().st_size == len(pdf) and live.read_bytes() == pdf:
        target.unlink(missing_ok=True)
        os.link(live, target)
        return
    write_atomically(target, pdf, durable=False)
