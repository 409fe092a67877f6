"""Which external services are reachable. With KENDALI_REQUIRE_SERVICES=1 (CI), a missing
one is an error, not a skip.

    python scripts/check_services.py            # report all; fail in CI if one is missing
    python scripts/check_services.py postgres   # exit 0 if PostgreSQL is reachable
"""

from __future__ import annotations

import os
import socket
import sys

SERVICES = {
    "postgres": ("127.0.0.1", 5432),
    "redis": ("127.0.0.1", 6379),
    "mqtt": ("127.0.0.1", 1883),
}


def reachable(name: str) -> bool:
    host, port = SERVICES[name]
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def main() -> int:
    names = sys.argv[1:] or list(SERVICES)
    missing = [n for n in names if not reachable(n)]
    if len(sys.argv) > 1:
        return 1 if missing else 0
    for name in SERVICES:
        print(f"service {name:<9} {'reachable' if name not in missing else 'NOT reachable'}")
    if missing and os.environ.get("KENDALI_REQUIRE_SERVICES") == "1":
        print(f"required services missing: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
