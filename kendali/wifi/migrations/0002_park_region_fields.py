# A park's kelurahan and kecamatan become Region foreign keys, as in incidents and sensors.
# Step 1 of 3: the new columns beside the old strings (renamed *_name until step 3).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("wifi", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="park", old_name="kelurahan", new_name="kelurahan_name"),
        migrations.RenameField(model_name="park", old_name="kecamatan", new_name="kecamatan_name"),
        migrations.AddField(
            model_name="park",
            name="kelurahan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="kelurahan",
            ),
        ),
        migrations.AddField(
            model_name="park",
            name="kecamatan",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="kecamatan",
            ),
        ),
    ]
