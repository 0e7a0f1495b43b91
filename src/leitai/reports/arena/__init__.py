"""The arena deck (书记擂台): a PPTX presentation built from a period's result.

One title slide, one overview of the league table, then for each unit, in the order
it comes on stage, a section: a divider with its name and rank and three slides,
晒成绩 (results: rank and change, flags, stars, strongest indicators), 查不足
(shortfalls: weakest indicators, stars lost, targets in red) and 谈举措 (measures: its
targets and pledges with their numbers and progress).

Three steps, each its own module:

- :mod:`.shape` turns typed inputs (the result, a :class:`~leitai.engine.scheme.Scheme`,
  the targets' :class:`~leitai.engine.targets.Progress`, a :class:`Session`) into slide
  models, with every word from the gettext catalogue;
- :mod:`.deck` draws the models on the layouts of ``template.pptx`` (the red band, gold
  titles, Microsoft YaHei, footer and numbering; built by ``_make_template.py``);
- :func:`arena_deck` does both and reads no file: callers load the result, the scheme,
  the session (:func:`load_session`) and the targets themselves.

>>> import io
>>> result = {"period": "2023Q1", "results": [
...     {"unit": "a", "name": "甲区", "score": 91.2, "rank": 1, "rank_change": 1,
...      "boards": {"economy": {"score": 91.2, "rank": 1, "stars": 2}},
...      "indicators": {"gdp": {"value": 6.1, "score": 100.0}}, "flags": []},
...     {"unit": "b", "name": "乙区", "score": 80.5, "rank": 2, "rank_change": -1,
...      "boards": {"economy": {"score": 80.5, "rank": 2, "stars": 1}},
...      "indicators": {"gdp": {"value": 5.0, "score": 60.0}}, "flags": []}]}
>>> buffer = io.BytesIO()
>>> arena_deck(result, buffer, session=Session(date=dt.date(2023, 5, 27)))
>>> buffer.getvalue()[:2]
b'PK'
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

import yaml
from typing_extensions import Unpack

from leitai.engine.scheme import Scheme
from leitai.engine.targets import Actual, Progress, Target, progress_all
from leitai.reports.arena.shape import (
    DeckOptions,
    Session,
    arena_order,
    deck_model,
    indicator_ranks,
)

__all__ = [
    "Session",
    "arena_deck",
    "arena_order",
    "indicator_ranks",
    "load_session",
    "scheme_model",
    "session_targets",
    "target_progress",
    "write_arena_deck",
]


def arena_deck(
    result: Mapping[str, Any] | Any,
    target: str | os.PathLike[str] | IO[bytes],
    **options: Unpack[DeckOptions],
) -> None:
    """Write the arena deck of a period's result to a path or a binary file.

    Parameters
    ----------
    result : dict or Result
        A result in the JSON form of spec section 8 (or an engine
        :class:`~leitai.engine.result.Result`, whose scheme is then the default).
        Optional extra keys ``boards_meta``, ``indicators_meta``, ``flags_meta``
        (``{id: name}`` or ``{id: {"name": ..., "unit": ..., "parent": ...}}``) supply
        names; ids are shown where no name is known.
    target : path or binary file
    scheme : Scheme, optional
        For names, units of measure, which boards are top-level and the most stars;
        without it every board in the result is shown.
    progress : sequence of Progress, optional
        Every unit's targets judged at ``as_of`` (:func:`target_progress`); they fill
        查不足 and 谈举措. None: no targets were entered.
    previous : dict, optional
        The previous period's result (same JSON form) for the stars lost; a plain
        ``{unit: rank}`` mapping is accepted but has no stars.
    session : Session, optional
        Title, theme, date, period and the order on stage.
    lang : {"zh", "en"}, default "zh"
    names : dict, optional
        ``{id: name}`` overriding any other source of names.
    """
    if hasattr(result, "to_dict") and hasattr(result, "scheme"):
        options.setdefault("scheme", result.scheme)
        result = result.to_dict()
    if isinstance(target, os.PathLike | str):
        target = Path(target)
        target.parent.mkdir(parents=True, exist_ok=True)
    # python-pptx only when a deck is drawn: the web imports this package for the order.
    from leitai.reports.arena.deck import draw_deck

    draw_deck(deck_model(result, **options), target)


# ---------------------------------------------------------------------------
# Loading, for the callers (the command line, the web, the demo)


def load_session(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read an arena session file (YAML), e.g. ``leitai/demo/arena.yaml``.

    Keys (all optional): ``title``, ``theme``, ``date``, ``period``, ``order``
    (``rank``, ``reverse`` or a list of unit ids), ``as_of``, ``margin``, and
    ``targets``/``actuals`` (file names, made absolute relative to the session file).
    :meth:`Session.from_mapping` makes the settings typed; :func:`session_targets`
    reads the files.

    Returns
    -------
    dict
    """
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path.name}: expected a mapping of session settings")
    for key in ("targets", "actuals"):
        if isinstance(data.get(key), str):
            data[key] = str((path.parent / data[key]).resolve())
    return data


def session_targets(
    settings: Mapping[str, Any],
) -> tuple[list[Target], list[Actual]] | None:
    """The targets and actuals tables a session file names, read; None if it names none."""
    if not settings.get("targets"):
        return None
    from leitai.io.targets import read_actuals, read_targets

    targets = read_targets(settings["targets"])
    actuals = read_actuals(settings["actuals"], targets=targets) if settings.get("actuals") else []
    return targets, actuals


def target_progress(
    targets: Iterable[Target],
    actuals: Iterable[Actual],
    session: Session,
) -> tuple[list[Progress], dt.date]:
    """The targets judged at the session's ``as_of``, else its date, else the latest
    report (else today); returns the progress and the date it is judged at."""
    target_list, actual_list = list(targets), list(actuals)
    as_of = session.as_of or session.date
    if as_of is None:
        as_of = max((a.end for a in actual_list), default=dt.date.today())
    return progress_all(target_list, actual_list, as_of=as_of, margin=session.margin), as_of


def scheme_model(scheme: Any) -> Scheme | None:
    """A scheme given as a model, a mapping or a path (read), as a model."""
    if scheme is None or isinstance(scheme, Scheme):
        return scheme
    if isinstance(scheme, str | os.PathLike):
        from leitai.engine.scheme import load_scheme

        return load_scheme(scheme)
    if isinstance(scheme, Mapping):
        return Scheme.model_validate(dict(scheme))
    raise TypeError(f"scheme: expected a scheme model, a mapping or a path, found {scheme!r}")


def write_arena_deck(
    result: Mapping[str, Any],
    *,
    path: str | os.PathLike[str],
    targets: Iterable[Target] | None = None,
    actuals: Iterable[Actual] | None = None,
    previous: Mapping[str, Any] | None = None,
    session: Mapping[str, Any] | None = None,
    lang: str = "zh",
    scheme: Any = None,
    scheme_names: Mapping[str, str] | None = None,
) -> Path:
    """The arena deck from loose inputs, loading what they name, then :func:`arena_deck`.

    ``scheme`` may be a path (read with :func:`~leitai.engine.scheme.load_scheme`) or a
    mapping; ``session`` is a mapping as :func:`load_session` returns, whose
    ``targets``/``actuals`` files are read when ``targets`` is not given. For scripts
    and the tests; the command line and the web load their inputs and call
    :func:`arena_deck`.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    settings = dict(session or {})
    typed = Session.from_mapping(settings)
    if targets is None and (named := session_targets(settings)) is not None:
        targets, actuals = named
    progress = as_of = None
    if targets is not None:
        progress, as_of = target_progress(targets, actuals or [], typed)
    path = Path(path)
    arena_deck(
        result,
        path,
        scheme=scheme_model(scheme),
        progress=progress,
        as_of=as_of if as_of is not None else typed.as_of or typed.date,
        previous=previous,
        session=typed,
        lang=lang,
        names=scheme_names,
    )
    return path
