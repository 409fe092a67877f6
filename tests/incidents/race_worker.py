"""Run concurrent incident creations against a real SQLite file database and print the
numbers as JSON. Used by test_numbering_race (the test suite's SQLite database lives in
memory, where threads cannot share it)."""

from __future__ import annotations

import json
import os
import sys
import threading

import django

WORKERS = int(sys.argv[1]) if len(sys.argv) > 1 else 8
PER_WORKER = int(sys.argv[2]) if len(sys.argv) > 2 else 5


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from kendali.core.actors import Actor
    from kendali.incidents.services import incident_create

    call_command("migrate", verbosity=0)
    barrier = threading.Barrier(WORKERS)
    numbers: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        try:
            barrier.wait()
            for _ in range(PER_WORKER):
                incident = incident_create(actor=Actor.system(f"uji-{i}"), type_code="medis")
                with lock:
                    numbers.append(incident.number)
        except Exception as exc:  # noqa: BLE001 - reported to the test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps({"numbers": numbers, "errors": errors}))


if __name__ == "__main__":
    main()
