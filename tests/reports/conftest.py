"""Fixtures of citizen reports: categories routed to OPDs, a kelurahan-office rule, and a
loopback SMS channel that records what would have been sent."""

from __future__ import annotations

import pytest

from kendali.core.actors import Actor
from kendali.core.notifiers import CHANNELS, DeliveryResult, register_channel

SENT_SMS: list[dict] = []
SERANG_POINT = (-6.12809, 106.14628)  # kelurahan Serang, kecamatan Serang
CIPARE_POINT = (-6.12684, 106.16468)  # kelurahan Cipare


def fake_sms(*, target, message) -> DeliveryResult:
    SENT_SMS.append({"target": target, "title": message.title, "body": message.body})
    return DeliveryResult(True, detail="loopback")


@pytest.fixture(autouse=True)
def _notifiers(settings):
    from django.core.cache import cache

    settings.KENDALI_NOTIFIERS_INLINE = True
    from kendali.reports.services import routing_changed

    cache.clear()
    routing_changed()
    previous = CHANNELS.get("sms")
    # Until core ships its own SMS channel (or when it does), tests talk to this loopback.
    register_channel("sms", "tests.reports.conftest.fake_sms")
    SENT_SMS.clear()
    yield
    if previous is None:
        CHANNELS.pop("sms", None)
    else:
        CHANNELS["sms"] = previous


@pytest.fixture
def sms() -> list[dict]:
    return SENT_SMS


@pytest.fixture
def report_setup(db, users, agencies, regions_loaded):
    """Drains → DPUPR (kelurahan Cipare: its kelurahan office), streetlights → PLN,
    fire → Damkar (emergency)."""
    from kendali.core.models import Agency
    from kendali.reports import services
    from kendali.reports.choices import Geometry

    system = Actor.system("test")
    office = Agency.objects.create(
        code="kel-cipare", name="Kantor Kelurahan Cipare", short_name="Kel. Cipare", kind="other"
    )
    drain = services.category_save(
        actor=system,
        code="saluran-tersumbat",
        name="Saluran tersumbat",
        agency=agencies["dpupr"],
        geometry=Geometry.LINE,
        attributes=[
            {
                "code": "kedalaman",
                "datatype": "singlevaluelist",
                "required": False,
                "description": "Genangan",
                "order": 1,
                "values": [
                    {"key": "rendah", "name": "Rendah"},
                    {"key": "tinggi", "name": "Tinggi"},
                ],
            }
        ],
    )
    services.routing_rule_set(
        actor=system, category=drain, kelurahan_kode="36.73.01.1002", agency=office
    )
    light = services.category_save(
        actor=system, code="lampu-jalan", name="Lampu jalan mati", agency=agencies["pln"]
    )
    fire = services.category_save(
        actor=system,
        code="kebakaran",
        name="Kebakaran",
        agency=agencies["damkar"],
        is_emergency=True,
        incident_type_code="kebakaran",
    )
    return {"drain": drain, "light": light, "fire": fire, "office": office}


@pytest.fixture
def make_report(report_setup):
    from kendali.reports import services

    def make(category="lampu-jalan", point=SERANG_POINT, **kwargs):
        kwargs.setdefault("description", "Lampu jalan mati sejak seminggu")
        return services.report_create(
            actor=Actor(ip="10.0.0.9"),
            category_code=category,
            lat=point[0],
            lon=point[1],
            **kwargs,
        )

    return make
