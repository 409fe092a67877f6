"""The live demo city (`make demo`): calls arrive, incidents open, units are sent, drive,
report and close, through the services, audited as the simulator; never outside the demo."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from kendali.core import demo_live, jobs
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db

# The demo's calls follow the clock (each batch is seeded by its start time), so the
# scenarios, and which agencies the recommended units belong to, change with the hour the
# suite runs. Every test here starts at one morning whose calls need units of agencies no
# person answers for, so the simulator's crews report and close (an agency with an
# officer's account waits for its officer's "Terima"); at another hour all of them may
# wait, and no field report would be filed within the test's 25 minutes.
PINNED_START = datetime(2026, 12, 2, 1, 15, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _pinned_clock(time_machine):
    time_machine.move_to(PINNED_START)


def _simulated(action: str) -> int:
    return AuditEntry.objects.filter(
        action=action, actor_label__startswith=demo_live.SIMULATOR_LABEL + ":"
    ).count()


def test_demo_city_moves_through_the_services(time_machine):
    from kendali.calls.models import Call
    from kendali.dispatch.models import Assignment, FieldReport
    from kendali.incidents.models import Incident

    call_command("kendali_demo_data")
    start = timezone.now()
    seeded_incidents = Incident.objects.count()
    for i in range(1, 100):  # 25 minutes of demo, a tick every 15 s
        time_machine.move_to(start + timedelta(seconds=15 * i))
        results = demo_live.run_ticks()
        assert set(results.values()) <= {"ok", "tidak ada"}, results
        assert results["calls"] == results["dispatch"] == "ok", results

    calls = Call.objects.filter(pbx_call_id__startswith="demo-live-")
    assert calls.count() >= 30
    assert calls.exclude(outcome="").count() >= 25  # answered and classified (or dropped)
    assert calls.filter(outcome="iseng").exists() and calls.filter(outcome="darurat").exists()
    demo_incidents = Incident.objects.filter(calls__pbx_call_id__startswith="demo-live-")
    assert demo_incidents.count() >= 3
    assert Incident.objects.count() >= seeded_incidents + demo_incidents.count()
    assert Assignment.objects.filter(incident__in=demo_incidents).count() >= 3
    assert FieldReport.objects.filter(incident__in=demo_incidents).exists()
    assert demo_incidents.filter(status="selesai").exists()

    # Every step through the services, audited under the simulator's name.
    for action in (
        "call.telephony.offered",
        "call.telephony.answered",
        "call.classify",
        "call.incident",
        "incident.create",
        "assignment.create",
        "assignment.acknowledge",
        "unit.set_status",
        "fieldreport.create",
        "incident.close",
    ):
        assert _simulated(action) > 0, action
    assert _simulated("incident.create") == demo_incidents.count()
    reached = {
        changes["status"][1]
        for changes in AuditEntry.objects.filter(
            action="unit.set_status", actor_label="simulasi-demo:kru"
        ).values_list("changes", flat=True)
    }
    assert {"menuju", "di_lokasi", "kembali", "tersedia"} <= reached

    # Park Wi-Fi is alive: every hotspot but the one the demo keeps down sends heartbeats,
    # and people come and go through the same accounting as FreeRADIUS sends.
    from kendali.wifi.models import AccessPoint, RadiusSession

    aps = AccessPoint.objects.all()
    assert aps.filter(status="online").count() == aps.count() - 1
    live = RadiusSession.objects.filter(session_id__startswith="DL")
    assert live.filter(stopped_at__isnull=False).exists()
    assert live.filter(stopped_at__isnull=True).exists()
    assert live.filter(output_octets__gt=0, session_time__gt=0).count() >= 10

    # The simulator acts only as its own people: its calls ring on its own extensions (no
    # screen-pop, nothing counted for the printed call-takers) ...
    from kendali.calls.demo_live import SIM_EXTENSIONS

    assert set(calls.exclude(extension="").values_list("extension", flat=True)) <= set(
        SIM_EXTENSIONS
    )
    assert not calls.filter(call_taker__isnull=False).exists()
    # ... and it accepts no assignment for an agency whose officer has a login.
    human = demo_live.human_agency_ids()
    assert human  # damkar, bpbd, dinkes, pln
    acknowledged = Assignment.objects.filter(
        pk__in=[
            int(i)
            for i in AuditEntry.objects.filter(
                action="assignment.acknowledge", actor_label__startswith="simulasi-demo"
            ).values_list("object_id", flat=True)
        ]
    )
    assert acknowledged.exists()
    assert not acknowledged.filter(agency_id__in=human).exists()


def test_assignments_people_make_wait_for_people(time_machine):
    """A dispatcher's own assignment, even to an agency without an officer login, is left
    for the agency to accept: the simulator neither accepts it nor drives the unit."""
    from kendali.core.actors import Actor
    from kendali.core.models import User
    from kendali.dispatch import services as dispatch_services
    from kendali.dispatch.models import Unit
    from kendali.incidents import services as incident_services

    call_command("kendali_demo_data")
    dispatcher = Actor(user=User.objects.get(username="dispatcher"))
    incident = incident_services.incident_create(
        actor=dispatcher,
        type_code="kebakaran",
        address="Jl. Uji",
        description="Uji penugasan manusia",
        lat=-6.12,
        lon=106.15,
    )
    human = demo_live.human_agency_ids()
    units = list(Unit.objects.filter(is_active=True, status="tersedia").order_by("pk"))
    mine = [u for u in units if u.agency_id in human][0]
    other = [u for u in units if u.agency_id not in human][0]
    made = [
        dispatch_services.assignment_create(actor=dispatcher, incident=incident, unit=u)
        for u in (mine, other)
    ]
    start = timezone.now()
    for i in range(1, 6):
        time_machine.move_to(start + timedelta(seconds=15 * i))
        demo_live.run_ticks()
    for assignment in made:
        assignment.refresh_from_db()
        assert assignment.acknowledged_at is None
        assignment.unit.refresh_from_db()
        assert assignment.unit.status == "ditugaskan"


def test_demo_city_stays_bounded(time_machine, monkeypatch):
    from kendali.dispatch import demo_live as dispatch_demo
    from kendali.incidents.models import Incident

    monkeypatch.setattr(dispatch_demo, "MAX_OPEN", 1)
    monkeypatch.setattr(dispatch_demo, "ON_SCENE_S", 10**6)  # crews never finish by themselves
    call_command("kendali_demo_data")
    start = timezone.now()
    for i in range(1, 80):
        time_machine.move_to(start + timedelta(seconds=15 * i))
        demo_live.run_ticks()
        assert (
            Incident.objects.filter(
                calls__pbx_call_id__startswith="demo-live-", status__in=["baru", "diproses"]
            ).count()
            <= 2  # at most MAX_OPEN after a tick, plus one opened by the 112 tick
        )
    demo = Incident.objects.filter(calls__pbx_call_id__startswith="demo-live-")
    assert demo.count() >= 3
    assert demo.filter(status="selesai").count() >= demo.count() - 2  # wound down by the cap


def test_loop_is_off_outside_demo_mode(monkeypatch):
    from kendali.calls.models import Call

    assert not demo_live.enabled()
    assert "demo.live" not in [j.name for j in jobs.registered()]
    demo_live.job()  # registered by mistake: still does nothing
    assert not Call.objects.exists()

    monkeypatch.setattr(jobs, "_jobs", dict(jobs._jobs))
    with override_settings(DEMO_LIVE=True, DEMO_LIVE_SECONDS=5):
        apps.get_app_config("core").ready()
        job = {j.name: j for j in jobs.registered()}["demo.live"]
        assert job.interval_seconds == 5 and job.function == "kendali.core.demo_live.job"


def test_a_missing_or_failing_tick_does_not_stop_the_others(monkeypatch):
    monkeypatch.setattr(demo_live, "_ticks", {})
    demo_live.register_tick("absent", "kendali.tidak_ada.demo_tick", order=1)
    demo_live.register_tick("boom", "tests.control.test_demo_live.explode", order=2)
    demo_live.register_tick("fine", "tests.control.test_demo_live.record", order=3)
    results = demo_live.run_ticks()
    assert results["absent"] == "tidak ada"
    assert results["boom"].startswith("ValueError")
    assert results["fine"] == "ok" and RECORDED
    with override_settings(DEMO_LIVE=True), pytest.raises(RuntimeError, match="boom"):
        demo_live.job()


RECORDED: list = []


def explode(*, now):
    raise ValueError("gateway")


def record(*, now):
    RECORDED.append(now)


def test_simulate_city_command_runs_ticks(monkeypatch):
    monkeypatch.setattr(demo_live, "_ticks", {})
    demo_live.register_tick("fine", "tests.control.test_demo_live.record")
    before = len(RECORDED)
    call_command("simulate_city", ticks=2, interval=0)
    assert len(RECORDED) == before + 2
