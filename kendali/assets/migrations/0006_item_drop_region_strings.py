# Step 3 of 3: the strings the Region foreign keys replace are dropped.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assets", "0005_item_region_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="item", name="kelurahan_kode"),
        migrations.RemoveField(model_name="item", name="kelurahan_name"),
        migrations.RemoveField(model_name="item", name="kecamatan_name"),
    ]
