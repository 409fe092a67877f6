"""Unit.index_version and the triggers that stamp it, so the recommendation index reads only
the units that changed (see kendali.dispatch.travel, "keeping the index current"); who
reported each unit position."""

from django.db import migrations, models


def install(apps, schema_editor):
    from kendali.dispatch.travel import install_index_triggers

    install_index_triggers(schema_editor.connection)


def remove(apps, schema_editor):
    from kendali.dispatch.travel import remove_index_triggers

    remove_index_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0002_default_runcards"),
    ]

    operations = [
        migrations.AddField(
            model_name="unit",
            name="index_version",
            field=models.BigIntegerField(db_index=True, default=0, editable=False),
        ),
        migrations.AddField(
            model_name="unitposition",
            name="reported_by",
            field=models.CharField(blank=True, default="", max_length=200),
        ),
        migrations.RunPython(install, remove),
    ]
