"""The input edge of /api/v1 (kendali.core.edge): control characters, integer and date
bounds, NaN, null bodies and batches — the same answers on SQLite and PostgreSQL (run this
module with KENDALI_DATABASE_URL pointing at PostgreSQL too)."""

from __future__ import annotations

import json

import pytest

from kendali.calls.choices import NumberFlag
from kendali.calls.models import Call, TelephonyEvent
from kendali.core.actors import Actor

HUGE = str(2**63)


def _json(client, method, path, body, **extra):
    return getattr(client, method)(
        path,
        data=body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


def _refused(response, status=422):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    if status == 422:
        assert body["errors"] and all(
            set(e) == {"field", "message", "type"} for e in body["errors"]
        ), body
    return body


@pytest.fixture
def pbx_client(client, db):
    from kendali.core import services as core_services

    _token, plain = core_services.token_create(
        actor=Actor.system("test"), name="pbx", scopes=["telephony"]
    )

    def send(body):
        return _json(
            client, "post", "/api/v1/telephony/events", body, HTTP_AUTHORIZATION=f"Bearer {plain}"
        )

    return send


def test_garbled_number_with_nul_is_stored_escaped_and_flagged(pbx_client):
    response = pbx_client({"kind": "offered", "pbx_call_id": "edge-1", "number": "0812\u00003456"})
    assert response.status_code == 200, response.content
    call = Call.objects.get(pbx_call_id="edge-1")
    assert call.number_raw == "0812\\x003456"
    assert call.number_flag == NumberFlag.INVALID
    event = TelephonyEvent.objects.get(pbx_call_id="edge-1")
    assert event.payload["number"] == "0812\\x003456"


@pytest.mark.parametrize(
    "event,field",
    [
        (
            {"kind": "offered", "pbx_call_id": "edge\u0000x", "number": "081234567890"},
            "pbx_call_id",
        ),
        ({"kind": "offered", "pbx_call_id": "x" * 101, "number": "081234567890"}, "pbx_call_id"),
        ({"kind": "offered", "pbx_call_id": "edge-p", "payload": {"note": "a\u0000"}}, "payload"),
        ({"kind": "offered", "pbx_call_id": "edge-a", "at": "9999-01-01T00:00:00Z"}, "at"),
        ({"kind": "offered", "pbx_call_id": "edge-b", "at": "0001-01-01T00:00:00Z"}, "at"),
        ({"kind": "offered", "pbx_call_id": "edge-c", "at": 0}, "at"),
    ],
)
def test_bad_event_refuses_the_whole_batch(pbx_client, event, field):
    good = {"kind": "offered", "pbx_call_id": "edge-good", "number": "081234567890"}
    body = _refused(pbx_client({"events": [good, event]}))
    assert any(e["field"].startswith(f"events.1.{field}") for e in body["errors"]), body
    assert not Call.objects.exists() and not TelephonyEvent.objects.exists()


def test_two_long_call_ids_never_collide(pbx_client):
    a, b = "p" * 99 + "a", "p" * 99 + "b"
    assert pbx_client({"kind": "offered", "pbx_call_id": a}).status_code == 200
    assert pbx_client({"kind": "offered", "pbx_call_id": b}).status_code == 200
    assert Call.objects.count() == 2


def test_lone_surrogate_and_bad_utf8_refused(pbx_client):
    _refused(pbx_client('{"kind": "offered", "pbx_call_id": "\\ud800"}'))
    _refused(pbx_client(b'{"kind": "offered", "pbx_call_id": "\xff"}'))


def test_null_body_creates_nothing(clients):
    for body in ("null", "3", '"x"'):
        _refused(_json(clients["calltaker"], "post", "/api/v1/calls/", body))
    assert not Call.objects.exists()


@pytest.mark.parametrize("field", ["description", "reporter_phone", "address", "reporter_name"])
def test_incident_text_with_control_characters_refused(clients, regions_loaded, field):
    from kendali.incidents.models import Incident

    body = {"type_code": "kebakaran", "lat": -6.12, "lon": 106.15, field: "ada\u0000nul"}
    response = _json(clients["calltaker"], "post", "/api/v1/incidents/", body)
    errors = _refused(response)["errors"]
    assert errors[0]["field"] == field and errors[0]["type"] == "control_character"
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/incidents/?offset={HUGE}",
        f"/api/v1/audit?offset={HUGE}",
        "/api/v1/incidents/?offset=1000000001",
        "/api/v1/audit?until=0",
        "/api/v1/incidents/?since=0",
        "/api/v1/incidents/?until=9999-01-01T00:00:00Z",
        "/api/v1/incidents/?q=a%00b",
        "/api/v1/regions/locate?lat=nan&lon=106.1",
        "/api/v1/regions/locate?lat=-6.1&lon=inf",
    ],
)
def test_query_bounds(clients, path):
    _refused(clients["admin"].get(path))


@pytest.mark.parametrize(
    "path",
    [f"/api/v1/calls/{HUGE}", f"/api/v1/incidents/{2**64}", "/api/v1/calls/callers/08%0012"],
)
def test_path_beyond_64_bits_or_with_nul_is_404(clients, path):
    _refused(clients["admin"].get(path), 404)


def test_warning_expiring_in_9999_refused(clients, regions_loaded):
    from tests.alerts.access import DRAFT_BODY

    body = {**DRAFT_BODY, "expires": "9999-12-31T00:00:00+07:00"}
    errors = _refused(_json(clients["operator"], "post", "/api/v1/alerts", body))["errors"]
    assert errors[0]["field"] == "expires"


def test_nan_and_huge_numbers_in_json_refused(clients, regions_loaded):
    for body in (
        '{"type_code": "kebakaran", "lat": NaN, "lon": 106.15}',
        '{"type_code": "kebakaran", "lat": -6.1, "lon": Infinity}',
        '{"type_code": "kebakaran", "lat": -6.1, "lon": 106.15, "x": ' + HUGE + "}",
    ):
        _refused(_json(clients["calltaker"], "post", "/api/v1/incidents/", body))


def test_position_accuracy_and_nan_rejected_per_item(users, clients):
    from kendali.core.models import Agency
    from kendali.dispatch import services as dispatch

    unit = dispatch.unit_create(
        actor=Actor(user=users["admin"]),
        agency=Agency.objects.get(code="damkar"),
        callsign="EDGE-1",
        kind="pemadam",
        home_lat=-6.12,
        home_lon=106.15,
    )
    body = {
        "positions": [
            {"lat": -6.121, "lon": 106.151, "accuracy": -5},
            {"lat": -6.122, "lon": 106.152, "accuracy": 12},
        ]
    }
    from kendali.core import services as core_services

    _token, plain = core_services.token_create(
        actor=Actor.system("test"),
        name="kru",
        scopes=["unit"],
        agency=unit.agency,
        subject_type="dispatch.unit",
        subject_id=str(unit.pk),
    )
    response = _json(
        clients["anonymous"],
        "post",
        f"/api/v1/dispatch/units/{unit.pk}/positions",
        body,
        HTTP_AUTHORIZATION=f"Bearer {plain}",
    )
    assert response.status_code == 200, response.content
    result = response.json()
    assert result["accepted"] == 1 and [r["index"] for r in result["rejected"]] == [0]
