"""Writes the site's search index: the files assets/search.js reads (see docs/operators, 站内搜索).

    meta.json              which version is current, page and bucket counts, filter names
    v-<hash>/t/<n>.json    the token lists of bucket n: {"警示": "<pages>", ...}
    v-<hash>/p/<n>.json    page n: address, title, collection, date and text, for results and excerpts
    v-<hash>/filters.json  per filter, its values and the pages holding each

Pages are numbered documents first, newest first, then the hand-written pages, so a list of
page numbers is already in the order results are shown. Everything under ``v-<hash>/`` is named
by a hash of its content and never changes; only meta.json does.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .postings import encode_groups, encode_list
from .records import FILTER_LABELS, SearchRecord
from .tokens import WordTable, bucket_of, key_text, symbol_numbers, token_keys

FORMAT = 1
META = "meta.json"
# A bucket's file holds about this many characters of lists before gzip.
_BUCKET_TARGET_CHARS = 12_000
_MAX_BUCKETS = 1 << 15
# Postings sorted at once when writing the buckets; bounds the memory of large sites.
_PASS_POSTINGS = 16_000_000
_BATCH = 1000


@dataclass(frozen=True)
class IndexSummary:
    version: str
    pages: int
    documents: int
    tokens: int
    postings: int
    buckets: int

    def meta(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "version": self.version,
            "pages": self.pages,
            "documents": self.documents,
            "buckets": self.buckets,
            "tokens": self.tokens,
            "postings": self.postings,
            "filters": FILTER_LABELS,
        }


def ordered(records: Sequence[SearchRecord]) -> list[SearchRecord]:
    """Documents newest first (then by address), then the hand-written pages by address."""
    by_url = sorted(records, key=lambda record: record.url)
    newest_first = sorted(by_url, key=lambda record: record.order_key, reverse=True)
    return sorted(newest_first, key=lambda record: record.hand_written)


class _Postings:
    """Every page's tokens as dense token numbers, kept compactly while the pages are read."""

    def __init__(self) -> None:
        self.words = WordTable()
        self._known_keys = np.zeros(0, dtype=np.uint64)
        self._known_numbers = np.zeros(0, dtype=np.uint32)
        self.keys: list[np.ndarray] = []
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self.tokens: list[np.ndarray] = []
        self.flags: list[np.ndarray] = []
        self.counts: list[int] = []

    def add(self, record: SearchRecord) -> None:
        keys = token_keys(symbol_numbers(record.indexed_text(), self.words))
        in_title = np.isin(keys, token_keys(symbol_numbers(record.title, self.words)), assume_unique=True)
        self._pending.append((keys, in_title))
        self.counts.append(len(keys))
        if len(self._pending) >= _BATCH:
            self._number_pending()

    def _number_pending(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([keys for keys, _ in self._pending])
        distinct = np.unique(keys)
        where = np.searchsorted(self._known_keys, distinct)
        known = where < len(self._known_keys)
        known[known] = self._known_keys[where[known]] == distinct[known]
        fresh = distinct[~known]
        if len(fresh):
            self.keys.append(fresh)
            start = sum(len(block) for block in self.keys) - len(fresh)
            merged_keys = np.concatenate([self._known_keys, fresh])
            merged_numbers = np.concatenate([self._known_numbers, np.arange(start, start + len(fresh), dtype=np.uint32)])
            order = np.argsort(merged_keys, kind="stable")
            self._known_keys, self._known_numbers = merged_keys[order], merged_numbers[order]
        self.tokens.append(self._known_numbers[np.searchsorted(self._known_keys, keys)])
        self.flags.append(np.concatenate([flags for _, flags in self._pending]))
        self._pending = []

    def finish(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All keys by token number, and per posting its token number, title flag and page."""
        self._number_pending()
        keys = np.concatenate(self.keys) if self.keys else np.zeros(0, dtype=np.uint64)
        tokens = np.concatenate(self.tokens) if self.tokens else np.zeros(0, dtype=np.uint32)
        flags = np.concatenate(self.flags) if self.flags else np.zeros(0, dtype=bool)
        pages = np.repeat(np.arange(len(self.counts), dtype=np.uint32), self.counts)
        self.tokens, self.flags, self.keys = [], [], []
        return keys, tokens, flags, pages


def bucket_count(postings: int) -> int:
    wanted = max(1, postings * 1.3 / _BUCKET_TARGET_CHARS)
    return int(min(_MAX_BUCKETS, max(16, 1 << math.ceil(math.log2(wanted)))))


class _Folder:
    """Writes files under one folder and hashes what it wrote, in order."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.digest = hashlib.sha256()

    def write(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.digest.update(name.encode() + b"\0" + data)


def write_index(records: Sequence[SearchRecord], target: Path) -> IndexSummary:
    """Write the index for ``records`` into ``target`` (created, replaced if present)."""
    pages = ordered(records)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    content = _Folder(partial / "v")
    postings = _Postings()
    for number, record in enumerate(pages):
        postings.add(record)
        content.write(f"p/{number}.json", json.dumps(record.shown(), ensure_ascii=False, separators=(",", ":")))
    content.write("filters.json", json.dumps(_filters(pages), ensure_ascii=False, separators=(",", ":")))
    keys, tokens, flags, page_numbers = postings.finish()
    buckets = bucket_count(len(tokens))
    names = [key_text(int(key), postings.words) for key in keys]
    token_buckets = np.fromiter((bucket_of(name, buckets) for name in names), dtype=np.int64, count=len(names))
    # Number the tokens again in bucket order, so a range of buckets is a range of numbers.
    by_bucket = np.argsort(token_buckets, kind="stable")
    renumber = np.empty(len(by_bucket), dtype=np.uint32)
    renumber[by_bucket] = np.arange(len(by_bucket), dtype=np.uint32)
    tokens = renumber[tokens]
    sorted_buckets = token_buckets[by_bucket]
    sorted_names = [names[i] for i in by_bucket.tolist()]
    for first, last in _passes(buckets, len(tokens)):
        _write_buckets(content, tokens, flags, page_numbers, first, last, sorted_buckets, sorted_names)
    version = content.digest.hexdigest()[:16]
    summary = IndexSummary(version, len(pages), sum(not r.hand_written for r in pages), len(names), len(tokens), buckets)
    (partial / "v").rename(partial / f"v-{version}")
    (partial / META).write_text(json.dumps(summary.meta(), ensure_ascii=False), encoding="utf-8")
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return summary


def _passes(buckets: int, postings: int) -> Iterator[tuple[int, int]]:
    """Ranges of buckets [first, last) to write together, each with about ``_PASS_POSTINGS`` postings at most."""
    count = max(1, math.ceil(postings / _PASS_POSTINGS))
    step = math.ceil(buckets / count)
    for first in range(0, buckets, step):
        yield first, min(buckets, first + step)


def _write_buckets(
    content: _Folder,
    tokens: np.ndarray,
    flags: np.ndarray,
    pages: np.ndarray,
    first: int,
    last: int,
    sorted_buckets: np.ndarray,
    names: list[str],
) -> None:
    low, high = np.searchsorted(sorted_buckets, [first, last])
    chosen = np.flatnonzero((tokens >= low) & (tokens < high))
    order = np.argsort(tokens[chosen], kind="stable")
    chosen = chosen[order]
    group_tokens = tokens[chosen]
    offsets, text = encode_groups(group_tokens, pages[chosen], flags[chosen])
    present = np.unique(group_tokens)
    lists: dict[int, list[str]] = {}
    for index, token in enumerate(present.tolist()):
        entry = json.dumps(names[token], ensure_ascii=False) + ':"' + text[offsets[index]:offsets[index + 1]].decode("ascii") + '"'
        lists.setdefault(int(sorted_buckets[token]), []).append(entry)
    for bucket in range(first, last):
        content.write(f"t/{bucket}.json", "{" + ",".join(lists.get(bucket, [])) + "}")


def _filters(pages: list[SearchRecord]) -> dict[str, dict[str, list[str]]]:
    members: dict[str, dict[str, list[int]]] = {name: {} for name in FILTER_LABELS}
    for number, record in enumerate(pages):
        for name, values in record.filters.items():
            for value in dict.fromkeys(values):
                members.setdefault(name, {}).setdefault(value, []).append(number)
    return {
        name: {"values": list(by_value), "lists": [encode_list(numbers) for numbers in by_value.values()]}
        for name, by_value in members.items()
        if by_value
    }
