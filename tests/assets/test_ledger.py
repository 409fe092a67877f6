"""Register and ledger: drafting, four-eyes approval, NIBAR, reversals, locks, rebuild."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kendali.assets import services
from kendali.assets.choices import EntryKind, EntryStatus, ItemStatus
from kendali.assets.models import Item, LedgerEntry, SemesterLock
from kendali.core.errors import Conflict, Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _draft(bmd, actor, **kw):
    args = {
        "actor": actor,
        "agency": bmd["agencies"]["dpupr"],
        "code": "1.3.2.10.01.02.001",
        "name": "PC Unit",
        "acquisition_date": date(2026, 3, 1),
        "value": "12500000",
    }
    args.update(kw)
    return services.item_draft(**args)


def test_draft_then_approve_assigns_nibar_once(bmd, bmd_actor):
    item = _draft(bmd, bmd_actor("pengurus_a"))
    assert item.status == ItemStatus.DRAFT and item.nibar is None
    entry = item.entries.get()
    assert AuditEntry.objects.filter(action="assets.item.draft", actor_label="pengurus_a").exists()
    with pytest.raises(NotAllowed):  # a Pengurus Barang cannot approve at all
        services.entry_approve(actor=bmd_actor("pengurus_a"), entry_id=entry.pk)
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=entry.pk)
    item.refresh_from_db()
    assert item.status == ItemStatus.ACTIVE
    assert item.nibar and item.nibar.startswith("2026")
    assert item.register_code.startswith("DPUPR.2026.1.3.2.10.01.02.001.I.")
    audit = AuditEntry.objects.get(action="assets.entry.approve")
    assert audit.actor_label == "pengguna_a"
    nibar = item.nibar
    # A later transfer re-issues the register code but never the NIBAR.
    move = services.entry_draft(
        actor=bmd_actor("pengurus_a"),
        item=item,
        kind=EntryKind.TRANSFER,
        entry_date=date(2026, 7, 1),
        to_agency=bmd["agencies"]["damkar"],
    )
    services.entry_approve(actor=bmd_actor("bpkad"), entry_id=move.pk)
    item.refresh_from_db()
    assert item.nibar == nibar and item.agency.code == "damkar"
    assert item.register_code.startswith("DAMKAR.2026.")


def test_self_approval_is_refused(bmd, bmd_actor):
    item = _draft(bmd, bmd_actor("bpkad"))
    with pytest.raises(NotAllowed, match="orang lain"):
        services.entry_approve(actor=bmd_actor("bpkad"), entry_id=item.entries.get().pk)
    services.entry_approve(actor=bmd_actor("bpkad2"), entry_id=item.entries.get().pk)


def test_ekstrakomptabel_below_threshold(bmd, bmd_actor):
    item = _draft(
        bmd, bmd_actor("pengurus_a"), code="1.3.2.05.02.01.003", name="Kursi", value="350000"
    )
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=item.entries.get().pk)
    item.refresh_from_db()
    assert item.intra is False and item.register_code.split(".")[-2] == "E"


@pytest.mark.parametrize(
    "change, message",
    [
        ({"code": "9.9.9"}, "tidak ada dalam kodefikasi"),
        ({"code": "1.3.2.10"}, "bukan kode rinci"),
        ({"value": "0"}, "lebih dari nol"),
        ({"value": "-5"}, "lebih dari nol"),
        ({"value": "abc"}, "angka"),
        ({"acquisition_date": date(2026, 8, 1)}, "masa depan"),
    ],
)
def test_bad_drafts_are_refused_and_nothing_written(bmd, bmd_actor, change, message):
    before = (Item.objects.count(), LedgerEntry.objects.count())
    with pytest.raises(Invalid, match=message):
        _draft(bmd, bmd_actor("pengurus_a"), **change)
    assert (Item.objects.count(), LedgerEntry.objects.count()) == before


def test_duplicate_certificate_refused(bmd, bmd_actor):
    kw = {
        "code": "1.3.1.01.01.02.001",
        "name": "Tanah Kantor",
        "certificate_number": "SHP 10.01.02.03.4.00012",
    }
    _draft(bmd, bmd_actor("pengurus_a"), **kw)
    with pytest.raises(Invalid, match="sudah tercatat"):
        _draft(bmd, bmd_actor("pengurus_a"), **kw)
    assert Item.objects.filter(certificate_number=kw["certificate_number"]).count() == 1


def test_transfer_to_same_opd_refused(bmd, bmd_actor, laptop):
    with pytest.raises(Invalid, match="OPD yang sama"):
        services.entry_draft(
            actor=bmd_actor("pengurus_a"),
            item=laptop,
            kind=EntryKind.TRANSFER,
            entry_date=date(2026, 7, 2),
            to_agency=bmd["agencies"]["dpupr"],
        )
    assert laptop.entries.count() == 1


def test_locked_semester_refuses_entries(bmd, bmd_actor, laptop):
    services.semester_lock(actor=bmd_actor("bpkad"), period="2026-S1")
    assert AuditEntry.objects.filter(action="assets.semester.lock", actor_label="bpkad").exists()
    with pytest.raises(Invalid, match="dikunci"):
        services.entry_draft(
            actor=bmd_actor("pengurus_a"),
            item=laptop,
            kind=EntryKind.CONDITION,
            entry_date=date(2026, 5, 2),
            data={"condition": "KB"},
        )
    with pytest.raises(Invalid, match="dikunci"):
        _draft(bmd, bmd_actor("pengurus_a"))
    # The running semester stays open.
    services.entry_draft(
        actor=bmd_actor("pengurus_a"),
        item=laptop,
        kind=EntryKind.CONDITION,
        entry_date=date(2026, 7, 2),
        data={"condition": "KB"},
    )
    with pytest.raises(Invalid, match="belum berakhir"):
        services.semester_lock(actor=bmd_actor("bpkad"), period="2026-S2")
    with pytest.raises(NotAllowed):
        services.semester_lock(actor=bmd_actor("pengurus_a"), period="2025-S2")
    assert SemesterLock.objects.count() == 1


def test_other_opd_cannot_see_or_change(bmd, bmd_actor, laptop):
    from kendali.assets import selectors

    assert selectors.item_for(actor=bmd_actor("pengurus_a"), item_id=laptop.pk) == laptop
    assert selectors.item_for(actor=bmd_actor("bpkad"), item_id=laptop.pk) == laptop
    with pytest.raises(NotFound):
        selectors.item_for(actor=bmd_actor("pengurus_b"), item_id=laptop.pk)
    with pytest.raises(NotFound):
        services.entry_draft(
            actor=bmd_actor("pengurus_b"),
            item=laptop,
            kind=EntryKind.CONDITION,
            entry_date=date(2026, 7, 2),
            data={"condition": "RB"},
        )
    entry = services.entry_draft(
        actor=bmd_actor("pengurus_a"),
        item=laptop,
        kind=EntryKind.CONDITION,
        entry_date=date(2026, 7, 2),
        data={"condition": "RB"},
    )
    with pytest.raises(NotFound):
        services.entry_approve(actor=bmd_actor("pengguna_b"), entry_id=entry.pk)
    with pytest.raises(NotFound):
        services.item_draft(
            actor=bmd_actor("pengurus_b"),
            agency=bmd["agencies"]["dpupr"],
            code="1.3.2.10.01.02.001",
            name="x",
            acquisition_date=date(2026, 7, 1),
            value=1,
        )


def test_reversal_undoes_and_rebuild_equals_register(bmd, bmd_actor, laptop):
    a, b = bmd_actor("pengurus_a"), bmd_actor("pengguna_a")
    fix = services.entry_draft(
        actor=a,
        item=laptop,
        kind=EntryKind.CORRECTION,
        entry_date=date(2026, 7, 3),
        amount="-1000000",
    )
    services.entry_approve(actor=b, entry_id=fix.pk)
    laptop.refresh_from_db()
    assert laptop.value == Decimal("15000000.00")
    rev = services.entry_reverse(
        actor=a, entry_id=fix.pk, entry_date=date(2026, 7, 4), note="salah ketik"
    )
    services.entry_approve(actor=b, entry_id=rev.pk)
    laptop.refresh_from_db()
    assert laptop.value == Decimal("16000000.00")
    fix.refresh_from_db()
    assert fix.status == EntryStatus.APPROVED  # the original is never edited
    with pytest.raises(Conflict):
        services.entry_reverse(actor=a, entry_id=fix.pk, entry_date=date(2026, 7, 4), note="lagi")
    for kind, extra in [
        (EntryKind.MAINTENANCE, {"amount": "6000000"}),
        (EntryKind.USAGE, {"data": {"usage": "pinjam_pakai", "party": "Kecamatan Serang"}}),
        (EntryKind.USAGE_END, {}),
        (EntryKind.RECLASS, {"data": {"code": "1.3.2.10.01.02.001"}}),
        (EntryKind.TRANSFER, {"to_agency": bmd["agencies"]["damkar"]}),
    ]:
        e = services.entry_draft(
            actor=a if kind != EntryKind.USAGE_END else a,
            item=laptop,
            kind=kind,
            entry_date=date(2026, 7, 5),
            **extra,
        )
        services.entry_approve(actor=bmd_actor("bpkad"), entry_id=e.pk)
        laptop.refresh_from_db()
        if kind == EntryKind.TRANSFER:
            break
    laptop.refresh_from_db()
    assert laptop.life_semesters == 8 + 4  # 4 years; maintenance of 37.5 % adds 2 years
    services.depreciation_run(actor=bmd_actor("bpkad"), period="2026-S1")
    assert services.register_differences() == []
    # A stored value edited behind the ledger's back is found.
    Item.objects.filter(pk=laptop.pk).update(value=1)
    assert [d[1] for d in services.register_differences()] == ["value", "intra"] or any(
        d[1] == "value" for d in services.register_differences()
    )


def test_reject_needs_reason_and_marks_item(bmd, bmd_actor):
    item = _draft(bmd, bmd_actor("pengurus_a"))
    with pytest.raises(Invalid):
        services.entry_reject(
            actor=bmd_actor("pengguna_a"), entry_id=item.entries.get().pk, note=" "
        )
    services.entry_reject(
        actor=bmd_actor("pengguna_a"), entry_id=item.entries.get().pk, note="dobel"
    )
    item.refresh_from_db()
    assert item.status == ItemStatus.REJECTED
    assert AuditEntry.objects.filter(
        action="assets.entry.reject", actor_label="pengguna_a"
    ).exists()
