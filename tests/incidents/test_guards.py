"""Modules that build on incidents may stop a close, a cancel or a merge (core registry),
without incidents importing them."""

from __future__ import annotations

import pytest

from kendali.core import registry
from kendali.core.actors import Actor
from kendali.core.errors import Conflict
from kendali.incidents import services

calls: list[tuple] = []


def refuse_cancel(*, incident, status):
    calls.append(("check", incident.number, status))
    return "Masih ada sesuatu di kejadian ini." if status == "dibatalkan" else ""


def carry_over(*, actor, source, target):
    calls.append(("merge", source.number, target.number))


@pytest.fixture
def guard(monkeypatch):
    calls.clear()
    monkeypatch.setitem(
        registry._incident_guards,
        "test",
        registry.IncidentGuard(
            "test", check=f"{__name__}.refuse_cancel", on_merge=f"{__name__}.carry_over"
        ),
    )


def test_registered_guard_refuses_a_cancel(guard, make_incident):
    actor = Actor.system("uji")
    incident = make_incident()
    with pytest.raises(Conflict) as refused:
        services.incident_set_status(actor=actor, incident=incident, status="dibatalkan")
    assert refused.value.detail == "Masih ada sesuatu di kejadian ini."
    incident.refresh_from_db()
    assert incident.status == "baru" and incident.closed_at is None
    # Moves that keep the incident open are not asked about.
    services.incident_set_status(actor=actor, incident=incident, status="diproses")
    assert calls == [("check", incident.number, "dibatalkan")]


def test_merge_runs_the_hook_then_the_check_on_the_source(guard, make_incident):
    actor = Actor.system("uji")
    source, target = make_incident(), make_incident()
    services.incident_merge(actor=actor, source=source, target=target)
    assert calls == [
        ("merge", source.number, target.number),
        ("check", source.number, "digabung"),
    ]
