"""Background loops: ordinary functions with a recorded state and one leader each.

``kendali serve`` runs them in a thread (unless --no-background); ``kendali worker``
runs them as their own process. A lease in ``JobState`` makes sure only one runner
executes a given loop at a time, however many processes are started.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import close_old_connections, transaction
from django.db import connections as databases
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    interval_seconds: float
    function: str  # dotted path, called with no arguments
    # How long a leader's claim lasts without renewal (default: three intervals, at least
    # 30 s). A job that keeps a connection open (the MQTT consumer) runs every second with a
    # lease of a few seconds, so another process takes over within seconds of a crash.
    lease_seconds: float | None = None
    # Dotted path called (no arguments) when this process finds it lost the lease it held:
    # the job stops what it keeps running, so two leaders never hold one connection.
    on_lost: str = ""


_jobs: dict[str, Job] = {}
_held: set[str] = set()  # the jobs whose lease this process held at its last attempt
RUNNER_ID = f"{socket.gethostname()}:{os.getpid()}"


def register(job: Job) -> None:
    _jobs[job.name] = job


def registered() -> list[Job]:
    return sorted(_jobs.values(), key=lambda j: j.name)


def _take_lease(job: Job) -> bool:
    # The AppConfig modules import this one while the app registry fills: models only here.
    from kendali.core.models import JobState

    now = timezone.now()
    seconds = job.lease_seconds or max(job.interval_seconds * 3, 30)
    lease = now + timedelta(seconds=seconds)
    JobState.objects.get_or_create(name=job.name)
    # Conditional UPDATE: two runners racing for the same loop cannot both win.
    taken = JobState.objects.filter(
        Q(name=job.name)
        & (Q(lease_until__isnull=True) | Q(lease_until__lt=now) | Q(leader=RUNNER_ID))
    ).update(leader=RUNNER_ID, lease_until=lease)
    return taken == 1


def run_once(job: Job) -> bool:
    """Run one iteration if this process holds the lease. Returns whether it ran."""
    # The AppConfig modules import this one while the app registry fills: models only here.
    from kendali.core.models import JobState

    if not _take_lease(job):
        if job.name in _held:
            _held.discard(job.name)
            if job.on_lost:
                logger.warning("job %s: lease lost to another process", job.name)
                import_string(job.on_lost)()
        return False
    _held.add(job.name)
    started = timezone.now()
    t0 = time.perf_counter()
    error = ""
    try:
        import_string(job.function)()
    except Exception as exc:  # noqa: BLE001 - recorded and shown in the control room
        logger.exception("job %s failed", job.name)
        error = f"{type(exc).__name__}: {exc}"[:2000]
    duration = (time.perf_counter() - t0) * 1000
    with transaction.atomic():
        JobState.objects.filter(name=job.name).update(
            last_started_at=started,
            last_finished_at=timezone.now(),
            last_duration_ms=duration,
            last_error=error,
            runs=F("runs") + 1,
            failures=F("failures") + (1 if error else 0),
        )
    return True


def keeps_connection(job: Job) -> bool:
    """A job that keeps a connection open (it has an ``on_lost``: the MQTT consumer)."""
    return bool(job.on_lost)


def run_forever(
    stop: threading.Event | None = None,
    tick: float = 1.0,
    *,
    connections: bool | None = None,
) -> None:
    """Run the registered jobs when due. ``connections``: True runs only the jobs that keep
    a connection, False only the others, None all of them."""
    stop = stop or threading.Event()
    next_due: dict[str, float] = {}
    try:
        while not stop.is_set():
            close_old_connections()
            now = time.monotonic()
            for job in registered():
                if connections is not None and keeps_connection(job) != connections:
                    continue
                if next_due.get(job.name, 0) <= now:
                    try:
                        run_once(job)
                    except Exception:  # noqa: BLE001 - database hiccup: try again next tick
                        logger.exception("job runner: %s", job.name)
                    next_due[job.name] = now + job.interval_seconds
            stop.wait(tick)
    finally:
        databases.close_all()  # this thread's connections, not left for the server to drop


def start_in_thread() -> threading.Event:
    """The jobs in two threads: the connection jobs renew their short leases every second
    in their own loop, so a long periodic job (rules, retention, a report) never delays the
    takeover of the MQTT consumer after a crash, nor the renewal that keeps it here
    (bench/sensors_mqtt_recovery.py)."""
    stop = threading.Event()
    for name, connections in (("kendali-jobs", False), ("kendali-connections", True)):
        threading.Thread(
            target=run_forever,
            args=(stop,),
            kwargs={"connections": connections},
            name=name,
            daemon=True,
        ).start()
    return stop
