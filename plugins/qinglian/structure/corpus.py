"""All published documents of a portal, indexed the ways the pages need them."""

from __future__ import annotations

import bisect
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from .document import Collection, Document, Session
from .references import Reference

# Related documents are looked for among this many neighbours in time per shared topic,
# so the cost per page stays flat however large a topic grows.
_RELATED_WINDOW = 200


def newest_first(documents: list[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.date, d.title), reverse=True)


@dataclass
class Corpus:
    collections: list[Collection]
    documents: list[Document]
    units: dict[str, str]
    topics: dict[str, str]
    by_key: dict[str, Document] = field(init=False)
    by_collection: dict[str, list[Document]] = field(init=False)
    by_topic: dict[str, list[Document]] = field(init=False)
    by_unit: dict[str, list[Document]] = field(init=False)
    by_year: dict[int, list[Document]] = field(init=False)
    sessions: list[Session] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self.documents = newest_first(self.documents)
        self.by_key = {d.key: d for d in self.documents}
        self.by_collection = {c.name: [] for c in self.collections}
        self.by_topic = {t: [] for t in self.topics}
        self.by_unit = {u: [] for u in self.units}
        self.by_year = defaultdict(list)
        for document in self.documents:
            self.by_collection[document.collection.name].append(document)
            for topic in document.topics:
                self.by_topic[topic].append(document)
            self.by_unit[document.unit].append(document)
            self.by_year[document.year].append(document)
        self.by_year = dict(sorted(self.by_year.items(), reverse=True))
        # Per topic, oldest first: each member's day number and key, for ``related``.
        self._ordinal = {d.key: d.date.toordinal() for d in self.documents}
        self._topic_keys = {t: [d.key for d in reversed(docs)] for t, docs in self.by_topic.items()}
        self._topic_days = {t: [self._ordinal[key] for key in keys] for t, keys in self._topic_keys.items()}

    def resolve(self, reference: Reference) -> Document | None:
        return self.by_key.get(reference.key)

    def related(self, document: Document, limit: int = 5) -> list[Document]:
        """Documents sharing the most topics, nearest in date first (then by key)."""
        day = self._ordinal.get(document.key, document.date.toordinal())
        shared: Counter[str] = Counter()
        for topic in document.topics:
            middle = bisect.bisect_left(self._topic_days[topic], day)
            shared.update(self._topic_keys[topic][max(0, middle - _RELATED_WINDOW) : middle + _RELATED_WINDOW])
        shared.pop(document.key, None)
        by_count: defaultdict[int, list[str]] = defaultdict(list)
        for key, count in shared.items():
            by_count[count].append(key)
        chosen: list[str] = []
        # Only the best-sharing group is ranked by date: the usual page needs no full sort.
        for count in sorted(by_count, reverse=True):
            nearest = heapq.nsmallest(limit - len(chosen), by_count[count], key=lambda key: (abs(self._ordinal[key] - day), key))
            chosen += nearest
            if len(chosen) >= limit:
                break
        return [self.by_key[key] for key in chosen]
