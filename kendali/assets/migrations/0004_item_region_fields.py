# An item's kelurahan and kecamatan become Region foreign keys, as in incidents and parks.
# Step 1 of 3: the new columns beside the old strings (renamed *_name until step 3).

import django.db.models.deletion
from django.db import migrations, models


def _region(verbose_name):
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="regions.region",
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0001_initial"),
        ("assets", "0003_attachments_and_finds"),
    ]

    operations = [
        migrations.RenameField(model_name="item", old_name="kelurahan", new_name="kelurahan_name"),
        migrations.RenameField(model_name="item", old_name="kecamatan", new_name="kecamatan_name"),
        migrations.AddField(model_name="item", name="kelurahan", field=_region("kelurahan")),
        migrations.AddField(model_name="item", name="kecamatan", field=_region("kecamatan")),
    ]
