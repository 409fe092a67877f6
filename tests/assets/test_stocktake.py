"""Stock-taking: plan, labels, scans that are never counted twice, differences as drafts."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal

import pytest

from kendali.assets import services
from kendali.assets.choices import EntryKind, EntryStatus, ItemStatus
from kendali.assets.models import Item, LedgerEntry, StockTake, StockTakeScan
from kendali.core.errors import Conflict, NotFound
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def census(bmd, bmd_actor, laptop):
    a = bmd_actor("pengurus_a")
    chair = services.item_draft(
        actor=a,
        agency=bmd["agencies"]["dpupr"],
        code="1.3.2.05.02.01.003",
        name="Kursi kerja",
        acquisition_date=date(2024, 2, 1),
        value="1250000",
    )
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=chair.entries.get().pk)
    st = services.stocktake_plan(
        actor=a, agency=bmd["agencies"]["dpupr"], name="Sensus 2026", planned_for=date(2026, 7, 15)
    )
    services.stocktake_start(actor=a, stocktake_id=st.pk)
    chair.refresh_from_db()
    return st, laptop, chair


def test_scan_is_idempotent_and_differences_become_drafts(bmd, bmd_client, bmd_actor, census):
    st, laptop, chair = census
    client = bmd_client("pengurus_a")
    key = str(uuid.uuid4())
    body = json.dumps({"code": f"BMD:{laptop.nibar}", "condition": "KB", "note": "meja 3"})
    first = client.post(
        f"/api/v1/assets/stocktakes/{st.pk}/scans",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert first.status_code == 201 and first.json()["result"] == "found"
    again = client.post(
        f"/api/v1/assets/stocktakes/{st.pk}/scans",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert again.status_code == 200 and again.json()["replayed"] is True
    assert StockTakeScan.objects.filter(stocktake=st).count() == 1
    unknown = client.post(
        f"/api/v1/assets/stocktakes/{st.pk}/scans",
        json.dumps(
            {
                "code": "BMD:999",
                "key": "k-2",
                "note": "meja 5",
                "found_name": "Printer laser",
                "found_code": "1.3.2.10.02.03.003",
                "found_value": "2750000",
            }
        ),
        content_type="application/json",
    )
    assert unknown.json()["result"] == "unregistered"
    assert first.json()["progress"]["found"] == 1 and first.json()["progress"]["total"] == 2
    # Another OPD cannot scan into this census.
    other = bmd_client("pengurus_b").post(
        f"/api/v1/assets/stocktakes/{st.pk}/scans",
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert other.status_code == 404
    assert client.get(f"/aset/inventarisasi/{st.pk}/pindai/").status_code == 200
    labels = client.get(f"/aset/inventarisasi/{st.pk}/label.pdf")
    assert labels.content.startswith(b"%PDF") and labels.content.count(b"/Type /Page ") == 1
    result = services.stocktake_close(actor=bmd_actor("pengurus_a"), stocktake_id=st.pk)
    assert result == {"not_found": 1, "condition": 1, "unregistered": 1}
    drafts = {e.item_id: e for e in LedgerEntry.objects.filter(status=EntryStatus.DRAFT)}
    assert drafts[chair.pk].kind == EntryKind.DISPOSAL
    assert (
        drafts[laptop.pk].kind == EntryKind.CONDITION
        and drafts[laptop.pk].data["condition"] == "KB"
    )
    assert AuditEntry.objects.filter(
        action="assets.stocktake.close", actor_label="pengurus_a"
    ).exists()
    # The printer found on site is a maker's draft of a new item, waiting for approval.
    printer = Item.objects.get(name="Printer laser")
    assert printer.status == ItemStatus.DRAFT and printer.nibar is None
    assert printer.agency == bmd["agencies"]["dpupr"] and printer.value == Decimal("2750000")
    assert drafts[printer.pk].kind == EntryKind.ACQUISITION
    assert StockTakeScan.objects.get(key="k-2").drafted_item == printer
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=drafts[printer.pk].pk)
    printer.refresh_from_db()
    assert printer.status == ItemStatus.ACTIVE and printer.nibar


def test_other_opd_cannot_open_census(bmd, bmd_actor, census):
    st, _laptop, _chair = census
    with pytest.raises(NotFound):
        services.scan_record(actor=bmd_actor("pengurus_b"), stocktake_id=st.pk, key="a", code="1")


def _scan(client, st, key, **body):
    return client.post(
        f"/api/v1/assets/stocktakes/{st.pk}/scans",
        json.dumps({"key": key, **body}),
        content_type="application/json",
    )


def test_a_find_is_never_dropped(bmd, bmd_client, bmd_actor, census):
    """An item on site but not in the register keeps the census open until it is a draft
    item (or set aside with a reason); a label scanned twice is one draft."""
    st, laptop, chair = census
    client = bmd_client("pengurus_a")
    for code in (f"BMD:{laptop.nibar}", f"BMD:{chair.nibar}"):
        _scan(client, st, f"k-{code}", code=code)
    _scan(client, st, "k-ac-1", code="LAMA-0042", found_name="AC split 1 PK")
    again = _scan(client, st, "k-ac-2", code="LAMA-0042", found_name="AC split 1 PK")
    assert again.json()["progress"]["unregistered_open"] == 2
    _scan(client, st, "k-hp", code="", found_name="Laptop pribadi staf")
    # Neither code nor value for the finds: the close is refused and nothing is written.
    with pytest.raises(Conflict):
        services.stocktake_close(actor=bmd_actor("pengurus_a"), stocktake_id=st.pk)
    assert StockTake.objects.get(pk=st.pk).status == "running"
    assert not LedgerEntry.objects.filter(status=EntryStatus.DRAFT).exists()

    finds = client.get(f"/api/v1/assets/stocktakes/{st.pk}/finds").json()
    assert [f["state"] for f in finds] == ["open", "open", "open"]
    ac = StockTakeScan.objects.get(key="k-ac-1")
    # Another OPD's officer does not see the census's finds.
    other = bmd_client("pengurus_b")
    assert other.get(f"/api/v1/assets/stocktakes/{st.pk}/finds").status_code == 404
    refused = other.post(
        f"/aset/inventarisasi/{st.pk}/",
        {
            "find": "1",
            "scan": ac.pk,
            "code": "1.3.2.05.02.04.001",
            "name": "x",
            "value": "1",
            "acquisition_date": "2026-07-15",
            "origin": "lainnya",
        },
    )
    assert refused.status_code == 404
    # Completed on the census page: a draft acquisition, both scans of the label point to it.
    page = client.post(
        f"/aset/inventarisasi/{st.pk}/",
        {
            "find": "1",
            "scan": ac.pk,
            "code": "1.3.2.05.02.04.001",
            "name": "AC split 1 PK",
            "value": "4500000",
            "acquisition_date": "2026-07-15",
            "origin": "lainnya",
        },
    )
    assert page.status_code == 302
    ac_item = Item.objects.get(name="AC split 1 PK")
    assert ac_item.status == ItemStatus.DRAFT
    linked = StockTakeScan.objects.filter(scanned_code="LAMA-0042")
    assert set(linked.values_list("drafted_item", flat=True)) == {ac_item.pk}
    assert AuditEntry.objects.filter(
        action="assets.stocktake.find_draft", actor_label="pengurus_a"
    ).exists()
    # The private laptop is set aside with its reason.
    hp = StockTakeScan.objects.get(key="k-hp")
    dismissed = client.post(
        f"/api/v1/assets/stocktakes/{st.pk}/finds/{hp.pk}/dismiss",
        json.dumps({"reason": "milik pribadi staf"}),
        content_type="application/json",
    )
    assert dismissed.status_code == 200 and dismissed.json()["state"] == "dismissed"
    assert AuditEntry.objects.filter(
        action="assets.stocktake.find_dismiss", actor_label="pengurus_a", note="milik pribadi staf"
    ).exists()
    result = services.stocktake_close(actor=bmd_actor("pengurus_a"), stocktake_id=st.pk)
    assert result == {"not_found": 0, "condition": 0, "unregistered": 1}
    entry = ac_item.entries.get()
    assert entry.kind == EntryKind.ACQUISITION and entry.status == EntryStatus.DRAFT
    # Like every draft: approved by someone else, never by its drafter.
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=entry.pk)
    ac_item.refresh_from_db()
    assert ac_item.nibar and ac_item.status == ItemStatus.ACTIVE


def test_result_sheets_keep_what_the_census_found(bmd, bmd_client, bmd_actor, census):
    """Lembar Kerja (III.A) and Laporan Hasil (III.B): found, not found (still listed after
    its disposal is approved), and the find with its draft; numbers are numbers."""
    import io

    from openpyxl import load_workbook

    st, laptop, chair = census
    client = bmd_client("pengurus_a")
    _scan(client, st, "k-1", code=f"BMD:{laptop.nibar}", condition="KB", note="meja 3")
    _scan(
        client,
        st,
        "k-2",
        code="",
        found_name="Proyektor",
        found_code="1.3.2.05.01.05.010",
        found_value="6500000",
    )
    services.stocktake_close(actor=bmd_actor("pengurus_a"), stocktake_id=st.pk)
    disposal = LedgerEntry.objects.get(item=chair, status=EntryStatus.DRAFT)
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=disposal.pk)
    response = client.get(f"/aset/inventarisasi/{st.pk}/hasil.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["III.A Lembar Kerja", "III.B Hasil"]
    rows = list(book["III.A Lembar Kerja"].iter_rows(min_row=7, values_only=True))
    by_nibar = {r[3]: r for r in rows}
    assert by_nibar[laptop.nibar][8] == "Ditemukan" and by_nibar[laptop.nibar][9] == "Kurang Baik"
    assert by_nibar[chair.nibar][8] == "Tidak ditemukan"
    assert by_nibar[chair.nibar][7] == 1250000 and isinstance(by_nibar[chair.nibar][7], int | float)
    summary = list(book["III.B Hasil"].iter_rows(min_row=7, values_only=True))
    assert summary[0] == ("KIB B", 2, 1, 1, 1250000)
    assert any(r[2] == "Proyektor" and str(r[3]).startswith("Konsep perolehan") for r in summary)
    assert AuditEntry.objects.filter(
        action="assets.report.download", object_type="assets.stocktake", actor_label="pengurus_a"
    ).exists()
    assert (
        bmd_client("pengurus_b").get(f"/aset/inventarisasi/{st.pk}/hasil.xlsx").status_code == 404
    )
    api = client.get(f"/api/v1/assets/stocktakes/{st.pk}/result")
    assert api.status_code == 200 and api["Content-Type"].startswith("application/vnd.openxml")
