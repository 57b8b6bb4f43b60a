"""Splitting the records into index shards of bounded size.

Pagefind keeps a whole index in memory until it writes it — about 1.1 MB per 10 KB
document with the pair encoding — so each shard is indexed by its own process, one at a
time, and the browser merges the shards at query time. Records are cut oldest first: editing
a document re-indexes only the shard that holds it, and new documents, which are usually
the newest, change only the last shard.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

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
    """Cut the records, oldest first, into shards of ``limit`` records (the last may be smaller)."""
    ordered = sorted(records, key=lambda record: (record.order_key, record.url))
    return [_shard(ordered[start:start + limit], engine_version) for start in range(0, len(ordered), limit)]


def _shard(members: list[SearchRecord], engine_version: str) -> Shard:
    digest = hashlib.sha256(f"{FORMAT_VERSION}\n{engine_version}\n".encode())
    for record in members:
        digest.update(record.fingerprint.encode())
    return Shard(records=tuple(members), fingerprint=digest.hexdigest())
