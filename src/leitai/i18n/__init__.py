"""Words a person reads, chosen at the edge from gettext catalogues.

One catalogue serves the command line and the web: ``leitai/locale/<lang>/LC_MESSAGES/
django.po`` (compiled to ``.mo``), listed in Django's ``LOCALE_PATHS`` and read by the
command line through the standard library's :mod:`gettext`. Messages are written in
English as msgids; Simplified Chinese is the first translation and the default.

:func:`render` turns a :class:`~leitai.engine.problems.Problem` into a sentence using
the message of its code in :data:`leitai.i18n.problems.MESSAGES`.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the engine (and numpy) only for the types: the CLI imports words cheaply
    from leitai.engine.problems import Problem, Where

__all__ = ["LOCALE_DIR", "Translate", "render", "render_where", "translations", "translator"]

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

Translate = Callable[[str], str]

_LANGS = {"zh": "zh_Hans", "zh-hans": "zh_Hans", "zh_hans": "zh_Hans", "en": "en"}


@lru_cache(maxsize=8)
def translations(lang: str = "zh") -> _gettext.NullTranslations:
    """The catalogue of a language outside Django, with ``gettext`` and ``pgettext``
    (English, the msgids' language, is the catalogue that translates nothing)."""
    code = _LANGS.get(lang.lower(), lang)
    if code == "en":
        return _gettext.NullTranslations()
    return _gettext.translation("django", localedir=LOCALE_DIR, languages=[code])


@lru_cache(maxsize=8)
def translator(lang: str = "zh") -> Translate:
    """The gettext function of a language (``"zh"`` or ``"en"``) outside Django."""
    code = _LANGS.get(lang.lower(), lang)
    if code == "en":
        return lambda text: text
    return translations(lang).gettext


def render_where(where: Where, _: Translate) -> str:
    """The place of a problem as a phrase, e.g. ``data.xlsx，工作表“数据填报”，单元格 D6（地区生产总值增速）``."""
    from leitai.i18n.problems import where_parts

    return where_parts(where, _)


def render(problem: Problem, _: Translate, *, with_where: bool = True) -> str:
    """One problem as a sentence in the language of ``_`` (a gettext function)."""
    from leitai.i18n.problems import message

    text = message(problem, _)
    if not with_where:
        return text
    where = render_where(problem.where, _)
    return _("%(where)s: %(what)s") % {"where": where, "what": text} if where else text
