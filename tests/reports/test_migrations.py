"""A report's and a routing rule's kelurahan codes become Region foreign keys without losing
where a report lies or who handles a kelurahan, and come back as codes."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0001_initial")]
AFTER = [("reports", "0004_drop_region_codes")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_codes_become_region_rows_and_back(regions_loaded, agencies):
    old = _migrate(BEFORE)
    category = old.get_model("reports", "Category").objects.create(code="sampah", name="Sampah")
    rule = old.get_model("reports", "RoutingRule")
    office = rule.objects.create(
        category=category, kelurahan_kode="36.73.01.1002", agency_id=agencies["dpupr"].pk
    )
    citywide = rule.objects.create(
        category=category, kelurahan_kode="", agency_id=agencies["diskominfo"].pk
    )
    report = old.get_model("reports", "Report")
    located = report.objects.create(
        tracking="LW-2026-000001",
        token="a",
        category=category,
        description="Sampah menumpuk",
        kelurahan_kode="36.73.01.1001",
        kecamatan_kode="36.73.01",
    )
    unknown = report.objects.create(
        tracking="LW-2026-000002",
        token="b",
        category=category,
        description="Di luar kota",
        kelurahan_kode="99.99.99.9999",
    )
    nowhere = report.objects.create(
        tracking="LW-2026-000003", token="c", category=category, description="Tanpa titik"
    )
    try:
        new = _migrate(AFTER)
        reports = {
            r.pk: r
            for r in new.get_model("reports", "Report").objects.select_related(
                "kelurahan", "kecamatan"
            )
        }
        assert (reports[located.pk].kelurahan.nama, reports[located.pk].kecamatan.nama) == (
            "Serang",
            "Serang",
        )
        assert reports[unknown.pk].kelurahan is None and reports[nowhere.pk].kecamatan is None
        rules = new.get_model("reports", "RoutingRule").objects
        assert rules.get(pk=office.pk).kelurahan.nama == "Cipare"
        assert rules.get(pk=citywide.pk).kelurahan is None
        # A second city-wide rule for the same category is refused, as the "" code was.
        with pytest.raises(IntegrityError), transaction.atomic():
            rules.create(category_id=category.pk, agency_id=agencies["pln"].pk)

        back = _migrate(BEFORE)
        rows = back.get_model("reports", "Report").objects
        assert (rows.get(pk=located.pk).kelurahan_kode, rows.get(pk=located.pk).kecamatan_kode) == (
            "36.73.01.1001",
            "36.73.01",
        )
        assert rows.get(pk=nowhere.pk).kelurahan_kode == ""
        codes = back.get_model("reports", "RoutingRule").objects
        assert codes.get(pk=office.pk).kelurahan_kode == "36.73.01.1002"
        assert codes.get(pk=citywide.pk).kelurahan_kode == ""
    finally:
        _migrate(AFTER)
