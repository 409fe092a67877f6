# One spelling for coordinates across models: lat/lon. The columns are renamed, the data kept.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="alertarea",
            name="alerts_area_region_or_circle",
        ),
        migrations.RenameField(model_name="alertarea", old_name="latitude", new_name="lat"),
        migrations.RenameField(model_name="alertarea", old_name="longitude", new_name="lon"),
        migrations.AddConstraint(
            model_name="alertarea",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "circle"), ("radius_km__gt", 0), ("lat__isnull", False)),
                    models.Q(models.Q(("kind", "circle"), _negated=True), ("region__isnull", False)),
                    _connector="OR",
                ),
                name="alerts_area_region_or_circle",
            ),
        ),
    ]
