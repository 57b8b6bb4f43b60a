"""HTML to PDF with WeasyPrint: the fonts checked first, nothing fetched but the project's own files."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

# The free fonts the pack stylesheet names, and the Debian package that brings each.
FONTS = {
    "Noto Serif CJK SC": "fonts-noto-cjk",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "LXGW WenKai": "fonts-lxgw-wenkai",
    "DejaVu Serif": "fonts-dejavu-core",
}
INSTALL_HINT = "请运行 python3 scripts/dev.py setup，或手动安装：pip install weasyprint；apt-get install {packages}。"


class PackToolMissing(Exception):
    """WeasyPrint or a font is not installed: the operator installs it; the message names the package."""


def stylesheet() -> str:
    return resources.files(__package__).joinpath("pack.css").read_text(encoding="utf-8")


def _font_file(family: str) -> Path | None:
    """The file fontconfig gives for ``family``, when it really is that family (fontconfig substitutes otherwise)."""
    if shutil.which("fc-match") is None:  # fontconfig's tools: the message then names the fonts' packages
        return None
    found = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True, text=True, check=False)
    names, _, file = found.stdout.partition("\n")
    return Path(file) if family in names.split(",") and file else None


def font_files() -> dict[str, Path]:
    """Each font family the packs print with, and its file; ``PackToolMissing`` names what to install."""
    files = {family: _font_file(family) for family in FONTS}
    missing = sorted({FONTS[family] for family, file in files.items() if file is None} | (set() if shutil.which("fc-match") else {"fontconfig"}))
    if missing:
        names = "、".join(family for family, file in files.items() if file is None)
        raise PackToolMissing(f"生成学习资料汇编需要字体 {names}，本机没有。" + INSTALL_HINT.format(packages=" ".join(missing)))
    return {family: file for family, file in files.items() if file is not None}


def typesetter_version() -> str:
    try:
        import weasyprint
    except ImportError:
        raise PackToolMissing("生成学习资料汇编需要 WeasyPrint，本机没有。" + INSTALL_HINT.format(packages=" ".join(sorted(set(FONTS.values()))))) from None
    return str(weasyprint.__version__)


def tool_fingerprint() -> str:
    """What else than a pack's HTML decides its bytes: the typesetter, the stylesheet and the font files."""
    parts = [typesetter_version(), stylesheet()]
    for family, file in sorted(font_files().items()):
        stat = file.stat()
        parts.append(f"{family}={file}:{stat.st_size}:{stat.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def _local_fetcher(roots: tuple[Path, ...]) -> Any:
    """A fetcher that serves files under ``roots`` (no links followed) and data: URLs, and refuses every host."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            parsed = urlparse(url)
            if parsed.scheme == "data":
                return super().fetch(url, headers)
            if parsed.scheme == "file" and not parsed.netloc:
                path = Path(unquote(parsed.path))
                if any(part == ".." for part in path.parts) or not path.is_file():
                    raise ValueError(f"not a file: {url}")
                real = path.resolve()
                if real == path and any(real.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"refused: {url}")

    return LocalFetcher(allowed_protocols=("file", "data"))


def typeset(html: str, base: Path, roots: tuple[Path, ...]) -> tuple[bytes, int]:
    """The PDF of ``html`` and its page count; images resolve against ``base`` inside ``roots``."""
    import weasyprint

    # WeasyPrint reports each refused or missing image as a warning; the pack prints without it.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    fetcher = _local_fetcher(tuple(root.resolve() for root in roots))
    document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher).render(
        stylesheets=[weasyprint.CSS(string=stylesheet())], pdf_tags=True,
    )
    return document.write_pdf(pdf_tags=True), len(document.pages)
