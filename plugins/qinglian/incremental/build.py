"""``IncrementalBuild``: the one object an engine adapter asks what an earlier build saves this one.

It holds everything kept between builds of one process (a preview server rebuilds many
times) and decides, for each build: which documents are read again (``memo``), whether a
preview rebuild takes over the last build (``preview``, ``quick_reload``), which documents
the engine is shown at all, which search records and page keys stay, and which pages come
from the page cache (``reuse``). It knows no engine: the adapter hands it paths and plain
values, and ``engine_pages`` does the same for the engine's page objects.

The order of calls in a build: ``start`` (takes the cache lock, loads or takes over the
content), ``taken_over`` or ``assembled`` (the views), ``set_aside`` (a preview's site
folder), ``shown_documents``, ``search_records``, then the pages, then ``finish_pages`` and
``finish_site``, or ``fail``. A build that is not a preview also hands over each document page's
dependencies (``record_dependencies``, after ``shown_documents``), so pages whose inputs did
not change keep their recorded keys (``dependencies``).
``shutdown`` when the process ends.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path

from ..cache_guard import claim_all
from ..cache_store import CacheError, cache_lock, refuse_tracked
from ..content.loader import LoadResult, RememberedDocuments
from ..search.records import SearchRecord
from ..structure.document import Document
from ..views.generated import GeneratedFile, GeneratedPage
from ..views.pages import PortalViews
from .database import CacheDatabase
from .dependencies import RecordedBlocks, RecordedKeys, page_digests
from .folders import CacheFolders
from .kept_site import KeptSite
from .linked_release import LinkedRelease
from .memo import DocumentMemo, reading_salt
from .page_cache import PageCache
from .preview import LastBuild, QuickRebuild, quick_rebuild
from .quick_reload import ContentState
from .reuse import PageReuse, build_salt, linked_sources
from .source_meta import KnownSources


class IncrementalBuild:
    def __init__(self, *, page_cache: bool = True, lock_wait: float = 600, waiting: Callable[[str], None] | None = None) -> None:
        self.page_cache = page_cache
        self.lock_wait = lock_wait
        # Tells who holds the cache lock while this build waits for it.
        self.waiting = waiting
        self.serving = False
        self.folders: CacheFolders | None = None
        self.reuse: PageReuse | None = None
        self.memo: DocumentMemo | None = None
        self.kept_site: KeptSite | None = None
        # A publish: the live release whose unchanged pages the new one links instead of writing.
        self.linked: LinkedRelease | None = None
        self.publish_dest: Path | None = None
        # A preview server's pages' sources as split into Markdown and metadata, from one rebuild to the next.
        self.sources: KnownSources | None = None
        self._last_page_cache: PageCache | None = None
        # The project's cache database, kept open from one build of this process to the next.
        self._database: CacheDatabase | None = None
        self._last_build: LastBuild | None = None
        self._quick: QuickRebuild | None = None
        self._state: ContentState | None = None
        # Each page's key, by source path, as the workers of this build found it (``adopt_keys``).
        self._worker_keys: dict[str, str] = {}
        # Of a build that is not a preview: the last build's page keys, and each source's hash as read.
        self.recorded: RecordedKeys | None = None
        self._contents: dict[Path, str] = {}
        self._assemble_all = False
        self._root = Path.cwd()
        # Documents the engine is shown in a preview rebuild that leaves the rest in place.
        self._shown: set[str] | None = None
        # A build of this preview server succeeded (and wrote the page cache's index).
        self._preview_built = False
        self._lock: contextlib.ExitStack | None = None

    def serve(self, *, dirty: bool) -> None:
        """This process is a preview server: it keeps what the next rebuild can take over."""
        self.serving = True
        self.sources = KnownSources()
        if not dirty:
            self.kept_site = KeptSite()

    @property
    def first_preview(self) -> bool:
        """The first build of a preview server: it goes on with the documents that passed their checks."""
        return self.serving and not self._preview_built

    def start(
        self,
        folders: CacheFolders,
        purpose: str,
        *,
        config_file: Path | None,
        directory_urls: bool,
        content_dir: Path,
        root: Path,
        today: dt.date,
        load: Callable[[RememberedDocuments | None], LoadResult],
    ) -> LoadResult:
        """Begin a build: take the cache lock, open the page cache, and load the content or take it over."""
        self.folders, self._root, self._shown, self._worker_keys = folders, root, None, {}
        self.recorded, self._contents = None, {}
        if self.sources is not None:
            # What the last rebuild split (and, of one that failed half-way, what the rebuild before it did).
            self.sources = KnownSources({**self.sources.recorded, **self.sources.made})
        self._hold(purpose)
        if self.reuse is not None:
            self.reuse.close()
        self.reuse = None
        if self.page_cache:
            self.reuse = PageReuse(self._database_of(folders), build_salt(config_file, directory_urls), self._last_page_cache)
            if self.kept_site is not None:
                self._last_page_cache = self.reuse.cache
        if self.memo is None and self.page_cache:
            self.memo = DocumentMemo.read(self._database_of(folders), reading_salt(), copies=self.serving)
        elif self.memo is None and self.serving:
            self.memo = DocumentMemo()
        last, self._last_build, self._quick = self._last_build, None, None
        self._state = ContentState.of(content_dir) if self.serving and self.memo is not None else None
        if self._state is not None and self.memo is not None and self.reuse is not None:
            self._quick = quick_rebuild(last, self._state, today, self.reuse.cache.salt, self.memo, root)
        if self._quick is not None:
            return self._quick.last.loaded
        loaded = load(self.memo)
        if self.memo is not None:
            self.memo.forget_unseen()
        # Kept even when the content fails its checks: the next build reads only what was fixed.
        # A preview server keeps it at its first build and when it stops.
        if not self._preview_built:
            self._keep_memo()
        if not self.serving and self.memo is not None and self.reuse is not None:
            self._contents = self.memo.contents()
            salt = self.reuse.cache.salt
            self.recorded = RecordedKeys(salt) if self._assemble_all else RecordedKeys.read(self._database_of(folders), salt)
            self.recorded.block_memo(loaded, self._contents)
        if not self.serving:
            # One build per process: the memo has done its work, and holds a copy of every document.
            self.memo = None
        return loaded

    @property
    def known_sources(self) -> KnownSources | None:
        """Pages' sources as an earlier build split them into Markdown and metadata: the last rebuild's in a preview, else as recorded."""
        if self.sources is not None:
            return self.sources
        return self.recorded.sources if self.recorded is not None else None

    @property
    def blocks(self) -> RecordedBlocks | None:
        """Listing blocks as an earlier build made them from the same inputs (a build that is not a preview)."""
        return self.recorded.made_blocks if self.recorded is not None else None

    def taken_over(self) -> tuple[PortalViews, list[GeneratedPage], list[GeneratedFile], int] | None:
        """The last build's views and generated pages, and how many documents changed, when this rebuild takes them over."""
        if self._quick is None:
            return None
        last = self._quick.last
        self._remember(last)
        return last.views, last.generated, last.generated_files, len(self._quick.changed)

    def assembled(
        self, loaded: LoadResult, views: PortalViews, generated: list[GeneratedPage], generated_files: list[GeneratedFile]
    ) -> None:
        """The views this build made, for the next preview rebuild to take over."""
        if self._state is not None and self.reuse is not None:
            self._remember(LastBuild(self._state, loaded, views, generated, generated_files, self.reuse.cache.salt))

    def _remember(self, last: LastBuild) -> None:
        if self._state is not None and self.reuse is not None:
            self._last_build = last
            last.page_keys = self.reuse.keys

    def publish_over(self, linked: LinkedRelease, assemble_all: bool = False) -> None:
        """This build makes a release beside ``linked.live``; pages that come out the same are linked, not written.

        ``assemble_all`` (``qinglian publish --full``): no page keeps a recorded key; the record is made anew.
        """
        self.linked, self._assemble_all = linked, assemble_all

    def set_aside(self, site_dir: Path) -> None:
        """Before the engine empties the site folder: a preview keeps the last build's files."""
        if self.kept_site is not None:
            self.kept_site.set_aside(site_dir)
        if self.linked is not None:
            self.linked.begin(site_dir)

    def put_back(self) -> None:
        if self.kept_site is not None:
            self.kept_site.put_back()

    def shown_documents(self, site_files: Iterable[str], build_date: str, bodies: dict[str, Document]) -> None:
        """Decide which documents the engine is shown (``shows``).

        After text edits, the other pages are the same as the last rebuild left them in the
        site folder, so the engine is not shown them at all (its own work per page was most of
        such a rebuild): only the changed documents, the documents they link to, and the pages
        in the navigation. ``site_files`` and ``build_date`` must be as the last rebuild had them.
        """
        others = (frozenset(site_files), build_date)
        quick = self._quick
        previous = (quick.last.hand_written, quick.last.build_date) if quick is not None else None
        if self._last_build is not None:
            self._last_build.hand_written, self._last_build.build_date = others
        if quick is None or self.kept_site is None or self.reuse is None or previous != others:
            return
        shown = set(quick.changed)
        for src_uri in quick.changed:
            shown |= linked_sources(src_uri, bodies[src_uri].body)
        self._shown = shown

    def shows(self, src_uri: str) -> bool:
        return self._shown is None or src_uri in self._shown

    @property
    def taking_over(self) -> bool:
        """This preview rebuild takes the last build's content and views over."""
        return self._quick is not None

    @property
    def partial(self) -> bool:
        """The engine is shown only some documents; the rest stay in the site folder as they are."""
        return self._shown is not None

    def search_records(
        self, documents: Iterable[Document], records_of: Callable[[Document], list[SearchRecord]]
    ) -> dict[str, list[SearchRecord]]:
        """Each document's search records: the last build's for a document whose text did not change."""
        known = self._quick.last.document_records if self._quick is not None else {}
        changed = self._quick.changed if self._quick is not None else set()
        by_document = {
            d.src_uri: known[d.src_uri] if d.src_uri in known and d.src_uri not in changed else records_of(d)
            for d in documents
        }
        if self._last_build is not None:
            self._last_build.document_records = by_document
        return by_document

    def record_dependencies(
        self,
        loaded: LoadResult,
        site_files: Iterable[tuple[str, str, str]],
        scheduled: Callable[[Document], bool],
        generated: Iterable[GeneratedPage],
    ) -> tuple[int, int] | None:
        """Every file of the site as (source path, address, inclusion), whether a plan schedules a document,
        and the generated pages: portal pages whose dependencies are as recorded keep their keys (``known_key``).

        How many pages keep their keys, of how many; None when there is no record to go by.
        """
        if self.recorded is None or self.reuse is None:
            return None
        pages = ((page.src_uri, page.markdown) for page in generated)
        self.recorded.decide(page_digests(
            loaded, self._contents, site_files, self.reuse.cache.salt, scheduled, pages, self.recorded.outlines
        ))
        if not self.recorded.recorded:
            return None
        return len(self.recorded.usable), len(self.recorded.digests)

    def adopt_keys(self, keys: dict[str, str]) -> None:
        """Pages a worker of this build rendered into the page cache, by source path: the serial pass takes them whole."""
        self._worker_keys.update(keys)

    def known_key(self, src_uri: str) -> str | None:
        """The cache key a page keeps (from the last preview rebuild, this build's workers or the recorded
        dependencies), or None to assemble it."""
        if self.reuse is None:
            return None
        if self._quick is not None:
            return self._quick.known_key(src_uri)
        known = self._worker_keys.get(src_uri)
        if known is None and self.recorded is not None:
            known = self.recorded.key(src_uri)
        return known

    def in_place(self, src_uri: str, dest: str, made_by: str | None) -> bool:
        """The file at ``dest`` is this page already (the engine writes nothing): in a preview's site folder,
        or in the live release the publish links it from."""
        if made_by is None:
            return False
        if self.kept_site is not None:
            return self.kept_site.unchanged(src_uri, dest, made_by)
        return self.linked is not None and self.linked.unchanged(src_uri, dest, made_by)

    def live_made_from(self, dest_uri: str, key: str) -> bool:
        """A publish will most likely link the page at ``dest_uri`` from the live release, which was made from the body ``key``."""
        return self.linked is not None and self.linked.made_from(dest_uri, key)

    def links_from_live(self, dest: str, made_by: str) -> bool:
        """A publish will link the page at ``dest`` from the live release: its cached copy is not needed."""
        return self.linked is not None and self.linked.would_link(dest, made_by)

    def keeps_template(self, name: str) -> bool:
        """A preview rebuild of the same pages at the same addresses keeps the last sitemap."""
        if self._shown is not None and name == "sitemap.xml" and self.kept_site is not None:
            self.kept_site.keep_template(name)
            return True
        return False

    def finish_pages(self) -> tuple[int, int] | None:
        """After the pages were written: keep the page cache. The bodies and pages reused, when cached."""
        if self.reuse is None:
            return None
        if self._shown is not None and self._quick is not None:
            # Pages the engine did not see keep their keys and their cache entries.
            self.reuse.cache.keep(self._quick.previous_keys.values())
            if self._last_build is not None:
                self._last_build.page_keys = {**self._quick.previous_keys, **self.reuse.keys}
        # Writing the cache's index after every save of a preview costs that preview a
        # rebuild's worth of pickling at 10,000 documents: the first build of a preview
        # server and its end write it (``shutdown``).
        self.reuse.finish(persist=self.kept_site is None or not self._preview_built)
        if self.recorded is not None and self.folders is not None:
            self.recorded.write(self._database_of(self.folders), self.reuse.keys)
        counts = (self.reuse.reused_bodies, self.reuse.reused_pages)
        self.reuse = None
        return counts

    def finish_site(self, produced: Callable[[], tuple[set[str], set[str]]]) -> None:
        """After a successful build: a preview's site folder loses what ``produced`` (files, folders made anew) does not list."""
        if self.kept_site is not None:
            written, rewritten = produced()
            self.kept_site.finish(written, rewritten, carried_over=self._shown is not None)
            self._preview_built = True

    def release(self) -> None:
        """The build is over: other builds of the project may use the caches."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def fail(self) -> None:
        """The build failed: nothing of it is taken over, and a preview writes every page next time."""
        self._last_build = self._quick = None
        if self.kept_site is not None:
            self.kept_site.fail()
        if self.linked is not None:
            self.linked.fail()
        if self.reuse is not None:
            self.reuse.close()
            self.reuse = None
        self.release()

    def shutdown(self) -> str | None:
        """The process ends: write what a preview server kept unsaved. A reason when the caches were busy."""
        unsaved = self._last_page_cache is not None and self._last_page_cache.unsaved
        if self.folders is None or (not unsaved and (self.memo is None or not self.page_cache)):
            return None
        try:
            self._hold("mkdocs serve 结束")
        except CacheError as exc:
            return str(exc)
        try:
            if unsaved and self._last_page_cache is not None:
                self._last_page_cache.persist()
            self._keep_memo()
        finally:
            self.release()
        return None

    def _hold(self, purpose: str) -> None:
        """Take the project's cache lock, and refuse caches that git tracks or that hold what they did not make (``CacheError``)."""
        self.release()
        if self.folders is None:
            return
        folders = self.folders.by_kind()
        claim_all(folders, self.folders.protected)
        refuse_tracked(list(folders.values()), self._root)
        stack = contextlib.ExitStack()
        stack.enter_context(cache_lock(folders["project"], self.lock_wait, purpose, self.waiting))
        self._lock = stack

    def _database_of(self, folders: CacheFolders) -> CacheDatabase:
        """The cache database in the pages' folder; one connection for every build of this process."""
        if self._database is None or self._database.folder != folders.pages:
            if self._database is not None:
                self._database.close()
            self._database = CacheDatabase(folders.pages)
        return self._database

    def _keep_memo(self) -> None:
        if self.memo is not None and self.page_cache and self.folders is not None:
            self.memo.write(self._database_of(self.folders))
