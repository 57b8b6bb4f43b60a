#!/usr/bin/env python3
"""Set up a fresh machine and run the example portal or the test suite.

    python3 scripts/dev.py serve   # venv + packages, then serve http://127.0.0.1:8000
    python3 scripts/dev.py build   # venv + packages, then build the portal into site/
    python3 scripts/dev.py test    # venv + packages + Debian chromium and nginx + old Chromium kernels, then the whole test suite
                                   # on ProperDocs, and the engine-dependent tests again on MkDocs
    python3 scripts/dev.py edit    # venv + packages + Decap CMS, then the editors' workspace (qinglian edit) on the example
    python3 scripts/dev.py wheelhouse [DIR]   # every package the portal needs, as wheels in DIR (default wheelhouse/),
                                              # for a server without internet access (docs/operators, 离线安装)

Only python3 and the package registries are needed. Chromium comes from Debian's
packages (apt-get, as root or through sudo); a browser is never downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
# Made on a connected machine and copied along: then nothing is fetched from a package index.
WHEELHOUSE = ROOT / "wheelhouse"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
# Every build typesets the study packs: WeasyPrint (from PyPI) draws with Debian's Pango and these fonts.
PACK_PACKAGES = ["fonts-noto-cjk", "fonts-lxgw-wenkai", "fonts-dejavu-core", "fontconfig", "libpango-1.0-0", "libpangoft2-1.0-0"]
DEBIAN_PACKAGES = ["chromium", "fonts-wqy-zenhei", "nginx", "brotli", "poppler-utils", "libreoffice-writer-nogui", *PACK_PACKAGES]
# npm fetches the old Chromium kernels of the browser matrix (brotli unpacks them). A machine
# with Node from elsewhere already has npm; Debian's npm package would conflict with it.
TOOLS = {"npm": "npm"}


# What depends on the engine: builds, the page cache and its replayed warnings, serve, publish (and its linked
# releases), hostile content, and the workers that render pages through the engine's page events.
OTHER_ENGINE_TESTS = ["tests/test_build.py", "tests/test_page_cache.py", "tests/test_serve.py", "tests/test_publish.py",
                      "tests/test_publish_incremental.py", "tests/test_hostile.py", "tests/test_cache_safety.py",
                      "tests/test_engines.py", "tests/test_parallel.py",
                      "tests/test_recorded_dependencies.py",
                      # Documents' bodies go through the engine's Markdown (qinglian.markdown); cache folders and the
                      # committed copy a publish builds are claimed and read through the engine's build.
                      "tests/test_markdown_dialect.py", "tests/test_cache_options.py", "tests/test_publish_committed.py"]


def run(*command: str | Path, **kwargs: object) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **kwargs)  # type: ignore[arg-type]


def ensure_venv(extras: str) -> None:
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    if WHEELHOUSE.is_dir() and not extras:
        # Offline: everything comes from the wheelhouse, the package index is never asked.
        run(BIN / "python", "-m", "pip", "install", "--quiet", "--no-index", "--find-links", WHEELHOUSE, "-e", str(ROOT))
        return
    run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", f"{ROOT}{extras}")


def make_wheelhouse(target: Path) -> None:
    """The portal's packages and everything they need, as wheels: for ``pip install --no-index``."""
    ensure_venv("")
    target.mkdir(parents=True, exist_ok=True)
    run(BIN / "python", "-m", "pip", "wheel", "--quiet", "--wheel-dir", target, str(ROOT))
    # What installing the project in editable mode builds it with (scripts/dev.py serve, offline).
    run(BIN / "python", "-m", "pip", "download", "--quiet", "--only-binary", ":all:", "--dest", target, "setuptools>=68", "wheel")
    # The editors' workspace's Decap CMS release, checked against npm's published hash when installed.
    run(BIN / "python", "-c", "import sys, urllib.request; from qinglian.workspace.bundle import URL, ARCHIVE; "
        "urllib.request.urlretrieve(URL, sys.argv[1] + '/' + ARCHIVE)", target)
    print(f"wheelhouse: {len(list(target.glob('*.whl')))} wheels in {target}", flush=True)


def ensure_cms() -> None:
    """Decap CMS for the editors' workspace (qinglian edit): the pinned release, checked, from npm or the wheelhouse."""
    check = subprocess.run([BIN / "python", "-c", "from qinglian.workspace.bundle import verified_folder; verified_folder()"], capture_output=True)
    if check.returncode == 0:
        return
    archives = sorted(WHEELHOUSE.glob("decap-cms-*.tgz")) if WHEELHOUSE.is_dir() else []
    run(BIN / "qinglian", "edit", "--install-cms", *(["--from", archives[-1]] if archives else []))


def ensure_debian_packages(names: list[str] = DEBIAN_PACKAGES, tools: dict[str, str] = TOOLS) -> None:
    missing = [name for name in names if subprocess.run(["dpkg", "-s", name], capture_output=True).returncode != 0]
    missing += [package for tool, package in tools.items() if shutil.which(tool) is None]
    if not missing:
        return
    if not shutil.which("apt-get"):
        print(f"Not a Debian system: install {', '.join(missing)} yourself; browser tests will skip.", file=sys.stderr)
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(*sudo, "apt-get", "update", "-qq", env=env)
    run(*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)


def main(argv: list[str]) -> int:
    action = argv[0] if argv else ""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if action == "serve":
        ensure_venv("")
        ensure_debian_packages(PACK_PACKAGES, {})
        run(BIN / "mkdocs", "serve", "--dev-addr", "127.0.0.1:8000", cwd=ROOT, env=env)
    elif action == "build":
        ensure_venv("")
        ensure_debian_packages(PACK_PACKAGES, {})
        run(BIN / "mkdocs", "build", "--strict", cwd=ROOT, env=env)
    elif action == "edit":
        ensure_venv("")
        ensure_debian_packages(PACK_PACKAGES, {})
        ensure_cms()
        run(BIN / "qinglian", "edit", *argv[1:], cwd=ROOT, env=env)
    elif action == "test":
        ensure_venv("[test]")
        ensure_cms()
        ensure_debian_packages()
        # Old headless Chromium builds for the browser matrix and axe-core for the accessibility
        # tests, both from the npm registry and cached outside the repository.
        run(BIN / "python", ROOT / "scripts" / "old_chromium.py", cwd=ROOT, env=env)
        run(BIN / "python", ROOT / "scripts" / "axe_core.py", cwd=ROOT, env=env)
        # The CommonMark specification's examples, the conformance set of documents' Markdown (from PyPI).
        run(BIN / "python", ROOT / "scripts" / "commonmark_spec.py", cwd=ROOT, env=env)
        # The whole suite on the default engine (ProperDocs, installed with the test extras), then the tests
        # that depend on the engine once more on MkDocs 1.6 (docs/operators, 引擎).
        run(BIN / "python", "-m", "pytest", *argv[1:], cwd=ROOT, env=env)
        run(BIN / "python", "-m", "pytest", *argv[1:], *OTHER_ENGINE_TESTS, cwd=ROOT, env={**env, "QINGLIAN_ENGINE": "mkdocs"})
    elif action == "wheelhouse":
        make_wheelhouse(Path(argv[1]).resolve() if len(argv) > 1 else WHEELHOUSE)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(exc.returncode)
    except KeyboardInterrupt:
        sys.exit(130)
