"""An item's kelurahan strings become Region foreign keys without losing where it lies; the
ledger's snapshots are left as they were."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("assets", "0003_attachments_and_finds")]
AFTER = [("assets", "0006_item_drop_region_strings")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_kelurahan_strings_become_region_rows_and_back(regions_loaded, agencies):
    old = _migrate(BEFORE)
    node = old.get_model("assets", "CodeNode").objects.create(
        code="1.3.2.10.01.02.003", name="Notebook", level=7, kib="B"
    )
    Item = old.get_model("assets", "Item")

    def item(name, **place):
        return Item.objects.create(
            agency_id=agencies["dpupr"].pk,
            code=node,
            kib="B",
            name=name,
            acquisition_date=date(2025, 1, 10),
            origin="apbd",
            acquisition_value=16_000_000,
            value=16_000_000,
            **place,
        )

    by_code = item(
        "Notebook", kelurahan_kode="36.73.01.1001", kelurahan="Serang", kecamatan="Serang"
    )
    twin = item("Notebook kedua", kelurahan_kode="36.73.01.1001", kelurahan="Serang")
    by_name = item("Papan nama", kelurahan_kode="", kelurahan="Banten")
    unknown = item("Di luar kota", kelurahan_kode="99.99.99.9999", kelurahan="Entah")
    nowhere = item("Tanpa titik")
    entry = old.get_model("assets", "LedgerEntry").objects.create(
        number="BMD-2025-0000001",
        item=by_code,
        kind="perolehan",
        entry_date=date(2025, 1, 10),
        amount=16_000_000,
        agency_id=agencies["dpupr"].pk,
        data={"code": node.code, "kelurahan": "Serang"},
    )
    try:
        new = _migrate(AFTER)
        items = {
            i.pk: i
            for i in new.get_model("assets", "Item").objects.select_related(
                "kelurahan", "kecamatan"
            )
        }
        for pk in (by_code.pk, twin.pk):
            assert (items[pk].kelurahan.nama, items[pk].kecamatan.nama) == ("Serang", "Serang")
        assert (items[by_name.pk].kelurahan_id, items[by_name.pk].kecamatan.nama) == (
            "36.73.02.1007",
            "Kasemen",
        )
        assert items[unknown.pk].kelurahan is None and items[nowhere.pk].kecamatan is None
        ledger = new.get_model("assets", "LedgerEntry").objects.get(pk=entry.pk)
        assert ledger.data == {"code": node.code, "kelurahan": "Serang"}

        back = _migrate(BEFORE).get_model("assets", "Item").objects
        row = back.get(pk=by_code.pk)
        assert (row.kelurahan_kode, row.kelurahan, row.kecamatan) == (
            "36.73.01.1001",
            "Serang",
            "Serang",
        )
        assert back.get(pk=by_name.pk).kelurahan_kode == "36.73.02.1007"
        assert back.get(pk=nowhere.pk).kelurahan == ""
    finally:
        _migrate(AFTER)
