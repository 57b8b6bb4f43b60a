"""The folder of one search-index version, written file by file or taken over from the previous version."""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from .index_state import PreviousState

# The index's entry point in the site: which version is current.
META = "meta.json"


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class IndexFolder:
    """The files of one index version, and a hash of them in the order they are written.

    Given the previous version's folder (an edit that kept every page's number), that folder
    becomes this one: its files stay unless written anew with other content. A rewritten file
    gets a new inode, so copies linked from it elsewhere (the site) keep the old content.
    """

    def __init__(self, root: Path, previous: PreviousState | None = None) -> None:
        self.root = root
        self.digest = hashlib.sha256()
        self.hashes: dict[str, str] = {}
        self.written: list[str] = []
        self._previous_hashes = previous.file_hashes if previous is not None else {}
        taken_over = previous.content if previous is not None else None
        self._in_place = taken_over is not None
        if taken_over is not None:
            # The old index must not pass for whole once its files have moved.
            (taken_over.parent / META).unlink(missing_ok=True)
            os.rename(taken_over, root)
        else:
            (root / "p").mkdir(parents=True)
            (root / "t").mkdir()

    def write(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        file_hash = content_hash(data)
        if not (self._in_place and self._previous_hashes.get(name) == file_hash):
            path = os.path.join(self.root, name)
            if self._in_place:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
            with open(path, "wb") as stream:
                stream.write(data)
            self.written.append(name)
        self._record(name, file_hash)

    def keep(self, name: str) -> None:
        """The previous version's file, unchanged."""
        self._record(name, self._previous_hashes[name])

    def _record(self, name: str, file_hash: str) -> None:
        self.hashes[name] = file_hash
        self.digest.update(f"{name}\0{file_hash}\n".encode())
