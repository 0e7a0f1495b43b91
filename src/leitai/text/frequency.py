"""A Chinese character-frequency model built from jieba's dictionary at import.

jieba ships ``dict.txt`` (about 350,000 words with corpus counts); summing each
word's count over its characters gives a character unigram model good enough to
tell Chinese text from mojibake: real text scores about -6 to -8 nats a character,
GBK/UTF-8 mojibake about -11 or less. Nothing is downloaded.
"""

from __future__ import annotations

import math
from collections import Counter
from functools import lru_cache

__all__ = ["char_logprob", "mean_logprob"]

# The score of a character never seen (rare Han, private use, replacement character).
_UNSEEN = -16.0
# Characters outside the Han range that real text is made of: scored as common.
_NEUTRAL = -6.0


@lru_cache(maxsize=1)
def _table() -> dict[str, float]:
    from importlib import resources

    counts: Counter[str] = Counter()
    with (resources.files("jieba") / "dict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            word, count = parts[0], int(parts[1])
            for char in word:
                counts[char] += count
    total = sum(counts.values())
    return {char: math.log(count / total) for char, count in counts.items()}


def is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2FFFF


@lru_cache(maxsize=1)
def _simplify() -> object:
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def char_logprob(char: str) -> float:
    """Natural log of the character's frequency; ASCII and punctuation count as common.

    A traditional character scores as its simplified form does, so that text in
    traditional characters is not taken for mojibake.
    """
    if char == "\ufffd":
        return _UNSEEN
    table = _table()
    simple = _simplify().convert(char)  # type: ignore[attr-defined]
    # jieba's dictionary holds a few traditional words, with small counts.
    known = [table[c] for c in (char, simple) if c in table]
    if known:
        return max(known)
    code = ord(char)
    # Full-width letters are rare in real text and common in GBK read out of step.
    if (
        char.isascii()
        or 0x3000 <= code <= 0x303F
        or (0xFF00 <= code <= 0xFF65 and not char.isalpha())
    ):
        return _NEUTRAL
    return _UNSEEN


def mean_logprob(text: str) -> float:
    """The mean of :func:`char_logprob` over the text; 0 for an empty text."""
    if not text:
        return 0.0
    return sum(char_logprob(c) for c in text) / len(text)
