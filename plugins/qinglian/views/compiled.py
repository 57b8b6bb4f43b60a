"""Compiled Jinja templates kept for the life of the process.

A preview server rebuilds the portal after every save with fresh template environments;
compiling the same templates again took a tenth of such a rebuild. Jinja checks each
template's source against the stored checksum, so an edited template is compiled anew.
"""

from __future__ import annotations

import jinja2
from jinja2.bccache import Bucket


class CompiledTemplates(jinja2.BytecodeCache):
    def __init__(self) -> None:
        self._stored: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = self._stored.get(bucket.key)
        if stored is not None:
            bucket.bytecode_from_string(stored)

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._stored[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self._stored.clear()


COMPILED_TEMPLATES = CompiledTemplates()
