"""Make the audit log append-only in the database itself (see kendali.core.audit_triggers)."""

from django.db import migrations


def install(apps, schema_editor):
    from kendali.core import audit_triggers

    audit_triggers.install(schema_editor.connection)


def remove(apps, schema_editor):
    from kendali.core import audit_triggers

    audit_triggers.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
