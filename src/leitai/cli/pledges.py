"""``leitai pledges``: propose the pledges (军令状) of an arena's texts as a targets table.

The table is in the format ``leitai targets`` and the web import read (see
:mod:`leitai.io.targets`), with two columns more for the office that confirms it:
``evidence`` (the sentence the figure was found in) and ``confidence``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "pledges", help="从擂台讲话、报道中提取军令状建议 / propose pledges from arena texts"
    )
    p.add_argument(
        "text", nargs="*", help="讲话、幻灯片或报道（TXT/DOCX/PPTX/PDF）/ texts of the arena"
    )
    p.add_argument("--scheme", help="考核办法 YAML（单位名称与别名）/ scheme with the units")
    p.add_argument("--date", help="擂台日期 YYYY-MM-DD（默认今天）/ date of the arena")
    p.add_argument("-o", "--output", help="写出目标表 CSV（默认标准输出）/ CSV file to write")
    p.add_argument("--demo", action="store_true", help="内置示例讲话与考核办法 / the demo's")
    add_lang(p)
    p.set_defaults(handler=run_pledges)


def proposals_csv(pledges: list[Any], *, date: dt.date) -> str:
    """The proposals with a unit, as a targets table (CSV text).

    Written by the one CSV writer of exports, so that a sentence of a hostile text that
    begins like a formula is kept as text.
    """
    from leitai.io.export import csv_text
    from leitai.io.targets import TARGET_COLUMNS

    counts: dict[str, int] = {}
    rows = []
    for p in pledges:
        if p.unit is None:
            continue
        counts[p.unit] = counts.get(p.unit, 0) + 1
        rows.append(
            (
                p.unit,
                f"p{date:%Y%m%d}-{counts[p.unit]}",
                p.name,
                "",
                str(int(p.value)) if p.value.is_integer() else repr(p.value),
                p.measure,
                "higher",
                "",
                p.deadline.isoformat(),
                "",
                "pledged",
                date.isoformat(),
                p.sentence,
                f"{p.confidence:.2f}",
            )
        )
    # The columns of the targets table (``leitai targets`` and the web import read it back).
    return csv_text(rows, header=list(TARGET_COLUMNS))


@guarded
def run_pledges(args: argparse.Namespace) -> int:
    from leitai.engine import load_scheme
    from leitai.i18n import translator
    from leitai.text import extract_pledges, read_text, repair

    _ = translator(args.lang)
    if args.demo:
        from leitai.demo import demo_dir

        texts = [demo_dir() / "arena-speech.txt"]
        scheme_path = Path(args.scheme) if args.scheme else demo_dir() / "scheme-2023-v1.yaml"
        default_date = dt.date(2023, 5, 27)
    else:
        if not args.text or not args.scheme:
            return fail(problem("cli.pledges_need_files"), args.lang)
        texts = [Path(t) for t in args.text]
        scheme_path = Path(args.scheme)
        default_date = dt.date.today()
    try:
        date = dt.date.fromisoformat(args.date) if args.date else default_date
    except ValueError:
        return fail(problem("cli.date", found=args.date), args.lang)
    scheme = load_scheme(scheme_path)
    sources = [(path, read_text(path)) for path in texts]
    pledges = []
    for path, source in sources:
        repaired = repair(source)
        found = extract_pledges(repaired.text, units=scheme.units, date=date)
        pledges.extend(found)
        print(
            _("%(file)s: %(count)s pledges proposed; repaired: %(steps)s; unrecoverable: %(lost)s")
            % {
                "file": path.name,
                "count": len(found),
                "steps": "、".join(repaired.changed) or "-",
                "lost": len(repaired.lost),
            },
            file=sys.stderr,
        )
    unattributed = sum(1 for p in pledges if p.unit is None)
    if unattributed:
        print(
            _("%(count)s figures whose speaker is not known were left out")
            % {"count": unattributed},
            file=sys.stderr,
        )
    text = proposals_csv(pledges, date=date)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
