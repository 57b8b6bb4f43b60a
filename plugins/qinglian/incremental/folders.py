"""Where one project's caches are, and what they may not hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..cache_guard import Protected
from ..cache_store import cache_folder, project_cache


@dataclass(frozen=True)
class CacheFolders:
    """Where one project's caches are: the project's folder (with its lock), the pages, the search index."""

    project: Path
    pages: Path
    search: Path
    # What no cache folder may hold or be inside (the project, its docs, content and site).
    protected: Protected = Protected((), ())

    @classmethod
    def of(
        cls, root: Path, cache_dir: str, page_cache_dir: str = "", search_cache_dir: str = "", published: tuple[Path, ...] = ()
    ) -> CacheFolders:
        return cls(
            project_cache(root, cache_dir),
            cache_folder(root, cache_dir, page_cache_dir, "pages"),
            cache_folder(root, cache_dir, search_cache_dir, "search"),
            Protected.of(root, published),
        )
