"""``leitai serve``: the production server (waitress) for the web application.

Django is imported only here, inside :func:`serve`, so that the command line starts
fast for every other command.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import sys
from pathlib import Path
from typing import Any


def _private_dir(path: Path) -> None:
    """Create ``path`` (and missing parents) readable by this account only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _private_file(path: Path) -> None:
    """Create ``path`` empty if missing, and make it readable by this account only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.close(fd)
    path.chmod(0o600)


def prepare_data_dir(data_dir: Path) -> None:
    """The data directory, its media folder and SQLite database: 0700 folders, 0600 files.

    SQLite gives its ``-wal`` and ``-shm`` files the mode of the database file, and
    Django's ``FILE_UPLOAD_*_PERMISSIONS`` keep uploads private too.
    """
    _private_dir(data_dir)
    _private_dir(data_dir / "media")
    if not os.environ.get("DATABASE_URL"):
        _private_file(data_dir / "leitai.sqlite3")
    # Files of an older installation (created 0644) are tightened too; the 0700 data
    # directory already keeps other accounts from reaching anything inside it.
    for name in ("secret_key", "leitai.sqlite3-wal", "leitai.sqlite3-shm"):
        if (data_dir / name).exists():
            (data_dir / name).chmod(0o600)


def _write_secret_key(key_file: Path) -> None:
    if key_file.exists():
        return
    # Generated once and kept, so that sessions survive a restart.
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(50) + "\n")


def default_allowed_hosts(host: str) -> list[str]:
    """The host names to accept when ``LEITAI_ALLOWED_HOSTS`` is not set: never ``*``.

    On a wildcard address (0.0.0.0, ::) these are this machine's names and addresses,
    so that the demo answers on the local network; a public name behind a proxy must
    be listed in ``LEITAI_ALLOWED_HOSTS``.
    """
    names = ["localhost", "127.0.0.1", "[::1]"]
    if host in ("0.0.0.0", "::", ""):
        hostname = socket.gethostname()
        names += [hostname, socket.getfqdn()]
        with contextlib.suppress(OSError):
            names += socket.gethostbyname_ex(hostname)[2]
    else:
        names.insert(0, f"[{host}]" if ":" in host else host)
    return list(dict.fromkeys(n for n in names if n))


def _prepare_environment(*, host: str, data_dir: Path) -> None:
    prepare_data_dir(data_dir)
    if not os.environ.get("LEITAI_SECRET_KEY", "").strip():
        # Without a key from the environment (several hosts share one that way), the
        # data directory keeps one.
        _write_secret_key(data_dir / "secret_key")
    os.environ["LEITAI_DATA_DIR"] = str(data_dir)
    os.environ["LEITAI_DEBUG"] = "0"
    os.environ["LEITAI_STATIC_MANIFEST"] = "1"
    if not os.environ.get("LEITAI_ALLOWED_HOSTS", "").strip():
        os.environ["LEITAI_ALLOWED_HOSTS"] = ",".join(default_allowed_hosts(host))
    # As ``leitai worker`` and wsgi.py: leitai's settings unless the environment names a
    # module of its own (the tests' servers: tests/server_settings.py).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leitai.web.settings")


def demo_summary() -> str:
    """What the data holds now, period by period, as the database says (on a restart the
    demo keeps the periods already there, whatever the office did with them), in the
    active language."""
    from django.utils.translation import gettext as _

    from leitai.web.assessments.models import Period, period_order

    by_state: dict[str, list[str]] = {}
    for period in Period.objects.order_by(*period_order()):
        by_state.setdefault(str(period.get_state_display()), []).append(period.code)
    label, joined = _(": "), _(", ")
    states = _("; ").join(
        f"{state}{label}{joined.join(codes)}" for state, codes in by_state.items()
    )
    return _("Demo loaded. Periods: %(states)s. The public boards are on.") % {
        "states": states or _("none")
    }


def django_language(lang: str) -> str:
    """Django's code of a command line's ``--lang`` (``zh`` or ``en``)."""
    return "en" if lang == "en" else "zh-hans"


STATIC_FINGERPRINT = "static.fingerprint"


def _static_fingerprint() -> str:
    """A digest of what ``collectstatic`` would collect: every source file's name, place,
    size and modification time, and the versions and settings that shape the output
    (not where the files go: a copied data directory keeps its collected files)."""
    import hashlib
    import importlib.util
    import json

    import django
    import whitenoise
    from django.apps import apps
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    ignore = list(getattr(apps.get_app_config("staticfiles"), "ignore_patterns", []))
    entries = []
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            source = storage.path(path)
            stat = os.stat(source)
            prefix = getattr(storage, "prefix", None) or ""
            entries.append([prefix, path, source, stat.st_size, stat.st_mtime_ns])
    shape = [
        django.__version__,
        getattr(whitenoise, "__version__", ""),
        # WhiteNoise writes .br files beside the .gz ones when Brotli is installed.
        importlib.util.find_spec("brotli") is not None,
        settings.STATIC_URL,
        settings.STORAGES["staticfiles"]["BACKEND"],
        sorted(entries),
    ]
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()


def _static_complete(root: Path) -> bool:
    """Whether every hashed file that the manifest of ``root`` names is there."""
    import json

    try:
        manifest = json.loads((root / "staticfiles.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    paths = manifest.get("paths") if isinstance(manifest, dict) else None
    if not isinstance(paths, dict) or not paths:
        return False
    return all((root / hashed).is_file() for hashed in paths.values())


def collect_static() -> bool:
    """``collectstatic``, unless the files collected last time came from the very same
    sources (see :func:`_static_fingerprint`) and are all there; return whether it ran.

    Hashing and compressing some 500 files costs about 2 s of CPU at every start;
    an unchanged installation (a restart) does not need it.
    """
    from django.conf import settings
    from django.core.management import call_command

    # Set whenever the collected files are served (LEITAI_STATIC_MANIFEST, as serve sets).
    assert settings.STATIC_ROOT is not None
    root = Path(settings.STATIC_ROOT)
    stamp = root.with_name(STATIC_FINGERPRINT)
    fingerprint = _static_fingerprint()
    try:
        if stamp.read_text(encoding="ascii").strip() == fingerprint and _static_complete(root):
            return False
    except OSError:
        pass
    # A collection cut short is not trusted at the next start.
    stamp.unlink(missing_ok=True)
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n", encoding="ascii")
    return True


def install(*, host: str, data_dir: Path, demo: bool, lang: str = "zh") -> list[Any]:
    """Configure Django, migrate, check the audit key, collect the static files and, with
    ``demo``, load the demo; return the demo accounts (none without ``demo``). A key that
    is not the installation's stops the start (SystemExit, its reason in ``lang``)."""
    _prepare_environment(host=host, data_dir=Path(data_dir).resolve())
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import translation

    from leitai.web.audit.integrity import audit_key_problem

    call_command("migrate", interactive=False, verbosity=0)
    with translation.override(django_language(lang)):
        problem = audit_key_problem()
    if problem:
        raise SystemExit(problem)
    collect_static()
    if not demo:
        return []
    from leitai.web.demo import demo_install

    return demo_install()


def setup(*, host: str, data_dir: Path, demo: bool, lang: str = "zh", out=sys.stdout):  # type: ignore[no-untyped-def]
    """:func:`install`, then what the demo prints (its judge codes issued) in ``lang``;
    return the WSGI app."""
    accounts = install(host=host, data_dir=data_dir, demo=demo, lang=lang)
    from django.utils import translation

    with translation.override(django_language(lang)):
        _print_setup(data_dir, accounts if demo else None, out)
    from leitai.web.wsgi import application

    return application


def _print_setup(data_dir: Path, accounts: list[Any] | None, out: Any) -> None:
    """The demo's periods, accounts and judge codes (``accounts`` None: no demo), and
    where the data is, in the active language."""
    from django.conf import settings
    from django.utils.translation import gettext as _

    if accounts is not None:
        print(demo_summary(), file=out)
        print(_("Demo accounts:"), file=out)
        width = max(len(a.username) for a in accounts)
        for account in accounts:
            print(
                f"  {account.username:<{width}}  {account.password}  {account.description}",
                file=out,
            )
        from leitai.web.arena.demo import arena_demo_judge_codes

        codes = arena_demo_judge_codes()
        if codes:
            where = "/arena/2023-05-27/judge/"
            print(_("Demo judge codes, each used once, at %(path)s:") % {"path": where}, file=out)
            for number, group, code in codes:
                print(f"  {_('No. %(number)s') % {'number': number}:<6} {group}  {code}", file=out)
    database = settings.DATABASES["default"]
    where = (
        database["NAME"]
        if "sqlite" in database["ENGINE"]
        else f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''}/{database['NAME']}"
    )
    said = _("Data directory: %(path)s (database: %(database)s)")
    print(said % {"path": Path(data_dir).resolve(), "database": where}, file=out)


# -- waitress: how many connections and threads ------------------------------------------
# waitress's own defaults (100 connections, 4 threads) left clients of a 100-client
# load without an answer; each option can be set from the environment.
SERVER_OPTIONS = {
    # name: (environment variable, default)
    "threads": ("LEITAI_THREADS", 8),
    "connection_limit": ("LEITAI_CONNECTION_LIMIT", 1000),
    "backlog": ("LEITAI_BACKLOG", 2048),
    "channel_timeout": ("LEITAI_CHANNEL_TIMEOUT", 120),
}


def server_options(**given: int | None) -> dict[str, int]:
    """waitress options: those given (command line), else the environment, else defaults."""
    options = {}
    for name, (variable, default) in SERVER_OPTIONS.items():
        value = given.get(name)
        if value is None:
            raw = os.environ.get(variable, "").strip()
            try:
                value = int(raw) if raw else default
            except ValueError:
                raise SystemExit(f"{variable} must be a whole number, not {raw!r}") from None
        if value < 1:
            raise SystemExit(f"{variable} must be at least 1, not {value}")
        options[name] = value
    return options


def serve(
    *,
    host: str,
    port: int,
    data_dir: Path,
    demo: bool,
    threads: int | None = None,
    connection_limit: int | None = None,
    worker: bool = True,
    lang: str = "zh",
) -> None:
    """Run leitai's web application on a production WSGI server (waitress).

    DEBUG is off and WhiteNoise serves the static files. On start the database is
    migrated, the static files are collected into ``data_dir/static`` and, with
    ``demo``, the bundled demo is loaded with every period published, the public
    boards are switched on and the demo accounts are printed. The secret key comes
    from ``LEITAI_SECRET_KEY`` or is generated once into ``data_dir/secret_key``.
    SQLite in ``data_dir`` is the database unless ``DATABASE_URL`` names another.
    ``threads`` and ``connection_limit`` (else ``LEITAI_THREADS``,
    ``LEITAI_CONNECTION_LIMIT``; see :data:`SERVER_OPTIONS`) size the server.
    ``worker`` runs one ``leitai worker`` process beside the server, stopped with it
    (docs/tasks.md). What it prints is in ``lang`` (``zh``, the default, or ``en``).
    """
    from waitress import serve as waitress_serve

    options = server_options(threads=threads, connection_limit=connection_limit)
    application = setup(host=host, data_dir=data_dir, demo=demo, lang=lang)
    from django.utils import translation

    shown = f"[{host}]" if ":" in host else host
    with translation.override(django_language(lang)):
        said = translation.gettext("leitai is serving on %(url)s (Ctrl+C to stop)")
    print(said % {"url": f"http://{shown}:{port}/"}, flush=True)
    from leitai.web.tasks.worker import worker_child

    # SIGTERM ends the server like Ctrl+C, so that its worker is stopped with it.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with worker_child(data_dir, enabled=worker):
        waitress_serve(
            application,
            host=host,
            port=port,
            ident="leitai",
            # poll(), not select(): select() cannot watch descriptors past 1024.
            asyncore_use_poll=True,
            _quiet=True,
            threads=options["threads"],
            connection_limit=options["connection_limit"],
            backlog=options["backlog"],
            channel_timeout=options["channel_timeout"],
        )


def main(argv: list[str] | None = None) -> None:
    """``python -m leitai.web.server``: the same as ``leitai serve``."""
    parser = argparse.ArgumentParser(prog="python -m leitai.web.server")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--data-dir", type=Path, default=Path("leitai-data"))
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--connection-limit", type=int, default=None)
    args = parser.parse_args(argv)
    serve(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        demo=args.demo,
        threads=args.threads,
        connection_limit=args.connection_limit,
    )


if __name__ == "__main__":
    main()
