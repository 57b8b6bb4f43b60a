"""What a release contains, and what changed between two releases."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..structure.document import Document


@dataclass(frozen=True)
class Entry:
    title: str
    page: str
    fingerprint: str


def manifest_of(documents: list[Document], pages: dict[str, str]) -> dict[str, Entry]:
    """Each published document with a fingerprint of its source file."""
    return {
        d.key: Entry(d.title, pages[d.key], hashlib.sha256(d.source.read_bytes()).hexdigest()) for d in documents
    }


def write_manifest(path: Path, manifest: dict[str, Entry]) -> None:
    data = {key: vars(entry) for key, entry in sorted(manifest.items())}
    write_atomically(path, json.dumps({"documents": data}, ensure_ascii=False, indent=1).encode("utf-8"))


def read_manifest(path: Path) -> dict[str, Entry] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {key: Entry(**value) for key, value in data["documents"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return None


@dataclass
class Changes:
    added: list[tuple[str, Entry]]
    removed: list[tuple[str, Entry]]
    updated: list[tuple[str, Entry]]

    def describe(self) -> list[str]:
        lines = []
        for label, items in (("新增", self.added), ("撤下", self.removed), ("更新", self.updated)):
            lines.append(f"{label} {len(items)} 篇" + ("：" if items else "。"))
            lines.extend(f"  {key}  {entry.title}" for key, entry in items)
        return lines


def changes(before: dict[str, Entry], after: dict[str, Entry]) -> Changes:
    return Changes(
        added=[(k, after[k]) for k in sorted(after.keys() - before.keys())],
        removed=[(k, before[k]) for k in sorted(before.keys() - after.keys())],
        updated=[(k, after[k]) for k in sorted(after.keys() & before.keys()) if after[k].fingerprint != before[k].fingerprint],
    )
