"""Where one project's caches are, and what they may not hold."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..cache_guard import Protected
from ..cache_store import cache_folder, project_cache
from ..site_config import plugin_options


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

    @classmethod
    def configured(cls, config_file: Path, published: tuple[Path, ...] = ()) -> CacheFolders:
        """The caches a site's configuration names (its qinglian options), read without running anything it names."""
        options = plugin_options(config_file)

        def named(key: str) -> str:
            return str(options.get(key) or "")

        return cls.of(config_file.parent.resolve(), named("cache_dir"), named("page_cache_dir"), named("search_cache_dir"), published)

    @property
    def packs(self) -> Path:
        """The typeset study packs, by the hash of their inputs (packs/builder.py)."""
        return self.project / "packs"

    def by_kind(self) -> dict[str, Path]:
        return {"project": self.project, "pages": self.pages, "search": self.search, "packs": self.packs}
