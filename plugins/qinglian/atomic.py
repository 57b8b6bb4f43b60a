"""Files that are whole or absent, never half-written."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_file(path: Path, durable: bool = True) -> Iterator[BinaryIO]:
    """A stream to a hidden file beside ``path``, renamed into place when the block ends without error.

    A build that dies half-way must not leave a truncated file that a later build trusts. With
    ``durable`` the data reaches the disk before the rename, so a power cut cannot leave an empty
    file in place; the many page files of a cache are written without it, and a file that did
    not reach the disk whole fails the hash its index records. Each writer has its own hidden file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".part-{os.getpid()}-{path.name}")
    try:
        with temporary.open("wb") as stream:
            yield stream
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    with atomic_file(path, durable) as stream:
        stream.write(data)


def disk_message(exc: OSError) -> str:
    """A short Chinese reason for a failed write: a full disk is named as such."""
    if isinstance(exc, shutil.Error) and exc.args and isinstance(exc.args[0], list) and exc.args[0]:
        # copytree gathers every file's failure into one message; the first tells what happened.
        source, target, why = (list(exc.args[0][0]) + ["", "", ""])[:3]
        full = f"[Errno {errno.ENOSPC}]" in str(why)
        return f"磁盘空间不足：{target}" if full else f"写入文件失败（{str(why)[:200]}）：{target}"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return f"磁盘空间不足：{exc.filename or ''}".rstrip("：")
    return f"写入文件失败（{exc.strerror or exc.__class__.__name__}）：{exc.filename or ''}".rstrip("：")
