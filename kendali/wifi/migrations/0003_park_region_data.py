# Step 2 of 3: each park's kelurahan code becomes the Region row of that code, its kecamatan
# the kelurahan's parent. A code with no Region row (regions not loaded) falls back to the
# kelurahan's name; a park matched by neither keeps no kelurahan, and is listed on stdout.
# Backwards: the strings are filled again from the Region rows.

from django.db import migrations


def forwards(apps, schema_editor):
    Park = apps.get_model("wifi", "Park")
    Region = apps.get_model("regions", "Region")
    kelurahan = {r.kode: r for r in Region.objects.filter(level="kelurahan")}
    by_name = {r.nama.casefold(): r for r in kelurahan.values()}
    for park in Park.objects.all():
        region = kelurahan.get(park.kelurahan_kode) or by_name.get(
            (park.kelurahan_name or "").casefold()
        )
        if region is None:
            if park.kelurahan_kode or park.kelurahan_name:
                print(f"\n  wifi: taman {park.pk} ({park.name}): kelurahan "
                      f"{park.kelurahan_kode or park.kelurahan_name} tidak ada di tabel wilayah")
            continue
        park.kelurahan_id, park.kecamatan_id = region.kode, region.parent_id
        park.save(update_fields=["kelurahan", "kecamatan"])


def backwards(apps, schema_editor):
    Park = apps.get_model("wifi", "Park")
    for park in Park.objects.select_related("kelurahan", "kecamatan"):
        park.kelurahan_kode = park.kelurahan_id or ""
        park.kelurahan_name = park.kelurahan.nama if park.kelurahan else ""
        park.kecamatan_name = park.kecamatan.nama if park.kecamatan else ""
        park.save(update_fields=["kelurahan_kode", "kelurahan_name", "kecamatan_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("wifi", "0002_park_region_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
