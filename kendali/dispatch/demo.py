"""Demo fleet of Kota Serang: units of Damkar, Dinkes, BPBD, Polresta, Satpol PP, PLN and
PDAM at plausible stations, the default run cards, and units sent to the open P1 incidents.

Crews log in as their agency's officer (e.g. ``damkar``) and open /dispatch/kru/ on a
phone, picking their unit; ``kendali simulate units`` moves assigned units on the map."""

from __future__ import annotations

from kendali.core.actors import Actor
from kendali.core.models import Agency
from kendali.dispatch import services
from kendali.dispatch.defaults import seed_run_cards
from kendali.dispatch.models import RunCard, RunCardLine, Unit
from kendali.dispatch.selectors import recommend
from kendali.incidents.models import Incident, IncidentType

# (agency code, callsign, kind, station, lat, lon, capabilities)
DEMO_UNITS = [
    ("damkar", "DMK-01", "pemadam", "Mako Damkar Ciceri", -6.1185, 106.1525, ["air 5000 L"]),
    ("damkar", "DMK-02", "pemadam", "Mako Damkar Ciceri", -6.1187, 106.1528, ["air 5000 L"]),
    ("damkar", "DMK-03", "pemadam", "Pos Damkar Kasemen", -6.0710, 106.1620, ["air 3000 L"]),
    ("damkar", "DMK-04", "pemadam", "Pos Damkar Taktakan", -6.1330, 106.1100, ["air 3000 L"]),
    (
        "damkar",
        "DMK-R1",
        "rescue",
        "Mako Damkar Ciceri",
        -6.1183,
        106.1522,
        ["evakuasi", "tawon/ular"],
    ),
    ("dinkes", "AMB-01", "ambulans", "PSC 119 Dinkes", -6.1203, 106.1629, ["BLS"]),
    ("dinkes", "AMB-02", "ambulans", "Puskesmas Walantaka", -6.1460, 106.2270, ["BLS"]),
    ("dinkes", "AMB-03", "ambulans", "Puskesmas Kasemen", -6.0760, 106.1700, ["BLS"]),
    ("dinkes", "AMB-04", "ambulans", "RSUD Kota Serang", -6.1080, 106.1630, ["ALS"]),
    ("dinkes", "JNZ-01", "jenazah", "RSUD Kota Serang", -6.1082, 106.1633, []),
    ("bpbd", "BPBD-01", "bpbd", "Kantor BPBD", -6.1242, 106.1588, ["perahu karet"]),
    ("bpbd", "BPBD-02", "bpbd", "Kantor BPBD", -6.1244, 106.1590, ["gergaji mesin"]),
    ("bpbd", "BPBD-R1", "rescue", "Kantor BPBD", -6.1240, 106.1586, ["evakuasi air"]),
    ("polresta", "POL-01", "patroli", "Polresta Serang Kota", -6.1170, 106.1540, []),
    ("polresta", "POL-02", "patroli", "Polsek Cipocok Jaya", -6.1400, 106.1800, []),
    ("polresta", "POL-03", "patroli", "Polsek Kasemen", -6.0720, 106.1690, []),
    ("polresta", "POL-04", "patroli", "Polsek Walantaka", -6.1500, 106.2200, []),
    ("satpolpp", "SPP-01", "satpolpp", "Kantor Satpol PP", -6.1150, 106.1560, []),
    ("satpolpp", "SPP-02", "satpolpp", "Kantor Satpol PP", -6.1152, 106.1562, []),
    ("pln", "PLN-01", "pln", "PLN UP3 Banten Utara", -6.1130, 106.1500, ["tangga", "truk"]),
    ("pln", "PLN-02", "pln", "PLN ULP Serang Kota", -6.1260, 106.1700, ["tangga"]),
    ("pdam", "PDAM-01", "pdam", "Perumdam Tirta Madani", -6.1210, 106.1480, ["pompa"]),
]


def seed(*, actor: Actor) -> None:
    seed_run_cards(IncidentType, RunCard, RunCardLine)
    agencies = {a.code: a for a in Agency.objects.all()}
    for code, callsign, kind, station, lat, lon, capabilities in DEMO_UNITS:
        if code not in agencies or Unit.objects.filter(callsign=callsign).exists():
            continue
        services.unit_create(
            actor=actor,
            agency=agencies[code],
            callsign=callsign,
            kind=kind,
            home_lat=lat,
            home_lon=lon,
            station=station,
            capabilities=capabilities,
        )
    # Send the nearest recommended units to the open P1 incidents, as a dispatcher would.

    for incident in Incident.objects.open().filter(priority="P1", lat__isnull=False)[:2]:
        if incident.assignments.exists():
            continue
        suggested = [
            c for c in recommend(actor=actor, incident=incident)["candidates"] if c["suggested"]
        ]
        for candidate in suggested[:3]:
            unit = Unit.objects.get(pk=candidate["unit_id"])
            services.assignment_create(actor=actor, incident=incident, unit=unit)
