from __future__ import annotations

import pytest

from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind


@pytest.fixture(autouse=True)
def inline_notifiers(settings, tmp_path):
    settings.KENDALI_NOTIFIERS_INLINE = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def dinkes(db, agencies):
    from kendali.core.models import Agency

    return Agency.objects.create(
        code="dinkes", name="Dinas Kesehatan", short_name="Dinkes", kind=AgencyKind.OPD
    )


@pytest.fixture
def fleet(users, agencies, dinkes):
    """Damkar engines at increasing distance from the city centre, an ambulance, a PLN crew."""
    from kendali.dispatch.services import unit_create

    actor = Actor.system("test")
    units = {}
    spec = [
        ("DMK-1", "damkar", "pemadam", -6.1200, 106.1500),
        ("DMK-2", "damkar", "pemadam", -6.1400, 106.1700),
        ("DMK-3", "damkar", "pemadam", -6.1800, 106.2000),
        ("AMB-1", "dinkes", "ambulans", -6.1190, 106.1530),
        ("PLN-1", "pln", "pln", -6.1100, 106.1400),
    ]
    from kendali.core.models import Agency

    for callsign, code, kind, lat, lon in spec:
        units[callsign] = unit_create(
            actor=actor,
            agency=Agency.objects.get(code=code),
            callsign=callsign,
            kind=kind,
            home_lat=lat,
            home_lon=lon,
        )
    return units


@pytest.fixture
def make_incident(users, regions_loaded):
    from kendali.incidents.services import incident_create

    def make(**fields):
        fields.setdefault("type_code", "kebakaran")
        fields.setdefault("lat", -6.1175)
        fields.setdefault("lon", 106.1540)
        fields.setdefault("agency_codes", ["damkar"])
        return incident_create(actor=Actor.system("test"), **fields)

    return make


@pytest.fixture
def unit_token(db):
    """A crew token for a unit: (plain secret, MachineToken)."""
    from kendali.core import tokens
    from kendali.core.models import MachineToken

    def make(unit):
        plain, prefix, digest = tokens.generate()
        token = MachineToken.objects.create(
            name=f"kru {unit.callsign}",
            prefix=prefix,
            digest=digest,
            scopes=["unit"],
            agency_id=unit.agency_id,
            subject_type="dispatch.unit",
            subject_id=str(unit.pk),
        )
        return plain, token

    return make
