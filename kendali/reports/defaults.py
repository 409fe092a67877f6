"""The default categories of Kota Serang's citizen reports, routed to the OPDs of the
city (agency codes of the core seed). ``kendali manage reports_defaults`` loads them on a
real installation; the demo loads them too."""

from __future__ import annotations

from kendali.core.actors import Actor
from kendali.core.models import Agency
from kendali.reports import services
from kendali.reports.choices import Geometry
from kendali.reports.models import Category

DEPTH = [
    {
        "code": "genangan",
        "datatype": "singlevaluelist",
        "required": False,
        "description": "Genangan air",
        "order": 1,
        "values": [
            {"key": "tidak", "name": "Tidak ada genangan"},
            {"key": "mata-kaki", "name": "Semata kaki"},
            {"key": "lutut", "name": "Selutut atau lebih"},
        ],
    }
]

# (code, name, group, agency code, geometry, emergency, incident type, attributes, texts)
CATEGORIES = [
    (
        "saluran-tersumbat",
        "Saluran/drainase tersumbat",
        "Jalan dan drainase",
        "dpupr",
        Geometry.LINE,
        False,
        "",
        DEPTH,
        [
            "Got tersumbat sampah, air meluap ke jalan saat hujan",
            "Saluran depan rumah warga mampet, bau menyengat",
            "Gorong-gorong tertutup lumpur, air tidak mengalir",
        ],
    ),
    (
        "jalan-rusak",
        "Jalan berlubang/rusak",
        "Jalan dan drainase",
        "dpupr",
        Geometry.LINE,
        False,
        "",
        [],
        [
            "Jalan berlubang cukup dalam, membahayakan pengendara motor",
            "Aspal mengelupas sepanjang kurang lebih 50 meter",
            "Lubang jalan tergenang air, sudah ada yang jatuh",
        ],
    ),
    (
        "lampu-jalan",
        "Lampu penerangan jalan mati",
        "Penerangan",
        "dishub",
        Geometry.POINT,
        False,
        "",
        [],
        [
            "Lampu PJU mati sudah seminggu, jalan gelap di malam hari",
            "Lampu jalan berkedip-kedip lalu padam",
            "Tiga tiang lampu berturut-turut mati",
        ],
    ),
    (
        "sampah",
        "Sampah menumpuk/TPS liar",
        "Kebersihan",
        "dlh",
        Geometry.POINT,
        False,
        "",
        [],
        [
            "Sampah menumpuk di pinggir jalan belum diangkut",
            "TPS liar di lahan kosong",
            "Sampah dibuang ke sungai oleh warga",
        ],
    ),
    (
        "pohon",
        "Pohon tumbang/rawan tumbang",
        "Kebersihan",
        "dlh",
        Geometry.POINT,
        False,
        "pohon-tumbang",
        [],
        [
            "Pohon besar miring ke arah jalan, dahan rapuh",
            "Ranting pohon menutupi rambu lalu lintas",
        ],
    ),
    (
        "air-pdam",
        "Air PDAM mati/pipa bocor",
        "Air bersih",
        "pdam",
        Geometry.POINT,
        False,
        "",
        [],
        ["Pipa PDAM bocor, air terbuang ke jalan", "Air PDAM tidak mengalir sejak dua hari"],
    ),
    (
        "listrik",
        "Kabel listrik menjuntai/gangguan",
        "Listrik",
        "pln",
        Geometry.POINT,
        False,
        "gangguan-listrik",
        [],
        [
            "Kabel listrik menjuntai rendah di atas jalan",
            "Tiang listrik miring setelah hujan angin",
        ],
    ),
    (
        "ketertiban",
        "PKL/bangunan liar mengganggu",
        "Ketertiban",
        "satpolpp",
        Geometry.POINT,
        False,
        "",
        [],
        ["Lapak PKL menutup trotoar", "Parkir liar menutup sebagian jalan"],
    ),
    (
        "fasum",
        "Taman/fasilitas umum rusak",
        "Fasilitas umum",
        "disperkim",
        Geometry.POINT,
        False,
        "",
        [],
        ["Bangku taman patah", "Ayunan taman bermain rusak, berbahaya untuk anak"],
    ),
    (
        "banjir",
        "Banjir/genangan tinggi",
        "Darurat",
        "bpbd",
        Geometry.POINT,
        True,
        "banjir",
        [],
        ["Air masuk ke rumah warga setinggi lutut", "Jalan tergenang tinggi, motor mogok"],
    ),
    (
        "kebakaran",
        "Kebakaran",
        "Darurat",
        "damkar",
        Geometry.POINT,
        True,
        "kebakaran",
        [],
        ["Asap tebal dari lahan kosong", "Api kecil di tumpukan sampah dekat rumah"],
    ),
]


def load_defaults(*, actor: Actor, update: bool = False) -> dict:
    """Create the default categories that are missing; an agency code not present leaves
    the category without an OPD (routing then waits for an administrator). A category that
    exists is left as the administrators edited it, unless ``update`` resets it."""
    agencies = {a.code: a for a in Agency.objects.all()}
    existing = {c.code: c for c in Category.objects.select_related("agency")}
    cats = {}
    for order, (code, name, group, agency, geometry, emergency, itype, attrs, _t) in enumerate(
        CATEGORIES
    ):
        if code in existing and not update:
            cats[code] = existing[code]
            continue
        cats[code] = services.category_save(
            actor=actor,
            code=code,
            name=name,
            agency=agencies.get(agency),
            group=group,
            geometry=geometry,
            is_emergency=emergency,
            incident_type_code=itype,
            attributes=attrs,
            order=order * 10,
        )
    return cats
