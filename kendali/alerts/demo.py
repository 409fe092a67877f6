"""Demo warnings, made through the services: an operator drafts, a supervisor approves."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kendali.alerts import selectors, services
from kendali.alerts.choices import LANG_ID, Category, Certainty, Severity, Urgency
from kendali.alerts.models import Alert
from kendali.alerts.validation import DraftInput
from kendali.core.actors import Actor
from kendali.core.models import User

KASEMEN_FLOOD_KELURAHAN = ["36.73.02.1001", "36.73.02.1002", "36.73.02.1007"]


def flood_warning(*, expires_in_hours: float = 12, kelurahan=None) -> DraftInput:
    now = timezone.now()
    return DraftInput(
        event="Banjir",
        headline="Peringatan banjir di Kasemen: Sungai Cibanten meluap",
        description=(
            "Tinggi muka air Sungai Cibanten di pos pantau Kasemen melewati batas siaga. "
            "Genangan 30–60 cm diperkirakan di permukiman dekat sungai dalam 1–3 jam."
        ),
        instruction=(
            "Pindahkan barang berharga ke tempat tinggi, matikan listrik bila air masuk rumah, "
            "hindari berjalan di arus air, dan ikuti arahan petugas BPBD. Darurat: 112."
        ),
        categories=[Category.MET],
        urgency=Urgency.EXPECTED,
        severity=Severity.SEVERE,
        certainty=Certainty.LIKELY,
        effective=now,
        onset=now + timedelta(minutes=30),
        expires=now + timedelta(hours=expires_in_hours),
        sender_name="BPBD Kota Serang",
        contact="Call center 112 · BPBD 0254-200114",
        kelurahan=list(kelurahan or KASEMEN_FLOOD_KELURAHAN),
        event_en="Flood",
        headline_en="Flood warning in Kasemen: Cibanten river overflowing",
        description_en="The Cibanten river at the Kasemen gauge is above alert level.",
        instruction_en="Move valuables up, avoid flowing water, follow BPBD officers. Emergency: 112.",
        source="demo",
    )


ARCHIVE_EVENT = "Hujan lebat"


def seed(*, actor: Actor) -> None:
    """Idempotent, and fresh on every run: `kendali demo` may start again on yesterday's
    database, when the flood warning has expired. Expired messages go to the archive (through
    the expiry service) and, unless a demo warning is still in force, a new one is drafted,
    submitted and approved, so the wall, feed and park portal always show a current warning."""
    operator = Actor(user=User.objects.get(username="operator"))
    supervisor = Actor(user=User.objects.get(username="supervisor"))
    now = timezone.now()
    services.alerts_expire(actor=actor, now=now)
    demo_alerts = Alert.objects.filter(source="demo")

    if not demo_alerts.filter(infos__language=LANG_ID, infos__event=ARCHIVE_EVENT).exists():
        # Yesterday's heavy-rain warning for Kecamatan Serang, now in the archive.
        past = DraftInput(
            event=ARCHIVE_EVENT,
            headline="Hujan lebat disertai angin kencang di Kecamatan Serang",
            description="Hujan lebat dan angin kencang diperkirakan sore hingga malam hari.",
            instruction="Waspadai pohon tumbang dan genangan; tunda perjalanan bila tidak mendesak.",
            categories=[Category.MET],
            urgency=Urgency.EXPECTED,
            severity=Severity.MODERATE,
            certainty=Certainty.LIKELY,
            onset=now - timedelta(days=1, hours=6),
            expires=now - timedelta(days=1),
            sender_name="BPBD Kota Serang",
            contact="Call center 112",
            kecamatan=["36.73.01"],
            source="demo",
        )
        earlier = now - timedelta(days=1, hours=7)
        old = services.alert_draft_create(actor=operator, data=past)
        services.alert_submit(actor=operator, alert=old, now=earlier)
        services.alert_approve(actor=supervisor, alert=old, now=earlier)
        services.alerts_expire(actor=actor, now=now)

    if not selectors.active_alerts(now=now).filter(source="demo").exists():
        current = services.alert_draft_create(actor=operator, data=flood_warning())
        services.alert_submit(actor=operator, alert=current)
        services.alert_approve(actor=supervisor, alert=current)
