# Step 3 of 3: the strings the Region foreign keys replace are dropped.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("wifi", "0003_park_region_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="park", name="kelurahan_kode"),
        migrations.RemoveField(model_name="park", name="kelurahan_name"),
        migrations.RemoveField(model_name="park", name="kecamatan_name"),
    ]
