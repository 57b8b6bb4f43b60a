"""An intranet server without internet access installs the portal from a wheelhouse made elsewhere."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")


def test_a_wheelhouse_installs_and_builds_the_portal_with_no_package_index(tmp_path: Path):
    wheelhouse = tmp_path / "wheelhouse"
    made = subprocess.run([sys.executable, str(REPO / "scripts/dev.py"), "wheelhouse", str(wheelhouse)], capture_output=True, text=True, timeout=900)
    assert made.returncode == 0, made.stderr[-3000:]
    assert any(path.name.startswith("qinglian-") for path in wheelhouse.glob("*.whl"))
    target = tmp_path / "server-venv"
    venv.EnvBuilder(with_pip=True).create(target)
    python = target / "bin/python"
    # No index, and none reachable: the proxy points nowhere.
    env = {**os.environ, "PIP_INDEX_URL": "http://127.0.0.1:9/", "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse)}
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheelhouse), "qinglian"],
        capture_output=True, text=True, timeout=900, env=env,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]
    site = tmp_path / "portal"
    for name in ("docs", "content"):
        shutil.copytree(REPO / name, site / name)
    shutil.copy(REPO / "mkdocs.yml", site / "mkdocs.yml")
    built = subprocess.run([str(target / "bin/mkdocs"), "build", "--strict"], cwd=site, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "QINGLIAN_BUILD_DATE": "2026-11-20T10:00"})
    assert built.returncode == 0, built.stderr[-3000:]
    assert (site / "site/index.html").is_file()
    # The editors' workspace's Decap CMS comes from the wheelhouse too, checked against npm's hash.
    archives = list(wheelhouse.glob("decap-cms-*.tgz"))
    assert len(archives) == 1
    cms = subprocess.run([str(target / "bin/qinglian"), "edit", "--install-cms", "--from", str(archives[0])],
                         capture_output=True, text=True, timeout=300, env=env)
    assert cms.returncode == 0, cms.stderr
    assert (target / "share/qinglian/decap-cms-3.16.3/decap-cms.js").is_file()
    static = list((target / "lib").glob("python3*/site-packages/qinglian/workspace/static/workspace.js"))
    assert static, "the workspace's own pages are part of the wheel"
