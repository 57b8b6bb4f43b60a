"""References from one document to another, as editors write them: ``cases/2023-xx#heading``."""

from __future__ import annotations

import re
from dataclasses import dataclass

_REFERENCE = re.compile(r"^(?P<collection>[a-z][a-z0-9-]*)/(?P<slug>[A-Za-z0-9][A-Za-z0-9._-]*)(?:#(?P<anchor>.+))?$")


@dataclass(frozen=True)
class Reference:
    collection: str
    slug: str
    anchor: str | None
    # Where the reference was written, so a dangling one can be reported precisely.
    source_path: str
    line: int
    field: str

    @property
    def key(self) -> str:
        return f"{self.collection}/{self.slug}"

    @classmethod
    def parse(cls, text: str, source_path: str, line: int, field: str) -> Reference | None:
        match = _REFERENCE.match(text.strip().removesuffix(".md"))
        if match is None:
            return None
        return cls(match["collection"], match["slug"], match["anchor"], source_path, line, field)

    def __str__(self) -> str:
        return self.key + (f"#{self.anchor}" if self.anchor else "")
