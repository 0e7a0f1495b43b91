"""``leitai weights``: indicator weights from a period's data, written as the scheme's
next version (docs/methods.md, section E): principal components or COINr's
correlation-balanced optimisation, as the scheme's ``weights:`` says or the options."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, fail, guarded, problem
from leitai.i18n.words import WordTable

# The words of these commands: English msgids under the context "cli weights".
WORDS = WordTable(
    "cli weights",
    {
        "summary": "Optimised weights: %(evaluations)s evaluations, objective %(value)s%(converged)s",
        "not_converged": " (not converged)",
        "row": "  %(indicator)s: weight %(weight)s, share of correlation %(share)s%(target)s",
        "target": " (target %(target)s)",
    },
)


def word(key: str, lang: str, **values: Any) -> str:
    """The word ``key`` in ``lang``, its parameters filled with ``values``."""
    return WORDS(key, lang, **values)


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "weights",
        help=(
            "按主成分或相关性均衡优化从数据确定指标权重，写成新版考核办法 / "
            "PCA or correlation-balanced weights as a new scheme version"
        ),
    )
    p.add_argument("scheme", help="考核办法 YAML / scheme file")
    p.add_argument("data", help="数据表 CSV/XLSX / data table")
    p.add_argument(
        "--method",
        choices=("pca", "optimise"),
        help="方法（默认按考核办法的 weights:，否则 pca）/ method (default: the scheme's weights:, else pca)",
    )
    p.add_argument(
        "--target",
        help="目标占比：equal 或 指标=份额,… / target shares: equal or ID=SHARE,...",
    )
    p.add_argument("--objective", choices=("balance", "infomax"), help="优化目标 / objective")
    p.add_argument("--correlation", choices=("pearson", "spearman"), help="相关系数 / correlation")
    p.add_argument("--tolerance", type=float, help="相对容差（默认 0.1）/ relative tolerance")
    p.add_argument("--max-iterations", type=int, help="最多计算次数（默认 500）/ evaluations")
    p.add_argument("-o", "--output", help="新版考核办法（默认标准输出）/ new scheme file")
    add_lang(p)
    p.set_defaults(handler=run_weights)


def _options(args: argparse.Namespace, scheme: Any) -> dict[str, Any]:
    """The scheme's ``weights:`` with the command line's options over it."""
    from leitai.engine.scheme import Weighting

    given = scheme.weights.model_dump() if scheme.weights is not None else {"method": "pca"}
    for key in ("method", "objective", "correlation", "tolerance", "max_iterations"):
        if getattr(args, key) is not None:
            given[key] = getattr(args, key)
    if args.target is not None:
        given["target"] = _target(args.target)
    return Weighting.model_validate(given).model_dump()


def _target(text: str) -> Any:
    """``equal`` or ``ID=SHARE,...`` as a mapping; anything else is refused."""
    from leitai.engine import DataError

    if text.strip() == "equal":
        return "equal"
    out: dict[str, float] = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise DataError(problem("cli.weights_target", found=item)) from None
        if not sep or not key.strip():
            raise DataError(problem("cli.weights_target", found=item))
    return out


@guarded
def run_weights(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from leitai.engine import assess, load_scheme
    from leitai.engine.weights import optimise_weights, pca_weights, with_weights
    from leitai.io import read_table

    scheme = load_scheme(args.scheme)
    try:
        options = _options(args, scheme)
    except ValidationError as exc:
        found = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['input']}" for e in exc.errors())
        return fail(problem("cli.weights_options", found=found), args.lang)
    result = assess(scheme, read_table(args.data, scheme))
    # The indicator scores carry each indicator's direction (higher is better).
    if options.pop("method") == "pca":
        weights = pca_weights(scheme, result.scores)
    else:
        optimised = optimise_weights(scheme, result.scores, **options)
        weights = optimised.positive()
        _summary(optimised, args.lang)
    text = with_weights(scheme, weights)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _summary(optimised: Any, lang: str) -> None:
    """The optimisation's outcome on stderr: each indicator's weight and correlation share."""
    converged = "" if optimised.converged else word("not_converged", lang)
    value = f"{optimised.value:.6g}"
    print(
        word("summary", lang, evaluations=optimised.evaluations, value=value, converged=converged),
        file=sys.stderr,
    )
    for indicator, weight in optimised.weights.items():
        target = optimised.target[indicator] if optimised.target else None
        print(
            word(
                "row",
                lang,
                indicator=indicator,
                weight=f"{weight:.4f}",
                share=f"{optimised.correlations[indicator]:.4f}",
                target="" if target is None else word("target", lang, target=f"{target:.4f}"),
            ),
            file=sys.stderr,
        )
