"""Theme fragments rendered once per folder (theme/main.html, incremental/fragment_cache.py) are what each page would render."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from conftest import EXAMPLE_BUILD_DATE, MKDOCS, REPO, assert_same_site
from qinglian.incremental.fragment_cache import EVERY_TIME_VARIABLE


def build(root: Path, site: str, caches: Path, **extra: str) -> Path:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, "QINGLIAN_CACHE_DIR": str(caches), **extra}
    result = subprocess.run([*MKDOCS, "build", "--strict", "-d", site], cwd=root, capture_output=True, text=True, env=env, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return root / site


def test_a_build_that_renders_every_fragment_for_every_page_is_the_same(tmp_path: Path) -> None:
    root = tmp_path / "portal"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # Separate caches: neither build may take the other's pages.
    every = build(root, "site-every", tmp_path / "caches-every", **{EVERY_TIME_VARIABLE: "1"})
    shared = build(root, "site-shared", tmp_path / "caches-shared")
    assert_same_site(every, shared)
    # The shared fragments are really there: document pages of one folder carry the same footer and scripts.
    pages = sorted((shared / "cases").glob("*/index.html"))
    assert len(pages) >= 3
    tails = {page.read_text(encoding="utf-8").rsplit("</main>", 1)[1] for page in pages}
    assert len(tails) == 1
