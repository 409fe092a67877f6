"""Open311 GeoReport v2, tested as a third-party client would use it: an httpx client
against the live test server lists services, posts a request with its API key and reads
it back, in JSON and XML."""

from __future__ import annotations

import io
from datetime import timedelta
from xml.etree import ElementTree as ET

import httpx
import pytest
from django.core.management import call_command
from django.utils import timezone

from kendali.core.models import AuditEntry, MachineToken
from kendali.reports.models import Report
from tests.reports.conftest import CIPARE_POINT, SERANG_POINT


def issue_key(name: str = "Aplikasi Warga Serang") -> str:
    out = io.StringIO()
    call_command("open311_key", "create", name, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.fixture
def client(live_server, report_setup):
    with httpx.Client(base_url=f"{live_server.url}/open311/v2/", timeout=10) as http:
        yield http


def test_key_is_shown_once_and_stored_hashed(db, roles):
    key = issue_key()
    token = MachineToken.objects.get(subject_type="reports.open311")
    assert key.startswith("knd_") and token.scopes == ["open311"]
    assert key not in token.digest and token.digest != key


@pytest.mark.django_db(transaction=True)
def test_third_party_client_round_trip_json_and_xml(client):
    key = issue_key()
    discovery = client.get("discovery.json").json()
    assert discovery["endpoints"][0]["specification"].endswith("GeoReport_v2")

    services = client.get("services.json", params={"jurisdiction_id": "serangkota.go.id"}).json()
    codes = {s["service_code"]: s for s in services}
    assert codes["saluran-tersumbat"]["metadata"] is True
    assert codes["lampu-jalan"]["type"] == "realtime"
    definition = client.get("services/saluran-tersumbat.json").json()
    assert definition["attributes"][0]["code"] == "kedalaman"
    assert {v["key"] for v in definition["attributes"][0]["values"]} == {"rendah", "tinggi"}
    xml = ET.fromstring(client.get("services.xml").content)
    assert xml.tag == "services" and xml.find("service/service_code") is not None

    posted = client.post(
        "requests.json",
        data={
            "api_key": key,
            "service_code": "saluran-tersumbat",
            "lat": str(CIPARE_POINT[0]),
            "long": str(CIPARE_POINT[1]),
            "description": "Got mampet depan sekolah, hubungi 081234567890",
            "attribute[kedalaman]": "tinggi",
            "phone": "081234567890",
            "first_name": "Ani",
        },
    )
    assert posted.status_code == 201, posted.text
    (created,) = posted.json()
    number = created["service_request_id"]
    assert number.startswith("LW-") and "token" not in created

    (read,) = client.get(f"requests/{number}.json").json()
    assert read["status"] == "open" and read["service_code"] == "saluran-tersumbat"
    assert read["agency_responsible"] == "Kantor Kelurahan Cipare"
    assert read["requested_datetime"].endswith("+07:00")
    assert read["expected_datetime"].endswith("+07:00")
    assert "081234567890" not in read["description"] and "Ani" not in str(read)
    assert abs(read["lat"] - CIPARE_POINT[0]) < 1e-6

    listed = client.get(
        "requests.json", params={"service_code": "saluran-tersumbat", "status": "open"}
    ).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert client.get("requests.json", params={"status": "closed"}).json() == []
    root = ET.fromstring(client.get(f"requests/{number}.xml").content)
    assert root.tag == "service_requests"
    assert root.find("request/service_request_id").text == number
    assert root.find("request/status").text == "open"

    report = Report.objects.get(tracking=number)
    token = client.get(f"tokens/{report.token}.json").json()
    assert token[0]["service_request_id"] == number
    entry = AuditEntry.objects.get(action="reports.report.create", object_id=str(report.pk))
    assert entry.actor_label == "token:Aplikasi Warga Serang"


@pytest.mark.django_db(transaction=True)
def test_errors_are_the_standard_array(client):
    key = issue_key()
    missing_key = client.post(
        "requests.json", data={"service_code": "lampu-jalan", "lat": "-6.1", "long": "106.1"}
    )
    assert missing_key.status_code == 403
    assert (
        missing_key.json()[0]["code"] == 403 and "api_key" in missing_key.json()[0]["description"]
    )
    bad_service = client.post(
        "requests.json",
        data={"api_key": key, "service_code": "tidak-ada", "lat": "-6.12", "long": "106.15"},
    )
    assert bad_service.status_code == 400 and "Kategori" in bad_service.json()[0]["description"]
    no_place = client.post(
        "requests.json", data={"api_key": key, "service_code": "lampu-jalan", "description": "x"}
    )
    assert no_place.status_code == 400 and "Lokasi" in no_place.json()[0]["description"]
    bad_attr = client.post(
        "requests.json",
        data={
            "api_key": key,
            "service_code": "saluran-tersumbat",
            "lat": str(SERANG_POINT[0]),
            "long": str(SERANG_POINT[1]),
            "description": "x",
            "attribute[kedalaman]": "dalam",
        },
    )
    assert bad_attr.status_code == 400
    xml = client.post("requests.xml", data={"service_code": "lampu-jalan"})
    root = ET.fromstring(xml.content)
    assert xml.status_code == 403 and root.tag == "errors" and root.find("error/code").text == "403"
    assert (
        client.get("services.json", params={"jurisdiction_id": "jakarta.go.id"}).status_code == 404
    )
    assert client.get("requests/LW-1999-000001.json").status_code == 404
    start = timezone.now() - timedelta(days=120)
    too_long = client.get(
        "requests.json",
        params={"start_date": start.isoformat(), "end_date": timezone.now().isoformat()},
    )
    assert too_long.status_code == 400 and "90" in too_long.json()[0]["description"]
    revoked = MachineToken.objects.get(subject_type="reports.open311")
    call_command("open311_key", "revoke", str(revoked.pk), stdout=io.StringIO())
    after = client.post(
        "requests.json",
        data={
            "api_key": key,
            "service_code": "lampu-jalan",
            "lat": str(SERANG_POINT[0]),
            "long": str(SERANG_POINT[1]),
            "description": "x",
        },
    )
    assert after.status_code == 403
    assert not Report.objects.exists()


@pytest.mark.django_db
def test_default_window_is_90_days_and_hidden_reports_are_left_out(make_report, client_django=None):
    from django.test import Client

    old = make_report()
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    recent = make_report()
    hidden = make_report()
    Report.objects.filter(pk=hidden.pk).update(hidden=True)
    rows = Client().get("/open311/v2/requests.json").json()
    assert [r["service_request_id"] for r in rows] == [recent.tracking]
    by_id = (
        Client()
        .get(f"/open311/v2/requests.json?service_request_id={old.tracking},{hidden.tracking}")
        .json()
    )
    assert [r["service_request_id"] for r in by_id] == [old.tracking]


def test_a_post_reads_only_the_next_tracking_number(
    report_setup, django_capture_on_commit_callbacks
):
    """An Open311 POST costs one read (the next tracking number) and four inserts: the
    report, its timeline, its audit entry and its event. The client key, the categories,
    the routing rules and the kelurahan boundaries are not read again for every post."""
    import re

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    key = issue_key()
    http = Client()

    def post(point):
        return http.post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "lampu-jalan",
                "lat": str(point[0]),
                "long": str(point[1]),
                "description": "Lampu mati",
            },
        )

    assert post(SERANG_POINT).status_code == 201
    with (
        CaptureQueriesContext(connection) as queries,
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert post(CIPARE_POINT).status_code == 201
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if not re.match(r"(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b", q["sql"])
        and "pg_advisory" not in q["sql"]
    ]
    reads = [s for s in statements if s.startswith("SELECT")]
    assert len(reads) == 1 and "reports_report" in reads[0], reads
    inserts = sorted(
        re.match(r'INSERT INTO "?(\w+)', s).group(1) for s in statements if s.startswith("INSERT")
    )
    assert inserts == ["core_auditentry", "core_event", "reports_report", "reports_reportupdate"]
    assert len(statements) == 5, statements  # nothing else: no UPDATE, no second read
    assert Report.objects.filter(source="open311").count() == 2
