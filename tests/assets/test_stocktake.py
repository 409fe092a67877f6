"""Stock-taking: plan, labels, scans that are never counted twice, differences as drafts."""

from __future__ import annotations

import json
import uuid
from datetime import date

import pytest

from kendali.assets import services
from kendali.assets.choices import EntryKind, EntryStatus
from kendali.assets.models import LedgerEntry, StockTakeScan
from kendali.core.errors import NotFound
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
        json.dumps({"code": "BMD:999", "key": "k-2", "note": "printer tanpa label"}),
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


def test_other_opd_cannot_open_census(bmd, bmd_actor, census):
    st, _laptop, _chair = census
    with pytest.raises(NotFound):
        services.scan_record(actor=bmd_actor("pengurus_b"), stocktake_id=st.pk, key="a", code="1")
