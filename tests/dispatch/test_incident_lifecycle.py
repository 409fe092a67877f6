"""An incident is never cancelled, closed or merged away while a unit is still on it, and an
incident a unit has worked is closed with the agency's field report, not cancelled."""

from __future__ import annotations

import json

import pytest

from kendali.core.errors import Conflict, NotAllowed
from kendali.core.models import Notification
from kendali.dispatch import selectors, services
from kendali.dispatch.models import Assignment, Unit
from kendali.incidents import services as incident_services
from kendali.incidents.models import Incident


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def test_cancel_refused_while_a_unit_is_on_the_incident(fleet, make_incident, actor_of):
    incident = make_incident()
    a = services.assignment_create(
        actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"]
    )
    with pytest.raises(Conflict) as refused:
        incident_services.incident_set_status(
            actor=actor_of("calltaker"), incident=incident, status="dibatalkan"
        )
    assert "DMK-1" in refused.value.detail and "lepaskan" in refused.value.detail
    assert fresh(incident).status == "diproses"
    assert fresh(fleet["DMK-1"]).current_assignment_id == a.pk

    # Released (wrong unit, false alarm): now the call-taker may cancel.
    services.assignment_release(actor=actor_of("dispatcher"), assignment=a, reason="alarm palsu")
    incident_services.incident_set_status(
        actor=actor_of("calltaker"), incident=incident, status="dibatalkan"
    )
    assert fresh(incident).status == "dibatalkan"
    assert fresh(fleet["DMK-1"]).status == "tersedia"


def test_worked_incident_is_closed_with_a_field_report_not_cancelled(
    fleet, make_incident, actor_of
):
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    crew = actor_of("officer")
    for status in ("menuju", "di_lokasi", "kembali"):
        services.unit_set_status(actor=crew, unit=fleet["DMK-1"], status=status)
    with pytest.raises(Conflict) as refused:
        incident_services.incident_set_status(
            actor=actor_of("dispatcher"), incident=incident, status="dibatalkan"
        )
    assert "laporan lapangan" in refused.value.detail
    services.field_report_create(
        actor=crew, incident=incident, outcome="tertangani", actions="Api dipadamkan"
    )
    closed = services.incident_close(actor=actor_of("dispatcher"), incident=incident)
    assert closed.status == "selesai"


def test_closing_past_dispatch_is_refused_while_a_unit_is_on_it(fleet, make_incident, actor_of):
    """A caller cannot claim a verified closure without the capability dispatch grants, and
    even with it cannot leave a unit on a closed incident."""
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["AMB-1"])
    services.field_report_create(
        actor=actor_of("officer"), incident=incident, outcome="tertangani", actions="x"
    )
    with pytest.raises(NotAllowed):
        incident_services.incident_set_status(
            actor=actor_of("supervisor"), incident=incident, status="selesai", closure="override"
        )
    with pytest.raises(Conflict) as refused:
        incident_services.incident_set_status(
            actor=actor_of("supervisor").acting_for(incident_services.CLOSE_OVERRIDE),
            incident=incident,
            status="selesai",
            closure="override",
        )
    assert "AMB-1" in refused.value.detail
    with pytest.raises(Conflict):
        services.incident_close(
            actor=actor_of("supervisor"), incident=incident, override_reason="selesai"
        )
    assert fresh(incident).is_open


def test_unit_is_not_sent_to_an_incident_cancelled_meanwhile(fleet, make_incident, actor_of):
    incident = make_incident()
    stale = Incident.objects.get(pk=incident.pk)  # the dispatcher's page, loaded before
    incident_services.incident_set_status(
        actor=actor_of("calltaker"), incident=incident, status="dibatalkan"
    )
    with pytest.raises(Conflict) as refused:
        services.assignment_create(
            actor=actor_of("dispatcher"), incident=stale, unit=fleet["DMK-1"]
        )
    assert "sudah ditutup" in refused.value.detail
    unit = fresh(fleet["DMK-1"])
    assert unit.status == "tersedia" and unit.current_assignment_id is None
    assert not Assignment.objects.exists()


def test_merge_moves_units_still_on_the_duplicate_to_the_target(
    fleet, make_incident, actor_of, django_capture_on_commit_callbacks
):
    target = make_incident()
    duplicate = make_incident(agency_codes=["dinkes"])
    dispatcher = actor_of("dispatcher")
    moving = services.assignment_create(actor=dispatcher, incident=duplicate, unit=fleet["AMB-1"])
    services.unit_set_status(actor=dispatcher, unit=fleet["AMB-1"], status="menuju")
    released = services.assignment_create(actor=dispatcher, incident=duplicate, unit=fleet["DMK-2"])
    services.assignment_release(actor=dispatcher, assignment=released, reason="salah unit")
    Notification.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_merge(
            actor=actor_of("supervisor"), source=duplicate, target=target
        )

    moving = fresh(moving)
    assert moving.incident_id == target.pk and moving.status == "menuju"
    assert moving.en_route_at is not None  # the crew's times go with it
    assert fresh(released).incident_id == duplicate.pk  # history stays on the duplicate
    assert fresh(fleet["AMB-1"]).current_assignment_id == moving.pk
    target, duplicate = fresh(target), fresh(duplicate)
    assert duplicate.status == "digabung" and target.status == "diproses"
    assert set(target.agencies.values_list("code", flat=True)) >= {"damkar", "dinkes"}
    # The board shows the ambulance on the incident it is now working.
    board = {i.pk: i for i in selectors.active_incidents(actor=dispatcher)}
    assert duplicate.pk not in board
    assert [a.unit.callsign for a in board[target.pk].active_assignments] == ["AMB-1"]
    assert target.timeline.filter(summary__contains="AMB-1").exists()
    assert duplicate.timeline.filter(summary__contains=target.number).exists()
    note = Notification.objects.get(agency__code="dinkes")
    assert target.number in note.title and note.ref == moving.ref
    # The crew goes on and the target is then closed the normal way.
    services.unit_set_status(actor=dispatcher, unit=fleet["AMB-1"], status="di_lokasi")
    assert fresh(moving).status == "di_lokasi"


def test_merge_into_a_closed_target_with_units_on_the_duplicate_is_refused(
    fleet, make_incident, actor_of
):
    target = make_incident()
    incident_services.incident_set_status(
        actor=actor_of("calltaker"), incident=target, status="dibatalkan"
    )
    duplicate = make_incident()
    a = services.assignment_create(
        actor=actor_of("dispatcher"), incident=duplicate, unit=fleet["DMK-1"]
    )
    with pytest.raises(Conflict) as refused:
        incident_services.incident_merge(
            actor=actor_of("supervisor"), source=duplicate, target=target
        )
    assert target.number in refused.value.detail and "DMK-1" in refused.value.detail
    assert fresh(duplicate).status == "diproses"
    assert fresh(a).incident_id == duplicate.pk
    assert Unit.objects.get(callsign="DMK-1").current_assignment_id == a.pk


def test_cancel_through_api_and_page_says_why(clients, fleet, make_incident, actor_of):
    incident = make_incident()
    services.assignment_create(actor=actor_of("dispatcher"), incident=incident, unit=fleet["DMK-1"])
    response = clients["calltaker"].patch(
        f"/api/v1/incidents/{incident.number}",
        data=json.dumps({"status": "dibatalkan", "note": "iseng"}),
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "DMK-1" in response.json()["detail"]

    page = clients["calltaker"].post(
        f"/kejadian/{incident.number}/status/", {"status": "dibatalkan"}, follow=True
    )
    assert "Masih ada unit bertugas" in page.content.decode()
    assert fresh(incident).status == "diproses"
