"""``leitai serve``: the web application on a production WSGI server."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from leitai.cli.common import EXIT_OK, add_lang, guarded


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="启动网页应用 / start the web application")
    p.add_argument(
        "--demo",
        action="store_true",
        help="载入内置示例并公开榜单 / load the demo, public boards on",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--data-dir", default="leitai-data", help="数据目录（SQLite、密钥）/ data directory"
    )
    # Server sizing (else LEITAI_THREADS, LEITAI_CONNECTION_LIMIT; docs/deploy.md).
    p.add_argument("--threads", type=int, default=None, help="工作线程数 / worker threads")
    p.add_argument(
        "--connection-limit",
        type=int,
        default=None,
        help="同时连接数上限 / simultaneous connections",
    )
    p.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="不启动后台任务进程（另行运行 leitai worker）/ no worker beside the server",
    )
    add_lang(p)
    p.set_defaults(handler=run_serve)


@guarded
def run_serve(args: argparse.Namespace) -> int:
    from leitai.web.server import serve

    serve(
        host=args.host,
        port=args.port,
        data_dir=Path(args.data_dir).resolve(),
        demo=args.demo,
        threads=args.threads,
        connection_limit=args.connection_limit,
        worker=args.worker,
        lang=args.lang,
    )
    return EXIT_OK
