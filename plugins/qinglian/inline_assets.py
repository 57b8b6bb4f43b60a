"""Move inline scripts and styles into files, so the site runs under ``script-src 'self'``.

Material writes a few small inline scripts into every page; a strict Content-Security-Policy
would block them, and allowing ``'unsafe-inline'`` would defeat the policy. Each distinct
script becomes one file named by its hash, loaded from the same place in the page, so the
order of execution is unchanged.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

FOLDER = "assets/qinglian/inline"
# Only bare <script> and <style> elements: typed data blocks (application/json) are not code.
_INLINE = re.compile(r"<script>(?P<script>.*?)</script>|<style>(?P<style>.*?)</style>", re.S)


class InlineAssets:
    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def externalise(self, html: str, root_prefix: str) -> str:
        """``root_prefix`` leads from the page to the site root: ``../../`` or ``/``."""

        def replace(match: re.Match[str]) -> str:
            is_script = match["script"] is not None
            data = (match["script"] if is_script else match["style"]).encode("utf-8")
            name = f"{hashlib.sha256(data).hexdigest()[:20]}.{'js' if is_script else 'css'}"
            self.files[name] = data
            url = f"{root_prefix}{FOLDER}/{name}"
            return f'<script src="{url}"></script>' if is_script else f'<link rel="stylesheet" href="{url}">'

        return _INLINE.sub(replace, html)

    def write(self, site_dir: Path) -> None:
        folder = site_dir / FOLDER
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in self.files.items():
            (folder / name).write_bytes(data)
