# Step 2 of 3: each item's kelurahan code becomes the Region row of that code, its kecamatan
# the kelurahan's parent. A code with no Region row (regions not loaded) falls back to the
# kelurahan's name; items matched by neither keep no kelurahan, and are counted on stdout.
# One UPDATE per distinct place (a city has a few dozen), not per item: a register holds
# hundreds of thousands. The ledger's JSON snapshots are history and stay as they are.
# Backwards: the strings are filled again from the Region rows.

from django.db import migrations


def forwards(apps, schema_editor):
    Item = apps.get_model("assets", "Item")
    Region = apps.get_model("regions", "Region")
    kelurahan = {r.kode: r for r in Region.objects.filter(level="kelurahan")}
    by_name = {r.nama.casefold(): r for r in kelurahan.values()}
    places = (
        Item.objects.exclude(kelurahan_kode="", kelurahan_name="")
        .values_list("kelurahan_kode", "kelurahan_name")
        .order_by()
        .distinct()
    )
    for kode, name in places:
        same = Item.objects.filter(kelurahan_kode=kode, kelurahan_name=name)
        region = kelurahan.get(kode) or by_name.get((name or "").casefold())
        if region is None:
            print(f"\n  assets: {same.count()} barang di kelurahan {kode or name}: "
                  f"tidak ada di tabel wilayah")
            continue
        same.update(kelurahan_id=region.kode, kecamatan_id=region.parent_id)


def backwards(apps, schema_editor):
    Item = apps.get_model("assets", "Item")
    Region = apps.get_model("regions", "Region")
    places = Item.objects.filter(kelurahan__isnull=False).values_list(
        "kelurahan_id", "kecamatan_id"
    )
    names = dict(Region.objects.values_list("kode", "nama"))
    for kelurahan_id, kecamatan_id in places.order_by().distinct():
        Item.objects.filter(kelurahan_id=kelurahan_id, kecamatan_id=kecamatan_id).update(
            kelurahan_kode=kelurahan_id,
            kelurahan_name=names.get(kelurahan_id, ""),
            kecamatan_name=names.get(kecamatan_id, ""),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("assets", "0004_item_region_fields"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
