"""Sensible default run cards (kartu pengerahan) for the seeded incident types.

Supervisors edit them on /dispatch/kartu/; these are only where they start.
(type code, priority, [(unit kind, count), ...])
"""

from __future__ import annotations

DEFAULT_RUN_CARDS = [
    ("kebakaran", "P1", [("pemadam", 2), ("ambulans", 1), ("patroli", 1)]),
    ("kebakaran", "P2", [("pemadam", 1), ("ambulans", 1)]),
    ("kebakaran", "P3", [("pemadam", 1)]),
    ("kecelakaan", "P1", [("ambulans", 2), ("patroli", 1), ("rescue", 1)]),
    ("kecelakaan", "P2", [("ambulans", 1), ("patroli", 1)]),
    ("medis", "P1", [("ambulans", 1)]),
    ("medis", "P2", [("ambulans", 1)]),
    ("mobil-jenazah", "P3", [("jenazah", 1)]),
    ("banjir", "P1", [("bpbd", 2), ("rescue", 1), ("ambulans", 1)]),
    ("banjir", "P2", [("bpbd", 1)]),
    ("pohon-tumbang", "P2", [("bpbd", 1), ("pemadam", 1)]),
    ("gangguan-listrik", "P3", [("pln", 1)]),
    ("gangguan-air", "P4", [("pdam", 1)]),
    ("kriminalitas", "P2", [("patroli", 1)]),
    ("kekerasan", "P1", [("patroli", 2), ("ambulans", 1)]),
    ("orang-hilang", "P2", [("patroli", 1), ("bpbd", 1)]),
    ("hewan-berbahaya", "P3", [("rescue", 1)]),
    ("bencana-lain", "P2", [("bpbd", 1), ("rescue", 1)]),
    ("ketertiban", "P3", [("satpolpp", 1)]),
]


def seed_run_cards(incident_type_model, run_card_model, line_model) -> int:
    """Create missing default run cards; never overwrite one a supervisor edited."""
    types = {t.code: t for t in incident_type_model.objects.all()}
    created = 0
    for code, priority, lines in DEFAULT_RUN_CARDS:
        incident_type = types.get(code)
        if incident_type is None:
            continue
        card, made = run_card_model.objects.get_or_create(
            incident_type=incident_type, priority=priority
        )
        if made:
            line_model.objects.bulk_create(
                line_model(run_card=card, kind=kind, count=count) for kind, count in lines
            )
            created += 1
    return created
