"""Background loops: one leader per loop (lease), recorded state, the event purge job."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from kendali.core import jobs
from kendali.core.models import Event, JobState

CALLS = []


def record_call():
    CALLS.append(1)


def explode():
    raise ValueError("sensor gateway unreachable")


def test_only_one_runner_holds_a_loop(db, monkeypatch):
    job = jobs.Job("uji.lease", 10, "tests.core.test_jobs.record_call")
    monkeypatch.setattr(jobs, "RUNNER_ID", "host-a:1")
    assert jobs.run_once(job) is True
    monkeypatch.setattr(jobs, "RUNNER_ID", "host-b:2")
    assert jobs.run_once(job) is False  # A's lease is still valid
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        assert jobs.run_once(job) is True  # A stopped renewing: B takes over
    state = JobState.objects.get(name="uji.lease")
    assert state.leader == "host-b:2" and state.runs == 2 and state.failures == 0


def test_failures_are_recorded_not_raised(db):
    job = jobs.Job("uji.error", 10, "tests.core.test_jobs.explode")
    assert jobs.run_once(job) is True
    state = JobState.objects.get(name="uji.error")
    assert state.failures == 1 and "sensor gateway unreachable" in state.last_error
    assert state.last_duration_ms is not None


def test_purge_job_keeps_recent_events(db, settings):
    from kendali.core.events import publish_now, purge_expired
    from kendali.core.events.stores import reset_store

    settings.REDIS_URL = None
    reset_store()
    with time_machine.travel(timezone.now() - timedelta(hours=30)):
        publish_now("uji.lama", {})
    recent = publish_now("uji.baru", {})
    purge_expired()
    assert list(Event.objects.values_list("topic", flat=True)) == ["uji.baru"]
    assert recent.id
    reset_store()


def test_every_registered_job_points_to_a_function():
    from django.utils.module_loading import import_string

    for job in jobs.registered():
        assert callable(import_string(job.function)), job.name


LOST = []


def record_lost():
    LOST.append(jobs.RUNNER_ID)


def test_a_connection_job_is_taken_over_within_seconds_and_the_old_leader_stops(db, monkeypatch):
    """The MQTT consumer's job: renewed every second, a 3 s lease. When the leader crashes,
    another process holds the consumer after at most lease + one tick (4 s); when a stalled
    leader comes back and finds the lease gone, it stops its consumer (on_lost)."""
    job = jobs.Job(
        "uji.mqtt",
        1,
        "tests.core.test_jobs.record_call",
        lease_seconds=3,
        on_lost="tests.core.test_jobs.record_lost",
    )
    LOST.clear()
    held_by = {"host-a:1": set(), "host-b:2": set()}  # each process keeps its own

    def process(runner: str) -> None:
        monkeypatch.setattr(jobs, "RUNNER_ID", runner)
        monkeypatch.setattr(jobs, "_held", held_by[runner])

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        process("host-a:1")
        assert jobs.run_once(job) is True
    with time_machine.travel(start + timedelta(seconds=2), tick=False):
        process("host-b:2")
        assert jobs.run_once(job) is False  # A renewed 2 s ago: still the leader
    # A crashed right after its last renewal; B's next tick after the lease wins.
    with time_machine.travel(start + timedelta(seconds=3.5), tick=False):
        assert jobs.run_once(job) is True
    assert JobState.objects.get(name="uji.mqtt").leader == "host-b:2"
    # A was only stalled: its next attempt finds B's lease and it lets go.
    with time_machine.travel(start + timedelta(seconds=4), tick=False):
        process("host-a:1")
        assert jobs.run_once(job) is False
    assert LOST == ["host-a:1"]


def test_the_mqtt_consumer_is_a_connection_job():
    job = {job.name: job for job in jobs.registered()}["mqtt"]
    assert job.interval_seconds <= 1 and job.lease_seconds and job.lease_seconds <= 3
    assert job.on_lost


SLOW_RELEASE = threading.Event()
CONNECTED = threading.Event()


def slow_report():
    SLOW_RELEASE.wait(10)  # a long periodic job (rules over many sensors, a report)


def keep_connection():
    CONNECTED.set()


def lose_connection():
    pass


@pytest.mark.django_db(transaction=True)
def test_a_long_job_never_delays_the_connection_jobs(monkeypatch):
    """The connection jobs (the MQTT consumer) have their own loop: while another job runs
    for a long time, the consumer is still started and its short lease still renewed."""
    slow = jobs.Job("uji.slow", 60, "tests.core.test_jobs.slow_report")
    connection = jobs.Job(
        "uji.connection",
        1,
        "tests.core.test_jobs.keep_connection",
        lease_seconds=3,
        on_lost="tests.core.test_jobs.lose_connection",
    )
    monkeypatch.setattr(jobs, "_jobs", {"uji.slow": slow, "uji.connection": connection})
    SLOW_RELEASE.clear()
    CONNECTED.clear()
    stop = jobs.start_in_thread()
    try:
        assert CONNECTED.wait(5)
        CONNECTED.clear()
        assert CONNECTED.wait(5), "the lease was not renewed while the slow job ran"
        assert not SLOW_RELEASE.is_set()  # the slow job is still running all along
    finally:
        SLOW_RELEASE.set()
        stop.set()
        for thread in threading.enumerate():
            if thread.name in ("kendali-jobs", "kendali-connections"):
                thread.join(5)
