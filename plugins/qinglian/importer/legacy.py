"""Legacy Word (.doc) and WPS (.wps) files, converted to .docx by LibreOffice in headless mode when it is installed.

Many offices still send these. LibreOffice reads both; the importer then reads the .docx it
writes like any other. What is lost on the way: WPS-only features (some text boxes and
seal images), tracked changes (accepted as they stand) and fonts the server lacks, which do not
matter for the text the importer takes.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .sources import UnreadableSource

CONVERT_SECONDS = 120
MAX_LEGACY_BYTES = 30 * 1024 * 1024
PACKAGE = "libreoffice-writer-nogui"
LEGACY_TYPES = {".doc": "旧版 Word（.doc）", ".wps": "WPS（.wps）"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_HEADER = 512

T = TypeVar("T")


def office() -> str | None:
    """LibreOffice's command, where it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def via_docx(path: Path, read: Callable[[Path], T]) -> T:
    """``read`` applied to the .docx LibreOffice makes of ``path`` (a .doc or .wps file)."""
    kind = LEGACY_TYPES[path.suffix.lower()]
    command = office()
    if command is None:
        raise UnreadableSource(
            f"{kind}文件需要 LibreOffice 才能读取，本机没有安装。请管理员安装 Debian 软件包 {PACKAGE}"
            f"（apt-get install {PACKAGE}），或在 Word/WPS 中“另存为” .docx 后再导入"
        )
    if path.stat().st_size > MAX_LEGACY_BYTES:
        raise UnreadableSource(f"文件超过 {MAX_LEGACY_BYTES // 1024 // 1024} MB 的上限")
    with path.open("rb") as stream:
        header = stream.read(_OLE_HEADER)
    # LibreOffice would read anything as text; a real .doc or .wps is an OLE container with a whole header.
    if len(header) < _OLE_HEADER or not header.startswith(_OLE):
        raise UnreadableSource(f"不是有效的{kind}文件，或文件已损坏；请在 Word/WPS 中打开后“另存为” .docx 再导入")
    with tempfile.TemporaryDirectory(prefix="qinglian-legacy-") as scratch:
        work = Path(scratch)
        source = work / f"source{path.suffix.lower()}"
        shutil.copyfile(path, source)
        # Its own profile folder: a LibreOffice the operator has open does not take the conversion over.
        profile = (work / "profile").as_uri()
        try:
            result = subprocess.run(
                [command, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx",
                 "--outdir", str(work / "out"), str(source)],
                capture_output=True, timeout=CONVERT_SECONDS,
            )
        except subprocess.TimeoutExpired:
            raise UnreadableSource(f"LibreOffice 转换{kind}文件超过 {CONVERT_SECONDS} 秒仍未完成，已停止") from None
        except OSError as exc:
            raise UnreadableSource(f"无法运行 LibreOffice（{exc.strerror or exc}）") from None
        converted = work / "out" / "source.docx"
        if result.returncode != 0 or not converted.is_file():
            raise UnreadableSource(f"LibreOffice 不能读取这个{kind}文件，文件可能已损坏；请在 Word/WPS 中打开后“另存为” .docx 再导入")
        return read(converted)
