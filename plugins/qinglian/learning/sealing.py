"""An exam's answer key, sealed so that "view source" shows neither answers nor readable text.

Everything a static page needs to score itself is in the page, so this cannot stop a reader who
runs the page's own script by hand; it stops the answers being read off the source or found with
the browser's search before handing in (docs/editors/quiz.md, 考试模式). ``unseal`` in quiz.js is
the inverse; both use the same 32-bit xorshift stream seeded from the quiz.
"""

from __future__ import annotations

import base64

_MASK = 0xFFFFFFFF


def seed_of(text: str) -> int:
    """FNV-1a over the text's UTF-16 code units, as JavaScript sees a string."""
    value = 0x811C9DC5
    encoded = text.encode("utf-16-le")
    for index in range(0, len(encoded), 2):
        value ^= encoded[index] | (encoded[index + 1] << 8)
        value = (value * 0x01000193) & _MASK
    return value or 1


def _stream(seed: int, length: int) -> bytes:
    state = seed
    out = bytearray()
    while len(out) < length:
        state ^= (state << 13) & _MASK
        state ^= state >> 17
        state ^= (state << 5) & _MASK
        out.append(state & 0xFF)
    return bytes(out)


def seal(data: bytes, seed_text: str) -> str:
    stream = _stream(seed_of(seed_text), len(data))
    return base64.b64encode(bytes(a ^ b for a, b in zip(data, stream))).decode("ascii")


def unseal(sealed: str, seed_text: str) -> bytes:
    data = base64.b64decode(sealed)
    return bytes(a ^ b for a, b in zip(data, _stream(seed_of(seed_text), len(data))))
