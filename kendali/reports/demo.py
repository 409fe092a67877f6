"""Demo citizen reports: categories routed to Kota Serang's OPDs (one kelurahan office rule),
OPD officers for public works and environment, an Open311 client key, and a few hundred
believable reports across categories and kelurahan in every state.

Reports are created and handled through the services; afterwards their clock is moved back
into the past (demo data only) so the timers show a lived-in inbox: some on time, some late.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from shapely.geometry import shape

from kendali.core import services as core_services
from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, Role
from kendali.core.demo import DEMO_PASSWORD
from kendali.core.models import Agency, MachineToken, User
from kendali.regions.locate import load_features
from kendali.reports import deadlines, services
from kendali.reports.choices import Geometry
from kendali.reports.defaults import CATEGORIES, load_defaults
from kendali.reports.models import Category, Report, ReportUpdate

STREETS = [
    "Jl. Ahmad Yani",
    "Jl. Veteran",
    "Jl. Diponegoro",
    "Jl. KH Abdul Hadi",
    "Jl. Raya Pandeglang",
    "Jl. Maulana Hasanudin",
    "Jl. Jenderal Sudirman",
    "Jl. Trip Jamaksari",
    "Jl. Kitapa",
    "Jl. Raya Cilegon",
    "Jl. Lingkar Selatan",
    "Jl. Bhayangkara",
    "Jl. Ki Mas Jong",
]
DEMO_OFFICERS = [
    ("dpupr", "Lina Petugas DPUPR", "dpupr"),
    ("dlh", "Rudi Petugas DLH", "dlh"),
    ("dishub", "Tono Petugas Dishub", "dishub"),
]
OFFICE = ("kel-cipare", "Kantor Kelurahan Cipare", "Kel. Cipare", "36.73.01.1002")


def _points(rng: random.Random) -> list[tuple[str, float, float]]:
    found = []
    for feature in load_features():
        if feature["properties"]["level"] != "kelurahan":
            continue
        point = shape(feature["geometry"]).representative_point()
        found.append((feature["properties"]["kode"], point.y, point.x))
    return found


def seed(*, actor: Actor) -> None:
    if Category.objects.exists():
        return
    agencies = {a.code: a for a in Agency.objects.all()}
    office = core_services.agency_save(
        actor=actor, code=OFFICE[0], name=OFFICE[1], short_name=OFFICE[2], kind=AgencyKind.OTHER
    )
    agencies[office.code] = office
    for username, full_name, code in DEMO_OFFICERS:
        if code in agencies and not User.objects.filter(username=username).exists():
            core_services.user_create(
                actor=actor,
                username=username,
                password=DEMO_PASSWORD,
                roles=[Role.AGENCY_OFFICER],
                full_name=full_name,
                agency=agencies[code],
            )
    cats = load_defaults(actor=actor)
    services.routing_rule_set(
        actor=actor, category=cats["sampah"], kelurahan_kode=OFFICE[3], agency=office
    )
    if not MachineToken.objects.filter(subject_type="reports.open311").exists():
        _token, plain = services.open311_key_create(actor=actor, name="Aplikasi demo Open311")
        print(f"Kunci Open311 demo (aplikasi pihak ketiga): {plain}")

    rng = random.Random(17)  # noqa: S311 - demo data
    points = _points(rng)
    now = timezone.now()
    texts = {c[0]: c[8] for c in CATEGORIES}
    weights = [14, 12, 14, 14, 6, 8, 6, 8, 6, 3, 2]
    codes = [c[0] for c in CATEGORIES]
    citizen = Actor(ip="192.0.2.10", label_override="warga (demo)")
    for index in range(320):
        code = rng.choices(codes, weights=weights)[0]
        kode, lat, lon = rng.choice(points)
        lat += rng.uniform(-0.002, 0.002)
        lon += rng.uniform(-0.002, 0.002)
        line = None
        if cats[code].geometry == Geometry.LINE and rng.random() < 0.6:
            line = [
                [lat, lon],
                [lat + rng.uniform(-0.0015, 0.0015), lon + rng.uniform(0.0005, 0.002)],
            ]
        try:
            report = services.report_create(
                actor=citizen,
                category_code=code,
                description=rng.choice(texts[code]),
                lat=None if line else lat,
                lon=None if line else lon,
                line=line,
                address=f"{rng.choice(STREETS)} no. {rng.randint(1, 200)}",
                source="open311" if index % 9 == 0 else "web",
                client="Aplikasi demo Open311" if index % 9 == 0 else "",
                reporter_name="Warga demo" if index % 3 == 0 else "",
            )
        except services.Invalid:
            continue
        # The fate of this report, by its age (older ones are further along).
        age_days = rng.uniform(0, 60) if index % 5 else rng.uniform(0, 6)
        created = now - timedelta(days=age_days, hours=rng.uniform(0, 10))
        fate = rng.random()
        handler = Actor.system("demo OPD")
        if age_days > 2 or fate < 0.5:
            if fate < 0.03:
                services.report_hide(actor=handler, report=report, reason="spam")
            elif fate < 0.08 and code in ("lampu-jalan", "jalan-rusak"):
                target = agencies["pln"] if code == "lampu-jalan" else agencies["pdam"]
                services.report_refer(
                    actor=handler, report=report, agency=target, note="Jaringan milik instansi lain"
                )
            elif fate < 0.9:
                services.report_verify(actor=handler, report=report)
                if age_days > 4 and fate < 0.8:
                    status = rng.choices(
                        ["in_progress", "fixed", "closed_not_fixed"], weights=[3, 6, 1]
                    )[0]
                    note = {
                        "in_progress": "Petugas sudah meninjau lokasi, pekerjaan dijadwalkan.",
                        "fixed": "Sudah ditangani petugas lapangan.",
                        "closed_not_fixed": "Di luar anggaran tahun ini; diusulkan tahun depan.",
                    }[status]
                    services.report_followup(actor=handler, report=report, status=status, note=note)
                    if status == "fixed" and fate < 0.1:
                        services.report_reopen(
                            actor=citizen,
                            report=report,
                            key=report.token,
                            note="Masih belum beres.",
                        )
        _backdate(report.pk, created, rng, Report, ReportUpdate, deadlines)
    services.reports_finish_due()


def _backdate(pk, created, rng, Report, ReportUpdate, deadlines) -> None:
    """Move one demo report's clock back to ``created`` (demo data only)."""
    report = Report.objects.get(pk=pk)
    shift = report.created_at - created
    fields = {"created_at": created, "updated_at": report.updated_at - shift}
    fields["forward_due"] = deadlines.add_working_days(created, deadlines.FORWARD_DAYS)
    forwarded = None
    if report.forwarded_at:
        forwarded = created + timedelta(hours=rng.uniform(2, 100))
        fields["forwarded_at"] = forwarded
        fields["followup_due"] = deadlines.add_working_days(forwarded, deadlines.FOLLOWUP_DAYS)
    if report.followup_at and forwarded:
        followup = forwarded + timedelta(hours=rng.uniform(4, 200))
        fields["followup_at"] = followup
        fields["updated_at"] = followup
        if report.close_due:
            fields["close_due"] = deadlines.add_working_days(followup, deadlines.CLOSE_DAYS)
    Report.objects.filter(pk=pk).update(**fields)
    updates = list(ReportUpdate.objects.filter(report_id=pk).order_by("id"))
    for step, update in enumerate(updates):
        at = created if step == 0 else (fields.get("followup_at") or forwarded or created)
        if step == 1 and forwarded:
            at = forwarded
        ReportUpdate.objects.filter(pk=update.pk).update(at=at + timedelta(minutes=step))
