"""Text of the arena (擂台): repair damaged Chinese text and find the pledges in it.

Pure Python, no Django. :func:`repair` runs the named steps of :mod:`.repair` in
order and reports what each changed; :func:`read_text` takes plain text, DOCX, PPTX
or PDF; :func:`extract_pledges` proposes the quantified commitments (军令状) of
each speaker as targets.
"""

from __future__ import annotations

from leitai.text.pledges import Pledge, extract_pledges
from leitai.text.readers import TextReadError, read_text
from leitai.text.repair import STEPS, Repaired, repair

__all__ = [
    "STEPS",
    "Pledge",
    "Repaired",
    "TextReadError",
    "extract_pledges",
    "read_text",
    "repair",
]
