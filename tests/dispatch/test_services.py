"""Dispatch rules as a dispatcher, an agency officer and a crew would notice them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import Notification
from kendali.dispatch import selectors, services, sla
from kendali.dispatch.models import Assignment, SlaBreach, Unit, UnitStatusLog

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def refreshed(unit):
    return Unit.objects.get(pk=unit.pk)


def test_recommendation_orders_by_travel_time_and_run_card(fleet, make_incident, actor_of):
    services.runcard_save(
        actor=actor_of("supervisor"),
        type_code="kebakaran",
        priority="P1",
        lines=[{"kind": "pemadam", "count": 2}, {"kind": "ambulans", "count": 1}],
    )
    incident = make_incident(priority="P1")
    result = selectors.recommend(actor=actor_of("dispatcher"), incident=incident)
    assert [n["kind"] for n in result["needs"]] == ["pemadam", "ambulans"]
    callsigns = [c["callsign"] for c in result["candidates"]]
    assert "PLN-1" not in callsigns  # not on the run card
    # The card first (two nearest engines, the ambulance), then the rest by travel time.
    assert callsigns == ["DMK-1", "DMK-2", "AMB-1", "DMK-3"]
    assert [c["suggested"] for c in result["candidates"]] == [True, True, True, False]
    assert [c["key"] for c in result["candidates"]] == [1, 2, 3, 4]


def test_without_run_card_all_available_units_by_travel_time(fleet, make_incident, actor_of):
    incident = make_incident(type_code="lainnya")
    candidates = selectors.recommend(actor=actor_of("dispatcher"), incident=incident)["candidates"]
    etas = [c["eta_min"] for c in candidates]
    assert len(candidates) == 5 and etas == sorted(etas)


def test_busy_units_are_not_recommended(fleet, make_incident, actor_of):
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    other = make_incident()
    result = selectors.recommend(actor=actor_of("dispatcher"), incident=other)
    assert "DMK-1" not in [c["callsign"] for c in result["candidates"]]


def test_busy_units_are_not_recommended_when_the_clock_stands_still(fleet, make_incident, actor_of):
    """Two changes in the same instant must still refresh the recommendation's unit index."""
    from unittest import mock

    from django.utils import timezone

    frozen = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        first = make_incident()
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=first, unit=fleet["DMK-3"]
        )
        second = make_incident()
        selectors.recommend(actor=actor_of("dispatcher"), incident=second)  # index cached
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=first, unit=fleet["DMK-1"]
        )
        result = selectors.recommend(actor=actor_of("dispatcher"), incident=second)
    assert "DMK-1" not in [c["callsign"] for c in result["candidates"]]


def test_assignment_notifies_agency_and_officer_acknowledges_in_inbox(
    fleet, make_incident, actor_of, users, django_capture_on_commit_callbacks
):
    incident = make_incident()
    with django_capture_on_commit_callbacks(execute=True):
        a = services.assignment_create(
            actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
        )
    assert refreshed(fleet["DMK-1"]).status == "ditugaskan"
    incident.refresh_from_db()
    assert incident.status == "diproses"
    note = Notification.objects.get(agency__code="damkar")
    assert "DMK-1" in note.title and note.ref == a.ref
    from kendali.core.notifiers.inbox import notification_acknowledge

    notification_acknowledge(actor=actor_of("officer"), notification_id=note.pk)
    a.refresh_from_db()
    assert a.acknowledged_at is not None and a.acknowledged_by == users["officer"]
    kinds = list(incident.timeline.values_list("kind", "summary"))
    assert any("menerima penugasan" in s for _k, s in kinds)


def test_second_assignment_of_busy_unit_says_why(fleet, make_incident, actor_of):
    first, second = make_incident(), make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=first, unit=fleet["DMK-1"])
    with pytest.raises(Conflict) as excinfo:
        services.assignment_create(
            actor=actor_of("supervisor"), incident=second, unit=fleet["DMK-1"]
        )
    assert first.number in excinfo.value.detail
    assert Assignment.objects.filter(incident=second).count() == 0


def test_crew_moves_through_statuses_and_nonsense_is_rejected(fleet, make_incident, actor_of):
    incident = make_incident()
    unit = fleet["DMK-1"]
    officer = actor_of("officer")
    with pytest.raises(Conflict) as excinfo:
        services.unit_set_status(actor=officer, unit=unit, status="di_lokasi")
    assert "Tidak siaga" in excinfo.value.detail  # says which moves are allowed
    a = services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=unit)
    with pytest.raises(Conflict) as excinfo:
        services.unit_set_status(actor=officer, unit=unit, status="kembali")
    assert "Menuju lokasi" in excinfo.value.detail
    services.unit_set_status(actor=officer, unit=unit, status="menuju")
    services.unit_set_status(actor=officer, unit=unit, status="di_lokasi")
    services.unit_set_status(actor=officer, unit=unit, status="kembali")
    a.refresh_from_db()
    assert a.status == "selesai" and a.en_route_at and a.on_scene_at and a.cleared_at
    assert refreshed(unit).current_assignment_id is None
    services.unit_set_status(actor=officer, unit=unit, status="tersedia")
    log = list(
        UnitStatusLog.objects.filter(unit=unit)
        .order_by("at", "id")
        .values_list("to_status", flat=True)
    )
    assert log == ["ditugaskan", "menuju", "di_lokasi", "kembali", "tersedia"]


def test_busy_unit_cannot_go_out_of_service_or_be_deleted(fleet, make_incident, actor_of):
    unit = fleet["DMK-1"]
    a = services.assignment_create(
        actor=actor_of("dispatcher"), incident=make_incident(), unit=unit
    )
    with pytest.raises(Conflict, match="lepaskan"):
        services.unit_set_status(actor=actor_of("officer"), unit=unit, status="tidak_siaga")
    with pytest.raises(Conflict, match="lepaskan"):
        services.unit_delete(actor=actor_of("supervisor"), unit=unit)
    with pytest.raises(Conflict, match="lepaskan"):
        services.unit_update(actor=actor_of("supervisor"), unit=unit, is_active=False)
    services.assignment_release(actor=actor_of("dispatcher"), assignment=a, reason="salah unit")
    services.unit_set_status(actor=actor_of("officer"), unit=unit, status="tidak_siaga")
    services.unit_delete(actor=actor_of("supervisor"), unit=unit)
    assert not Unit.objects.filter(pk=unit.pk, is_active=True).exists()


def test_officer_acts_only_on_own_agency(fleet, make_incident, actor_of):
    pln_officer = actor_of("other_officer")
    with pytest.raises(NotFound):
        services.unit_set_status(actor=pln_officer, unit=fleet["DMK-1"], status="tidak_siaga")
    a = services.assignment_create(
        actor=actor_of("dispatcher"), incident=make_incident(), unit=fleet["DMK-1"]
    )
    with pytest.raises(NotFound):
        services.assignment_acknowledge(actor=pln_officer, assignment=a)
    assert list(selectors.assignments_visible(actor=pln_officer)) == []
    assert list(selectors.assignments_visible(actor=actor_of("officer"))) == [a]
    assert {u.callsign for u in selectors.units_visible(actor=pln_officer)} == {"PLN-1"}
    with pytest.raises(NotAllowed):
        services.assignment_create(
            actor=actor_of("officer"), incident=make_incident(), unit=fleet["DMK-2"]
        )


def test_crew_token_acts_only_for_its_unit(fleet, unit_token):
    _plain, token = unit_token(fleet["DMK-1"])
    crew = Actor(token=token)
    services.unit_set_status(actor=crew, unit=fleet["DMK-1"], status="tidak_siaga")
    with pytest.raises(NotAllowed):
        services.unit_set_status(actor=crew, unit=fleet["DMK-2"], status="tidak_siaga")
    with pytest.raises(NotAllowed):
        services.unit_report_positions(
            actor=crew, unit=fleet["DMK-2"], positions=[{"lat": -6.12, "lon": 106.15}]
        )


def test_positions_batch_old_ignored_impossible_rejected(fleet, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    unit = fleet["DMK-1"]
    crew = Actor.system("test")
    now = timezone.now()
    result = services.unit_report_positions(
        actor=crew,
        unit=unit,
        positions=[
            {"lat": -6.1210, "lon": 106.1510, "at": (now - timedelta(seconds=60)).isoformat()},
            {"lat": -6.1220, "lon": 106.1520, "at": (now - timedelta(seconds=30)).isoformat()},
            {"lat": 40.0, "lon": 106.15, "at": now.isoformat()},  # outside Serang
            {"lat": "x", "lon": 106.15},
        ],
    )
    assert result["accepted"] == 2 and len(result["rejected"]) == 2
    unit = refreshed(unit)
    assert (unit.lat, unit.lon) == (-6.1220, 106.1520)
    # A late backlog from before the last known position is ignored.
    result = services.unit_report_positions(
        actor=crew,
        unit=unit,
        positions=[
            {"lat": -6.1300, "lon": 106.1600, "at": (now - timedelta(seconds=45)).isoformat()}
        ],
    )
    assert result == {"accepted": 0, "ignored": 1, "rejected": []}
    # 20 km in 10 seconds: a GPS jump.
    result = services.unit_report_positions(
        actor=crew,
        unit=unit,
        positions=[{"lat": -6.30, "lon": 106.15, "at": (now - timedelta(seconds=20)).isoformat()}],
    )
    assert result["accepted"] == 0 and "lompatan" in result["rejected"][0]["reason"]


def test_close_needs_field_report_or_supervisor_override(fleet, make_incident, actor_of):
    incident = make_incident()
    a = services.assignment_create(
        actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
    )
    with pytest.raises(Conflict, match="DMK-1"):
        services.incident_close(actor=actor_of("dispatcher"), incident=incident)
    for status in ("menuju", "di_lokasi", "kembali"):
        services.unit_set_status(actor=actor_of("officer"), unit=fleet["DMK-1"], status=status)
    with pytest.raises(Conflict, match="laporan lapangan"):
        services.incident_close(actor=actor_of("dispatcher"), incident=incident)
    with pytest.raises(NotAllowed):
        services.incident_close(
            actor=actor_of("dispatcher"), incident=incident, override_reason="x"
        )
    report = services.field_report_create(
        actor=actor_of("officer"),
        incident=incident,
        outcome="tertangani",
        actions="Api dipadamkan",
        casualties_injured=1,
        photos=[SimpleUploadedFile("rumah.png", PNG, content_type="image/png")],
    )
    assert report.agency.code == "damkar" and report.photos.count() == 1
    assert report.photos.get().image.name.endswith(".png")
    closed = services.incident_close(actor=actor_of("dispatcher"), incident=incident)
    assert closed.status == "selesai" and closed.closed_at is not None
    assert a.pk


def test_supervisor_override_needs_reason(make_incident, actor_of, users):
    incident = make_incident()
    with pytest.raises(Conflict):
        services.incident_close(actor=actor_of("supervisor"), incident=incident)
    closed = services.incident_close(
        actor=actor_of("supervisor"), incident=incident, override_reason="Laporan ganda"
    )
    assert closed.status == "selesai"
    assert "Laporan ganda" in closed.timeline.filter(kind="status").last().summary


def test_field_report_rejects_fake_photo_and_foreign_agency(fleet, make_incident, actor_of):
    incident = make_incident()
    with pytest.raises(Invalid, match="JPEG"):
        services.field_report_create(
            actor=actor_of("officer"),
            incident=incident,
            outcome="tertangani",
            actions="x",
            photos=[SimpleUploadedFile("a.png", b"<?php evil", content_type="image/png")],
        )
    with pytest.raises(NotFound):
        services.field_report_create(
            actor=actor_of("other_officer"), incident=incident, outcome="tertangani", actions="x"
        )


def test_referral_tracked_until_resolved(
    make_incident, agencies, actor_of, django_capture_on_commit_callbacks
):
    incident = make_incident(type_code="kebakaran")
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            actor=actor_of("dispatcher"),
            incident=incident,
            agency=agencies["pln"],
            note="Tiang miring",
        )
    note = Notification.objects.get(agency=agencies["pln"])
    assert note.ref == referral.ref
    with pytest.raises(NotFound):
        services.referral_acknowledge(actor=actor_of("officer"), referral=referral)
    from kendali.core.notifiers.inbox import notification_acknowledge

    notification_acknowledge(actor=actor_of("other_officer"), notification_id=note.pk)
    referral.refresh_from_db()
    assert referral.status == "diterima"
    services.referral_resolve(
        actor=actor_of("other_officer"), referral=referral, resolution="Tiang diganti"
    )
    referral.refresh_from_db()
    assert referral.status == "selesai" and referral.resolved_at


def test_sla_breaches_recorded_with_reason(
    fleet, make_incident, actor_of, time_machine, django_capture_on_commit_callbacks
):
    from kendali.core.events import get_store

    start = timezone.now()
    time_machine.move_to(start, tick=False)
    incident = make_incident(priority="P1")
    assert sla.check_running() == 0
    time_machine.move_to(start + timedelta(seconds=90), tick=False)
    before = get_store().latest_id()
    with django_capture_on_commit_callbacks(execute=True):
        assert sla.check_running() == 1
    breach = SlaBreach.objects.get(incident=incident)
    assert breach.kind == "processing" and "belum ada unit" in breach.reason
    # The control-room ticker's line is a sentence, not "SLA … breached".
    event = next(e for e in get_store().read_after(before) if e.topic == "dispatch.sla.breached")
    assert event.data["summary"] == f"SLA {incident.number}: {breach.reason}"
    assert sla.check_running() == 0  # recorded once
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    time_machine.move_to(start + timedelta(minutes=20), tick=False)
    sla.check_running()
    kinds = set(SlaBreach.objects.filter(incident=incident).values_list("kind", flat=True))
    assert kinds == {"processing", "reaction", "response"}
    timers = {t.kind: t for t in sla.timers_for([incident])[incident.pk]}
    assert timers["response"].level == "bad" and timers["total"].state == "running"


def test_sla_target_per_type_and_priority(make_incident, time_machine):
    from kendali.dispatch.models import SlaTarget
    from kendali.incidents.models import IncidentType

    SlaTarget.objects.create(
        kind="processing",
        incident_type=IncidentType.objects.get(code="kebakaran"),
        priority="P1",
        seconds=30,
    )
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    incident = make_incident(priority="P1")
    time_machine.move_to(start + timedelta(seconds=45), tick=False)
    timers = {t.kind: t for t in sla.timers_for([incident])[incident.pk]}
    assert timers["processing"].target == 30 and timers["processing"].state == "breached"


def test_shift_handover_received_by_next_supervisor(make_incident, actor_of, users, time_machine):
    from kendali.core.models import User

    make_incident()
    time_machine.move_to("2026-11-28T08:00:00+07:00", tick=False)
    day, shift = services.current_shift()
    assert shift == "pagi"
    log = services.shift_handover(actor=actor_of("supervisor"), notes="Kebakaran pasar dipantau")
    assert len(log.open_incidents) == 1
    with pytest.raises(Conflict):
        services.shift_receive(actor=actor_of("supervisor"), log=log)
    other = User.objects.create(username="sup2")
    other.groups.set(users["supervisor"].groups.all())
    services.shift_receive(actor=Actor(user=other), log=log)
    log.refresh_from_db()
    assert log.received_by == other
    time_machine.move_to("2026-11-29T02:00:00+07:00", tick=False)
    assert services.current_shift()[1] == "malam"
    assert str(services.current_shift()[0]) == "2026-11-28"


def test_run_card_edit_is_supervisors(actor_of):
    with pytest.raises(NotAllowed):
        services.runcard_save(
            actor=actor_of("dispatcher"), type_code="kebakaran", priority="P1", lines=[]
        )
    with pytest.raises(Invalid):
        services.runcard_save(
            actor=actor_of("supervisor"),
            type_code="kebakaran",
            priority="P1",
            lines=[{"kind": "kapal", "count": 1}],
        )


def test_supervisor_sets_sla_target_on_run_card_page(clients, make_incident, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    r = clients["supervisor"].post(
        "/dispatch/kartu/sla/",
        {"kind": "processing", "type_code": "kebakaran", "priority": "P1", "seconds": "30"},
    )
    assert r.status_code == 302
    assert (
        clients["dispatcher"]
        .post("/dispatch/kartu/sla/", {"kind": "processing", "seconds": "5"})
        .status_code
        == 403
    )
    incident = make_incident(priority="P1")
    time_machine.move_to(start + timedelta(seconds=45), tick=False)
    assert sla.check_running() == 1
    assert "30 dtk" in SlaBreach.objects.get(incident=incident).reason
    page = clients["supervisor"].get("/dispatch/kartu/").content.decode()
    assert "Target SLA" in page and ">30 dtk<" in page  # in words, never "14400 dtk"


def test_one_assignment_is_one_ticker_line(
    fleet, make_incident, actor_of, django_capture_on_commit_callbacks
):
    from kendali.core.events import get_store

    incident = make_incident(priority="P1")
    before = get_store().latest_id()
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
        )
    events = {e.topic: e.data for e in get_store().read_after(before)}
    assert events["dispatch.assignment.created"]["summary"] == (
        f"Unit DMK-1 · {incident.number}: Ditugaskan"
    )
    # The unit's own event refreshes the maps; the wall's ticker leaves quiet events out.
    assert events["dispatch.unit.updated"]["quiet"] is True
