"""What the last search index was made of, kept in the cache so that a rebuild reads only new pages.

The state is plain data: a JSON description and NumPy arrays without Python objects, each
checked against the hash the description records before it is used. A state that is not what
it says it is raises ``StateDamaged``, and the index is made afresh.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..cache_store import file_hash, list_of_strings, read_verified
from .tokens import MAX_WORDS

# Bump when the index or its state changes meaning; older caches are then made afresh.
FORMAT = 2


# A posting is one 64-bit number: (token << 33) | (page << 1) | title flag.
TOKEN_SHIFT = np.uint64(33)
PAGE_MASK = np.uint64(0xFFFFFFFF << 1)
ONE = np.uint64(1)


def pack(tokens: np.ndarray, pages: np.ndarray, flags: np.ndarray) -> np.ndarray:
    return tokens.astype(np.uint64) << TOKEN_SHIFT | pages.astype(np.uint64) << ONE | flags.astype(np.uint64)


def unpack(postings: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tokens, pages and title flags, as signed integers for indexing and arithmetic."""
    tokens = (postings >> TOKEN_SHIFT).astype(np.int64)
    pages = ((postings & PAGE_MASK) >> ONE).astype(np.int64)
    return tokens, pages, (postings & ONE).astype(np.int64)


class StateDamaged(Exception):
    """The kept state of the last index is not what it says it is; the index is made afresh."""


def save_array(path: Path, array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    data = buffer.getvalue()
    path.write_bytes(data)
    return file_hash(data)


def load_array(path: Path, expected: str, dtype: type) -> np.ndarray:
    """A plain one-dimensional array kept in the state, if its file is the one the state names."""
    data = read_verified(path, expected)
    if data is None:
        raise StateDamaged(f"{path.name} is missing or damaged")
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise StateDamaged(f"{path.name}: {exc}") from None
    if not isinstance(array, np.ndarray) or array.dtype != np.dtype(dtype) or array.ndim != 1:
        raise StateDamaged(f"{path.name} is not a list of {np.dtype(dtype).name}")
    return array



@dataclass
class PreviousState:
    """What the last index was made of, kept in the cache so a rebuild reads only new pages."""

    folder: Path
    fingerprints: list[str]
    words: list[str]
    names: list[str]
    token_buckets: np.ndarray
    known_keys: np.ndarray
    known_numbers: np.ndarray
    # A hash of each file of the index this state belongs to, by name under v-<version>/.
    file_hashes: dict[str, str]
    version: str
    # The hash of each array file of the state, checked before it is read.
    arrays: dict[str, str]
    # The finished index this state belongs to (its v-<version> folder), if it is still there.
    content: Path | None = None

    @classmethod
    def load(cls, folder: Path | None, buckets: int, ranges: int) -> PreviousState | None:
        """The state in ``folder``, None when there is none or it was made for other sizes.

        Raises ``StateDamaged`` when it is there but not whole or not of its kind.
        """
        if folder is None or not (folder / "state.json").exists():
            return None
        try:
            state = json.loads((folder / "state.json").read_bytes())
        except (OSError, ValueError, RecursionError) as exc:
            raise StateDamaged(f"state.json: {exc}") from None
        if not isinstance(state, dict):
            raise StateDamaged("state.json is not an object")
        if (state.get("format"), state.get("buckets"), state.get("ranges")) != (FORMAT, buckets, ranges):
            return None
        fingerprints, words, names, files = state.get("fingerprints"), state.get("words"), state.get("names"), state.get("files")
        index, version, arrays = state.get("index"), state.get("version"), state.get("arrays")
        well_formed = (
            list_of_strings(fingerprints) and list_of_strings(words) and list_of_strings(names)
            and isinstance(files, dict) and all(isinstance(v, str) for v in files.values())
            and isinstance(arrays, dict) and all(isinstance(v, str) for v in arrays.values())
            and isinstance(index, str) and isinstance(version, str) and "/" not in index + version
        )
        if not well_formed:
            raise StateDamaged("state.json does not describe an index state")
        token_buckets = load_array(folder / "token_buckets.npy", arrays.get("token_buckets", ""), np.int64)
        known_keys = load_array(folder / "known_keys.npy", arrays.get("known_keys", ""), np.uint64)
        known_numbers = load_array(folder / "known_numbers.npy", arrays.get("known_numbers", ""), np.uint64)
        if (
            len(token_buckets) != len(names) or len(known_keys) != len(known_numbers)
            or (len(token_buckets) and (token_buckets.min() < 0 or token_buckets.max() >= buckets))
            or (len(known_numbers) and int(known_numbers.max()) >= len(names))
            or (len(words) > MAX_WORDS)
        ):
            raise StateDamaged("the state's arrays do not fit together")
        content = folder.parent / index / f"v-{version}"
        return cls(folder, fingerprints, words, names, token_buckets, known_keys, known_numbers, files, version, arrays,
                   content if index and content.is_dir() and not content.is_symlink() else None)

    def _range(self, number: int) -> np.ndarray:
        stored = load_array(self.folder / f"range-{number}.npy", self.arrays.get(f"range-{number}", ""), np.uint64)
        if len(stored):
            # The token is the high bits: the largest posting holds the largest token.
            largest_page = int(((stored & PAGE_MASK) >> ONE).max())
            if int(stored.max() >> TOKEN_SHIFT) >= len(self.names) or largest_page >= len(self.fingerprints):
                raise StateDamaged(f"range-{number}.npy names tokens or pages the state does not have")
        return stored

    def postings_in_place(self, number: int, renumber: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``postings`` when every kept page keeps its number: nothing to renumber."""
        stored = self._range(number)
        dropped_pages = np.flatnonzero(renumber < 0).astype(np.uint64)
        dropped = np.isin((stored & PAGE_MASK) >> ONE, dropped_pages)
        return stored[~dropped], stored[dropped]

    def postings(self, number: int, renumber: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The kept pages' postings of one range, with their new page numbers, and the dropped pages' postings as they were."""
        stored = self._range(number)
        tokens, pages, flags = unpack(stored)
        pages = renumber[pages]
        kept = pages >= 0
        return pack(tokens[kept], pages[kept], flags[kept]), stored[~kept]
