"""Options of the ``qinglian`` plugin in mkdocs.yml."""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class QinglianConfig(Config):
    # Where editors keep their collections, relative to mkdocs.yml.
    content_dir = c.Type(str, default="content")
    # The controlled vocabularies (units, topics, roles), relative to content_dir.
    vocabulary = c.Type(str, default="vocabulary.yml")
    page_size = c.Type(int, default=20)
    related_count = c.Type(int, default=5)
    home_latest = c.Type(int, default=5)
    # Build the navigation from the collections unless mkdocs.yml has its own ``nav``.
    navigation = c.Type(bool, default=True)
    # "Today", "this week" and scheduled publishing are decided in this IANA time zone.
    timezone = c.Type(str, default="Asia/Shanghai")
    # Fix the build date (2024-03-15 or 2024-03-15T23:30) for reproducible previews and tests;
    # the QINGLIAN_BUILD_DATE environment variable takes precedence.
    build_date = c.Optional(c.Type((str, dt.date)))  # type: ignore[arg-type]
    # Site search with the portal's own Chinese index; replaces Material's built-in search plugin.
    search = c.Type(bool, default=True)
    # Study packs (PDF): each plan's 学习资料汇编, each year's 典型案例汇编 and each regulation's
    # booklet, typeset beside the pages. Topic packs and one PDF per document cost more; on request.
    packs = c.Type(bool, default=True)
    topic_packs = c.Type(bool, default=False)
    document_pdfs = c.Type(bool, default=False)
    # From the Pagefind era: the index is no longer cut into shards.
    search_shard_size = c.Deprecated(message="search_shard_size 已不再使用（搜索索引不再分片），请从 mkdocs.yml 中删除。")
    # Where this project's caches live (relative to mkdocs.yml, or absolute). Empty: a folder of
    # its own under the user's cache directory ($QINGLIAN_CACHE_DIR, else ~/.cache/qinglian/projects),
    # outside the working tree, so nothing committed can reach a cache.
    cache_dir = c.Type(str, default="")
    # How long a build waits for another build, preview or publish of the same project to
    # release the caches before it gives up and says who holds them.
    cache_lock_wait = c.Type((int, float), default=600)
    # The finished search index is kept here and reused while the pages are unchanged (default: search/ in cache_dir).
    search_cache_dir = c.Type(str, default="")
    # Rendered pages kept between builds: a page whose inputs did not change is reused instead
    # of rendered again. Safe to delete; false turns it off (default: pages/ in cache_dir).
    page_cache = c.Type(bool, default=True)
    page_cache_dir = c.Type(str, default="")
    # How `mkdocs serve` notices saves: "native" uses the system's file events (a save starts the
    # rebuild at once); "polling" is MkDocs' own check twice a second, for folders that send no
    # events (network shares, WSL, container mounts).
    preview_watcher = c.Choice(("native", "polling"), default="native")
    # Processes that render pages at once: 0 (the default) is every core the machine offers this
    # build; 1 renders in the build's own process. Uses the page cache (page_cache: true).
    workers = c.Type(int, default=0)
    # Hand-written pages (paths relative to docs_dir, or folders ending in /) that may hold
    # HTML outside the raw-HTML policy. Every build reports them.
    raw_html_exempt = c.ListOfItems(c.Type(str), default=[])
    # The editors' workspace (qinglian edit): entries wait as 草稿/待审核/待签发 until a reviewer
    # signs them off (审核、签发). An office without review sets this to false: a save is published.
    review = c.Type(bool, default=True)
    # Whether a reviewer may sign off an entry they wrote themselves (an office of one person).
    review_self = c.Type(bool, default=False)
    # Addresses whose X-Forwarded-For the workspace believes (the nginx in front of it); failed
    # sign-ins are counted per reader's address.
    trusted_proxies = c.Type(list, default=["127.0.0.1", "::1"])
