# Step 3 of 3: the code strings the Region foreign keys replace are dropped, and a rule is
# unique per category and kelurahan again (the city-wide one, with no kelurahan, once).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0003_region_data"),
    ]

    operations = [
        migrations.RemoveField(model_name="report", name="kelurahan_kode"),
        migrations.RemoveField(model_name="report", name="kecamatan_kode"),
        migrations.RemoveField(model_name="routingrule", name="kelurahan_kode"),
        migrations.AddConstraint(
            model_name="routingrule",
            constraint=models.UniqueConstraint(
                fields=("category", "kelurahan"), name="reports_rule_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="routingrule",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kelurahan__isnull", True)),
                fields=("category",),
                name="reports_rule_citywide_once",
            ),
        ),
    ]
