"""What a publish builds: the committed tree of the branch, never untracked or uncommitted files.

Editors' work reaches the published branch only through the workspace's sign-off (or an
operator's commit). A file left in the server's working tree, untracked or edited by hand, was
approved by nobody, so the publish builds a copy of the branch's last commit instead. The copy
lives outside the repository, in a folder of its own beside the caches, and is brought up to
date file by file: an unchanged file keeps its modification time, so the document memo and the
page cache go on working from one night to the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically
from ..cache_store import project_cache, refuse_tracked, user_cache_root
from ..incremental.folders import CacheFolders
from ..workspace.git_store import GitError, GitStore, refuse_links

TREE_INDEX = ".qinglian-tree.json"
_MAX_LISTED = 20


class CommittedTreeError(Exception):
    """The branch to publish cannot be read (no branch checked out, git failing); the message is Chinese."""


@dataclass(frozen=True)
class Committed:
    """The configuration file to build, and what was left out of it."""

    config_file: Path
    branch: str | None = None
    commit: str | None = None
    left_out: tuple[str, ...] = ()


def tree_folder(root: Path) -> Path:
    """Where the committed copy of the project at ``root`` is kept: beside, not inside, its caches."""
    return user_cache_root() / f"{project_cache(root).name}-published-tree"


def committed_tree(config_file: Path, say: Callable[[str], None]) -> Committed:
    """The committed tree of the checked-out branch, copied out; or ``config_file`` itself outside a git repository."""
    root = config_file.parent.resolve()
    try:
        store = GitStore(root)
    except GitError:
        say(f"  项目文件夹 {root} 不是 git 仓库：按文件夹的现状生成（没有“只发布已提交内容”的保护）。")
        return Committed(config_file)
    try:
        branch = store.current_branch()
        if not branch:
            raise CommittedTreeError(
                f"仓库 {store.root} 没有检出任何分支（HEAD 游离），不知道发布哪个分支。编辑工作台保存的内容在分支上，"
                "请先 git checkout 发布所用的分支（通常是 main）。"
            )
        commit = store.head(branch)
        if commit is None:
            raise CommittedTreeError(f"分支 {branch} 还没有任何提交，没有可发布的内容。")
        prefix = store.prefix()
        # A commit must never reach a cache: the copy would carry a tracked cache file into the build's cache.
        refuse_tracked(list(CacheFolders.configured(config_file).by_kind().values()), root)
        left_out = store.differing_files()
        wanted = store.list_files(commit, prefix) if prefix else store.all_files(commit)
        folder = tree_folder(root)
        written, removed = _sync(store, {path[len(prefix) + 1:] if prefix else path: oid for path, oid in wanted.items()}, folder)
    except GitError as exc:
        raise CommittedTreeError(str(exc)) from None
    if left_out:
        shown = "、".join(left_out[:_MAX_LISTED]) + (f" 等 {len(left_out)} 个文件" if len(left_out) > _MAX_LISTED else "")
        say(f"  工作区与分支 {branch} 的最新提交不同，以下未提交的文件不会发布：{shown}。"
            "只有提交到分支（经编辑工作台签发）的内容才会发布。")
    say(f"  发布分支 {branch} 的提交 {commit[:10]}（更新了 {written} 个文件，删除了 {removed} 个）。")
    relative = config_file.resolve().relative_to(root)
    return Committed(folder / relative, branch, commit, tuple(left_out))


def _sync(store: GitStore, wanted: dict[str, str], folder: Path) -> tuple[int, int]:
    """Make ``folder`` hold exactly the committed files (besides what a build leaves there); returns (written, removed)."""
    if folder.is_symlink():
        raise CommittedTreeError(f"{folder} 是符号链接，出于安全不会写入。请删除它后重新发布。")
    folder.mkdir(parents=True, exist_ok=True)
    index_file = folder / TREE_INDEX
    try:
        known = json.loads(index_file.read_text(encoding="utf-8")) if not index_file.is_symlink() else {}
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    stale = [path for path, oid in wanted.items() if known.get(path) != oid or not _plain_file(folder, path)]
    blobs = store.read_blobs(wanted[path] for path in stale)
    for path in stale:
        target = folder / path
        refuse_links(folder, target)
        write_atomically(target, blobs[wanted[path]], durable=False)
    removed = 0
    for path in set(known) - set(wanted):
        target = folder / path
        if _plain_file(folder, path):
            target.unlink()
            removed += 1
    write_atomically(index_file, json.dumps(wanted).encode())
    return len(stale), removed


def _plain_file(folder: Path, path: str) -> bool:
    target = folder / path
    try:
        refuse_links(folder, target)
    except GitError:
        return False
    return target.is_file()
