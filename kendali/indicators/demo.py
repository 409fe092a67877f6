"""Demo of the smart-city programme, made through the services: a second Dinkes officer (so
one enters and a colleague approves), the economy OPDs and their data officers, approved
health, disaster and economy figures for past years, one health figure still waiting for
approval, the grand design's targets linked to SPBE peta rencana initiatives, and a first
computation of the live figures."""

from __future__ import annotations

from django.utils import timezone

from kendali.core import services as core_services
from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, Role
from kendali.core.demo import DEMO_PASSWORD
from kendali.core.models import Agency, User
from kendali.indicators import services
from kendali.indicators.catalogue import catalogue
from kendali.indicators.choices import FigureStatus
from kendali.indicators.models import EnteredFigure, Target

COLLEAGUE = ("dinkes2", "Lina Kepala Seksi Data Dinkes")

# The OPDs that enter the economy figures and are not in the core demo: (code, short name,
# name, data officer's username, officer's name). BPKAD is there, but its demo user keeps the
# BMD register, so a data officer of its revenue side enters its figure.
ECONOMY_OPDS = [
    (
        "disnaker",
        "Disnaker",
        "Dinas Tenaga Kerja Kota Serang",
        "disnaker",
        "Sinta Petugas Data Disnaker",
    ),
    (
        "dinkopukm",
        "Dinkop UKM",
        "Dinas Koperasi dan Usaha Mikro, Kecil dan Menengah Kota Serang",
        "dinkopukm",
        "Taufik Petugas Data Dinkop UKM",
    ),
    (
        "disparpora",
        "Disparpora",
        "Dinas Pariwisata, Pemuda dan Olahraga Kota Serang",
        "disparpora",
        "Umi Petugas Data Disparpora",
    ),
    ("bpkad", "BPKAD", "", "bpkad_pad", "Vina Petugas Data Pendapatan BPKAD"),
]

# (indicator, years ago → value), entered by the OPD's officer, approved by a colleague (the
# administrator where the OPD has only one officer in the demo).
APPROVED = {
    "HLT-04": {4: 96.0, 3: 101.5, 2: 108.2, 1: 112.7},
    "HLT-05": {4: 70.61, 3: 70.86, 2: 71.10, 1: 71.38},
    "HLT-07": {3: 420, 2: 1260, 1: 2480},
    "LIV-07": {4: 0.42, 3: 0.0, 2: 0.14, 1: 0.0},
    "ECO-01": {4: 9.51, 3: 8.53, 2: 7.87, 1: 7.41},
    "ECO-02": {4: 142, 3: 158, 2: 171, 1: 186},
    "ECO-03": {3: 1.18, 2: 1.27, 1: 1.36},
    "ECO-04": {4: 31.6, 3: 42.8, 2: 54.1, 1: 63.9},
    "ECO-05": {4: 2_480_000, 3: 3_120_000, 2: 3_560_000, 1: 3_910_000},
}
# The source documents the figures are taken from ({y}: the year); others: the OPD's profile.
EVIDENCE = {
    "ECO-01": "Berita Resmi Statistik BPS Kota Serang, Sakernas Agustus {y}",
    "ECO-02": "Rekap pendataan UMKM Dinkop UKM {y}: usaha baru {y0} yang masih beroperasi",
    "ECO-03": "Sakernas Agustus {y}, lapangan usaha Informasi dan Komunikasi (BPS Kota Serang)",
    "ECO-04": "Laporan realisasi PAD {y} BPKAD: penerimaan non-tunai (QRIS, VA, transfer)",
    "ECO-05": "Rekap kunjungan Disparpora {y}: Masjid Agung Banten, Keraton Surosowan, Kaibon",
}
# Waiting for the colleague in the demo: the done-when flow approves it.
WAITING = ("HLT-06", 1, 38.5)

# Targets of the grand design: indicator → (value this year, change per year, initiatives).
# The initiatives are the codes of the SPBE demo's peta rencana (kendali/spbe/demo.py), which
# names the same indicators back: each side shows the other.
TARGETS = {
    "GOV-01": (3.1, 0.2, ["PR.01", "PR.05"]),
    "GOV-02": (85.0, 2.5, []),
    "GOV-03": (6, 1, ["PR.04"]),
    "LIV-01": (15.0, -1.0, ["PR.03"]),
    "LIV-02": (40.0, 2.0, []),
    "LIV-03": (10.0, -1.0, []),
    "LIV-05": (25.0, 2.5, []),
    "HLT-01": (15.0, -1.0, ["PR.03"]),
    "HLT-04": (115.0, 5.0, []),
    "HLT-05": (71.5, 0.25, []),
    "HLT-06": (40.0, 10.0, []),
    "HLT-07": (3000, 600, []),
    "MOB-02": (15.0, -1.0, []),
    "MOB-03": (30.0, 0.5, []),
    "TEC-01": (20000, 3000, ["PR.02"]),
    "TEC-03": (25.0, 5.0, ["PR.02"]),
    "TEC-04": (85.0, 2.0, ["PR.06"]),
    "INF-01": (95.0, 1.0, []),
    "INF-02": (60.0, 5.0, []),
    "BLD-02": (15.0, -1.0, []),
    "LIV-07": (0.2, -0.05, []),
    "ECO-01": (7.0, -0.4, []),
    "ECO-04": (70.0, 8.0, []),
    "ECO-05": (4_000_000, 250_000, []),
    "ECO-06": (6, 1, []),
    "ECO-07": (45.0, 5.0, []),
    "ECO-08": (250, 25, []),
}


def _colleague(actor: Actor) -> User:
    username, full_name = COLLEAGUE
    user = User.objects.filter(username=username).first()
    if user is None:
        user = core_services.user_create(
            actor=actor,
            username=username,
            password=DEMO_PASSWORD,
            roles=[Role.AGENCY_OFFICER],
            full_name=full_name,
            agency=Agency.objects.get(code="dinkes"),
        )
    return user


def _economy_officers(actor: Actor) -> dict[str, User]:
    """OPD code → its data officer, creating the OPD and the officer when missing."""
    officers = {}
    for code, short, name, username, full_name in ECONOMY_OPDS:
        agency = Agency.objects.filter(code=code).first() or core_services.agency_save(
            actor=actor, code=code, name=name, short_name=short, kind=AgencyKind.OPD
        )
        officers[code] = User.objects.filter(username=username).first() or (
            core_services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                roles=[Role.AGENCY_OFFICER],
                full_name=full_name,
                agency=agency,
            )
        )
    return officers


def seed(*, actor: Actor) -> None:
    """Idempotent: figures and targets already there are left as they are."""
    year = timezone.localdate().year
    colleague = Actor(user=_colleague(actor))
    dinkes = Actor(user=User.objects.get(username="dinkes"))
    bpbd = Actor(user=User.objects.get(username="bpbd"))
    admin = Actor(user=User.objects.get(username="admin"))
    enterers = {"dinkes": (dinkes, colleague), "bpbd": (bpbd, admin)}
    for code, officer in _economy_officers(actor).items():
        enterers[code] = (Actor(user=officer), admin)
    cat = catalogue()
    for code, values in APPROVED.items():
        indicator = cat.indicator(code)
        enterer, approver = enterers[indicator.opd]
        for ago, value in values.items():
            if EnteredFigure.objects.filter(indicator_code=code, year=year - ago).exists():
                continue
            evidence = EVIDENCE.get(
                code, "Profil {opd} Kota Serang {y}, tabel rekap tahunan"
            ).format(opd=indicator.opd.title(), y=year - ago, y0=year - ago - 1)
            figure = services.figure_enter(
                actor=enterer,
                indicator_code=code,
                year=year - ago,
                value=value,
                unit=indicator.unit,
                evidence=evidence,
            )
            services.figure_approve(
                actor=approver, figure_id=figure.pk, note="Sesuai dokumen profil."
            )
    code, ago, value = WAITING
    if not EnteredFigure.objects.filter(
        indicator_code=code,
        year=year - ago,
        status__in=[FigureStatus.SUBMITTED, FigureStatus.APPROVED],
    ).exists():
        services.figure_enter(
            actor=dinkes,
            indicator_code=code,
            year=year - ago,
            value=value,
            unit=cat.indicator(code).unit,
            evidence=f"Rekap SATUSEHAT puskesmas Kota Serang {year - ago}",
        )
    planner = Actor(user=User.objects.get(username="spbe"))
    for code, (now_value, step, initiatives) in TARGETS.items():
        indicator = cat.indicator(code)
        for offset in range(-4, 2):
            target_year = year + offset
            if Target.objects.filter(indicator_code=code, year=target_year).exists():
                continue
            value = now_value + step * offset
            value = min(max(value, indicator.minimum), indicator.maximum)
            services.target_set(
                actor=planner,
                indicator_code=code,
                year=target_year,
                value=round(value, 2),
                initiatives=initiatives,
                note="Rencana induk kota cerdas (demo)",
            )
    services.snapshot_refresh(actor=Actor.system("demo indikator"))
