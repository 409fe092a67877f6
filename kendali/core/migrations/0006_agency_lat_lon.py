# One spelling for coordinates across models: lat/lon. The columns are renamed, the data kept.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_audit_on_behalf"),
    ]

    operations = [
        migrations.RenameField(model_name="agency", old_name="latitude", new_name="lat"),
        migrations.RenameField(model_name="agency", old_name="longitude", new_name="lon"),
    ]
