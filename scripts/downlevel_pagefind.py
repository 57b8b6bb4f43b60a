#!/usr/bin/env python3
"""Down-level Pagefind's browser script to ES2017 for the readers' old Chromium kernels.

    python3 scripts/downlevel_pagefind.py path/to/site/pagefind/<shard>/pagefind.js

Pagefind ships pagefind.js as ES2020 (optional chaining, ``??``), which Chromium 79 and
older cannot parse. This developer tool runs esbuild (from the npm registry, through npx)
once per Pagefind release and writes the result into the package, with the SHA-256 of
the script it came from. Builds then swap the committed copy in whenever Pagefind writes
that exact script, so operators need neither Node nor esbuild.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_FOLDER = ROOT / "plugins" / "qinglian" / "assets" / "pagefind"
ESBUILD = "esbuild@0.28.2"
# search.js loads the script with a plain <script> element and finds the API under this name.
GLOBAL_NAME = "qinglianPagefind"


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    source = Path(argv[0])
    data = source.read_bytes()
    version = re.match(rb'const pagefind_version="([0-9.]+)"', data)
    if not version:
        print(f"{source}: not a Pagefind pagefind.js", file=sys.stderr)
        return 1
    result = subprocess.run(
        ["npx", "--yes", ESBUILD, "--target=es2017", "--format=iife", f"--global-name={GLOBAL_NAME}", "--log-level=error"],
        input=data, capture_output=True, check=True,
    )
    digest = hashlib.sha256(data).hexdigest()
    name = version[1].decode()
    header = (
        f"/* Pagefind {name}'s pagefind.js (MIT licence, CloudCannon), down-levelled to an ES2017 classic script by scripts/downlevel_pagefind.py.\n"
        f"   source-sha256: {digest} */\n"
    )
    target = TARGET_FOLDER / f"pagefind-{name}.es2017.js"
    target.write_bytes(header.encode() + result.stdout)
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
