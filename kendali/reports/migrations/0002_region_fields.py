# A report's kelurahan and kecamatan, and a routing rule's kelurahan, become Region foreign
# keys, as in incidents, sensors and parks.
# Step 1 of 3: the new columns beside the old code strings (dropped in step 3). The rule's
# unique (category, code) goes now, so that going back it returns only once the codes are.

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
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="routingrule", name="reports_rule_unique"),
        migrations.AddField(model_name="report", name="kelurahan", field=_region("kelurahan")),
        migrations.AddField(model_name="report", name="kecamatan", field=_region("kecamatan")),
        migrations.AddField(
            model_name="routingrule", name="kelurahan", field=_region("kelurahan")
        ),
    ]
