"""Demo incidents around Kota Serang: a few closed ones from the past days and some open now.
Everything is written through the services; only the creation times of the past incidents
are moved back afterwards, so the history view has something to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kendali.core.actors import Actor
from kendali.incidents import services
from kendali.incidents.choices import IncidentSource, IncidentStatus
from kendali.incidents.models import Incident, IncidentTimeline
from kendali.incidents.taxonomy import ensure_taxonomy

# (type, priority or None, lat, lon, address, description, hours ago, final status)
DEMO_INCIDENTS = [
    (
        "kebakaran",
        None,
        -6.1175,
        106.1540,
        "Jl. Maulana Hasanudin, Cipare",
        "Kebakaran rumah makan, asap tebal dari dapur.",
        70,
        IncidentStatus.SELESAI,
    ),
    (
        "banjir",
        None,
        -6.0700,
        106.1700,
        "Kp. Kasemen dekat bantaran Cibanten",
        "Genangan setinggi lutut masuk rumah warga.",
        52,
        IncidentStatus.SELESAI,
    ),
    (
        "kecelakaan",
        None,
        -6.1350,
        106.1760,
        "Jl. Raya Pandeglang, Cipocok Jaya",
        "Tabrakan sepeda motor dan angkot, satu korban luka.",
        30,
        IncidentStatus.SELESAI,
    ),
    (
        "pohon-tumbang",
        None,
        -6.1300,
        106.2200,
        "Jl. Raya Petir, Kalodran",
        "Pohon tumbang menutup separuh jalan.",
        26,
        IncidentStatus.SELESAI,
    ),
    (
        "hewan-berbahaya",
        None,
        -6.1400,
        106.1100,
        "Perum Taktakan Indah blok C",
        "Sarang tawon vespa di plafon rumah.",
        20,
        IncidentStatus.DIBATALKAN,
    ),
    (
        "medis",
        None,
        -6.1900,
        106.1600,
        "Sukawana, Curug",
        "Lansia sesak napas, butuh ambulans.",
        6,
        IncidentStatus.SELESAI,
    ),
    (
        "gangguan-listrik",
        None,
        -6.1500,
        106.2100,
        "Pager Agung, Walantaka",
        "Kabel listrik putus menjuntai ke jalan.",
        2,
        IncidentStatus.DIPROSES,
    ),
    (
        "kebakaran",
        "P1",
        -6.1090,
        106.1620,
        "Pasar Rau, Cimuncang",
        "Api terlihat dari kios pakaian di lantai dua.",
        0.5,
        IncidentStatus.BARU,
    ),
    (
        "banjir",
        None,
        -6.1250,
        106.1950,
        "Banjar Agung, Cipocok Jaya",
        "Air naik cepat setelah hujan deras.",
        1,
        IncidentStatus.DIPROSES,
    ),
    (
        "medis",
        None,
        None,
        None,
        "Dekat Alun-alun Serang (penelepon tidak tahu alamat pasti)",
        "Pingsan di jalan.",
        0.2,
        IncidentStatus.BARU,
    ),
    (
        "kecelakaan",
        "P2",
        -6.1200,
        106.0900,
        "Jl. Raya Cilowong",
        "Truk terguling, tidak ada korban jiwa.",
        0.8,
        IncidentStatus.BARU,
    ),
]
DEMO_REPORTERS = [("Ahmad", "+6281234500011"), ("Siti", "+6281234500012"), ("", "")]


def seed(*, actor: Actor) -> None:
    ensure_taxonomy()
    if Incident.objects.exists():
        return
    now = timezone.now()
    for i, (type_code, priority, lat, lon, address, description, hours, status) in enumerate(
        DEMO_INCIDENTS
    ):
        name, phone = DEMO_REPORTERS[i % len(DEMO_REPORTERS)]
        incident = services.incident_create(
            actor=actor,
            type_code=type_code,
            priority=priority,
            lat=lat,
            lon=lon,
            address=address,
            description=description,
            reporter_name=name,
            reporter_phone=phone,
            source=IncidentSource.CALL if i % 3 else IncidentSource.MANUAL,
        )
        if status == IncidentStatus.SELESAI:
            services.incident_set_status(
                actor=actor, incident=incident, status=IncidentStatus.DIPROSES
            )
        if status != IncidentStatus.BARU:
            # Demo history: past incidents are recorded as closed by a supervisor.
            services.incident_set_status(
                actor=actor, incident=incident, status=status, closure="override"
            )
        # Demo history only: move the whole record back in time.
        created = now - timedelta(hours=hours)
        Incident.objects.filter(pk=incident.pk).update(
            created_at=created,
            closed_at=created + timedelta(minutes=75) if not incident.is_open else None,
        )
        for j, entry in enumerate(IncidentTimeline.objects.filter(incident=incident)):
            IncidentTimeline.objects.filter(pk=entry.pk).update(
                at=created + timedelta(minutes=25 * j)
            )
