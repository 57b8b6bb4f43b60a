"""Pagefind's browser script, in a form the readers' old Chromium kernels can run.

Pagefind writes pagefind.js as ES2020; Chromium 79 (360安全浏览器 12) cannot parse it. The
package carries an ES2017 copy of the script for each supported Pagefind release (made by
scripts/downlevel_pagefind.py), keyed by the SHA-256 of the script Pagefind writes, so a
build swaps it in without Node or esbuild on the operator's machine.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from importlib import resources

from .pagefind import PagefindError

SCRIPT_NAME = "pagefind.js"
_SOURCE = re.compile(rb"source-sha256: ([0-9a-f]{64})")


@cache
def _downlevelled() -> dict[str, bytes]:
    scripts = {}
    for entry in resources.files("qinglian.assets").joinpath("pagefind").iterdir():
        if entry.name.endswith(".es2017.js"):
            data = entry.read_bytes()
            match = _SOURCE.search(data[:400])
            if match:
                scripts[match[1].decode()] = data
    return scripts


def browser_script(original: bytes) -> bytes:
    """The ES2017 copy of Pagefind's ``original`` pagefind.js."""
    digest = hashlib.sha256(original).hexdigest()
    script = _downlevelled().get(digest)
    if script is None:
        version = re.match(rb'const pagefind_version="([^"]+)"', original)
        raise PagefindError(
            f"Pagefind {version[1].decode() if version else '?'} 的浏览器脚本没有兼容旧版浏览器的版本："
            "请安装 pyproject.toml 中指定的 Pagefind 版本，或由开发人员用 scripts/downlevel_pagefind.py 生成。"
        )
    return script


def script_fingerprint() -> str:
    """Changes when the shipped scripts change, so cached shards are rebuilt with the new one."""
    return hashlib.sha256(b"".join(sorted(_downlevelled().values()))).hexdigest()[:12]
