from __future__ import annotations

import json

from kendali.alerts.choices import AlertState
from kendali.alerts.models import Alert
from tests.alerts.access import DRAFT_BODY


def _post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def test_api_draft_submit_approve_update_cancel(clients, users, regions_loaded):
    response = _post(clients["operator"], "/api/v1/alerts", DRAFT_BODY)
    assert response.status_code == 201, response.content
    alert_id = response.json()["id"]
    assert response.json()["state"] == "draft" and response.json()["cap_url"] is None
    assert _post(clients["operator"], f"/api/v1/alerts/{alert_id}/submit").status_code == 200
    # Four eyes through the API too: the operator may not approve at all, an author never.
    assert _post(clients["operator"], f"/api/v1/alerts/{alert_id}/approve").status_code == 403
    response = _post(clients["supervisor"], f"/api/v1/alerts/{alert_id}/approve")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "published" and body["approver"] == "supervisor"
    assert body["cap_url"].endswith(f"/alerts/{body['identifier']}.xml")

    active = clients["anonymous"].get("/api/v1/alerts/active?kelurahan=36.73.02.1001").json()
    assert [a["id"] for a in active] == [alert_id]
    assert clients["anonymous"].get("/api/v1/alerts/active?kelurahan=36.73.01.1001").json() == []

    response = _post(clients["operator"], f"/api/v1/alerts/{alert_id}/update", DRAFT_BODY)
    assert response.status_code == 201 and response.json()["references"] == body["identifier"]
    response = _post(clients["operator"], f"/api/v1/alerts/{alert_id}/cancel", {"reason": ""})
    assert response.status_code == 422
    assert any(
        e["field"] == "reason" and "Alasan pembatalan wajib diisi" in e["message"]
        for e in response.json()["errors"]
    )
    response = _post(clients["operator"], f"/api/v1/alerts/{alert_id}/cancel", {"reason": "Keliru"})
    assert response.status_code == 201 and response.json()["state"] == "submitted"
    cancel_id = response.json()["id"]
    assert _post(clients["admin"], f"/api/v1/alerts/{cancel_id}/approve").status_code == 200
    assert Alert.objects.get(pk=alert_id).state == AlertState.CANCELLED


def test_api_validation_problem(clients, users, regions_loaded):
    body = dict(
        DRAFT_BODY,
        kelurahan=[],
        expires="2099-01-01T00:00:00+07:00",
        onset="2099-02-01T00:00:00+07:00",
    )
    response = _post(clients["operator"], "/api/v1/alerts", body)
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert "Wilayah peringatan kosong" in errors["area"]
    assert "sesudah perkiraan mulai" in errors["expires"]
