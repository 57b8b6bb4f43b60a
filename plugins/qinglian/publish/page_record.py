"""What a release keeps beside it for the next publish: what made each page, and the link graph its verification read.

The record is gzipped JSON in the destination's ``manifests/`` folder (never served). The
strings of the link graph are kept once, in a table, because most targets (the navigation)
repeat on every page. A record that is missing, too large, damaged or of another format is
ignored: the next publish then writes and reads every page, as ``--full`` does.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import write_atomically
from ..incremental.linked_release import PageFile
from .verify import PageLinks

FORMAT = 1
# 50,000 pages of a hundred links each, compressed, stay far below this.
MAX_BYTES = 256 << 20
MAX_TEXT = 2 << 30


@dataclass
class ReleaseRecord:
    pages: dict[str, PageFile] = field(default_factory=dict)
    links: dict[str, PageLinks] = field(default_factory=dict)
    # The withheld documents' phrases the release was searched for (``verify.text_leaks``).
    checked: set[str] = field(default_factory=set)


def write_record(path: Path, record: ReleaseRecord) -> None:
    strings: dict[str, int] = {}

    def numbers(values: tuple[str, ...]) -> list[int]:
        return [strings.setdefault(value, len(strings)) for value in values]

    links = {
        page: [numbers(parts.targets), numbers(parts.script_sources), numbers(parts.inline_scripts), numbers(parts.handlers)]
        for page, parts in sorted(record.links.items())
    }
    data = {
        "format": FORMAT,
        "pages": {name: page.as_json() for name, page in sorted(record.pages.items())},
        "strings": list(strings),
        "links": links,
        "checked": sorted(record.checked),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, gzip.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), compresslevel=5, mtime=0))


def read_record(path: Path) -> ReleaseRecord | None:
    try:
        if path.is_symlink() or path.stat().st_size > MAX_BYTES:
            return None
        with gzip.open(path, "rb") as stream:
            text = stream.read(MAX_TEXT + 1)
        data = json.loads(text) if len(text) <= MAX_TEXT else None
    except (OSError, EOFError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    try:
        return _decoded(data)
    except (TypeError, ValueError, IndexError, AttributeError):
        return None


def _decoded(data: dict[str, Any]) -> ReleaseRecord | None:
    strings = data["strings"]
    if not isinstance(strings, list) or not all(isinstance(value, str) for value in strings):
        return None
    record = ReleaseRecord()
    for name, value in data["pages"].items():
        page = PageFile.from_json(value)
        if not isinstance(name, str) or page is None:
            return None
        record.pages[name] = page
    for name, lists in data["links"].items():
        if not isinstance(name, str) or not isinstance(lists, list) or len(lists) != 4:
            return None
        parts = [tuple(strings[number] for number in numbers if type(number) is int and number >= 0) for numbers in lists]
        if any(len(part) != len(numbers) for part, numbers in zip(parts, lists)):
            return None
        record.links[name] = PageLinks(*parts)
    checked = data["checked"]
    if not isinstance(checked, list) or not all(isinstance(value, str) for value in checked):
        return None
    record.checked = set(checked)
    return record
