"""Labels of the terminal, result books and slides: kept for the modules that import them
from here; the words live in the gettext catalogue, see :mod:`leitai.i18n.words`."""

from __future__ import annotations

from leitai.i18n.words import LABELS, arrow, label

__all__ = ["LABELS", "arrow", "label"]
