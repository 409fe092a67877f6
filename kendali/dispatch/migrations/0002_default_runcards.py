from django.db import migrations


def forwards(apps, schema_editor):
    from kendali.dispatch.defaults import seed_run_cards

    seed_run_cards(
        apps.get_model("incidents", "IncidentType"),
        apps.get_model("dispatch", "RunCard"),
        apps.get_model("dispatch", "RunCardLine"),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("dispatch", "0001_initial"),
        ("incidents", "0002_seed_taxonomy"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
