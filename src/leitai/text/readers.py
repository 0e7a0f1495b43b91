"""Reading the text out of what an office receives: plain text, DOCX, PPTX and PDF.

Every reader is bounded: the file's size (:data:`MAX_BYTES`), the pages or slides
read (:data:`MAX_PAGES`) and the characters kept (:data:`MAX_CHARS`). Bytes of plain
text are decoded as UTF-8 and, failing that, as GB18030; what neither decodes is
replaced by U+FFFD and left to :mod:`leitai.text.repair` to mark as lost.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from leitai.engine.errors import LeitaiError
from leitai.engine.problems import Problem, Where

__all__ = ["MAX_BYTES", "MAX_CHARS", "MAX_PAGES", "TextReadError", "read_text", "text_from_bytes"]

MAX_BYTES = 20 * 1024 * 1024
MAX_PAGES = 300
MAX_CHARS = 400_000
# DOCX and PPTX are zip files: refuse one that would unpack to more than this.
MAX_UNPACKED = 200 * 1024 * 1024
KINDS = (".txt", ".md", ".docx", ".pptx", ".pdf")


class TextReadError(LeitaiError):
    """A text that cannot be read: too large, of an unknown kind, or damaged."""


def _problem(code: str, name: str, **params: object) -> TextReadError:
    return TextReadError([Problem(code, Where(file=name), params)])


def _plain(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def _check_zip(data: bytes) -> None:
    """Refuse a zip bomb before a parser unpacks it."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if len(entries) > 10_000 or sum(e.file_size for e in entries) > MAX_UNPACKED:
            raise ValueError("unpacks too large")


def _docx(data: bytes) -> str:
    import docx

    _check_zip(data)
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("，".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _pptx(data: bytes) -> str:
    from pptx import Presentation

    _check_zip(data)
    deck = Presentation(io.BytesIO(data))
    parts: list[str] = []
    for number, slide in enumerate(deck.slides):
        if number >= MAX_PAGES:
            break
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.extend(p.text for p in shape.text_frame.paragraphs)
        parts.append("")
    return "\n".join(parts)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    parts = []
    for number, page in enumerate(reader.pages):
        if number >= MAX_PAGES:
            break
        parts.append(page.extract_text() or "")
    return "\n".join(parts)


_READERS = {".txt": _plain, ".md": _plain, ".docx": _docx, ".pptx": _pptx, ".pdf": _pdf}


def text_from_bytes(data: bytes, name: str, *, max_chars: int = MAX_CHARS) -> str:
    """The text of a file given as bytes; ``name``'s suffix says which kind it is.

    Raises
    ------
    TextReadError
        ``text.too_large``, ``text.unknown_kind`` or ``text.unreadable``.
    """
    suffix = Path(name).suffix.lower() or ".txt"
    if len(data) > MAX_BYTES:
        raise _problem("text.too_large", name, size=len(data), limit=MAX_BYTES)
    reader = _READERS.get(suffix)
    if reader is None:
        raise _problem("text.unknown_kind", name, found=suffix, expected=", ".join(KINDS))
    try:
        text = reader(data)
    except Exception as error:  # any parser failure is the file's problem
        raise _problem("text.unreadable", name, detail=type(error).__name__) from None
    if len(text) > max_chars:
        raise _problem("text.too_long", name, size=len(text), limit=max_chars)
    return text


def read_text(path: str | os.PathLike[str]) -> str:
    """The text of a ``.txt``, ``.md``, ``.docx``, ``.pptx`` or ``.pdf`` file.

    Examples
    --------
    >>> from leitai.demo import demo_dir
    >>> read_text(demo_dir() / "arena-speech.txt")[:4]
    '书记擂台'
    """
    path = Path(path)
    if path.stat().st_size > MAX_BYTES:
        raise _problem("text.too_large", path.name, size=path.stat().st_size, limit=MAX_BYTES)
    return text_from_bytes(path.read_bytes(), path.name)
