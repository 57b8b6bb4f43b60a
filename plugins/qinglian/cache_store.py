"""Where a project's caches live, who may use them, and how their files are written and read back.

Caches hold what earlier builds made, and a build trusts what it reads there. So they live
outside the working tree by default (a folder per project under the user's cache directory),
nothing in them is a format that runs code when read (JSON and plain NumPy arrays only), every
file a cache index names is read back only when its hash matches the one recorded, and a file
that git tracks under a cache folder stops the build: a commit must never reach a cache.
"""

from __future__ import annotations

import datetime as dt
import errno
import fcntl
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .atomic import write_atomically

# The folder that holds every project's caches; an operator may move it (a faster disk).
CACHE_VARIABLE = "QINGLIAN_CACHE_DIR"
LOCK_NAME = ".lock"
# A JSON cache file larger than this is not read (it would only cost memory).
MAX_JSON_BYTES = 1 << 30


class CacheError(Exception):
    """A cache cannot be used safely (a tracked file in it, its lock held too long, an unusable folder).

    Not a content problem: the operator, not an editor, acts on it.
    """


class CacheBusy(CacheError):
    """Another process held the project's caches for longer than a build waits."""


def user_cache_root() -> Path:
    configured = os.environ.get(CACHE_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "qinglian" / "projects"


def _configured(root: Path, configured: str) -> Path:
    """A folder named in mkdocs.yml: absolute, or relative to the project."""
    folder = Path(configured).expanduser()
    return folder if folder.is_absolute() else root / folder


def project_cache(root: Path, configured: str = "") -> Path:
    """The cache folder of the project at ``root``: ``configured`` (relative to root), or one under the user's cache."""
    if configured:
        return _configured(root, configured)
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", root.name)[:40] or "project"
    return user_cache_root() / f"{name}-{hashlib.sha256(str(root).encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"


def cache_folder(root: Path, cache_dir: str, configured: str, name: str) -> Path:
    """One cache of the project: ``configured`` (relative to root), or ``name`` in the project's cache folder."""
    if configured:
        return _configured(root, configured)
    return project_cache(root, cache_dir) / name


def tracked_in(folder: Path, root: Path) -> list[str]:
    """Files git tracks under ``folder`` (relative to ``root``), when ``folder`` is inside a git working tree."""
    try:
        folder.resolve().relative_to(root.resolve())
    except ValueError:
        return []
    try:
        listed = subprocess.run(
            ["git", "-C", str(root), "ls-files", "-z", "--", str(folder.resolve())],
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if listed.returncode != 0:
        # Not a git working tree: nothing can be committed there.
        return []
    return [name for name in listed.stdout.decode("utf-8", "replace").split("\0") if name]


def refuse_tracked(folders: list[Path], root: Path) -> None:
    """Raise ``CacheError`` naming the first files git tracks in any of ``folders``."""
    for folder in folders:
        tracked = tracked_in(folder, root)
        if tracked:
            shown = "、".join(tracked[:3]) + (f" 等 {len(tracked)} 个文件" if len(tracked) > 3 else "")
            raise CacheError(
                f"缓存目录 {folder} 中有被 git 跟踪的文件（{shown}）。缓存不能来自仓库：请用 git rm --cached 删除这些文件并提交，"
                "或把缓存目录设在仓库之外（默认位置）。网站没有生成，原有输出保持不变。"
            )


@contextmanager
def cache_lock(folder: Path, wait_seconds: float, purpose: str, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's cache lock: builds, previews and publishes of one project take turns.

    Waits up to ``wait_seconds`` for another holder, telling ``waiting`` who it is once, then
    raises ``CacheError`` naming it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise CacheError(f"无法打开缓存锁文件 {path}（{exc.strerror or exc}）：请检查该文件，不能是符号链接。") from None
    deadline = time.monotonic() + wait_seconds
    told = False
    try:
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise CacheError(f"无法锁定缓存目录 {folder}（{exc.strerror or exc}）。") from None
                holder = os.pread(descriptor, 512, 0).decode("utf-8", "replace").strip() or "进程信息不可用"
                if time.monotonic() >= deadline:
                    raise CacheBusy(
                        f"缓存目录 {folder} 正被另一个进程使用（{holder}）。请等它结束后再试，或用 --wait 延长等待。"
                    ) from None
                if waiting is not None and not told:
                    waiting(f"缓存目录正被另一个进程使用（{holder}），等待其结束……")
                    told = True
                time.sleep(0.2)
        started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        note = f"进程 {os.getpid()}（{purpose}），开始于 {started}".encode()
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, note, 0)
        try:
            yield
        finally:
            os.ftruncate(descriptor, 0)
            fcntl.flock(descriptor, fcntl.LOCK_UN)
    finally:
        os.close(descriptor)


def list_of_strings(value: Any) -> bool:
    """What a cache index's lists of names must be, checked before they are used."""
    return isinstance(value, list) and all(isinstance(item, str) for item in value)


def file_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def read_verified(path: Path, expected: str) -> bytes | None:
    """The bytes of ``path`` if their hash is ``expected``; None when missing, damaged or replaced."""
    try:
        if path.is_symlink():
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if file_hash(data) == expected else None


def read_json(path: Path) -> Any:
    """A JSON cache file's data, or None when it is missing, too large or not JSON."""
    try:
        if path.is_symlink() or path.stat().st_size > MAX_JSON_BYTES:
            return None
        return json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None


def write_json(path: Path, data: Any) -> None:
    write_atomically(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass"))


class _CurrentStderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to ``sys.stderr`` as it is when a message comes, not as it was when the handler was made
    (a server or a test that replaces it later would otherwise lose the warnings)."""

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _cache_logger() -> logging.Logger:
    # Not the engine's logger: a damaged cache is healed, and must not fail a --strict build
    # the way a content warning does.
    logger = logging.getLogger("qinglian.cache")
    if not logger.handlers:
        handler = _CurrentStderr()
        handler.setFormatter(logging.Formatter("WARNING -  %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
    return logger


_SAID: set[str] = set()


def warn_healed(what: str) -> None:
    """One warning line per damaged cache and process: it was dropped and is rebuilt."""
    if what not in _SAID:
        _SAID.add(what)
        _cache_logger().warning(f"缓存已损坏，已自动重建：{what}")
