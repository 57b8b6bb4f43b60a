"""Documents, collections and study sessions as the rest of the system sees them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .references import Reference


@dataclass(frozen=True)
class Collection:
    name: str
    label: str
    item_label: str
    description: str


@dataclass
class Document:
    collection: Collection
    slug: str
    source: Path
    shown_path: str
    fields: dict[str, Any]
    body: str
    slug_line: int = 1

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
    def sessions(self) -> list[Session]:
        return self.fields.get("sessions_resolved", [])


@dataclass
class Session:
    """One dated study session of a plan."""

    plan: Document
    date: dt.date
    topic: str
    form: str
    unit: str
    location: str | None
    readings: list[tuple[Reference, Document]] = field(default_factory=list)
