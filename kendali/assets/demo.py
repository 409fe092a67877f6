"""Demo: Kota Serang's OPDs with a few thousand believable BMD items across KIB A–F, every
Kendali device (sensors, park hotspots) on KIB B, a locked past semester, pending drafts,
and a stock-take in progress.

Items are written in bulk through the same path as the XLSX import (draft batch, approved by
a second person), so a few thousand items load in seconds. Idempotent: nothing is added when
the register already has items.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from importlib.resources import files

from django.utils import timezone

from kendali.assets import importer, services
from kendali.assets.choices import EntryKind, Origin, kib_of_code
from kendali.assets.models import ImportBatch, Item, Room, SemesterLock, period_index, period_of
from kendali.core.actors import Actor
from kendali.core.models import Agency, User

# (code, name pattern, value range in rupiah, weight) per KIB; values are demo figures.
CATALOGUE_B = [
    (
        "1.3.2.10.01.02.001",
        "PC Unit {brand}",
        (8_500_000, 16_000_000),
        18,
        ["Dell OptiPlex 3000", "HP ProDesk 400", "Lenovo ThinkCentre M70"],
    ),
    (
        "1.3.2.10.01.02.003",
        "Notebook {brand}",
        (9_000_000, 22_000_000),
        14,
        ["Lenovo ThinkPad E14", "ASUS ExpertBook B1", "Acer TravelMate P2", "HP ProBook 440"],
    ),
    (
        "1.3.2.10.02.03.003",
        "Printer {brand}",
        (2_100_000, 6_500_000),
        8,
        ["Epson L3210", "Canon G2020", "HP LaserJet M211"],
    ),
    (
        "1.3.2.05.02.01.002",
        "Meja kerja {brand}",
        (650_000, 2_400_000),
        14,
        ["Chitose", "Indachi", "Olympic"],
    ),
    (
        "1.3.2.05.02.01.003",
        "Kursi kerja {brand}",
        (350_000, 1_600_000),
        16,
        ["Chitose", "Indachi", "Futura"],
    ),
    (
        "1.3.2.05.02.04.001",
        "AC Split {brand}",
        (3_600_000, 7_800_000),
        7,
        ["Daikin 1 PK", "Panasonic 1,5 PK", "Sharp 1 PK"],
    ),
    (
        "1.3.2.05.01.04.004",
        "Filing cabinet {brand}",
        (1_800_000, 3_900_000),
        5,
        ["Brother 4 laci", "Lion 4 laci"],
    ),
    (
        "1.3.2.05.01.05.010",
        "Proyektor {brand}",
        (4_500_000, 9_000_000),
        3,
        ["Epson EB-X51", "BenQ MX560"],
    ),
    (
        "1.3.2.06.02.01.005",
        "Handy talky {brand}",
        (1_200_000, 4_800_000),
        4,
        ["Motorola XiR C1200", "Icom IC-V86"],
    ),
    (
        "1.3.2.02.01.05.001",
        "Sepeda motor {brand}",
        (17_000_000, 28_000_000),
        4,
        ["Honda Vario 125", "Yamaha NMAX", "Honda Beat"],
    ),
    (
        "1.3.2.02.01.02.003",
        "Minibus {brand}",
        (260_000_000, 420_000_000),
        1,
        ["Toyota Innova", "Toyota HiAce"],
    ),
    (
        "1.3.2.02.01.03.003",
        "Pick up {brand}",
        (190_000_000, 260_000_000),
        1,
        ["Suzuki Carry", "Daihatsu Gran Max"],
    ),
]
ROOMS = [
    ("R.01", "Ruang Kepala Dinas"),
    ("R.02", "Ruang Sekretariat"),
    ("R.03", "Ruang Rapat"),
    ("R.04", "Ruang Bidang"),
    ("R.05", "Gudang"),
]
KECAMATAN_POINTS = [
    (-6.1190, 106.1530),
    (-6.1470, 106.1860),
    (-6.1010, 106.1980),
    (-6.1650, 106.1480),
    (-6.1080, 106.1240),
    (-6.1320, 106.1120),
]


def _users() -> dict[str, User]:
    return {
        u.username: u
        for u in User.objects.filter(
            username__in=[
                "aset",
                "pengurus_pupr",
                "pengguna_pupr",
                "kuasa_dinkes",
                "pembantu_dinkes",
                "bpkad",
                "sekda",
            ]
        )
    }


def _point(rng: random.Random, lat: float | None, lon: float | None, spread: float = 0.002):
    if lat is None:
        lat, lon = rng.choice(KECAMATAN_POINTS)
        spread = 0.015
    return lat + rng.uniform(-spread, spread), lon + rng.uniform(-spread, spread)


def _locate(lat: float, lon: float) -> dict:
    from kendali.regions.locate import locate

    try:
        place = locate(lat, lon)
    except Exception:  # noqa: BLE001 - the demo has no boundaries loaded in a bare database
        return {}
    known = _region_codes()
    return {
        "kelurahan_id": place.kelurahan_kode if place.kelurahan_kode in known else None,
        "kecamatan_id": place.kecamatan_kode if place.kecamatan_kode in known else None,
    }


@lru_cache(maxsize=1)
def _region_codes() -> frozenset[str]:
    # Read once per demo run (``seed`` clears it): thousands of demo items, one read.
    from kendali.regions.models import Region

    return frozenset(Region.objects.values_list("kode", flat=True))


def _day(rng: random.Random, start_year: int = 2016) -> date:
    today = timezone.localdate()
    start = date(start_year, 1, 2)
    # Before the running semester, so every demo acquisition sits in a closed period.
    end = date(today.year, 1, 1) if today.month <= 6 else date(today.year, 6, 30)
    return start + timedelta(days=rng.randrange((end - start).days))


def _rows_for(agency: Agency, rooms: list[Room], rng: random.Random, n_b: int) -> list[dict]:
    rows: list[dict] = []
    lat, lon = agency.lat, agency.lon

    def add(
        code,
        name,
        value,
        day,
        details=None,
        cert="",
        room=None,
        point=True,
        condition=None,
        far=False,
    ):
        plat, plon = (
            _point(rng, None if far else lat, None if far else lon) if point else (None, None)
        )
        rows.append(
            {
                "code": code,
                "kib": kib_of_code(code),
                "name": name,
                "value": Decimal(value).quantize(Decimal("1")),
                "day": day,
                "origin": rng.choice([Origin.APBD] * 8 + [Origin.HIBAH]),
                "condition": condition or rng.choices(["B", "KB", "RB"], weights=[80, 15, 5])[0],
                "certificate_number": cert,
                "quantity": 1,
                "unit": "unit",
                "note": "",
                "details": details or {},
                "nibar": None,
                "lat": plat,
                "lon": plon,
                "room_id": room.pk if room else None,
                **(_locate(plat, plon) if point else {}),
            }
        )

    # KIB A: the office land, sometimes a second plot.
    for i in range(rng.choice([1, 1, 2])):
        area = rng.randrange(800, 6000)
        add(
            "1.3.1.01.01.02.001",
            f"Tanah kantor {agency.short_name}" + (f" ({i + 1})" if i else ""),
            area * rng.randrange(1_800_000, 4_500_000),
            _day(rng, 2008),
            {
                "luas_m2": area,
                "alamat": agency.address or "Kota Serang",
                "hak": "Hak Pakai",
                "penggunaan": "Kantor",
            },
            cert=f"SHP-36.73-{agency.code.upper()}-{i + 1:03d}",
            condition="B",
        )
    # KIB C: the office building, sometimes a second one.
    for i in range(rng.choice([1, 2])):
        floors = rng.choice([1, 2, 2, 3])
        area = rng.randrange(300, 2400)
        add(
            "1.3.3.01.01.01.001",
            f"Gedung kantor {agency.short_name}" + (f" blok {chr(65 + i)}" if i else ""),
            area * rng.randrange(4_000_000, 6_500_000),
            _day(rng, 2010),
            {
                "konstruksi_bertingkat": "Bertingkat" if floors > 1 else "Tidak",
                "konstruksi_beton": "Beton",
                "jumlah_lantai": floors,
                "luas_lantai_m2": area,
                "status_tanah": "Tanah milik Pemda",
            },
            cert=f"PBG-{agency.code.upper()}-{i + 1:03d}",
            condition="B",
        )
    # KIB B: office and field equipment, in rooms.
    weights = [c[3] for c in CATALOGUE_B]
    for _n in range(n_b):
        code, pattern, (low, high), _w, brands = rng.choices(CATALOGUE_B, weights=weights)[0]
        brand = rng.choice(brands)
        details = {"merk_tipe": brand}
        if code.startswith("1.3.2.02"):
            details.update(
                {
                    "nomor_polisi": f"A {rng.randrange(1000, 9999)} {rng.choice(['SG', 'SE', 'SH'])}",
                    "nomor_rangka": f"MH{rng.randrange(10**9, 10**10)}",
                    "nomor_mesin": f"E{rng.randrange(10**7, 10**8)}",
                }
            )
        else:
            details["nomor_pabrik"] = f"SN{rng.randrange(10**6, 10**7)}"
        add(
            code,
            pattern.format(brand=brand),
            rng.randrange(low, high, 50_000),
            _day(rng),
            details,
            room=rng.choice(rooms) if not code.startswith("1.3.2.02") else None,
        )
    # KIB E: books for every OPD.
    for _n in range(rng.randrange(8, 20)):
        add(
            "1.3.5.01.01.01.001",
            rng.choice(
                [
                    "Buku Pedoman Pengelolaan BMD",
                    "Buku Himpunan Perda Kota Serang",
                    "Buku Statistik Daerah",
                    "Buku Sejarah Banten",
                ]
            ),
            rng.randrange(75_000, 450_000, 5_000),
            _day(rng),
            {"judul_pencipta": "—"},
            room=rooms[1],
            point=False,
        )
    return rows


def _dpupr_infrastructure(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    streets = [
        "Jl. Ki Mas Jong",
        "Jl. Kitapa",
        "Jl. Raya Petir",
        "Jl. Bhayangkara",
        "Jl. Sempu",
        "Jl. Lingkar Selatan",
        "Jl. Syech Nawawi",
        "Jl. Yusuf Martadilaga",
        "Jl. Tb. Suwandi",
        "Jl. Letnan Jidun",
        "Jl. Cilampang",
    ]
    for i in range(160):
        code, label, per_m, dims = rng.choice(
            [
                ("1.3.4.01.01.02.001", "Jalan aspal", 1_400_000, (300, 2400, 5, 9)),
                ("1.3.4.01.01.02.002", "Jalan beton", 1_900_000, (150, 900, 4, 7)),
                ("1.3.4.02.05.04.001", "Saluran drainase", 850_000, (100, 800, 1, 2)),
                ("1.3.4.04.02.03.001", "PJU", 9_500_000, (1, 1, 1, 1)),
                ("1.3.4.01.02.02.001", "Jembatan beton", 45_000_000, (8, 40, 6, 9)),
            ]
        )
        street = rng.choice(streets)
        length = rng.randrange(dims[0], dims[1] + 1)
        width = rng.randrange(dims[2], dims[3] + 1)
        lat, lon = _point(rng, None, None)
        rows.append(
            {
                "code": code,
                "kib": "D",
                "name": f"{label} {street} seg. {i + 1}",
                "value": Decimal(per_m * length),
                "day": _day(rng, 2012),
                "origin": Origin.APBD,
                "condition": rng.choices(["B", "KB", "RB"], [70, 22, 8])[0],
                "certificate_number": "",
                "quantity": 1,
                "unit": "unit" if label == "PJU" else "ruas",
                "note": "",
                "details": {
                    "konstruksi": label,
                    "panjang_m": length,
                    "lebar_m": width,
                    "luas_m2": length * width,
                    "alamat": street,
                    "status_tanah": "Tanah milik Pemda",
                },
                "nibar": None,
                "lat": lat,
                "lon": lon,
                **_locate(lat, lon),
            }
        )
    return rows


def seed(*, actor: Actor) -> None:
    _region_codes.cache_clear()
    if not services.CodeNode.objects.exists():
        services.codes_load_bundled(actor=actor)
        base = files("kendali.assets").joinpath("data")
        services.settings_import_csv(
            actor=actor, data=base.joinpath("contoh_pengaturan.csv").read_bytes()
        )
        services.life_extensions_import_csv(
            actor=actor, data=base.joinpath("contoh_perpanjangan.csv").read_bytes()
        )
    if Item.objects.exists():
        return
    rng = random.Random(14)
    users = _users()
    opds = list(Agency.objects.filter(kind="opd", is_active=True).order_by("code"))
    if not opds:
        return
    drafter = (
        Actor(user=users.get("bpkad"), ip="127.0.0.1")
        if "bpkad" in users
        else Actor.system("demo BMD")
    )
    approver = (
        Actor(user=users.get("sekda"), ip="127.0.0.1")
        if "sekda" in users
        else Actor.system("persetujuan demo")
    )
    per_opd = {
        "dpupr": (users.get("aset"), users.get("pengguna_pupr")),
        "dinkes": (users.get("pembantu_dinkes"), users.get("kuasa_dinkes")),
    }
    for agency in opds:
        rooms = [
            Room.objects.get_or_create(agency=agency, code=code, defaults={"name": name})[0]
            for code, name in ROOMS
        ]
        n_b = {"dpupr": 320, "diskominfo": 360, "dinkes": 300, "bpkad": 260}.get(agency.code, 190)
        rows = _rows_for(agency, rooms, rng, n_b)
        if agency.code == "dpupr":
            rows += _dpupr_infrastructure(rng)
            rows.append(
                {
                    "code": "1.3.6.01.01.02.001",
                    "kib": "F",
                    "name": "KDP Jalan Lingkar Utara tahap II",
                    "value": Decimal("8750000000"),
                    "day": date(timezone.localdate().year - 1, 9, 1),
                    "origin": Origin.CONTRACT,
                    "condition": "B",
                    "certificate_number": "",
                    "quantity": 1,
                    "unit": "paket",
                    "note": "",
                    "details": {
                        "kontrak_nomor": "602/PUPR/2025",
                        "luas_m2": 12000,
                        "status_tanah": "Tanah milik Pemda",
                    },
                    "nibar": None,
                    "lat": -6.0935,
                    "lon": 106.1702,
                }
            )
        if agency.code == "dlh":
            for i in range(40):
                lat, lon = _point(rng, None, None)
                rows.append(
                    {
                        "code": "1.3.5.04.01.01.001",
                        "kib": "E",
                        "name": f"Pohon pelindung taman #{i + 1}",
                        "value": Decimal(rng.randrange(350_000, 1_500_000, 50_000)),
                        "day": _day(rng, 2018),
                        "origin": Origin.APBD,
                        "condition": "B",
                        "certificate_number": "",
                        "quantity": 1,
                        "unit": "batang",
                        "note": "",
                        "details": {
                            "jenis_hewan_tanaman": rng.choice(
                                ["Trembesi", "Ketapang kencana", "Mahoni", "Tabebuya"]
                            )
                        },
                        "nibar": None,
                        "lat": lat,
                        "lon": lon,
                        **_locate(lat, lon),
                    }
                )
        mine = per_opd.get(agency.code, (None, None))
        draft_actor = Actor(user=mine[0], ip="127.0.0.1") if mine[0] else drafter
        approve_actor = Actor(user=mine[1], ip="127.0.0.1") if mine[1] else approver
        batch = ImportBatch.objects.create(
            agency=agency, filename="data demo", created_by=draft_actor.user
        )
        writer = importer.BulkWriter(
            actor=draft_actor, agency=agency, batch=batch, note="Saldo awal (data demo)"
        )
        for row in rows:
            writer.add(row)
        writer.flush()
        batch.save(update_fields=["rows"])
        importer.batch_approve(actor=approve_actor, batch_id=batch.pk)
    _link_devices(actor, users)
    _third_party_use(actor, users)
    # The last closed semester before the running one is depreciated and locked; the one after
    # it is left for BPKAD to run and lock in the demo.
    current = period_index(period_of(timezone.localdate()))
    bpkad = Actor(user=users["bpkad"], ip="127.0.0.1") if "bpkad" in users else actor
    services.depreciation_run(actor=bpkad, period=_name(current - 2))
    if not SemesterLock.objects.filter(period=_name(current - 2)).exists():
        services.semester_lock(actor=bpkad, period=_name(current - 2))
    _pending_and_census(actor, users, rng)


def _name(index: int) -> str:
    return f"{index // 2}-S{index % 2 + 1}"


def _link_devices(actor: Actor, users: dict) -> None:
    """Every sensor, camera, hotspot and wall screen Kendali runs becomes a KIB B item of its
    OPD (Diskominfo for the hotspots and screens), approved, with its device linked for live
    state."""
    from kendali.core.registry import asset_sources, run_selector

    diskominfo = Agency.objects.filter(code="diskominfo").first()
    drafter = Actor(user=users["bpkad"], ip="127.0.0.1") if "bpkad" in users else actor
    approver = (
        Actor(user=users["sekda"], ip="127.0.0.1") if "sekda" in users else Actor.system("demo")
    )
    codes = {
        "access_point": "1.3.2.10.02.04.003",
        "water_level": "1.3.2.08.06.01.002",
        "air_quality": "1.3.2.08.06.01.001",
        "rain_gauge": "1.3.2.08.06.01.003",
        "cctv_status": "1.3.2.06.01.02.010",
        "camera": "1.3.2.06.01.02.010",
        "wall_display": "1.3.2.06.01.02.011",
    }
    values = {
        "access_point": Decimal("4850000"),
        "camera": Decimal("7250000"),
        "wall_display": Decimal("64500000"),
    }
    day = date(timezone.localdate().year - 1, 3, 15)
    for source in asset_sources():
        for device in run_selector(source.devices, actor=actor):
            if Item.objects.filter(device_ref=device["ref"]).exists():
                continue
            agency = (
                Agency.objects.filter(pk=device["agency_id"]).first()
                if device["agency_id"]
                else diskominfo
            )
            if agency is None or agency.kind != "opd":
                agency = diskominfo
            if agency is None:
                continue
            code = codes.get(
                device["kind"],
                "1.3.2.10.02.04.002" if device["kind"] == "router" else "1.3.2.08.06.01.003",
            )
            item = services.item_draft(
                actor=drafter,
                agency=agency,
                code=code,
                name=device["name"][:200],
                acquisition_date=day,
                value=values.get(device["kind"], Decimal("38500000")),
                details={
                    "merk_tipe": device.get("model") or device["kind"],
                    "nomor_pabrik": device["serial"],
                },
                lat=device["lat"],
                lon=device["lon"],
                device_ref=device["ref"],
            )
            services.entry_approve(actor=approver, entry_id=item.entries.get().pk)


# Goods let to third parties over the years (sewa and kerja sama pemanfaatan earn PAD; the
# pinjam pakai to another government does not): (OPD, item name prefix, form, party, start as
# (years ago, month), end as (years ago, month) or None). Parties are demo names.
THIRD_PARTY_USE = [
    ("diskominfo", "Tanah kantor", "sewa", "PT Menara Sinyal Banten (menara BTS)", (4, 3), None),
    (
        "dishub",
        "Tanah kantor",
        "kerja_sama",
        "PT Parkir Serang Mandiri (lahan parkir)",
        (3, 7),
        None,
    ),
    ("dpupr", "Gedung kantor", "sewa", "Warung Berkah Bu Imas (ruang kantin)", (3, 2), (1, 11)),
    ("bpkad", "Gedung kantor", "sewa", "Bank Banten (galeri ATM)", (2, 5), None),
    (
        "dlh",
        "Tanah kantor",
        "kerja_sama",
        "Koperasi Bank Sampah Madani (rumah kompos)",
        (2, 9),
        None,
    ),
    ("dinkes", "Gedung kantor", "sewa", "Koperasi UMKM Sehat Sejahtera (kantin)", (1, 4), None),
    ("dpupr", "Pick up", "pinjam_pakai", "Kodim 0602/Serang (angkutan logistik)", (1, 8), None),
    ("disperkim", "Tanah kantor", "sewa", "CV Reklame Banten Kreasi (papan reklame)", (0, 1), None),
]


def _third_party_use(actor: Actor, users: dict) -> None:
    """Leases and joint-use agreements booked in the ledger: drafted by the OPD's Pengurus
    Barang (BPKAD for the OPDs without one in the demo), approved by the Pengelola Barang
    (Sekda), as PP 27/2014 wants for sewa and KSP; one ended last year."""
    today = timezone.localdate()
    drafters = {"dpupr": users.get("aset")}
    approver = Actor(user=users["sekda"], ip="127.0.0.1") if "sekda" in users else actor
    for code, prefix, usage, party, (ago, month), ended in THIRD_PARTY_USE:
        start = min(date(today.year - ago, month, 3), today - timedelta(days=10))
        item = (
            Item.objects.filter(
                agency__code=code,
                status="active",
                name__startswith=prefix,
                acquisition_date__lt=start,
                in_use_by="",
            )
            .order_by("-id")  # not the first goods, which the pending drafts below take
            .first()
        )
        if item is None:
            continue
        user = drafters.get(code) or users.get("bpkad")
        drafter = Actor(user=user, ip="127.0.0.1") if user else actor
        until = date(start.year + 5, start.month, 1)
        entry = services.entry_draft(
            actor=drafter,
            item=item,
            kind=EntryKind.USAGE,
            entry_date=start,
            data={"usage": usage, "party": party, "until": until.isoformat()},
            note="Perjanjian pemanfaatan BMD (data demo)",
        )
        services.entry_approve(actor=approver, entry_id=entry.pk, note="Disetujui Pengelola")
        if ended:
            end_ago, end_month = ended
            entry = services.entry_draft(
                actor=drafter,
                item=item,
                kind=EntryKind.USAGE_END,
                entry_date=date(today.year - end_ago, end_month, 28),
                note="Perjanjian sewa berakhir, tidak diperpanjang (data demo)",
            )
            services.entry_approve(actor=approver, entry_id=entry.pk)


def _pending_and_census(actor: Actor, users: dict, rng: random.Random) -> None:
    today = timezone.localdate()
    dpupr = Agency.objects.filter(code="dpupr").first()
    if dpupr is None or "aset" not in users:
        return
    pengurus = Actor(user=users["aset"], ip="127.0.0.1")
    items = list(Item.objects.filter(agency=dpupr, kib="B", status="active").order_by("id")[:6])
    target = Agency.objects.filter(code="disperkim").first()
    if items and target:
        services.entry_draft(
            actor=pengurus,
            item=items[0],
            kind=EntryKind.TRANSFER,
            entry_date=today,
            to_agency=target,
            note="Pinjam pakai dialihkan menjadi mutasi (demo)",
        )
    if len(items) > 1:
        services.entry_draft(
            actor=pengurus,
            item=items[1],
            kind=EntryKind.MAINTENANCE,
            entry_date=today,
            amount="3500000",
            note="Penggantian mainboard dan SSD",
        )
    room = Room.objects.filter(agency=dpupr, code="R.02").first()
    st = services.stocktake_plan(
        actor=pengurus,
        agency=dpupr,
        room=room,
        name=f"Inventarisasi Ruang Sekretariat {today.year}",
        planned_for=today,
    )
    services.stocktake_start(actor=pengurus, stocktake_id=st.pk)
    expected = list(services.stocktake_items(st).order_by("id"))
    for n, item in enumerate(expected[: int(len(expected) * 0.6)]):
        services.scan_record(
            actor=pengurus,
            stocktake_id=st.pk,
            key=f"demo-{st.pk}-{n}",
            code=f"BMD:{item.nibar}",
            condition=item.condition,
        )
    services.scan_record(
        actor=pengurus,
        stocktake_id=st.pk,
        key=f"demo-{st.pk}-x",
        code="",
        found_name="Dispenser air panas-dingin",
        note="Pojok pantri, tanpa label",
    )
    # An old label from before Kendali, with what the officer could read off the unit.
    services.scan_record(
        actor=pengurus,
        stocktake_id=st.pk,
        key=f"demo-{st.pk}-y",
        code="INV-2014-0087",
        found_name="AC split 1 PK ruang rapat",
        found_code="1.3.2.05.02.04.001",
        found_value="3850000",
        condition="KB",
    )
