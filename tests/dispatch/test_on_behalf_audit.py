"""An assignment made by a dispatcher leaves an audit row for every change it caused, in
dispatch and in incidents, each naming the dispatcher and the address they worked from."""

from __future__ import annotations

import pytest

from kendali.core.models import AuditEntry
from kendali.incidents import services as incident_services

pytestmark = pytest.mark.django_db

DESK = "10.20.30.40"


def _audit(clients, object_type: str, object_id: int) -> list[dict]:
    response = clients["admin"].get(
        "/api/v1/audit", {"object_type": object_type, "object_id": str(object_id)}
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_assignment_through_the_api_audits_every_change_as_the_dispatcher(
    clients, fleet, make_incident
):
    incident = make_incident()  # Damkar responds; the ambulance is Dinkes: a new agency
    response = clients["dispatcher"].post(
        "/api/v1/dispatch/assignments",
        {"incident_id": incident.pk, "unit_id": fleet["AMB-1"].pk},
        content_type="application/json",
        REMOTE_ADDR=DESK,
    )
    assert response.status_code in (200, 201), response.content
    assignment_id = response.json()["id"]

    [created] = _audit(clients, "dispatch.assignment", assignment_id)
    assert created["action"] == "assignment.create"
    assert (created["actor"], created["source_ip"]) == ("dispatcher", DESK)

    rows = {row["action"]: row for row in _audit(clients, "incidents.incident", incident.pk)}
    caused = {"incident.set_status", "incident.timeline_add", "incident.agency_add"}
    assert caused <= set(rows)
    for action in caused:
        row = rows[action]
        assert (row["actor"], row["source_ip"]) == ("dispatcher", DESK), action
        assert row["on_behalf"] == incident_services.ASSIGN_UNIT, action
    assert rows["incident.set_status"]["changes"]["status"] == ["baru", "diproses"]
    assert rows["incident.agency_add"]["changes"]["agencies"] == [None, "dinkes"]
    # No change the assignment caused was written by an anonymous system actor.
    assert (
        not AuditEntry.objects.filter(actor__isnull=True, token__isnull=True)
        .exclude(actor_label="test")
        .filter(object_id__in=[str(incident.pk), str(assignment_id)])
    )


def test_an_agency_already_responding_is_not_added_twice(clients, fleet, make_incident):
    incident = make_incident()
    clients["dispatcher"].post(
        "/api/v1/dispatch/assignments",
        {"incident_id": incident.pk, "unit_id": fleet["DMK-1"].pk},
        content_type="application/json",
    )
    actions = [row["action"] for row in _audit(clients, "incidents.incident", incident.pk)]
    assert "incident.agency_add" not in actions  # Damkar was listed from the start
    assert "incident.set_status" in actions


def test_a_referral_adds_the_agency_with_its_own_audit_entry(users, agencies, make_incident):
    from kendali.core.actors import Actor
    from kendali.dispatch.services import referral_create

    incident = make_incident()
    dispatcher = Actor(user=users["dispatcher"], ip=DESK)
    referral_create(actor=dispatcher, incident=incident, agency=agencies["pln"], note="kabel")
    row = AuditEntry.objects.get(action="incident.agency_add", object_id=str(incident.pk))
    assert row.actor.username == "dispatcher" and row.source_ip == DESK
    assert row.on_behalf == incident_services.REFER
    assert incident.agencies.filter(code="pln").exists()
