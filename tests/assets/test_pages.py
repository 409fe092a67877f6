"""The pages and API a Pengurus Barang, an approver and BPKAD use, end to end."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from kendali.assets import services
from kendali.assets.choices import EntryStatus, ItemStatus
from kendali.assets.models import Item, LedgerEntry
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_record_laptop_approve_label_and_page(bmd, bmd_client, regions_loaded):
    pengurus = bmd_client("pengurus_a")
    assert pengurus.get("/aset/baru/?kib=B").status_code == 200
    response = pengurus.post(
        "/aset/baru/",
        {
            "kib": "B",
            "agency": bmd["agencies"]["dpupr"].pk,
            "code": "1.3.2.10.01.02.003",
            "name": "Notebook ASUS ExpertBook B1",
            "acquisition_date": "2026-07-10",
            "value": "14750000",
            "origin": "apbd",
            "condition": "B",
            "quantity": 1,
            "unit": "unit",
            "d_merk_tipe": "ASUS B1402",
            "d_nomor_pabrik": "SN-99812",
            "lat": "-6.1203",
            "lon": "106.1502",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    item = Item.objects.get(name="Notebook ASUS ExpertBook B1")
    assert item.status == ItemStatus.DRAFT and item.kelurahan  # located in a kelurahan
    assert item.details["merk_tipe"] == "ASUS B1402"
    entry = item.entries.get()
    # The drafter sees no approve button; another person approves.
    page = pengurus.get(f"/aset/{item.pk}/").content.decode()
    assert "Setujui" not in page
    approver = bmd_client("pengguna_a")
    r = approver.post(
        f"/aset/entri/{entry.pk}/putuskan/", {"decision": "approve", "note": "BAST lengkap"}
    )
    assert r.status_code == 302
    item.refresh_from_db()
    assert item.nibar
    page = approver.get(f"/aset/{item.pk}/").content.decode()
    assert item.nibar in page and "Intrakomptabel" in page
    label = pengurus.get(f"/aset/{item.pk}/label.pdf")
    assert label.status_code == 200 and label.content.startswith(b"%PDF")
    # Register list, filtered by OPD and KIB.
    listing = pengurus.get(f"/aset/?opd={bmd['agencies']['dpupr'].pk}&kib=B").content.decode()
    assert item.nibar in listing
    # Another OPD's officer: 404 on the page and the API, not in their list.
    other = bmd_client("pengurus_b")
    assert other.get(f"/aset/{item.pk}/").status_code == 404
    assert other.get(f"/api/v1/assets/items/{item.pk}").status_code == 404
    assert item.nibar not in other.get("/aset/").content.decode()
    assert (
        other.post(
            f"/aset/{item.pk}/entri/",
            {"kind": "kondisi", "entry_date": "2026-07-11", "condition": "RB"},
        ).status_code
        == 404
    )


def test_api_draft_approve_and_self_approval_refused(bmd, bmd_client):
    bpkad = bmd_client("bpkad")
    r = bpkad.post(
        "/api/v1/assets/items",
        json.dumps(
            {
                "opd": "damkar",
                "code": "1.3.2.02.01.04.001",
                "name": "Mobil pemadam Hino",
                "acquisition_date": "2026-07-01",
                "value": "1450000000",
                "details": {"nomor_polisi": "A 9012 SG", "nomor_rangka": "MJEFG8JT1KJ000111"},
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    item_id = r.json()["id"]
    entry = LedgerEntry.objects.get(item_id=item_id)
    r = bpkad.post(
        f"/api/v1/assets/approvals/{entry.pk}",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
    )
    assert r.status_code == 403 and "orang lain" in r.json()["detail"]
    r = bmd_client("bpkad2").post(
        f"/api/v1/assets/approvals/{entry.pk}",
        json.dumps({"decision": "approve"}),
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == EntryStatus.APPROVED
    assert AuditEntry.objects.filter(action="assets.entry.approve", actor_label="bpkad2").exists()
    r = bpkad.post(
        "/api/v1/assets/items",
        json.dumps(
            {
                "opd": "damkar",
                "code": "1.3.2.02.01.04.001",
                "name": "x",
                "acquisition_date": "2026-07-01",
                "value": 0,
            }
        ),
        content_type="application/json",
    )
    assert r.status_code == 422 and "lebih dari nol" in r.json()["detail"]
    assert bmd_client("pengurus_b").get("/api/v1/assets/items").json()[0]["id"] == item_id
    assert bmd_client("pengurus_a").get("/api/v1/assets/items").json() == []


def test_lbps_xlsx_has_real_numbers(bmd, bmd_client, bmd_actor, laptop):
    services.depreciation_run(actor=bmd_actor("bpkad"), period="2026-S1")
    r = bmd_client("pengurus_a").get(
        f"/aset/laporan/unduh/?kind=lbps&period=2026-S1&opd={bmd['agencies']['dpupr'].pk}"
    )
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    ws = wb.active
    assert ws.title == "IV.L.4.2"
    rows = list(ws.iter_rows(values_only=True))
    data = [row for row in rows if row and row[0] == "DPUPR"]
    assert data, rows
    row = data[0]
    assert row[2] == 16000000 and isinstance(row[2], float | int)  # saldo awal, a number
    assert row[7] == 6000000 and row[8] == 10000000
    kib = bmd_client("pengurus_a").get("/aset/laporan/unduh/?kind=kib_b")
    ws = load_workbook(io.BytesIO(b"".join(kib.streaming_content))).active
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row and row[1] == "Kode Barang")
    first = rows[header + 1]
    assert first[3] == laptop.nibar
    assert isinstance(first[rows[header].index("Tanggal Perolehan")], date)
    pdf = bmd_client("pengurus_a").get(
        "/aset/laporan/unduh/?kind=rekap_mutasi&period=2026-S1&format=pdf"
    )
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    # Another OPD's officer cannot ask for DPUPR's report.
    assert (
        bmd_client("pengurus_b")
        .get(f"/aset/laporan/unduh/?kind=kib_b&opd={bmd['agencies']['dpupr'].pk}")
        .status_code
        == 404
    )


def test_depreciation_and_lock_pages(bmd, bmd_client, laptop):
    bpkad = bmd_client("bpkad")
    r = bpkad.post("/aset/penyusutan/", {"run": "1", "period": "2026-S1"})
    assert r.status_code == 302
    laptop.refresh_from_db()
    assert laptop.accumulated == 6000000
    assert (
        bmd_client("pengurus_a")
        .post("/aset/penyusutan/", {"run": "1", "period": "2026-S1"})
        .status_code
        == 403
    )
    r = bpkad.post("/aset/penyusutan/", {"lock": "1", "period": "2026-S1"})
    assert r.status_code == 302
    page = bpkad.get("/aset/penyusutan/").content.decode()
    assert "2026-S1" in page and "Dikunci" in page
