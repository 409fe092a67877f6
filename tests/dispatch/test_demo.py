"""The demo fleet and the unit simulator: units appear, P1 incidents get units, crews move."""

from __future__ import annotations

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.dispatch import demo
from kendali.dispatch.models import RunCard, Unit


def test_demo_seed_and_simulation(users, agencies, dinkes, make_incident, time_machine):
    start = timezone.now()
    time_machine.move_to(start, tick=False)
    incident = make_incident(priority="P1", lat=-6.1300, lon=106.1700)
    demo.seed(actor=Actor.system("demo"))
    demo.seed(actor=Actor.system("demo"))  # idempotent
    assert RunCard.objects.filter(incident_type__code="kebakaran", priority="P1").exists()
    assert Unit.objects.filter(agency__code="damkar").count() == 5
    sent = list(Unit.objects.filter(current_assignment__incident=incident))
    assert sorted(u.kind for u in sent) == ["ambulans", "pemadam", "pemadam"]  # the run card
    call_command("simulate_units", steps=1, interval=0)
    assert {u.status for u in Unit.objects.filter(pk__in=[u.pk for u in sent])} == {"menuju"}
    for minute in range(1, 40):
        time_machine.move_to(start + timedelta(seconds=15 * minute), tick=False)
        call_command("simulate_units", steps=1, interval=15)
    for unit in sent:
        assert unit.positions.count() >= 2  # it drove, reporting positions like a phone
        reached = set(unit.status_log.values_list("to_status", flat=True))
        assert {"menuju", "di_lokasi"} <= reached


def test_unit_token_command_issues_a_token_for_that_unit_only(fleet, client, capsys):
    import json

    call_command("dispatch_unit_token", "dmk-1")
    plain = capsys.readouterr().out.strip().splitlines()[-1]
    assert plain.startswith("knd_")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {plain}"}
    body = json.dumps({"status": "tidak_siaga"})
    mine = client.post(
        f"/api/v1/dispatch/units/{fleet['DMK-1'].pk}/status",
        body,
        content_type="application/json",
        **auth,
    )
    other = client.post(
        f"/api/v1/dispatch/units/{fleet['DMK-2'].pk}/status",
        body,
        content_type="application/json",
        **auth,
    )
    assert (mine.status_code, other.status_code) == (200, 404)
