"""The repository as the workspace sees it: files read from and committed to branches with git's plumbing.

Commits are made in a private index, so an operator's staged changes are never swept in, and a
branch moves only from the commit the change was made against (``update-ref`` with the old
value): a commit that arrived meanwhile fails the save instead of being overwritten. The
checked-out branch's files are then written in place, so the working tree matches it.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..atomic import write_atomically

GIT_TIMEOUT = 120


class GitError(Exception):
    """git refused or failed; the message is for the operator."""


class BranchMoved(GitError):
    """The branch changed between reading it and committing to it."""


class UncommittedChange(GitError):
    """The working tree holds an edit to a file the save would overwrite; the message is Chinese."""


@dataclass(frozen=True)
class Author:
    name: str
    email: str


@dataclass(frozen=True)
class Blob:
    path: str
    oid: str
    data: bytes


class GitStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.git_dir = Path(self._run("rev-parse", "--absolute-git-dir").strip())

    def _run(self, *args: str, data: bytes | None = None, env: Mapping[str, str] | None = None, check: bool = True) -> str:
        return self._run_bytes(*args, data=data, env=env, check=check).decode("utf-8", "surrogateescape")

    def _run_bytes(self, *args: str, data: bytes | None = None, env: Mapping[str, str] | None = None, check: bool = True) -> bytes:
        # Paths are paths, never patterns: a name with [ or * matches only itself.
        full_env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_LITERAL_PATHSPECS": "1", **(env or {})}
        try:
            result = subprocess.run(
                ["git", "-C", str(self.root), "-c", "core.quotepath=off", *args],
                input=data, capture_output=True, env=full_env, timeout=GIT_TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise GitError(f"无法运行 git（{exc.__class__.__name__}）") from exc
        if check and result.returncode != 0:
            raise GitError(f"git {args[0]} 失败：{result.stderr.decode('utf-8', 'replace').strip()[:300]}")
        return result.stdout

    def current_branch(self) -> str | None:
        name = self._run("symbolic-ref", "-q", "--short", "HEAD", check=False).strip()
        return name or None

    def head(self, branch: str) -> str | None:
        out = self._run("rev-parse", "-q", "--verify", f"refs/heads/{branch}^{{commit}}", check=False).strip()
        return out or None

    def branches(self, prefix: str) -> list[str]:
        out = self._run("for-each-ref", "--format=%(refname:short)", f"refs/heads/{prefix}")
        return [line for line in out.splitlines() if line]

    def _tree(self, commit: str, *args: str) -> dict[str, str]:
        """Regular files ``git ls-tree`` names: path → blob id (links and submodules left out)."""
        out = self._run_bytes("ls-tree", "-z", "--full-tree", commit, *args)
        files = {}
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, kind, oid = meta.decode().split()
            if kind == "blob" and mode in ("100644", "100755"):
                files[path.decode("utf-8", "surrogateescape")] = oid
        return files

    def all_files(self, commit: str) -> dict[str, str]:
        """Every regular file at ``commit``: path → blob id."""
        return self._tree(commit, "-r")

    def prefix(self) -> str:
        """Where ``root`` is in the repository ("" at its top), as git names paths."""
        return self._run("rev-parse", "--show-prefix").strip().rstrip("/")

    def differing_files(self) -> list[str]:
        """Files under ``root`` that differ from the checked-out commit: untracked, changed or deleted."""
        out = self._run_bytes("status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames", "--", ".")
        return sorted(r[3:].decode("utf-8", "surrogateescape") for r in out.split(b"\0") if len(r) > 3)

    def list_files(self, commit: str, folder: str) -> dict[str, str]:
        """Regular files under ``folder`` at ``commit``: path → blob id."""
        return self._tree(commit, "-r", "--", folder.rstrip("/") + "/")

    def blob_id(self, commit: str, path: str) -> str | None:
        """The blob at ``path`` in ``commit``, if it is a regular file there."""
        return self._tree(commit, "--", path).get(path)

    def read_blobs(self, oids: Iterable[str]) -> dict[str, bytes]:
        """Blob contents by id, through one ``cat-file --batch``."""
        wanted = list(dict.fromkeys(oids))
        if not wanted:
            return {}
        out = self._run_bytes("cat-file", "--batch", data=("\n".join(wanted) + "\n").encode())
        blobs, at = {}, 0
        for oid in wanted:
            end = out.index(b"\n", at)
            header = out[at:end].decode().split()
            if len(header) != 3:
                raise GitError(f"git cat-file 没有找到 {oid}")
            size = int(header[2])
            blobs[oid] = out[end + 1:end + 1 + size]
            at = end + 1 + size + 1
        return blobs

    def read(self, commit: str, path: str) -> Blob | None:
        oid = self.blob_id(commit, path)
        if oid is None:
            return None
        return Blob(path, oid, self.read_blobs([oid])[oid])

    def last_author(self, commit: str, path: str) -> tuple[str, str]:
        out = self._run("log", "-1", "--format=%an%x00%ad", "--date=format:%Y年%m月%d日 %H:%M", commit, "--", path, check=False)
        name, _, when = out.strip().partition("\0")
        return name, when

    def commit(
        self,
        branch: str,
        base: str | None,
        changes: Mapping[str, bytes | None],
        message: str,
        author: Author,
        *,
        start: str | None = None,
        extra_parent: str | None = None,
        committer: Author | None = None,
    ) -> str:
        """Commit ``changes`` (path → bytes, or None to delete) onto ``branch`` as it stood at ``base``.

        ``start`` is the tree to begin from when the branch is new. The branch must still be at
        ``base``; otherwise :class:`BranchMoved`.
        """
        checked_out = self.current_branch() == branch
        parent = base or start
        if checked_out:
            for path in changes:
                refuse_links(self.root, self.root / path)
            self._refuse_uncommitted(parent, changes)
        with tempfile.TemporaryDirectory(prefix="qinglian-index-") as scratch:
            env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
            if parent:
                self._run("read-tree", parent, env=env)
            for path, data in changes.items():
                if data is None:
                    self._run("update-index", "--force-remove", "--", path, env=env)
                else:
                    oid = self._run("hash-object", "-w", "--stdin", "--path", path, data=data).strip()
                    self._run("update-index", "--add", "--cacheinfo", f"100644,{oid},{path}", env=env)
            tree = self._run("write-tree", env=env).strip()
        committer = committer or author
        identity = {
            "GIT_AUTHOR_NAME": author.name, "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name, "GIT_COMMITTER_EMAIL": committer.email,
        }
        parents = [arg for p in (parent, extra_parent) if p for arg in ("-p", p)]
        commit = self._run("commit-tree", tree, *parents, data=message.encode("utf-8"), env=identity).strip()
        moved = self._run_bytes("update-ref", "-m", "qinglian edit", f"refs/heads/{branch}", commit, base or "0" * 40, check=False)
        if self.head(branch) != commit:
            raise BranchMoved(f"分支 {branch} 在保存期间被其他提交改变了{moved.decode(errors='replace')}")
        if checked_out:
            self._check_out(commit, changes)
        return commit

    def _refuse_uncommitted(self, parent: str | None, changes: Mapping[str, bytes | None]) -> None:
        """A file someone edited in the server's working tree without committing is never overwritten by a save."""
        for path in changes:
            target = self.root / path
            committed = self.blob_id(parent, path) if parent else None
            present = target.is_file()
            on_disk = self._run("hash-object", "--no-filters", "--", path).strip() if present else None
            if on_disk != committed:
                raise UncommittedChange(
                    f"服务器工作区中的 {path} 有未提交的修改（或未跟踪的同名文件）。为免覆盖，本次没有保存；"
                    "请管理员在服务器上用 git status 查看，提交或撤销该修改后再保存。"
                )

    def _check_out(self, commit: str, changes: Mapping[str, bytes | None]) -> None:
        """Bring the working tree and the real index to ``commit`` for the changed paths only."""
        for path, data in changes.items():
            target = self.root / path
            refuse_links(self.root, target)
            if data is None:
                target.unlink(missing_ok=True)
            else:
                write_atomically(target, data)
        self._run("reset", "-q", commit, "--", *changes)

    def merge_base(self, a: str, b: str) -> str | None:
        return self._run("merge-base", a, b, check=False).strip() or None

    def changed_paths(self, old: str, new: str) -> dict[str, str | None]:
        """Paths that differ from ``old`` to ``new``: path → blob id at ``new`` (None when deleted)."""
        out = self._run_bytes("diff-tree", "-r", "-z", "--no-renames", old, new)
        fields = [f for f in out.split(b"\0") if f]
        changed: dict[str, str | None] = {}
        for meta, path in zip(fields[0::2], fields[1::2]):
            parts = meta.decode().split()
            changed[path.decode("utf-8", "surrogateescape")] = None if parts[4] == "D" else parts[3]
        return changed

    def files_containing(self, commit: str, text: str, folder: str) -> list[str]:
        """Files under ``folder`` at ``commit`` whose bytes contain ``text`` (a fixed string)."""
        out = self._run_bytes("grep", "-l", "-z", "-F", "-e", text, commit, "--", folder, check=False)
        prefix = f"{commit}:".encode()
        return sorted(r.removeprefix(prefix).decode("utf-8", "surrogateescape") for r in out.split(b"\0") if r)

    def authors(self, base: str, tip: str) -> list[str]:
        """Who wrote the commits from ``base`` (excluded) to ``tip``, oldest first."""
        out = self._run("log", "--reverse", "--format=%an", f"{base}..{tip}", check=False)
        return list(dict.fromkeys(line for line in out.splitlines() if line))

    def unset_config(self, key: str) -> None:
        self._run("config", "--unset-all", key, check=False)

    def commit_time(self, commit: str) -> int:
        return int(self._run("log", "-1", "--format=%ct", commit).strip() or 0)

    def delete_branch(self, branch: str, expected: str) -> None:
        self._run("update-ref", "-d", f"refs/heads/{branch}", expected)
        self._run("config", "--remove-section", f"branch.{branch}", check=False)

    def get_config(self, key: str) -> str | None:
        return self._run("config", "--get", key, check=False).strip() or None

    def set_config(self, key: str, value: str) -> None:
        self._run("config", key, value)


def refuse_links(root: Path, target: Path) -> None:
    """No folder on the way to ``target`` may be a symbolic link (a write must stay in the tree)."""
    here = root
    for part in target.relative_to(root).parts:
        here = here / part
        if here.is_symlink():
            raise GitError(f"{here.relative_to(root)} 是符号链接，不会写入")
