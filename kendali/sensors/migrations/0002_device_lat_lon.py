# Coordinates spelled as in every other model (lat/lon); the columns are renamed, the data stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("sensors", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="device", old_name="latitude", new_name="lat"),
        migrations.RenameField(model_name="device", old_name="longitude", new_name="lon"),
    ]
