"""The park's kelurahan strings become Region foreign keys without losing a park's place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("wifi", "0001_initial")]
AFTER = [("wifi", "0004_park_drop_region_strings")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_kelurahan_codes_become_region_rows_and_back(regions_loaded):
    old = _migrate(BEFORE).get_model("wifi", "Park")
    by_code = old.objects.create(
        name="Alun-alun",
        lat=-6.1196,
        lon=106.1537,
        kelurahan_kode="36.73.01.1001",
        kelurahan="Serang",
        kecamatan="Serang",
    )
    by_name = old.objects.create(
        name="Taman Banten Lama",
        lat=-6.0345,
        lon=106.1585,
        kelurahan_kode="",
        kelurahan="Banten",
    )
    nowhere = old.objects.create(name="Tanpa wilayah", lat=-6.1, lon=106.1)
    try:
        new = _migrate(AFTER).get_model("wifi", "Park")
        parks = {p.pk: p for p in new.objects.select_related("kelurahan", "kecamatan")}
        assert (parks[by_code.pk].kelurahan.nama, parks[by_code.pk].kecamatan.nama) == (
            "Serang",
            "Serang",
        )
        assert (parks[by_name.pk].kelurahan_id, parks[by_name.pk].kecamatan.nama) == (
            "36.73.02.1007",
            "Kasemen",
        )
        assert parks[nowhere.pk].kelurahan is None
        back = _migrate(BEFORE).get_model("wifi", "Park")
        row = back.objects.get(pk=by_code.pk)
        assert (row.kelurahan_kode, row.kelurahan, row.kecamatan) == (
            "36.73.01.1001",
            "Serang",
            "Serang",
        )
    finally:
        _migrate(AFTER)
