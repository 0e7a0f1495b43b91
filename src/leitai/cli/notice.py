"""``leitai notice``: the 通报 (DOCX, and its PDF through LibreOffice) from a result."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem
from leitai.i18n.words import label


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("notice", help="生成考核结果通报 DOCX / write the notice (通报)")
    p.add_argument(
        "result", nargs="?", help="本期结果 JSON（leitai assess --format json）/ the result"
    )
    p.add_argument("-o", "--output", required=True, help="输出 .docx / output document")
    p.add_argument("--scheme", help="考核办法 YAML（名称）/ scheme, for names")
    p.add_argument("--number", default="", help="文号，如 青考办〔2023〕5号 / document number")
    p.add_argument("--office", help="发文机关 / issuing office")
    p.add_argument("--date", help="成文日期 YYYY-MM-DD / date of issue (default today)")
    p.add_argument("--targets", help="目标表 CSV/XLSX（红色预警）/ targets, for those in red")
    p.add_argument("--actuals", help="目标完成情况 CSV/XLSX / reported actuals")
    p.add_argument("--as-of", help="目标进度日期 YYYY-MM-DD / targets judged at this date")
    p.add_argument(
        "--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF / also write the PDF"
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="内置示例：2023年第一季度通报 / the demo's 2023Q1 notice",
    )
    add_lang(p)
    p.set_defaults(handler=run_notice)


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _progresses(targets: str | None, actuals: str | None, as_of: dt.date | None) -> list[Any]:
    from leitai.engine.targets import progress_all
    from leitai.io.targets import read_actuals, read_targets

    if not targets:
        return []
    target_list = list(read_targets(targets))
    actual_list = list(read_actuals(actuals, targets=target_list)) if actuals else []
    day = as_of or max((a.end for a in actual_list), default=dt.date.today())
    return progress_all(target_list, actual_list, as_of=day)


def _demo_inputs() -> dict[str, Any]:
    """The demo's 2023Q1 result, its targets as of the arena day, and its 文号 and date."""
    from leitai.demo import assess_demo, demo_dir

    result = assess_demo("2023Q1")["2023Q1"]
    root = demo_dir()
    return {
        "result": result,
        "scheme": result.scheme,
        "progresses": _progresses(
            str(root / "targets.csv"), str(root / "actuals.csv"), dt.date(2023, 5, 20)
        ),
        "number": "青考办〔2023〕5号",
        "date": dt.date(2023, 5, 20),
    }


def _file_inputs(args: argparse.Namespace) -> dict[str, Any]:
    from leitai.cli.arena import _read_json
    from leitai.engine import load_scheme

    return {
        "result": _read_json(args.result),
        "scheme": load_scheme(args.scheme) if args.scheme else None,
        "progresses": _progresses(args.targets, args.actuals, _date(args.as_of)),
        "number": "",
        "date": None,
    }


def _bad_dates(args: argparse.Namespace) -> list[Any]:
    return [
        problem("cli.notice_date", option=option, found=value)
        for option, value in (("--date", args.date), ("--as-of", args.as_of))
        if value and _date(value) is None
    ]


@guarded
def run_notice(args: argparse.Namespace) -> int:
    from leitai.reports.notice import (
        libreoffice,
        notice_pdf,
        notice_table,
        notice_text,
        write_notice,
    )

    if not args.output.lower().endswith(".docx"):
        return fail(problem("cli.output_suffix", output=args.output, suffix=".docx"), args.lang)
    if bad := _bad_dates(args):
        return fail(bad, args.lang)
    if not args.demo and not args.result:
        return fail(problem("cli.arena_needs_result"), args.lang)
    if args.pdf and libreoffice() is None:
        return fail(problem("cli.notice_no_libreoffice"), args.lang)
    inputs = _demo_inputs() if args.demo else _file_inputs(args)
    text = notice_text(
        inputs["result"],
        scheme=inputs["scheme"],
        progresses=inputs["progresses"],
        number=args.number or inputs["number"],
        office=args.office,
        date=_date(args.date) or inputs["date"],
        lang=args.lang,
    )
    table = notice_table(
        inputs["result"], scheme=inputs["scheme"], title=text.attachment, lang=args.lang
    )
    output = Path(args.output)
    write_notice(text, str(output), tables=[table])
    written = [output]
    if args.pdf:
        pdf = output.with_suffix(".pdf")
        pdf.write_bytes(notice_pdf(output.read_bytes()))
        written.append(pdf)
    said = label("notice_written", args.lang)
    print(f"{said}: {', '.join(str(p) for p in written)}", file=sys.stderr)
    return EXIT_OK
