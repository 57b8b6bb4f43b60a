"""Attachments editors upload: checked by content, not by name, and bounded per file and per editor per day.

A file named ``.pdf`` that holds HTML would be served to readers as whatever nginx guesses from
its bytes in some browsers, so each type's first bytes must be that type's. The daily bound keeps
one account from filling the repository (and every release) with uploads.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import PurePosixPath

from .requests import Refused

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_DAILY_BYTES = 200 * 1024 * 1024
MAX_DAILY_FILES = 100

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# What each type's first bytes are (WPS Office writes its own formats as OLE or as zip packages).
_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".bmp": (b"BM",),
    ".pdf": (b"%PDF-",),
    ".ofd": (_ZIP,),
    ".docx": (_ZIP,), ".xlsx": (_ZIP,), ".pptx": (_ZIP,),
    ".doc": (_OLE,), ".xls": (_OLE,), ".ppt": (_OLE,),
    ".wps": (_OLE, _ZIP), ".et": (_OLE, _ZIP), ".dps": (_OLE, _ZIP),
    ".mp3": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}
_NAMES = {".png": "PNG 图片", ".jpg": "JPEG 图片", ".jpeg": "JPEG 图片", ".gif": "GIF 图片", ".bmp": "BMP 图片", ".webp": "WebP 图片",
          ".pdf": "PDF 文件", ".ofd": "OFD 文件", ".mp3": "MP3 音频", ".mp4": "MP4 视频"}


def _matches(suffix: str, data: bytes) -> bool:
    if suffix == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if suffix == ".mp4":
        return data[4:8] == b"ftyp"
    return any(data.startswith(signature) for signature in _SIGNATURES.get(suffix, ()))


def _found(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html", b"<script", b"<svg", b"<?xml")):
        return "网页或 XML 文本"
    for suffix in (".png", ".jpg", ".gif", ".pdf", ".webp", ".mp4"):
        if _matches(suffix, data):
            return _NAMES[suffix]
    if data.startswith(_ZIP):
        return "压缩包（zip）"
    if data.startswith(_OLE):
        return "旧版 Office 文件"
    return "无法识别的内容"


def check_content(path: str, data: bytes) -> None:
    """Refuse an attachment whose bytes are not what its extension says, or that is over the per-file bound."""
    name = PurePosixPath(path).name
    if len(data) > MAX_FILE_BYTES:
        raise Refused(f"附件 {name} 有 {len(data) / 1024 / 1024:.1f} MB，超过每个文件 {MAX_FILE_BYTES // 1024 // 1024} MB 的上限。"
                      "请压缩后再上传，更大的文件请交给管理员。", 413)
    suffix = PurePosixPath(path).suffix.lower()
    if not _matches(suffix, data):
        expected = _NAMES.get(suffix, f"{suffix} 文件")
        raise Refused(f"附件 {name} 的扩展名是 {suffix}，内容却是{_found(data)}，不是{expected}。为免读者打开伪装的文件，没有上传；"
                      "请上传原始文件，或改成与内容相符的扩展名。")


class DailyUploads:
    """Bytes and files each editor uploaded today (kept while the workspace runs)."""

    def __init__(self) -> None:
        self._today = dt.date.today()
        self._used: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def take(self, editor: str, files: dict[str, bytes]) -> None:
        """Count ``files`` against ``editor``'s bound for today, or refuse them all."""
        if not files:
            return
        size = sum(len(data) for data in files.values())
        with self._lock:
            if dt.date.today() != self._today:
                self._today, self._used = dt.date.today(), {}
            used_bytes, used_files = self._used.get(editor, (0, 0))
            if used_bytes + size > MAX_DAILY_BYTES or used_files + len(files) > MAX_DAILY_FILES:
                raise Refused(f"今天已上传 {used_files} 个附件、{used_bytes / 1024 / 1024:.0f} MB，每人每天最多 {MAX_DAILY_FILES} 个、"
                              f"{MAX_DAILY_BYTES // 1024 // 1024} MB。请明天再上传，或请管理员处理。", 429)
            self._used[editor] = (used_bytes + size, used_files + len(files))
