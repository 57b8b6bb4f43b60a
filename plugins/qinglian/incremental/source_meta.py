"""Each page's source split into Markdown and metadata, remembered between builds by the source's hash.

The engine parses every page's front matter with PyYAML at every build, unchanged pages
included: a tenth of a nightly rebuild at 10,000 documents. ``KnownSources`` remembers, for
each page, the hash of its source, where its Markdown starts, and its metadata as plain JSON;
a source with the same hash gets the same split without parsing. Metadata that JSON cannot
hold exactly (a set, a number key, a float that is not finite) is not remembered: such a page
is parsed every time. Remembered metadata decodes to new objects, so the plugin may change
a page's metadata in place.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from .page_cache import digest

_DATE, _DATETIME = "$date", "$datetime"


class KnownSources:
    """The split of each page's source, by source path: (source hash, where the Markdown starts, metadata as plain JSON)."""

    def __init__(self, recorded: dict[str, tuple[str, int, Any]] | None = None) -> None:
        self.recorded = recorded or {}
        # Of this build, to record for the next.
        self.made: dict[str, tuple[str, int, Any]] = {}

    def split(self, src_uri: str, source: str, parse: Callable[[str], tuple[str, dict[str, Any]]]) -> tuple[str, dict[str, Any]]:
        """The page's Markdown and metadata, as ``parse`` makes them of ``source``."""
        source_hash = digest(source)
        known = self.recorded.get(src_uri)
        if known is not None and known[0] == source_hash and 0 <= known[1] <= len(source):
            try:
                meta = decode_meta(known[2])
            except (TypeError, ValueError, RecursionError):
                meta = None  # not as this code writes it: parsed again
            if isinstance(meta, dict):
                self.made[src_uri] = known
                return source[known[1]:], meta
        markdown, meta = parse(source)
        encoded = encode_meta(meta)
        if encoded is not None and source.endswith(markdown):
            self.made[src_uri] = (source_hash, len(source) - len(markdown), encoded)
        return markdown, meta


def encode_meta(value: Any) -> Any | None:
    """``value`` as plain JSON that ``decode_meta`` turns back into an equal value of the same types, or None."""
    try:
        encoded = _encode(value)
        text = json.dumps(encoded, ensure_ascii=False)
        text.encode("utf-8")  # a lone surrogate could not be written
        same = _same(decode_meta(json.loads(text)), value)
    except (TypeError, ValueError, RecursionError):
        return None
    return encoded if same else None


def decode_meta(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_meta(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get(_DATE), str):
            return dt.date.fromisoformat(value[_DATE])
        if len(value) == 1 and isinstance(value.get(_DATETIME), str):
            return dt.datetime.fromisoformat(value[_DATETIME])
        return {key: decode_meta(item) for key, item in value.items()}
    return value


def _encode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) and not key.startswith("$") for key in value):
        return {key: _encode(item) for key, item in value.items()}
    raise TypeError(type(value).__name__)


def _same(decoded: Any, value: Any) -> bool:
    """Equal, and of the same types throughout (1, 1.0 and True are equal in Python, not here)."""
    if type(decoded) is not type(value):
        return False
    if isinstance(value, list):
        return len(decoded) == len(value) and all(_same(a, b) for a, b in zip(decoded, value))
    if isinstance(value, dict):
        return list(decoded) == list(value) and all(_same(decoded[key], value[key]) for key in value)
    return bool(decoded == value)
