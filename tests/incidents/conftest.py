from __future__ import annotations

import pytest

from kendali.core.actors import Actor


@pytest.fixture
def taxonomy(db, agencies):
    """The seeded taxonomy, linked to the test agencies that exist (damkar, bpbd, pln, ...)."""
    from kendali.incidents.taxonomy import ensure_taxonomy

    ensure_taxonomy()


@pytest.fixture
def make_incident(taxonomy, regions_loaded):
    from kendali.incidents.services import incident_create

    def make(actor: Actor | None = None, **fields):
        fields.setdefault("type_code", "kebakaran")
        fields.setdefault("lat", -6.1175)
        fields.setdefault("lon", 106.1540)
        return incident_create(actor=actor or Actor.system("test"), **fields)

    return make
