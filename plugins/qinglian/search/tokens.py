"""How text becomes index tokens — the same rules as ``tokens`` in assets/search.js.

Text is normalised (NFKC, lower case: full-width digits and letters become ASCII). Each Han
character is one *symbol*, and so is each run of ASCII letters and digits (2024, xx); anything
else separates. A *run* is a stretch of symbols with nothing between them. The tokens of a run
are its single symbols, its pairs and its triples, each written as the symbols run together
(八, 八项, 八项规; 2024, 2024年, 2024年度).

Pairs find every page holding all the characters of a phrase in order pairwise, whatever the
context; triples tell the pages that hold the phrase itself apart from those that only hold
its pairs scattered about, without storing where each pair occurs. A phrase of up to three
symbols is matched exactly; a longer one needs every triple it is made of, and the browser
confirms it on the page text before it shows the result above the dividing line.

Symbols are numbered for fast counting with numpy: a Han character by its code point (below
2**18), an ASCII word by 2**18 plus its place in a ``WordTable``. A token is a 63-bit key:
up to three 21-bit symbol numbers.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))
HAN_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_ASCII_WORD = re.compile(r"[0-9a-z]+")
# Stands for one ASCII word while the text is turned into numbers; never left in a text.
_WORD_MARK = "\ue000"
_WORD_BASE = 1 << 18
_SYMBOL_BITS = 21
_SYMBOL_MASK = (1 << _SYMBOL_BITS) - 1
MAX_WORDS = (1 << _SYMBOL_BITS) - _WORD_BASE


class WordLimit(ValueError):
    """An index would hold more distinct ASCII words than its token keys can number.

    ``args[0]``: the addresses of the pages that brought the most new words, the last one read first.
    """


class WordTable:
    """Numbers for the ASCII words of one index, in the order they are first met."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.words: list[str] = []

    def number(self, word: str) -> int:
        found = self.numbers.get(word)
        if found is None:
            if len(self.words) >= MAX_WORDS:
                raise WordLimit([])
            found = self.numbers[word] = _WORD_BASE + len(self.words)
            self.words.append(word)
        return found

    def symbol(self, number: int) -> str:
        return chr(number) if number < _WORD_BASE else self.words[number - _WORD_BASE]


# Where NFKC can turn a character into a letter, digit or Han character: Latin-1 to CJK
# compatibility (①, ㈠, ㎡), compatibility ideographs, full-width forms, mathematical letters.
# Han text never changes, and the common quotation marks, dashes and CJK brackets left out
# here change, if at all, into other punctuation, which separates all the same; normalising
# only these stretches gives the symbols of full NFKC much faster.
_COMPATIBLE = re.compile(
    "[\u00a0-\u200f\u2028-\u3000\u3004-\u3007\u3012\u3013\u3020-\u33ff\uf900-\uffef"
    "\U0001d400-\U0001d7ff\U0002f800-\U0002fa1f]+"
)


def normalise(text: str) -> str:
    return _COMPATIBLE.sub(lambda stretch: unicodedata.normalize("NFKC", stretch[0]), text).lower()


def symbol_numbers(text: str, words: WordTable) -> np.ndarray:
    """One number per character position of the normalised text; 0 where runs break."""
    text = normalise(text).replace(_WORD_MARK, " ")
    found = _ASCII_WORD.findall(text)
    if found:
        text = _ASCII_WORD.sub(_WORD_MARK, text)
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    han = np.zeros(points.shape, dtype=bool)
    for low, high in _HAN_RANGES:
        han |= (points >= low) & (points <= high)
    numbers = np.where(han, points, 0)
    if found:
        numbers[points == ord(_WORD_MARK)] = [words.number(word) for word in found]
    return numbers


def token_keys(numbers: np.ndarray) -> np.ndarray:
    """The distinct tokens (single symbols, pairs, triples) of the runs, as sorted keys."""
    first, second, third = numbers[:-2], numbers[1:-1], numbers[2:]
    pairs_left, pairs_right = numbers[:-1], numbers[1:]
    singles = numbers[numbers > 0]
    pairs = (pairs_left << _SYMBOL_BITS | pairs_right)[(pairs_left > 0) & (pairs_right > 0)]
    triples = (first << 2 * _SYMBOL_BITS | second << _SYMBOL_BITS | third)[(first > 0) & (second > 0) & (third > 0)]
    keys = np.concatenate([singles, pairs, triples])
    keys.sort()
    if len(keys) < 2:
        return keys
    # Faster than np.unique on arrays of this size (a few thousand keys).
    return keys[np.concatenate(([True], keys[1:] != keys[:-1]))]


def key_text(key: int, words: WordTable) -> str:
    """The token a key stands for, as the browser writes it."""
    symbols = []
    while key:
        symbols.append(words.symbol(key & _SYMBOL_MASK))
        key >>= _SYMBOL_BITS
    return "".join(reversed(symbols))


def bucket_of(token: str, buckets: int) -> int:
    """FNV-1a over the token's UTF-16 code units, as the browser computes it; ``buckets`` is a power of two."""
    value = 0x811C9DC5
    data = token.encode("utf-16-le")
    for index in range(0, len(data), 2):
        value ^= data[index] | data[index + 1] << 8
        value = (value * 0x01000193) & 0xFFFFFFFF
    return value & (buckets - 1)
