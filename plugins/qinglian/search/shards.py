"""Splitting the records into index shards of bounded size.

Pagefind keeps a whole index in memory until it writes it — about 1.1 MB per 10 KB
document with the pair encoding — so each shard is indexed by its own process, one at a
time, and the browser merges the shards at query time. Records of one collection and year
stay together, so editing one document re-indexes only the shard that holds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby

from .records import SearchRecord

# Bump when the encoding or the record layout changes, so cached shards are rebuilt.
FORMAT_VERSION = "1"


@dataclass(frozen=True)
class Shard:
    records: tuple[SearchRecord, ...]
    fingerprint: str

    @property
    def name(self) -> str:
        return self.fingerprint[:16]


def plan_shards(records: list[SearchRecord], limit: int, engine_version: str) -> list[Shard]:
    """Pack whole collection-year groups into shards of at most ``limit`` records."""
    ordered = sorted(records, key=lambda record: (record.shard_key, record.url))
    groups: list[list[SearchRecord]] = []
    for _, group in groupby(ordered, key=lambda record: record.shard_key):
        members = list(group)
        groups += [members[start:start + limit] for start in range(0, len(members), limit)]
    return [_shard(members, engine_version) for members in _pack(groups, limit)]


def _pack(groups: list[list[SearchRecord]], limit: int) -> Iterator[list[SearchRecord]]:
    current: list[SearchRecord] = []
    for group in groups:
        if current and len(current) + len(group) > limit:
            yield current
            current = []
        current += group
    if current:
        yield current


def _shard(members: list[SearchRecord], engine_version: str) -> Shard:
    digest = hashlib.sha256(f"{FORMAT_VERSION}\n{engine_version}\n".encode())
    for record in members:
        digest.update(record.fingerprint.encode())
    return Shard(records=tuple(members), fingerprint=digest.hexdigest())
