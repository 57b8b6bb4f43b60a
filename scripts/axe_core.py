#!/usr/bin/env python3
"""Fetch axe-core, the accessibility rules engine the tests inject into pages.

    python3 scripts/axe_core.py     # prints the path of axe.min.js

``npm pack`` takes the package from the npm registry; the script is kept outside the
repository in ~/.cache/qinglian/axe-core/<version>/ (or $QINGLIAN_AXE_CORE) and reused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VERSION = "4.14.1"


def script_path() -> Path:
    configured = os.environ.get("QINGLIAN_AXE_CORE")
    root = Path(configured) if configured else Path.home() / ".cache" / "qinglian" / "axe-core"
    return root / VERSION / "axe.min.js"


def install() -> Path:
    target = script_path()
    if target.is_file():
        return target
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(["npm", "pack", "--silent", f"axe-core@{VERSION}"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        with tarfile.open(next(work.glob("axe-core-*.tgz"))) as tar:
            tar.extractall(work, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(work / "package" / "axe.min.js", target)
    return target


def main() -> int:
    if shutil.which("npm") is None:
        print("npm missing: the accessibility tests will skip.", file=sys.stderr)
        return 1 if os.environ.get("CI") else 0
    print(f"axe-core {VERSION}: {install()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
