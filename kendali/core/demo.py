"""Demo data: Kota Serang's agencies and one user per role, plus what each module adds.

Modules register a seeding function with :func:`register` in their AppConfig.ready();
``kendali demo`` runs them in order after the core seed. Every write goes through services.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import import_string

from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, ChannelKind, Role

DEMO_PASSWORD = "kendali-demo-2026"


@dataclass(frozen=True)
class Seeder:
    order: int
    function: str  # called as function(actor=Actor)


_seeders: list[Seeder] = []


def register(order: int, function: str) -> None:
    if all(s.function != function for s in _seeders):
        _seeders.append(Seeder(order, function))


# (code, short name, full name, kind, lat, lon, phone)
SERANG_AGENCIES = [
    (
        "damkar",
        "Damkar",
        "Dinas Pemadam Kebakaran dan Penyelamatan Kota Serang",
        AgencyKind.OPD,
        -6.1185,
        106.1525,
        "0254-200113",
    ),
    (
        "dinkes",
        "Dinkes",
        "Dinas Kesehatan Kota Serang (ambulans PSC)",
        AgencyKind.OPD,
        -6.1203,
        106.1629,
        "0254-200119",
    ),
    (
        "bpbd",
        "BPBD",
        "Badan Penanggulangan Bencana Daerah Kota Serang",
        AgencyKind.OPD,
        -6.1242,
        106.1588,
        "0254-200114",
    ),
    (
        "satpolpp",
        "Satpol PP",
        "Satuan Polisi Pamong Praja Kota Serang",
        AgencyKind.OPD,
        -6.1170,
        106.1540,
        "0254-200115",
    ),
    (
        "dishub",
        "Dishub",
        "Dinas Perhubungan Kota Serang",
        AgencyKind.OPD,
        -6.1300,
        106.1650,
        "0254-200116",
    ),
    (
        "dlh",
        "DLH",
        "Dinas Lingkungan Hidup Kota Serang",
        AgencyKind.OPD,
        -6.1320,
        106.1700,
        "0254-200117",
    ),
    (
        "dpupr",
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang Kota Serang",
        AgencyKind.OPD,
        -6.1260,
        106.1500,
        "0254-200118",
    ),
    (
        "dinsos",
        "Dinsos",
        "Dinas Sosial Kota Serang",
        AgencyKind.OPD,
        -6.1190,
        106.1470,
        "0254-200120",
    ),
    (
        "diskominfo",
        "Diskominfo",
        "Dinas Komunikasi, Informatika, Persandian dan Statistik Kota Serang",
        AgencyKind.OPD,
        -6.1157,
        106.1545,
        "0254-200112",
    ),
    (
        "disperkim",
        "Disperkim",
        "Dinas Perumahan dan Kawasan Permukiman Kota Serang",
        AgencyKind.OPD,
        -6.1275,
        106.1555,
        "0254-200121",
    ),
    (
        "rsud",
        "RSUD Kota Serang",
        "Rumah Sakit Umum Daerah Kota Serang",
        AgencyKind.OPD,
        -6.1040,
        106.1700,
        "0254-200122",
    ),
    (
        "bpkad",
        "BPKAD",
        "Badan Pengelolaan Keuangan dan Aset Daerah Kota Serang",
        AgencyKind.OPD,
        -6.1189,
        106.1561,
        "0254-200125",
    ),
    (
        "polresta",
        "Polresta Serang Kota",
        "Kepolisian Resor Kota Serang Kota",
        AgencyKind.VERTICAL,
        -6.1108,
        106.1510,
        "110",
    ),
    (
        "kodim",
        "Kodim 0602",
        "Komando Distrik Militer 0602/Serang",
        AgencyKind.VERTICAL,
        -6.1150,
        106.1520,
        "0254-200123",
    ),
    (
        "basarnas",
        "Basarnas Banten",
        "Kantor SAR Banten",
        AgencyKind.VERTICAL,
        -6.0600,
        106.1400,
        "115",
    ),
    (
        "pln",
        "PLN UP3 Banten Utara",
        "PT PLN (Persero) UP3 Banten Utara",
        AgencyKind.UTILITY,
        -6.1210,
        106.1490,
        "123",
    ),
    (
        "pdam",
        "Perumda Tirta Madani",
        "Perumda Air Minum Tirta Madani (PDAM)",
        AgencyKind.UTILITY,
        -6.1230,
        106.1600,
        "0254-200124",
    ),
]

# (username, role, full name, agency code, extension)
DEMO_USERS = [
    ("admin", Role.ADMINISTRATOR, "Administrator Sistem", None, ""),
    ("supervisor", Role.SUPERVISOR, "Rina Supervisor 112", None, "2001"),
    ("penerima", Role.CALL_TAKER, "Andi Penerima 112", None, "2101"),
    ("penerima2", Role.CALL_TAKER, "Sari Penerima 112", None, "2102"),
    ("dispatcher", Role.DISPATCHER, "Budi Dispatcher", None, "2201"),
    ("damkar", Role.AGENCY_OFFICER, "Dedi Petugas Damkar", "damkar", ""),
    ("bpbd", Role.AGENCY_OFFICER, "Eka Petugas BPBD", "bpbd", ""),
    ("dinkes", Role.AGENCY_OFFICER, "Fajar Petugas Dinkes", "dinkes", ""),
    ("pln", Role.AGENCY_OFFICER, "Gita Petugas PLN", "pln", ""),
    ("pemantau", Role.CONTROL_ROOM_VIEWER, "Hadi Pemantau Ruang Kendali", None, ""),
    ("operator", Role.OPERATOR, "Indra Operator Sensor & Wi-Fi", "diskominfo", ""),
    ("aset", Role.ASSET_MANAGER, "Joko Pengelola Aset DPUPR", "dpupr", ""),
    ("spbe", Role.SPBE_COORDINATOR, "Kartika Koordinator SPBE", "diskominfo", ""),
    ("reviu", Role.SPBE_REVIEWER, "Sinta Reviewer SPBE (Inspektorat)", None, ""),
    ("sekda", Role.BMD_PENGELOLA, "Lukman Sekretaris Daerah", None, ""),
    ("bpkad", Role.BMD_PENATAUSAHAAN, "Maya Penatausahaan BMD BPKAD", "bpkad", ""),
    ("pengguna_pupr", Role.BMD_PENGGUNA, "Nanda Kepala DPUPR", "dpupr", ""),
    ("pengurus_pupr", Role.BMD_PENGURUS, "Oki Pengurus Barang DPUPR", "dpupr", ""),
    ("kuasa_dinkes", Role.BMD_KUASA, "Putri Kepala Puskesmas (Kuasa Pengguna)", "dinkes", ""),
    ("pembantu_dinkes", Role.BMD_PENGURUS_PEMBANTU, "Rudi Pengurus Barang Pembantu", "dinkes", ""),
]

TWO_FACTOR_DEMO_SECRETS = {
    # Fixed demo secrets so a person trying the demo can add them to an authenticator
    # app (or run `kendali manage totp_code <user>`); never used outside `kendali demo`.
    "admin": "KENDALIDEMOADMINSERANGKOTAAAAAAA",
    "supervisor": "KENDALIDEMOSUPERVISORSERANGAAAAA",
}


def seed_core(*, actor: Actor) -> list[tuple[str, str, str]]:
    """Agencies and users. Returns [(username, role label, password)]."""
    # The AppConfig modules import this one while the app registry fills: models only here.
    from kendali.core import services
    from kendali.core.models import Agency, User

    for code, short, name, kind, lat, lon, phone in SERANG_AGENCIES:
        agency = services.agency_save(
            actor=actor,
            code=code,
            name=name,
            short_name=short,
            kind=kind,
            lat=lat,
            lon=lon,
        )
        services.agency_channel_add(
            actor=actor,
            agency=agency,
            kind=ChannelKind.PHONE,
            value=phone,
            label="Piket",
            is_primary=True,
        )
    credentials = []
    for username, role, full_name, agency_code, extension in DEMO_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user_agency = Agency.objects.get(code=agency_code) if agency_code else None
            user = services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                roles=[role],
                full_name=full_name,
                agency=user_agency,
                extension=extension,
            )
        if role == Role.ADMINISTRATOR and not user.is_staff:  # a demo made before it was so
            User.objects.filter(pk=user.pk).update(is_staff=True)
        if username in TWO_FACTOR_DEMO_SECRETS and not user.totp_confirmed_at:
            User.objects.filter(pk=user.pk).update(
                totp_secret=TWO_FACTOR_DEMO_SECRETS[username], totp_confirmed_at=timezone.now()
            )
        credentials.append((username, str(Role(role).label), DEMO_PASSWORD))
    return credentials


def run_all(*, actor: Actor) -> list[tuple[str, str, str]]:
    credentials = seed_core(actor=actor)
    for seeder in sorted(_seeders, key=lambda s: s.order):
        import_string(seeder.function)(actor=actor)
    return credentials
