"""Book value and accumulated depreciation at a chosen date: the item page and ``?at=``."""

from __future__ import annotations

import pytest

from kendali.assets import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def depreciated(bmd, bmd_actor, laptop):
    # Notebook of 16,000,000 from 2025-01-10, 8 semesters: the first run (2026-S1) books the
    # two missed semesters and its own, 6,000,000 in all.
    services.depreciation_run(actor=bmd_actor("bpkad"), period="2026-S1")
    return laptop


def test_api_gives_values_on_a_date(bmd_client, depreciated):
    client = bmd_client("pengurus_a")
    url = f"/api/v1/assets/items/{depreciated.pk}"
    assert client.get(url).json()["at"] is None
    after = client.get(url, {"at": "2026-07-01"}).json()["at"]
    assert after == {
        "on": "2026-07-01",
        "value": "16000000.00",
        "accumulated": "6000000.00",
        "book_value": "10000000.00",
    }
    # Mid-semester: depreciation counts up to the end of the last semester that had ended.
    before = client.get(url, {"at": "2026-06-29"}).json()["at"]
    assert before["accumulated"] == "0.00" and before["book_value"] == "16000000.00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31-12-2025", "Tanggal tidak valid"),
        ("2025-02-30", "Tanggal tidak valid"),
        ("2025-1-5", "Tanggal tidak valid"),
        ("2024-12-31", "sebelum tanggal perolehan (10-01-2025)"),
        ("2026-07-16", "setelah hari ini"),
    ],
)
def test_api_refuses_a_bad_date_with_a_problem(bmd_client, depreciated, text, message):
    response = bmd_client("pengurus_a").get(f"/api/v1/assets/items/{depreciated.pk}", {"at": text})
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert message in body["detail"]
    assert [e["field"] for e in body["errors"]] == ["at"]


def test_other_opd_gets_404_not_the_values(bmd_client, depreciated):
    response = bmd_client("pengurus_b").get(
        f"/api/v1/assets/items/{depreciated.pk}", {"at": "2026-07-01"}
    )
    assert response.status_code == 404


def test_item_page_date_field(bmd_client, depreciated):
    client = bmd_client("pengurus_a")
    page = client.get(f"/aset/{depreciated.pk}/").content.decode()
    assert 'name="pada"' in page and 'max="2026-07-15"' in page
    page = client.get(f"/aset/{depreciated.pk}/", {"pada": "2026-07-01"}).content.decode()
    assert 'data-on="2026-07-01"' in page and "10.000.000,00" in page
    page = client.get(f"/aset/{depreciated.pk}/", {"pada": "kemarin"}).content.decode()
    assert "Tanggal tidak valid" in page and 'aria-invalid="true"' in page
    assert "data-on=" not in page


def test_openapi_documents_at(client):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/assets/items/{item_id}"]["get"]
    param = next(p for p in operation["parameters"] if p["name"] == "at")
    assert "TTTT-BB-HH" in param["description"]
    assert "422" in operation["responses"]
