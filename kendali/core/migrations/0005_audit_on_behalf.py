from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # Adding a nullable column is an ALTER TABLE on both databases, but should a backend ever
    # rebuild the table, the append-only triggers must come back with it.
    from kendali.core import audit_triggers

    audit_triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_event_user_ids")]

    operations = [
        migrations.AddField(
            model_name="auditentry",
            name="on_behalf",
            field=models.CharField(blank=True, max_length=120, null=True),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
