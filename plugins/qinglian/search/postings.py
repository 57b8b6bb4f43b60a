"""The text form of a list of page numbers, as the index files carry it — ``decodeList`` in search.js.

A list is ascending page numbers, each with a flag (the token occurs in the page's title). Each
entry is written as one number, (gap from the previous page × 2) + flag, the first gap counted
from −1, in base 32, most significant digit first: the last digit of a number comes from
``FINAL`` and the others from ``MORE``. Pages next to each other give the same character again
and again, which gzip shrinks to almost nothing; the text is safe inside JSON strings.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

FINAL = "0123456789ABCDEFGHIJKLMNOPQRSTUV"
MORE = "WXYZabcdefghijklmnopqrstuvwxyz-_"
_ALPHABET = np.frombuffer((FINAL + MORE).encode("ascii"), dtype=np.uint8)
_DIGIT_BITS = 5
_MAX_DIGITS = 7


def encode_groups(groups: np.ndarray, pages: np.ndarray, flags: np.ndarray) -> tuple[np.ndarray, bytes]:
    """Encode many lists at once.

    ``groups`` names the list of each entry and is sorted, ``pages`` ascends within a group.
    Returns the character offset where each group's text starts (one more offset at the end)
    and all the text.
    """
    if len(groups) == 0:
        return np.zeros(1, dtype=np.int64), b""
    starts = np.ones(len(groups), dtype=bool)
    starts[1:] = groups[1:] != groups[:-1]
    previous = np.empty(len(pages), dtype=np.int64)
    previous[0] = -1
    previous[1:] = pages[:-1]
    previous[starts] = -1
    values = (pages.astype(np.int64) - previous) * 2 + flags.astype(np.int64)
    digits = np.ones(len(values), dtype=np.int64)
    for place in range(1, _MAX_DIGITS):
        digits += values >= (1 << (_DIGIT_BITS * place))
    ends = np.cumsum(digits)
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    for place in range(_MAX_DIGITS):
        present = digits > place
        if not present.any():
            break
        digit = (values[present] >> (_DIGIT_BITS * place)) & 31
        out[ends[present] - 1 - place] = _ALPHABET[digit + (32 if place else 0)]
    entry_starts = ends - digits
    group_offsets = np.append(entry_starts[starts], ends[-1])
    return group_offsets, out.tobytes()


def encode_list(pages: Sequence[int]) -> str:
    """One list of ascending page numbers, without title flags."""
    count = len(pages)
    _, text = encode_groups(np.zeros(count, dtype=np.int64), np.asarray(pages, dtype=np.int64), np.zeros(count, dtype=np.int64))
    return text.decode("ascii")


def decode_list(text: str) -> list[tuple[int, bool]]:
    """The pages and title flags of one list (for tests and the benchmark's checks)."""
    found: list[tuple[int, bool]] = []
    value = 0
    page = -1
    for char in text:
        digit = FINAL.find(char)
        if digit < 0:
            value = value * 32 + MORE.index(char)
            continue
        value = value * 32 + digit
        page += value >> 1
        found.append((page, bool(value & 1)))
        value = 0
    return found
