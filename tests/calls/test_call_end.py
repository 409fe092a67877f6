"""Ending a call by hand: manual calls (no PBX will ever say they ended) and calls left
open; who may end one; ending twice; and a manual call ending when it is classified."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from kendali.calls.models import Call
from kendali.core.models import AuditEntry, Event
from tests.calls.conftest import answered_call

pytestmark = pytest.mark.django_db


def post(client, url, body=None):
    return client.post(url, json.dumps(body or {}), content_type="application/json")


def manual(client) -> int:
    response = post(client, "/api/v1/calls/", {"number": "081234567890"})
    assert response.status_code == 201, response.content
    return response.json()["id"]


def queue_ids(client) -> set[int]:
    return {c["id"] for c in client.get("/api/v1/calls/queue").json()}


def test_call_taker_ends_a_manual_call(clients, users, django_capture_on_commit_callbacks):
    call_id = manual(clients["calltaker"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post(clients["calltaker"], f"/api/v1/calls/{call_id}/end")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "ended" and body["ended_at"]
    call = Call.objects.get(pk=call_id)
    assert call.state == "ended" and call.ended_at >= call.answered_at
    assert not call.abandoned and call.outcome == ""  # answered, still to be tagged
    entry = AuditEntry.objects.get(action="call.end")
    assert entry.actor == users["calltaker"] and entry.changes["state"] == ["answered", "ended"]
    assert Event.objects.filter(topic="calls.call.ended", data__id=call_id).exists()
    # Tagged afterwards, it leaves the live queue.
    post(clients["calltaker"], f"/api/v1/calls/{call_id}/classify", {"outcome": "informasi"})
    assert call_id not in queue_ids(clients["calltaker"])


def test_ending_an_ended_call_changes_nothing_and_says_so(clients):
    call_id = manual(clients["calltaker"])
    post(clients["calltaker"], f"/api/v1/calls/{call_id}/end")
    ended_at = Call.objects.get(pk=call_id).ended_at
    again = post(clients["calltaker"], f"/api/v1/calls/{call_id}/end")
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert "sudah selesai" in again.json()["detail"] and f"#{call_id}" in again.json()["detail"]
    assert Call.objects.get(pk=call_id).ended_at == ended_at
    assert AuditEntry.objects.filter(action="call.end").count() == 1


def test_only_the_call_taker_or_a_supervisor_ends_a_call(clients, users, pbx):
    from django.contrib.auth.models import Group

    from kendali.core.choices import Role
    from kendali.core.models import User
    from tests.conftest import login_client

    other = User.objects.create(username="calltaker2", extension="2102")
    other.groups.add(Group.objects.get(name=Role.CALL_TAKER))
    call_id = manual(clients["calltaker"])
    refused = post(login_client(other), f"/api/v1/calls/{call_id}/end")
    assert refused.status_code == 403
    for name in ("dispatcher", "viewer", "officer"):
        assert post(clients[name], f"/api/v1/calls/{call_id}/end").status_code == 403, name
    assert Call.objects.get(pk=call_id).state == "answered"
    # A supervisor closes a call another call-taker left open.
    assert post(clients["supervisor"], f"/api/v1/calls/{call_id}/end").status_code == 200
    assert AuditEntry.objects.get(action="call.end").actor == users["supervisor"]
    # A PBX call still ringing whose "ended" never came: a supervisor ends it, and it
    # counts as abandoned, as the PBX's own "ended" would have made it.
    pbx("offered", "stuck", timezone.now() - timedelta(minutes=3), number="085711223344")
    stuck = Call.objects.get(pbx_call_id="stuck")
    assert post(clients["calltaker"], f"/api/v1/calls/{stuck.pk}/end").status_code == 403
    assert post(clients["supervisor"], f"/api/v1/calls/{stuck.pk}/end").status_code == 200
    stuck.refresh_from_db()
    assert stuck.state == "ended" and stuck.abandoned and stuck.outcome == "terputus"


def test_a_late_pbx_ended_after_a_manual_end_keeps_the_pbx_time(clients, pbx):
    start = timezone.now() - timedelta(minutes=2)
    call = answered_call(pbx, "081234567890", start)
    assert post(clients["calltaker"], f"/api/v1/calls/{call.pk}/end").status_code == 200
    pbx("ended", call.pbx_call_id, start + timedelta(seconds=50))
    call.refresh_from_db()
    assert call.state == "ended" and call.ended_at == start + timedelta(seconds=50)


@pytest.mark.parametrize("outcome", ["iseng", "ghost", "salah_sambung", "uji", "informasi"])
def test_classifying_a_manual_call_ends_it(clients, outcome):
    call_id = manual(clients["calltaker"])
    response = post(clients["calltaker"], f"/api/v1/calls/{call_id}/classify", {"outcome": outcome})
    assert response.status_code == 200
    assert response.json()["state"] == "ended"
    call = Call.objects.get(pk=call_id)
    assert call.state == "ended" and call.ended_at == call.classified_at
    assert call_id not in queue_ids(clients["calltaker"])
    # Changing one's mind (another letter) still works on the ended call.
    post(clients["calltaker"], f"/api/v1/calls/{call_id}/classify", {"outcome": "iseng"})
    assert Call.objects.get(pk=call_id).outcome == "iseng"


def test_an_emergency_manual_call_stays_open_until_ended(clients, regions_loaded):
    call_id = manual(clients["calltaker"])
    response = post(
        clients["calltaker"],
        f"/api/v1/calls/{call_id}/incident",
        {"type_code": "kebakaran", "lat": -6.1185, "lon": 106.1525},
    )
    assert response.status_code == 201, response.content
    call = Call.objects.get(pk=call_id)
    assert call.outcome == "darurat" and call.state == "answered"  # still guiding the caller
    assert call_id in queue_ids(clients["calltaker"])
    assert post(clients["calltaker"], f"/api/v1/calls/{call_id}/end").status_code == 200
    assert call_id not in queue_ids(clients["calltaker"])


def test_classifying_a_pbx_call_leaves_ending_to_the_pbx(clients, pbx):
    call = answered_call(pbx, "081234567890", timezone.now() - timedelta(seconds=30))
    post(clients["calltaker"], f"/api/v1/calls/{call.pk}/classify", {"outcome": "iseng"})
    call.refresh_from_db()
    assert call.outcome == "iseng" and call.state == "answered" and call.ended_at is None
