"""Documents, collections and study sessions as the rest of the system sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from .references import Reference


@dataclass(frozen=True)
class Collection:
    name: str
    label: str
    item_label: str
    description: str

    def __post_init__(self) -> None:
        _COLLECTIONS.setdefault(self.name, self)

    def __reduce__(self) -> tuple[Any, tuple[str, str, str, str]]:
        # Pages group documents by ``collection is``: a document read back from a pickle
        # (``DocumentMemo``) must share the one collection object.
        return _collection, (self.name, self.label, self.item_label, self.description)


_COLLECTIONS: dict[str, Collection] = {}


def _collection(name: str, label: str, item_label: str, description: str) -> Collection:
    known = _COLLECTIONS.get(name)
    if known is not None and (known.label, known.item_label, known.description) == (label, item_label, description):
        return known
    return Collection(name, label, item_label, description)


class Withheld(Enum):
    """Why a document stays out of a published build."""

    DRAFT = "草稿"
    SCHEDULED = "未到发布日期"
    EXPIRED = "已过撤下日期"


@dataclass
class Document:
    collection: Collection
    slug: str
    source: Path
    shown_path: str
    fields: dict[str, Any]
    body: str
    slug_line: int = 1
    # The file line of every front-matter key and list item, and of the body's first line,
    # for messages found after loading.
    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    body_line: int = 1

    @property
    def key(self) -> str:
        return f"{self.collection.name}/{self.slug}"

    @property
    def src_uri(self) -> str:
        return f"{self.collection.name}/{self.slug}.md"

    @property
    def title(self) -> str:
        return self.fields["title"]

    @property
    def date(self) -> dt.date:
        return self.fields["date"]

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def unit(self) -> str:
        return self.fields["unit"]

    @property
    def topics(self) -> list[str]:
        return self.fields["topics"]

    @property
    def summary(self) -> str | None:
        return self.fields.get("summary")

    @property
    def draft(self) -> bool:
        return bool(self.fields.get("draft"))

    @property
    def publish_date(self) -> dt.date | None:
        return self.fields.get("publish_date")

    @property
    def expire_date(self) -> dt.date | None:
        return self.fields.get("expire_date")

    def withheld(self, today: dt.date) -> Withheld | None:
        """Whether the document is kept out of a build made on ``today``, and why.

        A document appears on its publish date and is withdrawn the day after its expire date.
        """
        if self.draft:
            return Withheld.DRAFT
        if self.publish_date is not None and today < self.publish_date:
            return Withheld.SCHEDULED
        if self.expire_date is not None and today > self.expire_date:
            return Withheld.EXPIRED
        return None

    @property
    def session_entries(self) -> list[list[Session]]:
        """A plan's sessions as the plan lists them: one entry per single or recurring session."""
        return self.fields.get("session_entries", [])

    @property
    def sessions(self) -> list[Session]:
        return [session for entry in self.session_entries for session in entry]


@dataclass
class Session:
    """One dated study session of a plan; a recurring entry yields one per date."""

    plan: Document
    # Position of the entry in the plan's list, so the plan page can group a series.
    entry: int
    date: dt.date
    topic: str
    form: str
    unit: str
    location: str | None
    start: dt.time | None = None
    duration: dt.timedelta | None = None
    # The rule text (每周五 …) when the session comes from a recurring entry.
    repeat: str | None = None
    readings: list[tuple[Reference, Document]] = field(default_factory=list)
    quiz: Document | None = None
    # Counts sessions of the same plan on the same day, so identifiers stay unique.
    same_day: int = 1

    @property
    def ident(self) -> str:
        """Stable across rebuilds and edits of the topic or readings: feeds use it for UIDs."""
        return f"{self.date:%Y%m%d}-{self.plan.slug}-{self.same_day}"

    @property
    def anchor(self) -> str:
        return f"s-{self.ident}"

    @property
    def ends(self) -> dt.time | None:
        if self.start is None or self.duration is None:
            return None
        return (dt.datetime.combine(self.date, self.start) + self.duration).time()

    @property
    def label(self) -> str:
        return f"{self.unit}{self.form}"
