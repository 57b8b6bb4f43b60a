"""Bounds that keep one document from making the index heavier for every reader.

Each search fetches the index files its tokens fall in, and a file holds the tokens of all
pages that hash to it. A document of random characters has three distinct tokens per
character (a single, a pair and a triple) where prose has about one, so a large one would
swell every file. So a page is indexed up to ``MAX_PAGE_TOKENS`` distinct tokens (far more
than the longest regulation), and the number of index files is chosen from how many tokens
each page can really bring, not from its length alone.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .records import SearchRecord
from .tokens import WordTable, symbol_numbers, token_keys

# About 130,000 characters of prose; a page over it is indexed up to that point.
MAX_PAGE_TOKENS = 150_000
# Tokens a character can bring at most: itself, the pair and the triple it starts.
_TOKENS_PER_CHARACTER = 3
# Distinct tokens per character above which a text is not prose (random characters: 2.9).
_DENSE = 2.0
_WINDOW = 1000
_WINDOWS = 4
_UNSHARED = 6
_REPEATS = 0.8
_CHUNK = 2000


@dataclass(frozen=True)
class Cut:
    """Where a page's indexed text stops: the text from there on, as a reader would find it."""

    record: SearchRecord
    rest: str
    tokens: int


def token_estimate(record: SearchRecord) -> int:
    """About how much the page adds to the index, in postings of prose (what sizes its files).

    Prose brings about one per character (up to 1.5 within a short stretch); a text that
    brings more than ``_DENSE`` per character in a few sampled stretches is counted at that
    rate, so a page of random characters gets as many index files as its tokens need.
    """
    text = record.indexed_text()
    length = len(text)
    if length <= _WINDOW:
        return length
    step = max(_WINDOW, (length - _WINDOW) // (_WINDOWS - 1))
    windows = [text[start:start + _WINDOW] for start in range(0, length - _WINDOW + 1, step)][:_WINDOWS]
    # Prose repeats its characters (about half of a stretch are repeats); only a stretch that
    # hardly does can be dense, and only then are its tokens counted (the costly part).
    if all(len(set(window)) < _REPEATS * len(window) for window in windows):
        return min(MAX_PAGE_TOKENS, length)
    words = WordTable()
    sampled = sum(len(token_keys(symbol_numbers(window, words))) for window in windows)
    density = sampled / sum(len(window) for window in windows)
    if density <= _DENSE:
        return min(MAX_PAGE_TOKENS, length)
    # Such tokens are found on no other page: each is an entry of its own in a file ("丁丂七":"x"),
    # about as long as the shared lists of six prose tokens.
    return min(MAX_PAGE_TOKENS, int(length * density)) * _UNSHARED


def bounded(record: SearchRecord) -> tuple[SearchRecord, Cut | None]:
    """The record as it is indexed: cut where its distinct tokens pass ``MAX_PAGE_TOKENS``."""
    if _TOKENS_PER_CHARACTER * len(record.indexed_text()) <= MAX_PAGE_TOKENS:
        return record, None
    chunks = _chunks(record.text)
    words = WordTable()
    heading = token_keys(symbol_numbers(record.indexed_text()[: -len(record.text) or None], words))
    keyed = [heading] + [token_keys(symbol_numbers(chunk, words)) for chunk in chunks]
    owners = np.concatenate([np.full(len(keys), number, dtype=np.int64) for number, keys in enumerate(keyed)])
    _, first = np.unique(np.concatenate(keyed), return_index=True)
    # Distinct tokens of the text up to and including each chunk.
    running = np.cumsum(np.bincount(owners[first], minlength=len(keyed)))
    if running[-1] <= MAX_PAGE_TOKENS:
        return record, None
    over = int(np.argmax(running > MAX_PAGE_TOKENS))
    kept = "".join(chunks[: max(0, over - 1)])
    return replace(record, text=kept), Cut(record, "".join(chunks[max(0, over - 1):]), int(running[-1]))


def _chunks(text: str) -> list[str]:
    """The text in pieces of about ``_CHUNK`` characters, cut at line ends where there are any."""
    pieces: list[str] = []
    for line in text.splitlines(keepends=True):
        while len(line) > _CHUNK:
            pieces.append(line[:_CHUNK])
            line = line[_CHUNK:]
        if pieces and len(pieces[-1]) + len(line) <= _CHUNK:
            pieces[-1] += line
        else:
            pieces.append(line)
    return pieces


def cut_line(body: str, first_line: int, rest: str) -> int:
    """The file line where the unindexed text begins, found by its first words in the body."""
    for line in rest.splitlines():
        probe = line.strip()[:20]
        if len(probe) >= 4:
            at = body.find(probe)
            if at >= 0:
                return first_line + body.count("\n", 0, at)
            break
    return first_line
