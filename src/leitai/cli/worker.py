"""``leitai worker``: run the web application's long work (robustness runs ...) from its queue."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from leitai.cli.common import guarded


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("≥ 1")
    return value


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "worker",
        help="运行后台任务（稳健性分析等）/ run the background jobs of the web application",
    )
    p.add_argument(
        "--data-dir", default="leitai-data", help="数据目录（SQLite、密钥）/ data directory"
    )
    p.add_argument(
        "--workers", type=_positive, default=1, help="工作进程数 / number of worker processes"
    )
    p.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="空闲时查询间隔（秒，数据库队列）/ seconds between looks at an empty database queue",
    )
    # Set by ``leitai serve`` for its own worker: stop when that server is gone.
    p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(handler=run_worker)


@guarded
def run_worker(args: argparse.Namespace) -> int:
    from leitai.web.tasks.worker import worker_main, workers_main

    data_dir = Path(args.data_dir).resolve()
    if args.parent_pid is not None:
        return worker_main(data_dir=data_dir, parent_pid=args.parent_pid, interval=args.interval)
    return workers_main(data_dir=data_dir, count=args.workers, interval=args.interval)
