"""Search index versions a new release keeps from the live one, for pages left open across a publish.

A reader's open page knows the index version it started with (meta.json names it), and
fetches that version's files as the reader types. A new release that held only its own
version would answer those fetches with 404 until the page asked for meta.json again. So a
release keeps the live release's version, and the one before it, as hard links: releases
never change once live. A version holding the text of a document withheld now is not kept.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..search.indexer import SEARCH_FOLDER
from ..search.index_writer import IndexSummary
from ..structure.document import Document
from .verify import text_leaks

# Older versions a release keeps beside its own.
KEPT_VERSIONS = 2


def carry_index_versions(live: Path | None, release: Path, withheld: list[Document]) -> tuple[list[str], list[str]]:
    """Link the live release's last index versions into ``release``; (kept, refused) version folder names."""
    if live is None or not (live / SEARCH_FOLDER).is_dir():
        return [], []
    try:
        own = IndexSummary.read(release / SEARCH_FOLDER).version
        live_version = IndexSummary.read(live / SEARCH_FOLDER).version
    except (OSError, ValueError, KeyError):
        return [], []
    folders = [entry for entry in (live / SEARCH_FOLDER).iterdir() if entry.name.startswith("v-") and entry.is_dir() and not entry.is_symlink()]
    # The live release's own version first, then what it kept itself, newest first.
    folders.sort(key=lambda entry: (entry.name != f"v-{live_version}", -entry.stat().st_mtime))
    kept: list[str] = []
    refused: list[str] = []
    for folder in folders:
        if len(kept) >= KEPT_VERSIONS:
            break
        if folder.name == f"v-{own}" or (release / SEARCH_FOLDER / folder.name).exists():
            continue
        if text_leaks(folder, withheld):
            refused.append(folder.name)
            continue
        shutil.copytree(folder, release / SEARCH_FOLDER / folder.name, copy_function=_link)
        kept.append(folder.name)
    return kept, refused


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
