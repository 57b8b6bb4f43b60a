"""The documents the builds keep in the project's cache database, so the workspace starts without reading every file.

A build keeps every document it read in the memo (``incremental.memo``), a row per file. The
workspace's checks read the same files with the same code, so at start it takes that memo
instead of reading and checking 10,000 files again, and leaves what it read there for the
next start and the next build. The cache folder is claimed as a build claims it
(``cache_guard``); when it cannot be (an unsafe option) or the page cache is switched off,
the workspace reads every file, as before.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..cache_guard import claim_all
from ..cache_store import CacheError
from ..incremental.database import CacheDatabase
from ..incremental.folders import CacheFolders
from ..incremental.memo import DocumentMemo, reading_salt
from ..site_config import plugin_options

log = logging.getLogger(__name__)


class CachedDocuments:
    def __init__(self, root: Path) -> None:
        self.database: CacheDatabase | None = None
        config = root / "mkdocs.yml"
        if plugin_options(config).get("page_cache") is False:
            return
        try:
            folders = CacheFolders.configured(config)
            claim_all(folders.by_kind(), folders.protected)
        except (CacheError, OSError) as exc:
            log.warning("不使用生成缓存中的文档，启动时逐篇读取：%s", exc)
            return
        self.database = CacheDatabase(folders.pages)

    def memo(self) -> DocumentMemo:
        """The documents the last build or start kept, shared as the checks need them (``DocumentMemo(shared=True)``)."""
        if self.database is None:
            return DocumentMemo(shared=True)
        return DocumentMemo.read(self.database, reading_salt(), copies=False, shared=True)

    def keep(self, memo: DocumentMemo) -> None:
        """Leave what the start read for the next start and build (the rows of the files it read anew)."""
        if self.database is not None and memo.salt:
            memo.write(self.database)
