"""Which repository paths the workspace may read and write: documents and attachments in the collection folders."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..content.collections import COLLECTIONS
from ..content.tree import ATTACHMENT_TYPES, PAGE_TYPES
from .cms_config import MEDIA_FOLDER

MAX_PATH = 300
_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\\:*?\"<>|]")


class PathRefused(Exception):
    """A path outside what the workspace may touch; the message names it, in Chinese."""


def _parts(path: object) -> tuple[str, ...]:
    if not isinstance(path, str) or not path or len(path) > MAX_PATH:
        raise PathRefused(f"路径应为不超过 {MAX_PATH} 个字符的文本，实际为 {str(path)[:80]!r}")
    if _BAD_CHARACTERS.search(path) or path.startswith("/"):
        raise PathRefused(f"路径“{path[:80]}”含有不允许的字符或以 / 开头")
    parts = PurePosixPath(path).parts
    if any(part in ("..", ".", "") or part.startswith(".") for part in parts) or "/".join(parts) != path:
        raise PathRefused(f"路径“{path[:80]}”不能含有“..”、隐藏文件或多余的斜杠")
    return parts


def collection_folder(path: object, content: str = "content") -> str:
    """``content/<collection>`` (a folder Decap lists); anything else is refused."""
    parts = _parts(path)
    if len(parts) != 2 or parts[0] != content or parts[1] not in COLLECTIONS:
        raise PathRefused(f"“{path}”不是栏目文件夹（{content}/speeches 等）")
    return "/".join(parts)


def document_path(path: object, content: str = "content") -> tuple[str, str]:
    """A document ``content/<collection>/<name>.md``: (collection, path)."""
    parts = _parts(path)
    if len(parts) != 3 or parts[0] != content or parts[1] not in COLLECTIONS or PurePosixPath(parts[2]).suffix not in PAGE_TYPES:
        raise PathRefused(f"“{path}”不是栏目文件夹中的文档（{content}/栏目/文件名.md）")
    return parts[1], "/".join(parts)


def media_path(path: object, content: str = "content") -> str:
    """An attachment in a collection's ``images/`` folder, of a type the build publishes."""
    parts = _parts(path)
    if len(parts) != 4 or parts[0] != content or parts[1] not in COLLECTIONS or parts[2] != MEDIA_FOLDER:
        raise PathRefused(f"“{path}”不在栏目的附件文件夹中（{content}/栏目/{MEDIA_FOLDER}/文件名）")
    suffix = PurePosixPath(parts[3]).suffix.lower()
    if suffix not in ATTACHMENT_TYPES:
        allowed = "、".join(sorted(ATTACHMENT_TYPES))
        raise PathRefused(f"附件“{parts[3]}”的类型 {suffix or '（无扩展名）'} 不能发布：能在浏览器中运行脚本或无法识别。允许的类型：{allowed}")
    return "/".join(parts)


def media_folder(path: object, content: str = "content") -> str:
    """A collection's attachment folder; a collection folder itself (Decap asks for it before a new entry has a path) stands for it."""
    parts = _parts(path)
    if len(parts) == 2 and parts[0] == content and parts[1] in COLLECTIONS:
        parts = (*parts, MEDIA_FOLDER)
    if len(parts) != 3 or parts[0] != content or parts[1] not in COLLECTIONS or parts[2] != MEDIA_FOLDER:
        raise PathRefused(f"“{path}”不是附件文件夹")
    return "/".join(parts)
