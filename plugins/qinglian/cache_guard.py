"""Cache folders hold only caches: a folder is claimed with a marker file before anything in it is written or removed.

A cache option is a path an operator types. A typo (``..``, ``/srv/qinglian``) must not let a
clean-up delete the repository, the site or an office's files, so a folder becomes a cache only
when it is new, empty, or already holds nothing but what the cache itself makes; it may not be a
symbolic link, hold the project, its repository, its docs or content, or the site being written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cache_store import CacheError

MARKER = ".qinglian-cache"
_MARKER_TEXT = "This folder is a cache of qinglian (the portal builder). Everything in it may be deleted by it.\n"
# What each kind of cache folder holds, for folders made before the marker existed (then adopted).
_ATOMIC = r"\.part-\d+-.+"
_MADE = {
    "project": re.compile(rf"^(\.lock|pages|search|packs|publish-tree|last-publish\.json|{_ATOMIC})$"),
    # The database and SQLite's side files; the rest is the file-per-page layout before it (removed on upgrade).
    "pages": re.compile(rf"^(cache\.sqlite(-wal|-shm|-journal)?|[0-9a-f]{{2}}|assets|index\.json|documents\.json|dependencies\.json|{_ATOMIC})$"),
    "search": re.compile(r"^([0-9a-f]{16}(\.partial-\d+)?|state)$"),
    "packs": re.compile(rf"^([0-9a-f]{{64}}\.(pdf|json)|{_ATOMIC})$"),
}
# The packs' cache has no option of its own: it is a folder of the project's cache (cache_dir).
OPTION_NAMES = {"project": "cache_dir", "pages": "page_cache_dir", "search": "search_cache_dir", "packs": "cache_dir"}


class UnsafeCacheFolder(CacheError):
    """A cache option names a folder that holds something the cache did not make; the message is Chinese."""


@dataclass(frozen=True)
class Protected:
    """Folders a cache may neither be nor contain: the project and its repository, docs, content, the site being written."""

    holders: tuple[Path, ...]
    # Folders a cache may not be inside either: what is published, and what MkDocs empties.
    published: tuple[Path, ...]

    @classmethod
    def of(cls, root: Path, published: Iterable[Path]) -> Protected:
        published = tuple(p for p in published if p)
        return cls((root, *_repository_of(root), *published), published)


def _repository_of(root: Path) -> list[Path]:
    for folder in (root, *root.parents):
        if (folder / ".git").exists():
            return [folder]
    return []


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def problem(folder: Path, kind: str, protected: Protected) -> str | None:
    """Why ``folder`` cannot be a cache of ``kind`` ("project", "pages", "search"), in Chinese; None when it can. Writes nothing."""
    option = OPTION_NAMES[kind]
    if folder.is_symlink():
        return f"缓存目录 {folder}（{option}）是符号链接。为免删除链接目标中的文件，网站没有生成：请改为一个真实的空文件夹。"
    resolved = folder.resolve()
    for holder in protected.holders:
        if _inside(holder.resolve(), resolved):
            return (
                f"缓存目录 {folder}（{option}）包含 {holder}。缓存目录的内容可能被清理，不能是项目、仓库、docs、content 或网站目录"
                "及其上级目录。网站没有生成，原有文件保持不变：请把它设为一个新的空文件夹，或删去这个选项（使用默认位置）。"
            )
    for published in protected.published:
        if _inside(resolved, published.resolve()):
            return f"缓存目录 {folder}（{option}）位于 {published} 之中，其中的文件会被发布或清空。网站没有生成：请把缓存设在别处。"
    if not folder.exists():
        # Made by the cache when it first writes (a cache that is switched off makes none), and claimed
        # by the next build: it then holds only what the cache made.
        return None
    if not folder.is_dir():
        return f"缓存目录 {folder}（{option}）是一个文件，不是文件夹。网站没有生成，该文件保持不变。"
    marker = folder / MARKER
    if marker.is_file() and not marker.is_symlink():
        return None
    foreign = sorted(entry.name for entry in folder.iterdir() if entry.name != MARKER and not _MADE[kind].match(entry.name))
    if foreign or marker.is_symlink():
        shown = "、".join(foreign[:5]) + (f" 等 {len(foreign)} 项" if len(foreign) > 5 else "")
        return (
            f"缓存目录 {folder}（{option}）中已有不是缓存生成的内容（{shown or MARKER}）。缓存目录的内容可能被清理，"
            "为免删除这些文件，网站没有生成，它们保持不变：请把该选项设为一个新的空文件夹，或删去它（使用默认位置）。"
        )
    return None


def claim(folder: Path, kind: str, protected: Protected) -> None:
    """Make ``folder`` a cache of ``kind``, or raise ``UnsafeCacheFolder`` naming what is in the way."""
    found = problem(folder, kind, protected)
    if found is not None:
        raise UnsafeCacheFolder(found)
    marker = folder / MARKER
    if folder.is_dir() and not marker.exists():
        marker.write_text(_MARKER_TEXT, encoding="utf-8")


def made_by_cache(entry: Path, kind: str) -> bool:
    """Whether a clean-up of a ``kind`` cache may remove ``entry``: a name the cache makes, and not a link."""
    return not entry.is_symlink() and entry.name != MARKER and bool(_MADE[kind].match(entry.name))


def claim_all(folders: dict[str, Path], protected: Protected) -> None:
    """Claim each cache folder (kind → folder); two options naming one folder are refused too."""
    seen: dict[Path, str] = {}
    for kind, folder in folders.items():
        resolved = folder.resolve()
        if resolved in seen:
            raise UnsafeCacheFolder(
                f"{OPTION_NAMES[kind]} 与 {OPTION_NAMES[seen[resolved]]} 指向同一个文件夹 {folder}。两种缓存各自清理，不能共用：请分开设置。"
            )
        seen[resolved] = kind
        claim(folder, kind, protected)
