"""Dispatcher board with 200 active incidents and 500 units: server time (GET /dispatch/
and GET /api/v1/dispatch/board) and query count. Baseline: the same page with 20 incidents
and 50 units, measured in the same run, so a query count that grows with the data (N+1)
would show. Fresh SQLite file database."""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from common import percentile, report, setup_django

TMP = Path(tempfile.mkdtemp(prefix="kendali-bench-board-"))
setup_django(f"sqlite:///{TMP / 'bench.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

KINDS = ["pemadam", "ambulans", "patroli", "rescue", "bpbd", "satpolpp", "pln", "pdam"]
REPEAT = 15


def populate(n_incidents: int, n_units: int, tag: str):
    from django.contrib.auth.models import Group

    from kendali.core.actors import Actor
    from kendali.core.choices import AgencyKind, Role
    from kendali.core.models import Agency, User
    from kendali.dispatch import services
    from kendali.dispatch.models import Unit
    from kendali.incidents.models import Incident, IncidentType
    from kendali.incidents.services import incident_timeline_add

    for unit in Unit.objects.all():  # clean slate between sizes
        unit.assignments.all().delete()
        unit.delete()
    Incident.objects.all().delete()
    rng = random.Random(7)
    agencies = list(Agency.objects.all()) or [
        Agency.objects.create(
            code=f"a{i}", name=f"Instansi {i}", short_name=f"I{i}", kind=AgencyKind.OPD
        )
        for i in range(7)
    ]
    units = Unit.objects.bulk_create(
        Unit(
            agency=agencies[i % len(agencies)],
            callsign=f"{tag}-{i:04d}",
            kind=KINDS[i % len(KINDS)],
            home_lat=rng.uniform(-6.20, -6.02),
            home_lon=rng.uniform(106.08, 106.26),
        )
        for i in range(n_units)
    )
    types = list(IncidentType.objects.all())
    system = Actor.system("bench")
    incidents = []
    for n in range(n_incidents):
        incident = Incident.objects.create(
            number=f"112-{tag}-{n:06d}",
            type=types[n % len(types)],
            priority=f"P{1 + n % 4}",
            lat=rng.uniform(-6.19, -6.03),
            lon=rng.uniform(106.09, 106.25),
        )
        incident.agencies.add(agencies[n % len(agencies)])
        incident_timeline_add(
            actor=system, incident=incident, kind="call", summary="Panggilan", data={"call_id": n}
        )
        incidents.append(incident)
    for n, unit in enumerate(units[: min(len(units), int(n_incidents * 1.5))]):
        services.assignment_create(actor=system, incident=incidents[n % n_incidents], unit=unit)
    user, _ = User.objects.get_or_create(username="bench-dispatcher")
    user.groups.add(Group.objects.get(name=Role.DISPATCHER))
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    return client


def measure(client, path: str) -> tuple[list[float], int]:
    client.get(path)  # warm caches and templates
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(path)
    return times, len(ctx.captured_queries)


def main() -> None:
    from kendali.core.roles import sync_roles

    call_command("migrate", verbosity=0)
    sync_roles()
    small = populate(20, 50, "S")
    small_page, small_page_q = measure(small, "/dispatch/")
    small_api, small_api_q = measure(small, "/api/v1/dispatch/board")
    big = populate(200, 500, "B")
    page, page_q = measure(big, "/dispatch/")
    api, api_q = measure(big, "/api/v1/dispatch/board")
    report(
        "dispatch.board.page.p50",
        percentile(page, 50),
        "ms",
        baseline_name="20 incidents / 50 units",
        baseline=percentile(small_page, 50),
        incidents=200,
        units=500,
    )
    report(
        "dispatch.board.page.queries",
        page_q,
        "queries",
        baseline_name="20 incidents / 50 units",
        baseline=small_page_q,
    )
    report(
        "dispatch.board.api.p50",
        percentile(api, 50),
        "ms",
        baseline_name="20 incidents / 50 units",
        baseline=percentile(small_api, 50),
        incidents=200,
        units=500,
    )
    report(
        "dispatch.board.api.queries",
        api_q,
        "queries",
        baseline_name="20 incidents / 50 units",
        baseline=small_api_q,
    )


if __name__ == "__main__":
    main()
