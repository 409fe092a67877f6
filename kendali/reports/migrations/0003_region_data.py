# Step 2 of 3: each Kemendagri code becomes the Region row of that code, one UPDATE per code
# (a city has a few dozen), not per report. A code with no Region row (regions not loaded)
# leaves the report or rule without it, and is listed on stdout; a city-wide rule ("") keeps
# no kelurahan, which is what city-wide means.
# Backwards: the code strings are filled again from the foreign keys.

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    RoutingRule = apps.get_model("reports", "RoutingRule")
    Region = apps.get_model("regions", "Region")
    known = set(Region.objects.values_list("kode", flat=True))
    for model, old, new in (
        (Report, "kelurahan_kode", "kelurahan"),
        (Report, "kecamatan_kode", "kecamatan"),
        (RoutingRule, "kelurahan_kode", "kelurahan"),
    ):
        codes = set(model.objects.exclude(**{old: ""}).values_list(old, flat=True))
        for code in sorted(codes & known):
            model.objects.filter(**{old: code}).update(**{f"{new}_id": code})
        for code in sorted(codes - known):
            n = model.objects.filter(**{old: code}).count()
            print(f"\n  reports: {n} {model._meta.model_name} dengan {old} {code}: "
                  f"tidak ada di tabel wilayah")


def backwards(apps, schema_editor):
    Report = apps.get_model("reports", "Report")
    RoutingRule = apps.get_model("reports", "RoutingRule")
    Report.objects.filter(kelurahan__isnull=False).update(kelurahan_kode=F("kelurahan_id"))
    Report.objects.filter(kecamatan__isnull=False).update(kecamatan_kode=F("kecamatan_id"))
    RoutingRule.objects.filter(kelurahan__isnull=False).update(kelurahan_kode=F("kelurahan_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("reports", "0002_region_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
