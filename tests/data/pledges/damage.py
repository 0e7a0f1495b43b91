"""Make the damaged variants of the corpus texts (run once; the output is committed).

``python tests/data/pledges/damage.py`` writes, for every ``<name>.txt``:

- ``<name>.trad.txt``: traditional characters (OpenCC ``s2t``), pinyin glosses after
  some characters (``區(qū)``), full-width digits and half-width commas and colons;
- ``<name>.mojibake.txt``: two stretches of UTF-8 read as GBK, one stretch of GBK
  read one byte out of step, and two characters lost to ``?``.

The positions are drawn with a fixed seed per text, anywhere in the text after its
first line: the damage may hit a unit's name or a figure, as real damage does.
"""

from __future__ import annotations

import random
from pathlib import Path

import opencc

HERE = Path(__file__).resolve().parent
# Traditional character -> pinyin with its tone mark, for the glosses.
PINYIN = {
    "區": "qū",
    "經": "jīng",
    "濟": "jì",
    "項": "xiàng",
    "目": "mù",
    "書": "shū",
    "記": "jì",
    "企": "qǐ",
    "業": "yè",
    "新": "xīn",
    "建": "jiàn",
    "確": "què",
}
FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def traditional(text: str, rng: random.Random) -> str:
    text = opencc.OpenCC("s2t").convert(text)
    out = []
    for char in text:
        out.append(char)
        if char in PINYIN and rng.random() < 0.5:
            out.append(f"({PINYIN[char]})")
    text = "".join(out)
    text = text.replace("，", ",", 3).replace("：", ":", 2)
    return text.translate(FULL)


def _span(text: str, rng: random.Random, length: int) -> tuple[int, int]:
    first = text.index("\n") + 1
    while True:
        start = rng.randrange(first, len(text) - length)
        segment = text[start : start + length]
        if "\n" not in segment and all(not c.isascii() for c in segment):
            return start, start + length


def mojibake(text: str, rng: random.Random) -> str:
    for _ in range(2):
        s, e = _span(text, rng, rng.randrange(4, 9))
        text = text[:s] + text[s:e].encode("utf-8").decode("gbk", errors="replace") + text[e:]
    s, e = _span(text, rng, 10)
    raw = text[s:e].encode("gbk", errors="replace")
    cut = rng.randrange(1, len(raw) - 1)
    text = text[:s] + (raw[:cut] + raw[cut + 1 :]).decode("gbk", errors="replace") + text[e:]
    for _ in range(2):
        s, e = _span(text, rng, 1)
        text = text[:s] + "?" + text[e:]
    return text


def main() -> None:
    for path in sorted(HERE.glob("*.txt")):
        if path.stem.count(".") or path.name == "README.txt":
            continue
        text = path.read_text(encoding="utf-8")
        seed = sum(map(ord, path.stem))
        (HERE / f"{path.stem}.trad.txt").write_text(
            traditional(text, random.Random(seed)), encoding="utf-8"
        )
        (HERE / f"{path.stem}.mojibake.txt").write_text(
            mojibake(text, random.Random(seed + 1)), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
