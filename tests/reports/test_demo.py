"""The demo city has a few hundred believable reports in every state, and the done-when
flow works on it: a clogged drain, forwarded and fixed by DPUPR, reopened by the citizen."""

from __future__ import annotations

import pytest
from django.test import Client

from kendali.core.actors import Actor

pytestmark = pytest.mark.django_db


def test_demo_seed_every_state_and_idempotent(regions_loaded, roles):
    from kendali.core.demo import seed_core
    from kendali.incidents.taxonomy import ensure_taxonomy
    from kendali.reports.demo import seed
    from kendali.reports.models import Report

    seed_core(actor=Actor.system("demo"))
    ensure_taxonomy()
    seed(actor=Actor.system("demo"))
    count = Report.objects.count()
    seed(actor=Actor.system("demo"))
    assert Report.objects.count() == count >= 250
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses >= {"open", "in_progress", "fixed", "closed_not_fixed", "reopened"}
    stages = set(Report.objects.values_list("stage", flat=True))
    assert {"new", "forwarded", "followed_up", "finished"} <= stages
    assert Report.objects.filter(hidden=True).exists()
    assert len(set(Report.objects.values_list("kecamatan_id", flat=True))) == 6
    page = Client().get("/lapor/peta/")
    assert page.status_code == 200
    data = Client().get("/lapor/peta/data.json").json()
    assert data["shown"] > 200
