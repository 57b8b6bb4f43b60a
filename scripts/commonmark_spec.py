#!/usr/bin/env python3
"""Fetch the CommonMark specification's examples, the conformance set of the documents' Markdown.

    python3 scripts/commonmark_spec.py     # prints the path of commonmark.json

The examples come as JSON inside the source distribution of mistletoe on PyPI (a Markdown
parser that tests itself against them); pip downloads it, the file is checked against its
pinned hash and kept outside the repository in ~/.cache/qinglian/commonmark-spec/.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "mistletoe==1.6.0"
MEMBER = "mistletoe-1.6.0/test/specification/commonmark.json"
SHA256 = "d85ad6c0bbd9a0125f4039e85e55afe6d0252964a246ac45ad735ccff71893f9"


def spec_path() -> Path:
    configured = os.environ.get("QINGLIAN_COMMONMARK_SPEC")
    root = Path(configured) if configured else Path.home() / ".cache" / "qinglian" / "commonmark-spec"
    return root / SHA256[:12] / "commonmark.json"


def install() -> Path:
    target = spec_path()
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == SHA256:
        return target
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(work), PACKAGE],
                       check=True)
        with tarfile.open(next(work.glob("mistletoe-*.tar.gz"))) as tar:
            data = tar.extractfile(MEMBER).read()  # type: ignore[union-attr]
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise SystemExit(f"{PACKAGE}: {MEMBER} does not match its pinned hash")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


if __name__ == "__main__":
    print(f"CommonMark examples: {install()}")
