"""Move the theme's inline scripts and styles into files, so the site runs under ``script-src 'self'``.

Material writes a few small inline scripts into every page; a strict Content-Security-Policy
would block them, and allowing ``'unsafe-inline'`` would defeat the policy. Each distinct
script becomes one file named by its hash, loaded from the same place in the page, so the
order of execution is unchanged.

Only the theme's own scripts are moved. They are known from the theme's templates: each
``<script>`` block there becomes a pattern in which a template expression may stand only for
text inside a string literal. Any other inline script on a page (an editor's, or one that
slipped in through a metadata value) is refused, never turned into a trusted file.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

FOLDER = "assets/qinglian/inline"
# Only bare <script> and <style> elements: typed data blocks (application/json) are not code.
_INLINE = re.compile(r"<script>(?P<script>.*?)</script>|<style>(?P<style>.*?)</style>", re.S)
_TEMPLATE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
# What a template expression may put into a script: text that cannot leave a string literal.
_EXPRESSION_VALUE = r"[^\"'`\\<>\n]*"


@dataclass
class ThemeScripts:
    """The inline scripts a theme's templates can write, as patterns."""

    patterns: list[re.Pattern[str]] = field(default_factory=list)

    @classmethod
    def from_templates(cls, sources: Iterable[str]) -> ThemeScripts:
        patterns = {}
        for source in sources:
            for block in _TEMPLATE_SCRIPT.findall(source):
                if "{%" in block or "{#" in block:
                    continue  # logic inside a script cannot be bounded; such a script is not allowed
                literal = _EXPRESSION.split(block)
                patterns[block] = re.compile(_EXPRESSION_VALUE.join(re.escape(part) for part in literal), re.S)
        return cls(list(patterns.values()))

    def allows(self, script: str) -> bool:
        return any(pattern.fullmatch(script) for pattern in self.patterns)


class ForeignScript(Exception):
    """An inline script on a page that is not one of the theme's."""

    def __init__(self, script: str) -> None:
        super().__init__(script)
        self.script = script


class InlineAssets:
    def __init__(self, theme_scripts: ThemeScripts | None = None) -> None:
        self.files: dict[str, bytes] = {}
        self.theme_scripts = theme_scripts or ThemeScripts()

    def externalise(self, html: str, root_prefix: str) -> str:
        """``root_prefix`` leads from the page to the site root: ``../../`` or ``/``.

        Raises ``ForeignScript`` for an inline script the theme's templates do not write.
        """

        def replace(match: re.Match[str]) -> str:
            is_script = match["script"] is not None
            if is_script and not self.theme_scripts.allows(match["script"]):
                raise ForeignScript(match["script"])
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
