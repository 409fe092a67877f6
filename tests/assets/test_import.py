"""Excel in: dry run per row and column, all or nothing, refusals, and export → import."""

from __future__ import annotations

import re
from datetime import date

import pytest
from openpyxl import Workbook

from kendali.assets import importer, reports, services
from kendali.assets.models import DepreciationLine, Item, LedgerEntry
from kendali.core.errors import Invalid, NotAllowed

pytestmark = pytest.mark.django_db

HEADER = [
    "No",
    "Kode Barang",
    "Nama Barang",
    "NIBAR",
    "Merk/tipe",
    "Tanggal Perolehan",
    "Asal Usul",
    "Kondisi",
    "Harga",
]


def _xlsx(tmp_path, rows, header=HEADER, merged=False, name="kib.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.append(["KARTU INVENTARIS BARANG (KIB) B"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    if merged:
        ws.merge_cells("A1:D1")
    path = tmp_path / name
    wb.save(path)
    return path


def test_dry_run_lists_problems_and_commit_is_all_or_nothing(bmd, bmd_actor, tmp_path):
    rows = [
        [
            1,
            "1.3.2.10.01.02.001",
            "PC Unit Dell",
            None,
            "Dell Optiplex",
            date(2023, 3, 1),
            "Pembelian",
            "B",
            11500000,
        ],
        [2, "9.9.9.9", "Tidak dikenal", None, "", date(2023, 3, 1), "", "B", 1000],
        [3, "1.3.2.10.01.02.003", "Notebook", None, "", date(2023, 3, 1), "", "Baik", "dua juta"],
        [4, "1.3.2.10.01.02.003", "Notebook", None, "", date(2027, 1, 1), "", "X", "=A1*2"],
    ]
    path = _xlsx(tmp_path, rows)
    agency = bmd["agencies"]["dpupr"]
    report = importer.dry_run(path=path, agency=agency)
    assert report.rows == 4 and report.ok == 1
    problems = {(row, col) for row, col, _msg in report.problems}
    assert (4, "Kode Barang") in problems
    assert (5, "Nilai Perolehan") in problems
    assert (6, "Tanggal Perolehan") in problems and (6, "Kondisi") in problems
    assert any(r == 6 and "rumus" in m for r, _c, m in report.problems)
    before = Item.objects.count()
    with pytest.raises(Invalid, match="tidak ada yang diimpor"):
        importer.import_commit(actor=bmd_actor("pengurus_a"), path=path, agency=agency)
    assert Item.objects.count() == before


def test_refusals(bmd, tmp_path, monkeypatch):
    agency = bmd["agencies"]["dpupr"]
    with pytest.raises(Invalid, match="sel gabungan"):
        importer.dry_run(path=_xlsx(tmp_path, [], merged=True), agency=agency)
    with pytest.raises(Invalid, match="Kolom wajib"):
        importer.dry_run(
            path=_xlsx(
                tmp_path,
                [[1, "1.3.2.10.01.02.001", "PC"]],
                header=["No", "Kode Barang", "Nama Barang"],
            ),
            agency=agency,
        )
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    many = [
        [i, "1.3.2.10.01.02.001", "PC", None, "", date(2023, 1, 1), "", "B", 1000000]
        for i in range(40)
    ]
    with pytest.raises(Invalid, match="batas satu impor"):
        importer.dry_run(path=_xlsx(tmp_path, many), agency=agency)


def test_mapping_step_for_other_layouts(bmd, tmp_path):
    path = _xlsx(
        tmp_path,
        [["1.3.2.10.01.02.001", "PC", "2022", 9000000]],
        header=["KODE BRG", "NAMA", "THN", "NILAI (RP)"],
    )
    with pytest.raises(Invalid):
        importer.dry_run(path=path, agency=bmd["agencies"]["dpupr"])
    report = importer.dry_run(
        path=path,
        agency=bmd["agencies"]["dpupr"],
        mapping={
            "code": "KODE BRG",
            "name": "NAMA",
            "acquisition_date": "THN",
            "value": "NILAI (RP)",
        },
    )
    assert report.ok == 1 and not report.problems


def test_export_reimports_to_the_same_register(bmd, bmd_actor, tmp_path):
    a, b = bmd_actor("pengurus_a"), bmd_actor("pengguna_a")
    agency = bmd["agencies"]["dpupr"]
    for n, (code, value) in enumerate(
        [
            ("1.3.2.10.01.02.003", "16000000"),
            ("1.3.2.05.02.01.003", "350000"),
            ("1.3.2.02.01.05.001", "23500000"),
        ]
    ):
        item = services.item_draft(
            actor=a,
            agency=agency,
            code=code,
            name=f"Barang {n}",
            acquisition_date=date(2024, 1 + n, 10),
            value=value,
            details={"merk_tipe": f"Merk {n}", "nomor_polisi": f"A {n} SG"},
            condition="KB",
        )
        services.entry_approve(actor=b, entry_id=item.entries.get().pk)
    fields = (
        "nibar",
        "code__code",
        "name",
        "acquisition_date",
        "value",
        "condition",
        "details",
        "intra",
    )
    snapshot = sorted(Item.objects.values_list(*fields))
    spec = reports.Spec(kind="kib_b", agency=agency)
    path = tmp_path / "ekspor.xlsx"
    with open(path, "wb") as out:
        reports.write_xlsx(spec, out)
    # Re-importing over the same register changes nothing (every NIBAR is already there).
    assert importer.dry_run(path=path, agency=agency).skipped == 3
    # Into an empty register, the export rebuilds the same items.
    DepreciationLine.objects.all().delete()
    LedgerEntry.objects.all().delete()
    Item.objects.all().delete()
    batch = importer.import_commit(actor=a, path=path, agency=agency)
    with pytest.raises(NotAllowed):
        importer.batch_approve(actor=a, batch_id=batch.pk)
    assert importer.batch_approve(actor=b, batch_id=batch.pk) == 3
    assert sorted(Item.objects.values_list(*fields)) == snapshot
    assert services.register_differences() == []


def test_import_pages_dry_run_commit_and_batch_approval(bmd, bmd_client, tmp_path, settings):
    settings.BASE_DIR = tmp_path
    path = _xlsx(
        tmp_path,
        [
            [
                1,
                "1.3.2.10.01.02.001",
                "PC Unit HP",
                None,
                "HP ProDesk",
                date(2024, 5, 2),
                "Pembelian",
                "B",
                10250000,
            ]
        ],
    )
    client = bmd_client("pengurus_a")
    agency = bmd["agencies"]["dpupr"].pk
    with open(path, "rb") as fh:
        r = client.post("/aset/impor/", {"agency": agency, "file": fh, "dry": "1"})
    page = r.content.decode()
    assert "1 siap diimpor" in page
    token = re.search(r'name="token" value="([0-9a-f]{32})"', page).group(1)
    r = client.post("/aset/impor/", {"agency": agency, "token": token, "commit": "1"})
    assert r.status_code == 302
    item = Item.objects.get(name="PC Unit HP")
    assert item.status == "draft"
    # The importer cannot approve; the head of the OPD approves the whole batch.
    assert client.post(f"/aset/impor/{item.import_batch_id}/setujui/").status_code == 403
    r = bmd_client("pengguna_a").post(f"/aset/impor/{item.import_batch_id}/setujui/")
    item.refresh_from_db()
    assert item.status == "active" and item.nibar
    # Another OPD's approver does not see the batch.
    assert (
        bmd_client("pengguna_b").post(f"/aset/impor/{item.import_batch_id}/setujui/").status_code
        == 302
    )
