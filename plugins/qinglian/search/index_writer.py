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

import contextlib
import json
import math
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cache_store import warn_healed
from .postings import encode_groups, encode_list
from .index_folder import META, IndexFolder, content_hash
from .index_state import ONE, FORMAT, TOKEN_SHIFT, StateDamaged, pack, PreviousState, save_array, unpack
from .limits import token_estimate
from .records import FILTER_LABELS, GUIDES, SearchRecord
from .tokens import WordLimit, WordTable, bucket_of, key_text, symbol_numbers, token_keys

# In the cache beside a finished index (never in the site): each of its files with a hash of it.
FILE_LIST = "files.json"
# A bucket's file holds about this many characters of lists before gzip.
_BUCKET_TARGET_CHARS = 12_000
_MAX_BUCKETS = 1 << 15
# Postings sorted at once when writing the buckets (8 bytes each); bounds the memory of large sites.
_PASS_POSTINGS = 4_000_000
_BATCH = 1000


def whole_index(folder: Path) -> bool:
    """Whether a finished index in the cache holds exactly the files its list names, each unchanged."""
    listed = None
    with contextlib.suppress(OSError, ValueError, RecursionError):
        listed = json.loads((folder / FILE_LIST).read_bytes())
    if not isinstance(listed, dict) or META not in listed:
        return False
    found: set[str] = set()
    for current, folders, names in os.walk(folder):
        relative = os.path.relpath(current, folder).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in (*folders, *names):
            if os.path.islink(os.path.join(current, name)):
                return False
        found.update(prefix + name for name in names)
    found.discard(FILE_LIST)
    if found != set(listed):
        return False
    for name, expected in listed.items():
        try:
            data = (folder / name).read_bytes()
        except OSError:
            return False
        if content_hash(data) != expected:
            return False
    return True


@dataclass(frozen=True)
class IndexSummary:
    version: str
    pages: int
    documents: int
    tokens: int
    postings: int
    buckets: int
    # Pages before the staff guides, which come last and are found only under their own filter value.
    readers: int

    def meta(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "version": self.version,
            "pages": self.pages,
            "documents": self.documents,
            "readers": self.readers,
            "staff": GUIDES,
            "buckets": self.buckets,
            "tokens": self.tokens,
            "postings": self.postings,
            "filters": FILTER_LABELS,
        }

    @classmethod
    def read(cls, folder: Path) -> IndexSummary:
        """The summary an index folder's meta.json holds; raises OSError, ValueError or KeyError."""
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        values = [meta[key] for key in ("version", "pages", "documents", "tokens", "postings", "buckets", "readers")]
        if not isinstance(values[0], str) or not all(type(value) is int for value in values[1:]):
            raise ValueError("meta.json does not describe an index")
        return cls(*values)


def ordered(records: Sequence[SearchRecord]) -> list[SearchRecord]:
    """Documents newest first (then by address), then the hand-written pages by address, the staff guides last."""
    by_url = sorted(records, key=lambda record: record.url)
    newest_first = sorted(by_url, key=lambda record: record.order_key, reverse=True)
    return sorted(newest_first, key=lambda record: (record.hand_written, record.collection == GUIDES))


class _Postings:
    """Every page's tokens, numbered and spilled to disk by bucket range while the pages are read.

    Sorting a range's postings (see ``pack``) groups its tokens with their pages ascending. Memory stays about one range's
    postings, whatever the size of the site. With the previous index's state, only new pages
    are read; the others' postings are taken over with their new page numbers.
    """

    def __init__(self, folder: Path, buckets: int, ranges: int, previous: PreviousState | None = None) -> None:
        self.words = WordTable()
        self.buckets = buckets
        self.ranges = ranges
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.names: list[str] = []
        self.token_buckets = np.zeros(0, dtype=np.int64)
        self._known_keys = np.zeros(0, dtype=np.uint64)
        self._known_numbers = np.zeros(0, dtype=np.uint64)
        self.previous = previous
        if previous is not None:
            for word in previous.words:
                self.words.number(word)
            self.names = list(previous.names)
            self.token_buckets = previous.token_buckets
            self._known_keys, self._known_numbers = previous.known_keys, previous.known_numbers
        self._pending: list[tuple[int, np.ndarray, np.ndarray]] = []
        self.postings = 0
        self.tokens = 0
        self.array_hashes: dict[str, str] = {}
        # Pages that brought many new ASCII words, to name when the site-wide limit is passed.
        self._wordy: list[tuple[int, str]] = []

    def add(self, page: int, record: SearchRecord) -> None:
        known = len(self.words.words)
        try:
            keys = token_keys(symbol_numbers(record.indexed_text(), self.words))
        except WordLimit:
            heaviest = sorted(self._wordy, reverse=True)[:4]
            raise WordLimit(list(dict.fromkeys([record.url, *(url for _, url in heaviest)]))) from None
        if len(self.words.words) - known > 1000:
            self._wordy.append((len(self.words.words) - known, record.url))
        in_title = np.isin(keys, token_keys(symbol_numbers(record.title, self.words)), assume_unique=True)
        self._pending.append((page, keys, in_title))
        if len(self._pending) >= _BATCH:
            self.flush()

    def _numbers(self, keys: np.ndarray) -> np.ndarray:
        distinct = np.unique(keys)
        where = np.searchsorted(self._known_keys, distinct)
        known = where < len(self._known_keys)
        known[known] = self._known_keys[where[known]] == distinct[known]
        fresh = distinct[~known]
        if len(fresh):
            names = [key_text(int(key), self.words) for key in fresh.tolist()]
            buckets = np.fromiter((bucket_of(name, self.buckets) for name in names), dtype=np.int64, count=len(names))
            start = len(self.names)
            self.names += names
            self.token_buckets = np.concatenate([self.token_buckets, buckets])
            merged_keys = np.concatenate([self._known_keys, fresh])
            merged_numbers = np.concatenate([self._known_numbers, np.arange(start, start + len(fresh), dtype=np.uint64)])
            order = np.argsort(merged_keys)
            self._known_keys, self._known_numbers = merged_keys[order], merged_numbers[order]
        return self._known_numbers[np.searchsorted(self._known_keys, keys)]

    def flush(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([keys for _, keys, _ in self._pending])
        pages = np.concatenate([np.full(len(keys), page, dtype=np.uint64) for page, keys, _ in self._pending])
        flags = np.concatenate([flags for _, _, flags in self._pending])
        self._pending = []
        tokens = self._numbers(keys)
        postings = pack(tokens, pages, flags)
        ranges = range_of(self.token_buckets[tokens.astype(np.int64)], self.ranges, self.buckets)
        for number in np.unique(ranges).tolist():
            with open(self.folder / f"{number}.postings", "ab") as spill:
                postings[ranges == number].tofile(spill)

    def range_lists(
        self, number: int, renumber: np.ndarray | None, state: Path, only_changed: bool = False
    ) -> tuple[np.ndarray, np.ndarray, bytes, set[int] | None]:
        """The tokens of one range, each with the offsets of its list in the encoded text.

        The range's sorted postings are kept in ``state`` for the next build. With
        ``only_changed`` (every kept page keeps its number), only the buckets holding a token
        of a new or dropped page are encoded, and returned as the last item; the others are
        as the previous index wrote them.
        """
        path = self.folder / f"{number}.postings"
        fresh = np.fromfile(path, dtype=np.uint64) if path.is_file() else np.zeros(0, dtype=np.uint64)
        path.unlink(missing_ok=True)
        fresh.sort()
        postings, changed_buckets = fresh, None
        if self.previous is not None and renumber is not None:
            if only_changed:
                kept, dropped = self.previous.postings_in_place(number, renumber)
            else:
                kept, dropped = self.previous.postings(number, renumber)
            # Kept pages keep their order (pages are ordered by their own date and address), so
            # their postings are still sorted: a stable sort of the two sorted runs is one merge.
            postings = np.concatenate([kept, fresh])
            postings.sort(kind="stable")
            if only_changed:
                # A page edited in place keeps its number: a token whose posting for it is the
                # same before and after (most of them, for a corrected sentence) keeps its list.
                touched = (np.setxor1d(dropped, fresh, assume_unique=True) >> TOKEN_SHIFT).astype(np.int64)
                changed_buckets = set(self.token_buckets[touched].tolist())
        self.array_hashes[f"range-{number}"] = save_array(state / f"range-{number}.npy", postings)
        self.postings += len(postings)
        token_column = postings >> TOKEN_SHIFT
        self.tokens += int(np.count_nonzero(np.diff(token_column))) + 1 if len(postings) else 0
        if changed_buckets is not None:
            postings = _lists_of(postings, _tokens_in(self.token_buckets, changed_buckets))
        tokens, pages, flags = unpack(postings)
        offsets, text = encode_groups(tokens, pages, flags)
        present = np.unique(tokens) if len(tokens) else tokens
        return present, offsets, text, changed_buckets

    def save(self, state: Path, fingerprints: list[str], index: str, version: str, file_hashes: dict[str, str]) -> None:
        for name, array in (("token_buckets", self.token_buckets), ("known_keys", self._known_keys), ("known_numbers", self._known_numbers)):
            self.array_hashes[name] = save_array(state / f"{name}.npy", array)
        description = {
            "format": FORMAT, "buckets": self.buckets, "ranges": self.ranges,
            "fingerprints": fingerprints, "words": self.words.words, "names": self.names,
            "index": index, "version": version, "files": file_hashes, "arrays": self.array_hashes,
        }
        (state / "state.json").write_text(json.dumps(description, ensure_ascii=False), encoding="utf-8")


def _tokens_in(token_buckets: np.ndarray, buckets: set[int]) -> np.ndarray:
    wanted = np.fromiter(buckets, dtype=np.int64, count=len(buckets))
    return np.flatnonzero(np.isin(token_buckets, wanted)).astype(np.uint64)


def _lists_of(postings: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """The postings of ``tokens`` (sorted) out of sorted ``postings``, without unpacking them all."""
    starts = np.searchsorted(postings, tokens << TOKEN_SHIFT)
    ends = np.searchsorted(postings, (tokens + ONE) << TOKEN_SHIFT)
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return postings[:0]
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return postings[np.arange(total) + offsets]


def range_of(buckets: np.ndarray, ranges: int, bucket_total: int) -> np.ndarray:
    """The range each bucket's postings are spilled to and written from (one rule for both)."""
    return buckets * ranges // bucket_total


def bucket_count(postings: int) -> int:
    wanted = max(1, postings * 1.3 / _BUCKET_TARGET_CHARS)
    return int(min(_MAX_BUCKETS, max(16, 1 << math.ceil(math.log2(wanted)))))


def estimated_postings(records: Sequence[SearchRecord]) -> int:
    """About one distinct token per character of prose (measured: 1.1 on 10 KB speeches); see ``limits``."""
    return sum(token_estimate(record) for record in records)


@dataclass(frozen=True)
class IndexUpdate:
    """An index made from the previous one in place: that version's folder, with ``written`` files new."""

    base: str
    written: list[str]


def write_index(records: Sequence[SearchRecord], target: Path, state: Path | None = None) -> IndexSummary:
    """Write the index for ``records`` into ``target`` (created, replaced if present).

    ``state`` is where the index keeps what it was made of between builds: a later call reads
    only the records that are new or changed since. The output does not depend on it.
    """
    return update_index(records, target, state)[0]


def update_index(
    records: Sequence[SearchRecord], target: Path, state: Path | None = None
) -> tuple[IndexSummary, IndexUpdate | None]:
    """``write_index``, and how the new index differs from the last one when it was made in place.

    An edit that keeps every page's number takes over the last index's folder (its files
    move, so that index is gone from the cache) and rewrites only the files that changed.
    A damaged state is dropped, with one warning, and the index made afresh.
    """
    try:
        return _update_index(records, target, state)
    except StateDamaged as exc:
        warn_healed(f"搜索索引的增量状态（{exc}）")
        if state is not None:
            shutil.rmtree(state, ignore_errors=True)
        shutil.rmtree(target.with_name(f"{target.name}.partial-{os.getpid()}"), ignore_errors=True)
        return _update_index(records, target, state)


def _update_index(
    records: Sequence[SearchRecord], target: Path, state: Path | None
) -> tuple[IndexSummary, IndexUpdate | None]:
    pages = ordered(records)
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    estimate = estimated_postings(pages)
    buckets = bucket_count(estimate)
    ranges = min(buckets, max(1, math.ceil(estimate / _PASS_POSTINGS)))
    previous = PreviousState.load(state, buckets, ranges)
    postings = _Postings(partial / "spill", buckets, ranges, previous)
    fingerprints = [record.fingerprint for record in pages]
    renumber = None
    in_place = False
    if previous is not None:
        now = {fingerprint: number for number, fingerprint in enumerate(fingerprints)}
        renumber = np.array([now.get(fingerprint, -1) for fingerprint in previous.fingerprints], dtype=np.int64)
        kept = set(previous.fingerprints)
        # Every kept page keeps its number: unchanged files are then the last index's.
        in_place = len(renumber) == len(fingerprints) and bool(np.all((renumber == np.arange(len(renumber))) | (renumber < 0)))
        in_place = in_place and previous.content is not None
    content = IndexFolder(partial / "v", previous if in_place else None)
    for number, record in enumerate(pages):
        if previous is None or record.fingerprint not in kept:
            postings.add(number, record)
        elif in_place:
            content.keep(f"p/{number}.json")
            continue
        content.write(f"p/{number}.json", json.dumps(record.shown(), ensure_ascii=False, separators=(",", ":")))
    postings.flush()
    content.write("filters.json", json.dumps(_filters(pages), ensure_ascii=False, separators=(",", ":")))
    new_state = partial / "state"
    new_state.mkdir()
    for number in range(ranges):
        tokens, offsets, text, changed = postings.range_lists(number, renumber, new_state, in_place)
        lists: dict[int, list[str]] = {}
        for index, token in enumerate(tokens.tolist()):
            entry = json.dumps(postings.names[token], ensure_ascii=False) + ':"' + text[offsets[index]:offsets[index + 1]].decode("ascii") + '"'
            lists.setdefault(int(postings.token_buckets[token]), []).append(entry)
        for bucket in np.flatnonzero(range_of(np.arange(buckets), ranges, buckets) == number).tolist():
            if changed is not None and bucket not in changed:
                content.keep(f"t/{bucket}.json")
                continue
            # Sorted by token, so the file does not depend on the order pages were read in.
            content.write(f"t/{bucket}.json", "{" + ",".join(sorted(lists.get(bucket, []))) + "}")
    shutil.rmtree(partial / "spill", ignore_errors=True)
    version = content.digest.hexdigest()[:16]
    postings.save(new_state, fingerprints, target.name, version, content.hashes)
    readers = sum(r.collection != GUIDES for r in pages)
    summary = IndexSummary(version, len(pages), sum(not r.hand_written for r in pages), postings.tokens, postings.postings, buckets, readers)
    (partial / "v").rename(partial / f"v-{version}")
    meta = json.dumps(summary.meta(), ensure_ascii=False).encode("utf-8")
    (partial / META).write_bytes(meta)
    listed = {f"v-{version}/{name}": content_hash for name, content_hash in content.hashes.items()}
    listed[META] = content_hash(meta)
    (partial / FILE_LIST).write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    if state is not None:
        shutil.rmtree(state, ignore_errors=True)
        state.parent.mkdir(parents=True, exist_ok=True)
        new_state.rename(state)
    else:
        shutil.rmtree(new_state)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    update = IndexUpdate(previous.version, content.written) if in_place and previous is not None else None
    return summary, update


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
