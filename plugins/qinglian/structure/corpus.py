"""All published documents of a portal, indexed the ways the pages need them."""

from __future__ import annotations

import bisect
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
        self._by_topic_oldest_first = {t: docs[::-1] for t, docs in self.by_topic.items()}
        self._topic_dates = {t: [d.date for d in docs] for t, docs in self._by_topic_oldest_first.items()}

    def resolve(self, reference: Reference) -> Document | None:
        return self.by_key.get(reference.key)

    def related(self, document: Document, limit: int = 5) -> list[Document]:
        """Documents sharing the most topics, nearest in date first."""
        shared: Counter[str] = Counter()
        for topic in document.topics:
            members = self._by_topic_oldest_first[topic]
            middle = bisect.bisect_left(self._topic_dates[topic], document.date)
            for other in members[max(0, middle - _RELATED_WINDOW) : middle + _RELATED_WINDOW]:
                if other is not document:
                    shared[other.key] += 1
        ranked = sorted(
            shared.items(),
            key=lambda item: (-item[1], abs((self.by_key[item[0]].date - document.date).days), item[0]),
        )
        return [self.by_key[key] for key, _ in ranked[:limit]]
