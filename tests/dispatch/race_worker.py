"""Run N concurrent assignments of one unit against a real, file/server database.

Used by test_race.py in a subprocess, because the in-memory SQLite test database
(shared cache) has table locks that ignore the busy timeout, unlike a real SQLite
file in WAL mode with IMMEDIATE transactions (what Kendali runs on).
Prints one JSON line: {"won": n, "busy": n, "errors": [...], "rows": n, "status": "..."}.

    KENDALI_DATABASE_URL=sqlite:////tmp/race.db python tests/dispatch/race_worker.py 1000 32
"""

from __future__ import annotations

import json
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor


def main(attempts: int, threads: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kendali.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth.models import Group

    from kendali.core.actors import Actor
    from kendali.core.choices import AgencyKind, Role
    from kendali.core.errors import Conflict
    from kendali.core.models import Agency, User
    from kendali.core.roles import sync_roles
    from kendali.dispatch import services
    from kendali.dispatch.models import Assignment, Unit
    from kendali.incidents.services import incident_create

    sync_roles()
    system = Actor.system("race")
    agency, _ = Agency.objects.get_or_create(
        code="damkar", defaults={"name": "Damkar", "short_name": "Damkar", "kind": AgencyKind.OPD}
    )
    user, _ = User.objects.get_or_create(username="race-dispatcher")
    user.groups.add(Group.objects.get(name=Role.DISPATCHER))
    user = User.objects.get(pk=user.pk)
    unit = services.unit_create(
        actor=system,
        agency=agency,
        callsign=f"RACE-{os.getpid()}",
        kind="pemadam",
        home_lat=-6.12,
        home_lon=106.15,
    )
    incidents = [incident_create(actor=system, type_code="kebakaran") for _ in range(4)]
    barrier = threading.Barrier(threads)
    local = threading.local()
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        if not getattr(local, "ready", False):
            local.ready = True
            barrier.wait(timeout=60)
        try:
            services.assignment_create(actor=Actor(user=user), incident=incidents[i % 4], unit=unit)
            result = "won"
        except Conflict as exc:
            result = "busy" if "sudah ditugaskan" in exc.detail else f"conflict: {exc.detail}"
        except Exception as exc:  # noqa: BLE001 - reported to the test
            result = f"error: {type(exc).__name__}: {exc}"
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(attempt, range(attempts)))
        # Close each worker thread's connection.
        list(pool.map(lambda _i: connections.close_all(), range(threads)))
    fresh = Unit.objects.get(pk=unit.pk)
    return {
        "won": outcomes.count("won"),
        "busy": outcomes.count("busy"),
        "errors": sorted({o for o in outcomes if o not in ("won", "busy")})[:5],
        "rows": Assignment.objects.filter(unit=unit).count(),
        "status": fresh.status,
        "linked": fresh.current_assignment_id == Assignment.objects.get(unit=unit).pk
        if Assignment.objects.filter(unit=unit).count() == 1
        else False,
        "vendor": connections["default"].vendor,
    }


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    t = int(sys.argv[2]) if len(sys.argv) > 2 else 32
    print(json.dumps(main(n, t)))
