#!/usr/bin/env python3
"""Fetch the old headless Chromium builds that readers' browsers are built on.

    python3 scripts/old_chromium.py          # install every kernel of the matrix, print where

360安全浏览器 12 runs a Chromium 78 kernel, 360 13 and 360企业版 Chromium 86, 奇安信 on UOS
Chromium 90. The npm package chrome-aws-lambda ships one headless Chromium per release
(brotli-compressed in bin/chromium.br); ``npm pack`` fetches it from the npm registry and
``brotli -d`` unpacks it. The builds are kept outside the repository, in
~/.cache/qinglian/old-chromium/<major>/ (or $QINGLIAN_OLD_CHROMIUM), and reused.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

# Chromium major version -> chrome-aws-lambda release that carries it.
KERNELS = {67: "67.0.3372", 79: "2.0.2", 86: "5.3.1", 90: "8.0.2"}


def cache_root() -> Path:
    configured = os.environ.get("QINGLIAN_OLD_CHROMIUM")
    return Path(configured) if configured else Path.home() / ".cache" / "qinglian" / "old-chromium"


def executable(major: int) -> Path:
    return cache_root() / str(major) / "chromium"


def install(major: int) -> Path:
    target = executable(major)
    if target.is_file():
        return target
    folder = target.parent
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run(["npm", "pack", "--silent", f"chrome-aws-lambda@{KERNELS[major]}"], cwd=work, check=True, stdout=subprocess.DEVNULL)
        archive = next(work.glob("chrome-aws-lambda-*.tgz"))
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        staging = work / "staging"
        staging.mkdir()
        binaries = work / "package" / "bin"
        subprocess.run(["brotli", "-d", "-f", str(binaries / "chromium.br"), "-o", str(staging / "chromium")], check=True)
        (staging / "chromium").chmod(0o755)
        # Later releases keep the shared libraries they need (NSS and others) in aws.tar.br.
        if (binaries / "aws.tar.br").is_file():
            subprocess.run(["brotli", "-d", "-f", str(binaries / "aws.tar.br"), "-o", str(work / "aws.tar")], check=True)
            with tarfile.open(work / "aws.tar") as tar:
                tar.extractall(staging, filter="data")
        folder.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.move(str(staging), folder)
    return target


def main() -> int:
    missing = [tool for tool in ("npm", "brotli") if shutil.which(tool) is None]
    if missing:
        print(f"{' and '.join(missing)} missing: the old-kernel browser tests will skip.", file=sys.stderr)
        return 1 if os.environ.get("CI") else 0
    for major in KERNELS:
        print(f"Chromium {major}: {install(major)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
