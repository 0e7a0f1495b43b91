"""``leitai serve``: the production server (waitress) for the web application.

Django is imported only here, inside :func:`serve`, so that the command line starts
fast for every other command.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
from pathlib import Path


def _prepare_environment(*, host: str, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    key_file = data_dir / "secret_key"
    if not key_file.exists():
        # Generated once and kept, so that sessions survive a restart.
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(50) + "\n")
    os.environ["LEITAI_DATA_DIR"] = str(data_dir)
    os.environ["LEITAI_DEBUG"] = "0"
    os.environ["LEITAI_STATIC_MANIFEST"] = "1"
    os.environ.pop("LEITAI_SECRET_KEY", None)
    if "LEITAI_ALLOWED_HOSTS" not in os.environ:
        if host in ("0.0.0.0", "::", ""):
            os.environ["LEITAI_ALLOWED_HOSTS"] = "*"
        else:
            os.environ["LEITAI_ALLOWED_HOSTS"] = ",".join(
                dict.fromkeys([host, "localhost", "127.0.0.1", "[::1]"])
            )
    os.environ["DJANGO_SETTINGS_MODULE"] = "leitai.web.settings"


def setup(*, host: str, data_dir: Path, demo: bool, out=sys.stdout):  # type: ignore[no-untyped-def]
    """Configure Django, migrate, collect static files and load the demo; return the WSGI app."""
    _prepare_environment(host=host, data_dir=Path(data_dir).resolve())
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if demo:
        from leitai.web.assessments.demo import demo_install

        accounts = demo_install()
        print(
            "Demo loaded: 2022Q4-2023Q3 published, 2023Q4 in collection; public boards are on.",
            file=out,
        )
        print("Demo accounts (演示账号):", file=out)
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            print(
                f"  {account.username:<{width}}  {account.password}  {account.description}",
                file=out,
            )
    database = settings.DATABASES["default"]
    where = (
        database["NAME"]
        if "sqlite" in database["ENGINE"]
        else f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}/{database['NAME']}"
    )
    print(f"Data directory: {Path(data_dir).resolve()}  (database: {where})", file=out)
    from leitai.web.wsgi import application

    return application


def serve(*, host: str, port: int, data_dir: Path, demo: bool, worker: bool = True) -> None:
    """Run leitai's web application on a production WSGI server (waitress).

    DEBUG is off and WhiteNoise serves the static files. On start the database is
    migrated, the static files are collected into ``data_dir/static`` and, with
    ``demo``, the bundled demo is loaded with every period published, the public
    boards are switched on and the demo accounts are printed. The secret key is
    generated once into ``data_dir/secret_key``. SQLite in ``data_dir`` is the
    database unless ``DATABASE_URL`` names another. With ``worker`` one ``leitai
    worker`` process runs beside the server and stops with it (docs/tasks.md).
    """
    from waitress import serve as waitress_serve

    application = setup(host=host, data_dir=data_dir, demo=demo)
    shown = f"[{host}]" if ":" in host else host
    print(f"leitai is serving on http://{shown}:{port}/  (Ctrl+C to stop)", flush=True)
    from leitai.web.tasks.worker import worker_child

    # SIGTERM ends the server like Ctrl+C, so that its worker is stopped with it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with worker_child(data_dir, enabled=worker):
        waitress_serve(application, host=host, port=port, threads=8, ident="leitai", _quiet=True)


def main(argv: list[str] | None = None) -> None:
    """``python -m leitai.web.server``: the same as ``leitai serve``."""
    parser = argparse.ArgumentParser(prog="python -m leitai.web.server")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", type=Path, default=Path("leitai-data"))
    args = parser.parse_args(argv)
    serve(host=args.host, port=args.port, data_dir=args.data_dir, demo=args.demo)


if __name__ == "__main__":
    main()
