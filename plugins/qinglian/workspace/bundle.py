"""Decap CMS itself: one pinned release, fetched once from the npm registry (or a copy of its archive) and checked.

Nothing is loaded from a CDN at run time, and no Node is needed: the release archive is
verified against npm's published sha512, and the main script against a hash pinned here,
every time the workspace starts.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import shutil
import sys
import tarfile
import urllib.request
from pathlib import Path

VERSION = "3.16.3"
ARCHIVE = f"decap-cms-{VERSION}.tgz"
URL = f"https://registry.npmjs.org/decap-cms/-/{ARCHIVE}"
INTEGRITY = "sha512-hf+dPlCh7TJmWl8+6VRzHYOWhri5xgUknrZbDewaWe4s9B7xJ8PQugp2QHeSldMUKzav6+z0oIpwUYhUJDYtYw=="
MAIN = "decap-cms.js"
MAIN_SHA256 = "7c1efd6b616b4786e279aeef194dd21649a72058d3bc8d1f78901b574610dfb8"
FOLDER_VARIABLE = "QINGLIAN_DECAP_DIR"
MAX_ARCHIVE_BYTES = 64 * 1024 * 1024


class BundleMissing(Exception):
    """Decap CMS is not installed (or not the pinned release); the message says what to run."""


def bundle_folder() -> Path:
    configured = os.environ.get(FOLDER_VARIABLE)
    return Path(configured) if configured else Path(sys.prefix) / "share" / "qinglian" / f"decap-cms-{VERSION}"


def verified_folder() -> Path:
    folder = bundle_folder()
    main = folder / MAIN
    try:
        actual = hashlib.sha256(main.read_bytes()).hexdigest()
    except OSError:
        raise BundleMissing(
            f"编辑工作台所需的 Decap CMS {VERSION} 尚未安装（{folder}）。请运行 qinglian edit --install-cms；"
            f"不能访问 npm 仓库时，先在能上网的电脑上下载 {URL}，再用 --install-cms --from 文件 安装。"
        ) from None
    if actual != MAIN_SHA256:
        raise BundleMissing(f"{main} 与固定的 Decap CMS {VERSION} 不一致（可能被改动），请运行 qinglian edit --install-cms 重新安装。")
    return folder


def _integrity_ok(data: bytes) -> bool:
    algorithm, _, expected = INTEGRITY.partition("-")
    return base64.b64encode(hashlib.new(algorithm, data).digest()).decode() == expected


def install(archive: Path | None = None) -> Path:
    """Unpack the pinned release's browser files into :func:`bundle_folder`; returns it."""
    if archive is not None:
        data = archive.read_bytes()[: MAX_ARCHIVE_BYTES + 1]
    else:
        with urllib.request.urlopen(URL, timeout=120) as response:  # noqa: S310 - a fixed https address
            data = response.read(MAX_ARCHIVE_BYTES + 1)
    if len(data) > MAX_ARCHIVE_BYTES or not _integrity_ok(data):
        raise BundleMissing(f"下载的 {ARCHIVE} 与 npm 公布的校验值不一致，没有安装。")
    folder = bundle_folder()
    staging = folder.with_name(folder.name + ".part")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.removeprefix("package/dist/")
            # The main script and the chunks it loads on demand; no source maps, nothing else.
            if member.isfile() and "/" not in name and name.endswith(".js") and (name == MAIN or name.endswith(f".{MAIN}")):
                source = tar.extractfile(member)
                if source is not None:
                    (staging / name).write_bytes(source.read())
    if hashlib.sha256((staging / MAIN).read_bytes()).hexdigest() != MAIN_SHA256:
        shutil.rmtree(staging, ignore_errors=True)
        raise BundleMissing(f"{ARCHIVE} 中的 {MAIN} 与固定的校验值不一致，没有安装。")
    shutil.rmtree(folder, ignore_errors=True)
    staging.rename(folder)
    return folder
