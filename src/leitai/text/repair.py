"""Repairing Chinese text that passed through too many systems: a pipeline of named steps.

Each step is a pure function ``str -> str`` listed in :data:`STEPS`, in the order
:func:`repair` runs them; each can be called and tested alone, and :func:`repair`
records which of them changed the text (like COINr's logged build steps):

1. ``mojibake`` — :func:`fix_mojibake`: ftfy for what it covers (UTF-8 read as
   Windows-1252/Latin-1), then GBK/UTF-8 confusions and GBK read one byte out of
   step, judged by a character-frequency model (:mod:`leitai.text.frequency`);
2. ``normalise`` — :func:`normalise`: Unicode NFC, control and zero-width characters
   removed, full-width letters and digits made half-width, and the commas, colons,
   semicolons and full stops between Chinese characters made Chinese;
3. ``pinyin`` — :func:`strip_pinyin`: pinyin glosses inserted after characters
   (``區(qū)``) removed, real parentheses (``区（市）``, ``(青岛日报)``) kept;
4. ``simplified`` — :func:`to_simplified`: traditional characters made simplified
   (OpenCC's ``t2s``).

What stays unrecoverable (U+FFFD, or ``?`` among Chinese characters where bytes were
lost) is listed in :attr:`Repaired.lost`, never guessed.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from leitai.text.frequency import char_logprob, mean_logprob

__all__ = [
    "STEPS",
    "Repaired",
    "fix_mojibake",
    "lost_spans",
    "normalise",
    "repair",
    "strip_pinyin",
    "to_simplified",
]

# A text longer than this is refused by the callers (about 200 pages of speech).
MAX_CHARS = 400_000

# ---------------------------------------------------------------------------
# 1. Mojibake

# A character this rare (natural log of its frequency) may belong to mojibake.
_RARE = -9.5
# A repair is kept only when it raises the mean log-frequency by this much ...
_GAIN = 0.5
# ... or by this much when the reading marks characters as lost that were not marked.
_GAIN_WITH_LOSS = 2.0
# ... and leaves text at least this plausible.
_PLAUSIBLE = -10.0


def _suspicious(char: str) -> bool:
    # U+FFFD marks bytes already lost (by the writer or by an earlier repair): it is no
    # evidence of a confusion still to undo, so a second repair leaves a first's output be.
    if char.isascii() or char in "，。、；：！？（）“”‘’《》…—·\ufffd":
        return False
    return char_logprob(char) < _RARE


# Mojibake of Chinese text hardly ever yields these: a stretch ends at them.
_BREAKS = "，。；：！？"


def _clusters(text: str) -> list[tuple[int, int]]:
    """Stretches of non-ASCII text dense in rare characters: where mojibake may be."""
    spans: list[tuple[int, int]] = []
    start = end = -1
    gap = 0
    count = 0
    for i, char in enumerate(text):
        if (char.isascii() and char != "?") or char in _BREAKS:
            if start >= 0 and count >= 2:
                spans.append((start, end))
            start, gap, count = -1, 0, 0
            continue
        if _suspicious(char):
            if start < 0:
                start = i
            end = i + 1
            count += 1
            gap = 0
        elif start >= 0:
            gap += 1
            if gap > 2:
                if count >= 2:
                    spans.append((start, end))
                start, gap, count = -1, 0, 0
    if start >= 0 and count >= 2:
        spans.append((start, end))
    return spans


def _gbk_bytes(text: str) -> bytes:
    """The text as GBK bytes; a character GBK lacks (U+FFFD) becomes 0xFF, invalid in both."""
    out = []
    for char in text:
        try:
            out.append(char.encode("gbk"))
        except UnicodeEncodeError:
            out.append(b"\xff")
    return b"".join(out)


def _collapse(text: str) -> str:
    """One U+FFFD for each stretch of lost bytes."""
    return re.sub(r"\ufffd[\ufffd?]*", "\ufffd", text)


def _readings(segment: str) -> list[str]:
    """The segment as it would read if each known confusion were undone."""
    readings = []
    raw = _gbk_bytes(segment)
    # UTF-8 bytes that were read as GBK.
    readings.append(_collapse(raw.decode("utf-8", errors="replace")))
    # GBK bytes read one byte out of step: the first byte belongs to a lost character.
    if len(raw) > 2:
        readings.append(_collapse("\ufffd" + raw[1:].decode("gbk", errors="replace")))
    # GBK bytes that were read as Latin-1 / Windows-1252 (ftfy leaves these).
    for codec in ("latin-1", "cp1252"):
        with contextlib.suppress(UnicodeEncodeError):
            readings.append(segment.encode(codec).decode("gbk", errors="replace"))
    return readings


def _plausibility(text: str) -> float:
    """Mean log-frequency; a lost character (U+FFFD) costs less than a wrong one."""
    lost = text.count("\ufffd")
    kept = [c for c in text if c != "\ufffd"]
    if not kept:
        return -16.0
    return (sum(char_logprob(c) for c in kept) - 10.0 * lost) / len(text)


def _beyond_gbk(char: str) -> bool:
    """A Chinese character GBK cannot encode. Bytes read as GBK never make one, so a
    stretch holding one is not a confusion this step can undo (OpenCC's simplified form
    of 鏉 is 𨱒, outside GBK: a second repair must leave it, not read it as lost)."""
    if "CJK" not in unicodedata.name(char, ""):
        return False
    try:
        char.encode("gbk")
    except UnicodeEncodeError:
        return True
    return False


def _best_repair(text: str, start: int, end: int) -> tuple[int, int, str] | None:
    """The most plausible reading of the cluster, its edges moved by a few characters."""
    best: tuple[float, int, int, str] | None = None
    for s in range(max(0, start - 4), start + 1):
        for e in range(end, min(len(text), end + 2) + 1):
            segment = text[s:e]
            if any((c.isascii() and c != "?") or c in "，。；：！？" for c in segment):
                continue
            if any(_beyond_gbk(c) for c in segment):
                continue
            before = _plausibility(segment)
            for reading in _readings(segment):
                if not reading:
                    continue
                score = _plausibility(reading)
                gain = (score - before) * len(segment)
                rare = sum(1 for c in reading if c != "\ufffd" and _suspicious(c))
                lost = reading.count("\ufffd") - segment.count("\ufffd")
                # A reading that loses characters must be clearly better, and mostly kept.
                needed = _GAIN if lost <= 0 else _GAIN_WITH_LOSS
                if lost > 0 and reading.count("\ufffd") * 3 > len(reading):
                    continue
                if not any(c not in "\ufffd?" for c in reading):
                    continue  # nothing read back: leave the stretch as it is
                if any(c.isascii() and c != "?" for c in reading):
                    continue  # the stretch has no ASCII: a reading that makes some is spurious
                if (
                    score - before >= needed
                    and score >= _PLAUSIBLE
                    and rare <= len(reading) // 4
                    and (best is None or gain > best[0])
                ):
                    best = (gain, s, e, reading)
    return None if best is None else best[1:]


def _fix_gbk(text: str) -> str:
    out = []
    last = 0
    for start, end in _clusters(text):
        if start < last:
            continue
        found = _best_repair(text, start, end)
        if found is None:
            continue
        s, e, reading = found
        s = max(s, last)
        out.append(text[last:s])
        out.append(reading)
        last = e
    out.append(text[last:])
    return "".join(out)


def _fix_latin1_runs(text: str) -> str:
    """Runs of Latin-1 letters that read as GBK (``Àî²×Çø`` → ``李沧区``)."""

    def fix(match: re.Match[str]) -> str:
        run = match.group(0)
        for codec in ("cp1252", "latin-1"):
            try:
                reading = run.encode(codec).decode("gbk")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
            if mean_logprob(reading) - mean_logprob(run) >= _GAIN:
                return reading
        return run

    return re.sub(
        r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2018-\u201e]{2,}", fix, text
    )


def fix_mojibake(text: str) -> str:
    """Undo encoding confusions where the bytes are still there.

    ftfy (``fix_encoding``) handles UTF-8 read as Windows-1252 or Latin-1. For Chinese
    it does not cover, stretches dense in rare characters are re-encoded and decoded
    the other way (UTF-8 read as GBK; GBK read one byte out of step; GBK read as
    Latin-1), and the reading kept is the one a character-frequency model finds
    clearly more plausible; text that is already plausible is left alone.

    Examples
    --------
    >>> fix_mojibake("鏉庢钵鍖哄皢鍔涗簤寮曡繘椤圭洰")
    '李沧区将力争引进项目'
    >>> fix_mojibake("李沧区力争引进项目")
    '李沧区力争引进项目'
    """
    import ftfy

    # C0 controls are never part of a confusion of encodings; they only split stretches.
    text = ftfy.fix_encoding(_CONTROL.sub("", text))
    text = _fix_latin1_runs(text)
    return _fix_gbk(text)


# ---------------------------------------------------------------------------
# 2. Unicode and punctuation

_INVISIBLE = re.compile(r"[\u200b-\u200f\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# Half-width punctuation after a Chinese character (and not between digits) → Chinese.
_PUNCT = {",": "，", ";": "；", ":": "：", "!": "！"}
_HALF_AFTER_HAN = re.compile(rf"(?<={_HAN})([,;:!])(?!\d)")
_STOP_AFTER_HAN = re.compile(rf"(?<={_HAN})\.(?=\s|$|{_HAN})")


def _half_width(char: str) -> str:
    code = ord(char)
    if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:
        return chr(code - 0xFEE0)
    if char == "\u3000":
        return " "
    return char


def normalise(text: str) -> str:
    """Unicode NFC; invisible and control characters dropped; widths of punctuation settled.

    Full-width letters and digits become half-width (``２０２３`` → ``2023``), the
    full-width percent sign and hyphens too; a half-width comma, semicolon, colon,
    exclamation mark or full stop right after a Chinese character becomes the Chinese
    one. Line ends become ``\\n``.

    Examples
    --------
    >>> normalise("力争引进项目２个以上,过３０亿项目5个.")
    '力争引进项目2个以上，过30亿项目5个。'
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", _INVISIBLE.sub("", text))
    text = "".join(_half_width(c) for c in text)
    text = text.replace("％", "%").replace("－", "-").replace("～", "~").replace("．", ".")
    text = _HALF_AFTER_HAN.sub(lambda m: _PUNCT[m.group(1)], text)
    return _STOP_AFTER_HAN.sub("。", text)


# ---------------------------------------------------------------------------
# 3. Pinyin glosses

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN = re.compile(
    rf"(?<=[\u3400-\u4dbf\u4e00-\u9fff])(?:\s?[(（]\s?"
    rf"(?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,6}}\s?[)）])+",
    re.IGNORECASE,
)


def strip_pinyin(text: str) -> str:
    """Remove pinyin glosses inserted after characters: ``經(jīng)濟(jì)`` → ``經濟``.

    A gloss is one Latin syllable with a tone mark in parentheses right after a Chinese
    character; anything else in parentheses stays (``区（市）``, ``(青岛日报)``, ``(GDP)``).

    Examples
    --------
    >>> strip_pinyin("區(qū)委書(shū)記(jì)")
    '區委書記'
    >>> strip_pinyin("各区（市）(青岛日报)")
    '各区（市）(青岛日报)'
    """
    return _PINYIN.sub("", text)


# ---------------------------------------------------------------------------
# 4. Traditional to simplified


@lru_cache(maxsize=1)
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters to simplified ones (OpenCC ``t2s``); simplified text stays.

    Examples
    --------
    >>> to_simplified("區委書記確保開工")
    '区委书记确保开工'
    """
    return _converter().convert(text)  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------
# The pipeline

STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("mojibake", fix_mojibake),
    ("normalise", normalise),
    ("pinyin", strip_pinyin),
    ("simplified", to_simplified),
)

_LOST = re.compile(rf"\ufffd+|(?<={_HAN})\?+|\?+(?={_HAN})")


def lost_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where bytes were lost: runs of U+FFFD, and ``?`` next to a Chinese character."""
    return tuple(m.span() for m in _LOST.finditer(text))


@dataclass(frozen=True)
class Repaired:
    """The outcome of :func:`repair`.

    Attributes
    ----------
    original : str
        The text as given.
    text : str
        The repaired text.
    changed : tuple of str
        The names of the steps that changed the text, in order.
    lost : tuple of (int, int)
        Spans of :attr:`text` that stay unrecoverable.
    """

    original: str
    text: str
    changed: tuple[str, ...]
    lost: tuple[tuple[int, int], ...]


def repair(text: str) -> Repaired:
    """Run every step of :data:`STEPS` in order.

    Examples
    --------
    >>> r = repair("李滄區(qū)力爭全年引進項(xiàng)目２個以上")
    >>> r.text
    '李沧区力争全年引进项目2个以上'
    >>> r.changed
    ('normalise', 'pinyin', 'simplified')
    """
    changed = []
    current = text
    for name, step in STEPS:
        after = step(current)
        if after != current:
            changed.append(name)
        current = after
    return Repaired(text, current, tuple(changed), lost_spans(current))
