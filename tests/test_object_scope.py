"""Object-level authorization, one table: every app's list and detail selectors, for every
named role, an officer of agency A (Damkar) and of agency B (PLN), a machine token bound to
A and one bound to no agency, and an anonymous actor, over real objects of both agencies.

What each actor sees is the one scope rule (kendali.core.scope) applied after the selector's
own permission: ``EXPECTED`` spells it out per actor, so a selector that forgets the scope
(or the permission) fails here. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from kendali.core.actors import Actor
from kendali.core.errors import NotAllowed, NotFound

pytestmark = pytest.mark.django_db

A, B = "damkar", "pln"
ALL = frozenset({A, B})
NOTHING: frozenset[str] = frozenset()

# The actors of the matrix and the agencies whose objects the scope lets them see (before
# permissions): staff see every agency, officers their own, a token bound to an agency that
# agency, a token without one every agency, anonymous nothing.
SCOPE = {
    "admin": ALL,
    "supervisor": ALL,
    "calltaker": ALL,
    "dispatcher": ALL,
    "officer": frozenset({A}),
    "other_officer": frozenset({B}),
    "viewer": ALL,
    "operator": ALL,
    "asset_manager": NOTHING,  # bound to DPUPR: neither A nor B
    "spbe": ALL,
    "outsider": ALL,  # no role: the permission stops them
    "token_a": frozenset({A}),
    "token_any": ALL,
    "anonymous": NOTHING,
}


@dataclass(frozen=True)
class Selector:
    name: str
    perm: str  # the permission the selector requires (or that scopes nothing without it)
    listing: Callable  # (actor) -> iterable of objects
    agency_of: Callable  # object -> agency code
    detail: Callable | None = None  # (actor, obj) -> obj, raising NotFound when out of scope
    token_scope: str = ""  # tokens reach the selector only with this scope (else: nothing)


def _incidents(actor):
    from kendali.incidents.selectors import incidents_visible

    return incidents_visible(actor=actor)


def _incident_detail(actor, obj):
    from kendali.incidents.selectors import incident_for

    return incident_for(actor=actor, number_or_id=obj.pk)


def _incident_agency(obj):
    return obj.agencies.get().code


def _calls(actor):
    from kendali.calls.selectors import calls_visible

    return calls_visible(actor=actor)


def _units(actor):
    from kendali.dispatch.selectors import units_visible

    return units_visible(actor=actor)


def _unit_detail(actor, obj):
    from kendali.dispatch.selectors import unit_for

    return unit_for(actor=actor, pk=obj.pk)


def _assignments(actor):
    from kendali.dispatch.selectors import assignments_visible

    return assignments_visible(actor=actor)


def _assignment_detail(actor, obj):
    from kendali.dispatch.selectors import assignment_for

    return assignment_for(actor=actor, pk=obj.pk)


def _dispatch_incident(actor, obj):
    from kendali.dispatch.selectors import incident_for

    return incident_for(actor=actor, pk=obj.pk)


def _devices(actor):
    from kendali.sensors.selectors import devices_visible

    return devices_visible(actor=actor)


def _device_detail(actor, obj):
    from kendali.sensors.selectors import device_for

    return device_for(actor=actor, code=obj.code)


def _alarms(actor):
    from kendali.sensors.selectors import alarms_visible

    return alarms_visible(actor=actor)


def _alarm_detail(actor, obj):
    from kendali.sensors.selectors import alarm_for

    return alarm_for(actor=actor, alarm_id=obj.pk)


SELECTORS = [
    Selector(
        "incidents",
        "incidents.view_incident",
        _incidents,
        _incident_agency,
        _incident_detail,
    ),
    Selector(
        "dispatch.incident",
        "incidents.view_incident",
        lambda actor: [],
        _incident_agency,
        _dispatch_incident,
    ),
    Selector(
        "calls",
        "calls.view_call",
        _calls,
        lambda call: call.incident.agencies.get().code,
        token_scope="calls:read",
    ),
    Selector(
        "dispatch.units",
        "dispatch.view_unit",
        _units,
        lambda unit: unit.agency.code,
        _unit_detail,
        token_scope="unit",
    ),
    Selector(
        "dispatch.assignments",
        "dispatch.view_assignment",
        _assignments,
        lambda a: a.agency.code,
        _assignment_detail,
        token_scope="unit",
    ),
    Selector(
        "sensors.devices",
        "sensors.view_device",
        _devices,
        lambda d: d.agency.code,
        _device_detail,
    ),
    Selector(
        "sensors.alarms",
        "sensors.view_alarm",
        _alarms,
        lambda alarm: alarm.device.agency.code,
        _alarm_detail,
    ),
]


@pytest.fixture
def world(users, agencies, regions_loaded):
    """One object of each kind owned by agency A and one by agency B."""
    from kendali.calls.models import Call
    from kendali.core.services import token_create
    from kendali.dispatch.services import assignment_create, unit_create
    from kendali.incidents.services import incident_create
    from kendali.sensors.models import Alarm
    from kendali.sensors.services import device_create

    system = Actor.system("test")
    objects: dict[str, dict[str, object]] = {}
    for code, lat, lon in ((A, -6.1175, 106.1540), (B, -6.1300, 106.1600)):
        agency = agencies[code]
        incident = incident_create(
            actor=system, type_code="kebakaran", lat=lat, lon=lon, agency_codes=[code]
        )
        call = Call.objects.create(number_raw="0811", incident=incident)
        unit = unit_create(
            actor=system,
            agency=agency,
            callsign=f"{code.upper()}-1",
            kind="pemadam" if code == A else "pln",
            home_lat=lat,
            home_lon=lon,
        )
        assignment = assignment_create(actor=system, incident=incident, unit=unit)
        device, _token = device_create(
            actor=system,
            code=f"sensor-{code}",
            name=f"Sensor {code}",
            kind="water_level",
            agency=agency,
            lat=lat,
            lon=lon,
        )
        alarm = Alarm.objects.create(
            device=device,
            kind="offline",
            level="siaga",
            message="x",
            started_at=timezone.now(),
            raised_at=timezone.now(),
        )
        objects[code] = {
            "incidents": incident,
            "dispatch.incident": incident,
            "calls": call,
            "dispatch.units": unit,
            "dispatch.assignments": assignment,
            "sensors.devices": device,
            "sensors.alarms": alarm,
        }
    scopes = ["calls:read", "events"]
    token_a, _ = token_create(actor=system, name="A", scopes=scopes, agency=agencies[A])
    token_any, _ = token_create(actor=system, name="semua", scopes=scopes)
    actors = {name: Actor(user=user, ip="10.9.8.7") for name, user in users.items()}
    actors["token_a"] = Actor(token=token_a)
    actors["token_any"] = Actor(token=token_any)
    actors["anonymous"] = Actor()
    return actors, objects


def _expected(selector: Selector, name: str, actor: Actor) -> frozenset[str]:
    if actor.token is not None:
        if not (selector.token_scope and actor.has_scope(selector.token_scope)):
            return NOTHING
        return SCOPE[name]
    if not actor.has_perm(selector.perm):
        return NOTHING
    return SCOPE[name]


def _listed(selector: Selector, actor: Actor, objects) -> frozenset[str]:
    try:
        rows = list(selector.listing(actor))
    except NotAllowed:
        return NOTHING
    ours = {objects[code][selector.name].pk: code for code in (A, B)}
    return frozenset(ours[row.pk] for row in rows if row.pk in ours)


def _detail_seen(selector: Selector, actor: Actor, objects) -> frozenset[str]:
    seen = set()
    for code in (A, B):
        obj = objects[code][selector.name]
        try:
            found = selector.detail(actor, obj)
        except (NotFound, NotAllowed):
            continue
        assert found.pk == obj.pk
        seen.add(code)
    return frozenset(seen)


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda s: s.name)
def test_each_actor_sees_exactly_its_agencies(selector: Selector, world):
    actors, objects = world
    wrong = {}
    for name, actor in actors.items():
        expected = _expected(selector, name, actor)
        if selector.name != "dispatch.incident":
            listed = _listed(selector, actor, objects)
            if listed != expected:
                wrong[f"{name} list"] = (sorted(listed), sorted(expected))
        if selector.detail is not None and actor.token is None:
            seen = _detail_seen(selector, actor, objects)
            if seen != expected:
                wrong[f"{name} detail"] = (sorted(seen), sorted(expected))
    assert not wrong, f"seen vs expected: {wrong}"


def test_the_scope_rule_behind_the_table(world):
    """The table above is the documented rule, not a copy of what the code does."""
    from kendali.core.scope import EVERY_AGENCY, visible_agencies

    actors, _objects = world
    for name, actor in actors.items():
        agencies = visible_agencies(actor)
        if SCOPE[name] == ALL and name not in ("token_any",):
            assert agencies is EVERY_AGENCY, name
    assert visible_agencies(actors["token_any"]) is EVERY_AGENCY
    assert visible_agencies(actors["anonymous"]) == frozenset()
    assert visible_agencies(actors["officer"]) == {actors["officer"].user.agency_id}


# ---------------------------------------------------------------- routes that take an object
# Each route is called with a real object of agency A: the officer of A gets it, the officer
# of B gets 404 (never 403: an object outside the scope does not exist for them). Writes also
# leave an audit row naming the officer of A, and none naming the officer of B.


@dataclass(frozen=True)
class ObjectRoute:
    method: str
    path: str  # formatted with the objects of agency A
    body: dict | None = None
    audit_action: str = ""  # writes: the audit row the allowed call leaves


OBJECT_ROUTES = [
    ObjectRoute("GET", "/kejadian/{incident.number}/"),
    ObjectRoute("GET", "/kejadian/{incident.number}/kontak/"),
    ObjectRoute("GET", "/api/v1/incidents/{incident.number}"),
    ObjectRoute("GET", "/api/v1/incidents/{incident.number}/timeline"),
    ObjectRoute("GET", "/dispatch/kejadian/{incident.pk}/"),
    ObjectRoute("GET", "/api/v1/dispatch/incidents/{incident.pk}/timers"),
    ObjectRoute("GET", "/api/v1/dispatch/units/{unit.pk}"),
    ObjectRoute(
        "POST",
        "/api/v1/incidents/{incident.number}/timeline",
        {"summary": "Regu tiba di lokasi"},
        audit_action="incident.timeline_add",
    ),
    ObjectRoute(
        "POST",
        "/api/v1/dispatch/assignments/{assignment.pk}/acknowledge",
        {},
        audit_action="assignment.acknowledge",
    ),
]


def _object_call(client, route: ObjectRoute, objects_of_a: dict):
    import json

    path = route.path.format(
        incident=objects_of_a["incidents"],
        unit=objects_of_a["dispatch.units"],
        assignment=objects_of_a["dispatch.assignments"],
    )
    if route.method == "GET":
        return path, client.get(path)
    return path, client.generic(
        route.method, path, json.dumps(route.body or {}), content_type="application/json"
    )


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_object_routes_answer_agency_a_and_hide_from_agency_b(route, world, clients):
    from kendali.core.models import AuditEntry

    _actors, objects = world
    last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    path, refused = _object_call(clients["other_officer"], route, objects[A])
    assert refused.status_code == 404, (path, refused.status_code, refused.content[:200])
    assert not AuditEntry.objects.filter(id__gt=last).exists(), "a refused call left an audit row"
    path, allowed = _object_call(clients["officer"], route, objects[A])
    assert allowed.status_code in (200, 201, 204), (path, allowed.status_code)
    if route.audit_action:
        row = AuditEntry.objects.filter(id__gt=last, action=route.audit_action).get()
        assert row.actor.username == "officer" and row.source_ip == "127.0.0.1"
