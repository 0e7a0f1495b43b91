"""``leitai weights``: indicator weights from a period's data, written as the scheme's
next version (docs/methods.md, section E)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, guarded


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "weights",
        help="按主成分从数据确定指标权重，写成新版考核办法 / PCA weights as a new scheme version",
    )
    p.add_argument("scheme", help="考核办法 YAML / scheme file")
    p.add_argument("data", help="数据表 CSV/XLSX / data table")
    p.add_argument("--method", choices=("pca",), default="pca", help="方法 / method")
    p.add_argument("-o", "--output", help="新版考核办法（默认标准输出）/ new scheme file")
    add_lang(p)
    p.set_defaults(handler=run_weights)


@guarded
def run_weights(args: argparse.Namespace) -> int:
    from leitai.engine import assess, load_scheme
    from leitai.engine.weights import pca_weights, with_weights
    from leitai.io import read_table

    scheme = load_scheme(args.scheme)
    result = assess(scheme, read_table(args.data, scheme))
    # The indicator scores carry each indicator's direction (higher is better).
    text = with_weights(scheme, pca_weights(scheme, result.scores))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK
