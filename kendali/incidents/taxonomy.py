"""The incident taxonomy the Kota Serang 112 center uses.

(code, Indonesian name, default priority, console shortcut, default agency codes, order)
The data migration seeds these rows; :func:`link_default_agencies` (re)links the default
agencies by code once the agencies exist (the demo seeder and ``kendali setup`` create them
after migrations ran).
"""

from __future__ import annotations

from kendali.core.models import Agency
from kendali.incidents.models import IncidentType

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


def ensure_taxonomy() -> int:
    """Create the types that are missing (a fresh database is seeded by the migration; this
    covers a flushed one). Existing rows are left as the administrators edited them."""
    have = set(IncidentType.objects.values_list("code", flat=True))
    missing = [
        IncidentType(
            code=code, name=name, default_priority=priority, shortcut=shortcut, order=order
        )
        for code, name, priority, shortcut, _agencies, order in TAXONOMY
        if code not in have
    ]
    IncidentType.objects.bulk_create(missing)
    link_default_agencies()
    return len(missing)


def link_default_agencies() -> int:
    """Link each type to its default agencies that exist. Returns how many links were added."""
    agencies = {a.code: a for a in Agency.objects.all()}
    types = {t.code: t for t in IncidentType.objects.prefetch_related("default_agencies")}
    added = 0
    for code, _name, _priority, _shortcut, agency_codes, _order in TAXONOMY:
        incident_type = types.get(code)
        if incident_type is None:
            continue
        have = {a.code for a in incident_type.default_agencies.all()}
        missing = [agencies[c] for c in agency_codes if c in agencies and c not in have]
        if missing:
            incident_type.default_agencies.add(*missing)
            added += len(missing)
    return added
