"""Seed the incident taxonomy of the Kota Serang 112 center.

The rows are copied here (not imported) so this migration keeps meaning the same thing
when the taxonomy module changes later. Default agencies are linked by code when the
agency already exists; ``kendali.incidents.taxonomy.link_default_agencies`` links the rest
once agencies are created (demo seeder, setup).
"""

from django.db import migrations

TAXONOMY = [
    ("kebakaran", "Kebakaran", "P1", "k", ("damkar", "dinkes"), 10),
    ("kecelakaan", "Kecelakaan lalu lintas", "P1", "l", ("dinkes", "polresta", "dishub"), 20),
    ("medis", "Medis / ambulans", "P1", "m", ("dinkes",), 30),
    ("mobil-jenazah", "Mobil jenazah", "P3", "j", ("dinsos", "dinkes"), 40),
    ("banjir", "Banjir", "P2", "b", ("bpbd", "dpupr"), 50),
    ("pohon-tumbang", "Pohon tumbang", "P2", "p", ("dlh", "bpbd"), 60),
    ("gangguan-listrik", "Gangguan listrik", "P3", "e", ("pln",), 70),
    ("gangguan-air", "Gangguan air / PDAM", "P4", "a", ("pdam",), 80),
    ("gizi-buruk", "Gizi buruk", "P2", "g", ("dinkes", "dinsos"), 90),
    ("kriminalitas", "Kriminalitas", "P2", "r", ("polresta",), 100),
    ("hewan-berbahaya", "Hewan berbahaya / sarang tawon / ular", "P3", "h", ("damkar",), 110),
    ("orang-hilang", "Orang hilang", "P2", "o", ("polresta", "dinsos"), 120),
    ("kekerasan", "Kekerasan / KDRT", "P1", "d", ("polresta", "dinsos"), 130),
    ("bencana-lain", "Bencana lain", "P2", "n", ("bpbd",), 140),
    ("ketertiban", "Gangguan ketertiban", "P3", "t", ("satpolpp",), 150),
    ("lainnya", "Lainnya", "P4", "x", (), 160),
]


def seed(apps, schema_editor):
    IncidentType = apps.get_model("incidents", "IncidentType")
    Agency = apps.get_model("core", "Agency")
    agencies = {a.code: a for a in Agency.objects.all()}
    for code, name, priority, shortcut, agency_codes, order in TAXONOMY:
        incident_type, _created = IncidentType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "default_priority": priority,
                "shortcut": shortcut,
                "order": order,
                "is_active": True,
            },
        )
        linked = [agencies[c] for c in agency_codes if c in agencies]
        if linked:
            incident_type.default_agencies.add(*linked)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
