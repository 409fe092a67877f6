"""The ``kendali`` command: demo, serve, worker, createuser, token, manage, simulate, radius."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import django
import uvicorn
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command, execute_from_command_line


def _demo_home() -> bool:
    """This directory holds a demo made by ``kendali demo`` (its generated development key,
    ``var/secret_key``) and nothing configures a real installation (no ``KENDALI_DEBUG``, no
    ``KENDALI_SECRET_KEY``): the demo's own tools (``manage totp_code``, ``simulate``) then
    run against that demo as ``kendali demo`` does, without adding ``KENDALI_DEBUG=1``."""
    if any(
        k in os.environ for k in ("KENDALI_DEBUG", "KENDALI_SECRET_KEY", "KENDALI_SECRET_KEY_FILE")
    ):
        return False
    home = Path(os.environ.get("KENDALI_HOME", Path.cwd()))
    return (home / "var" / "secret_key").is_file()


def _django(debug_default: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    if debug_default:
        os.environ.setdefault("KENDALI_DEBUG", "1")
    try:
        django.setup()
    except ImproperlyConfigured as exc:
        # A malformed setting stops start-up with one line naming the variable.
        print(f"kendali: konfigurasi tidak valid / invalid configuration: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _serve(host: str, port: int, workers: int, background: bool) -> None:
    # Child processes (--workers > 1) read the variable; this process is already set up.
    os.environ["KENDALI_BACKGROUND_JOBS"] = "1" if background else "0"
    settings.BACKGROUND_JOBS = background
    uvicorn.run(
        "kendali.asgi:application",
        host=host,
        port=port,
        workers=workers,
        lifespan="on",
        proxy_headers=True,
        timeout_graceful_shutdown=3,
        log_level=settings.LOG_LEVEL.lower(),
    )


def _manage(args: list[str]) -> None:
    execute_from_command_line(["kendali manage", *args])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(
        prog="kendali", description="Kendali — pusat kendali Kota Serang"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser(
        "demo", help="migrate, load Kota Serang and demo data, print logins, serve (SQLite)"
    )
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--no-serve", action="store_true", help="load the data and exit")

    serve = sub.add_parser("serve", help="run the ASGI server (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument(
        "--no-background", action="store_true", help="do not run background loops here"
    )

    sub.add_parser("worker", help="run the background loops as their own process")
    sub.add_parser("setup", help="migrate, create roles, load regions")
    backup_cmd = sub.add_parser("backup", help="database and media into one archive")
    backup_cmd.add_argument("file")
    restore_cmd = sub.add_parser("restore", help="restore an archive into an empty database")
    restore_cmd.add_argument("file")

    createuser = sub.add_parser("createuser", help="create a user with roles", add_help=False)
    createuser.add_argument("rest", nargs=argparse.REMAINDER)
    token = sub.add_parser("token", help="machine tokens: create | list | revoke", add_help=False)
    token.add_argument("rest", nargs=argparse.REMAINDER)
    manage = sub.add_parser("manage", help="Django management commands", add_help=False)
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    simulate = sub.add_parser(
        "simulate", help="simulators: city, calls, sensors, units …", add_help=False
    )
    simulate.add_argument("what")
    simulate.add_argument("rest", nargs=argparse.REMAINDER)
    open311 = sub.add_parser(
        "open311-key", help="Open311 client keys: create NAME | list | revoke ID", add_help=False
    )
    open311.add_argument("rest", nargs=argparse.REMAINDER)
    radius = sub.add_parser("radius", help="FreeRADIUS integration: config", add_help=False)
    radius.add_argument("what")
    radius.add_argument("rest", nargs=argparse.REMAINDER)

    args = parser.parse_args(argv)

    if args.command == "demo":
        # The demo city moves by itself (calls, incidents, units, sensors); only here.
        os.environ.setdefault("KENDALI_DEMO_LIVE", "1")
        _django(debug_default=True)
        call_command("kendali_demo_data", url=f"http://{args.host}:{args.port}/")
        if not args.no_serve:
            print(f"Kendali berjalan di http://{args.host}:{args.port}/  (Ctrl+C untuk berhenti)")
            if settings.DEMO_LIVE:
                print("Kota demo bergerak sendiri (KENDALI_DEMO_LIVE=0 untuk mematikan).")
            _serve(args.host, args.port, 1, background=True)
    elif args.command == "serve":
        _django()
        _serve(args.host, args.port, args.workers, background=not args.no_background)
    elif args.command == "worker":
        _django()
        # Kendali's own modules only once django.setup() has filled the app registry.
        from kendali.core import jobs
        from kendali.core.startup import warm_up

        warm_up()
        print(f"kendali worker {jobs.RUNNER_ID}: {', '.join(j.name for j in jobs.registered())}")
        stop = jobs.start_in_thread()
        try:
            while not stop.wait(3600):
                pass
        except KeyboardInterrupt:
            stop.set()
    elif args.command == "setup":
        _django()
        _manage(["kendali_setup"])
    elif args.command in ("backup", "restore"):
        _django()
        _manage([f"kendali_{args.command}", args.file])
    elif args.command == "createuser":
        _django(debug_default=_demo_home())
        _manage(["kendali_createuser", *args.rest])
    elif args.command == "token":
        _django(debug_default=_demo_home())
        _manage(["kendali_token", *args.rest])
    elif args.command == "manage":
        _django(debug_default=_demo_home())
        _manage(args.rest)
    elif args.command == "simulate":
        _django(debug_default=_demo_home())
        _manage([f"simulate_{args.what}", *args.rest])
    elif args.command == "open311-key":
        _django()
        _manage(["open311_key", *args.rest])
    elif args.command == "radius":
        _django()
        _manage([f"radius_{args.what}", *args.rest])


if __name__ == "__main__":
    main()
