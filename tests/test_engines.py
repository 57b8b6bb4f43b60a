"""MkDocs and ProperDocs build the same portal: every file the same but the generator tag, cold and warm."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_BUILD_DATE, files_of

_GENERATOR = re.compile(rb'<meta name="generator" content="[^"]*">')


def build_with(engine: str, root: Path, site: str, caches: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_ENGINE": engine,
           "QINGLIAN_CACHE_DIR": str(caches)}
    return subprocess.run([sys.executable, "-m", engine, "build", "--strict", "-d", site], cwd=root, capture_output=True,
                          text=True, env=env, timeout=600)


def test_both_engines_build_the_same_files(portal, tmp_path: Path):
    pytest.importorskip("properdocs")
    pytest.importorskip("mkdocs")
    root = portal.root
    sites = {}
    for engine in ("mkdocs", "properdocs"):
        for run in ("cold", "warm"):
            result = build_with(engine, root, f"site-{engine}-{run}", tmp_path / f"caches-{engine}")
            assert result.returncode == 0, result.stderr[-3000:]
            sites[engine, run] = files_of(root / f"site-{engine}-{run}")
    expected = {name: _GENERATOR.sub(b"", data) for name, data in sites["mkdocs", "cold"].items()}
    for key, files in sites.items():
        assert sorted(files) == sorted(expected), key
        differing = [name for name, data in files.items() if _GENERATOR.sub(b"", data) != expected[name]]
        assert differing == [], (key, differing[:5])
    generators = {_GENERATOR.search(sites[e, "cold"]["index.html"]).group(0) for e in ("mkdocs", "properdocs")}
    assert len(generators) == 2 and any(b"ProperDocs" in g for g in generators)


def test_a_cache_filled_by_one_engine_is_not_reused_by_the_other(portal, tmp_path: Path):
    pytest.importorskip("properdocs")
    root = portal.root
    caches = tmp_path / "caches"
    assert build_with("mkdocs", root, "site-a", caches).returncode == 0
    switched = build_with("properdocs", root, "site-b", caches)
    assert switched.returncode == 0, switched.stderr[-2000:]
    # Every page rendered again: the engine is part of the cache key, so no page keeps MkDocs' generator tag.
    assert "0 个页面沿用缓存的正文" in switched.stderr, switched.stderr[-2000:]
    for name, data in files_of(root / "site-b").items():
        assert b'content="mkdocs-1' not in data, name


def test_publish_chooses_the_engine(portal, tmp_path: Path):
    pytest.importorskip("properdocs")
    root = portal.root
    env = {**os.environ, "QINGLIAN_BUILD_DATE": EXAMPLE_BUILD_DATE, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_CACHE_DIR": str(tmp_path / "c")}
    env.pop("QINGLIAN_ENGINE", None)
    for engine, tag in (("mkdocs", b'content="mkdocs-1.'), ("properdocs", b'ProperDocs 1.'), ("", b'ProperDocs 1.')):
        dest = tmp_path / f"www-{engine or 'default'}"
        args = ["publish", "--dest", str(dest), *(["--engine", engine] if engine else [])]
        result = subprocess.run([sys.executable, "-m", "qinglian.cli", *args], cwd=root, capture_output=True, text=True, env=env, timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        assert tag in (dest / "current" / "index.html").read_bytes(), engine
