"""The one agency/OPD scope rule (kendali.core.scope), on real users, tokens and objects."""

from __future__ import annotations

import pytest

from kendali.core.actors import Actor
from kendali.core.choices import Role
from kendali.core.models import Agency, AuditEntry, MachineToken, User
from kendali.core.scope import EVERY_AGENCY, may_see_agency, scope_queryset, visible_agencies

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_agencies():
    a = Agency.objects.create(code="opd-a", name="OPD A", short_name="A", kind="opd")
    b = Agency.objects.create(code="opd-b", name="OPD B", short_name="B", kind="opd")
    return a, b


def _user(name, role, agency=None, **extra):
    from django.contrib.auth.models import Group

    user = User.objects.create_user(username=name, password="x" * 12, agency=agency, **extra)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return User.objects.get(pk=user.pk)


def _token(name, agency=None):
    return MachineToken.objects.create(
        name=name, prefix=name[:8], digest=name, scopes=["integration"], agency=agency
    )


def test_rule_for_each_kind_of_actor(two_agencies):
    a, b = two_agencies
    officer_a = Actor(user=_user("officer_a", Role.AGENCY_OFFICER, a))
    asset_b = Actor(user=_user("asset_b", Role.ASSET_MANAGER, b))
    unbound = Actor(user=_user("officer_none", Role.AGENCY_OFFICER))
    dispatcher = Actor(user=_user("disp", Role.DISPATCHER))
    superuser = Actor(user=_user("root", Role.AGENCY_OFFICER, a, is_superuser=True))
    token_a = Actor(token=_token("token-a", a))
    token_city = Actor(token=_token("token-city"))

    assert visible_agencies(officer_a) == {a.pk}
    assert visible_agencies(asset_b) == {b.pk}
    assert visible_agencies(unbound) == frozenset()
    assert visible_agencies(dispatcher) is EVERY_AGENCY
    assert visible_agencies(superuser) is EVERY_AGENCY
    assert visible_agencies(token_a) == {a.pk}
    assert visible_agencies(token_city) is EVERY_AGENCY
    assert visible_agencies(Actor()) == frozenset()
    assert visible_agencies(Actor.system("job")) is EVERY_AGENCY

    assert may_see_agency(officer_a, a.pk) and not may_see_agency(officer_a, b.pk)
    assert not may_see_agency(officer_a, None)
    assert may_see_agency(dispatcher, None)

    agencies = Agency.objects.all()
    assert list(scope_queryset(agencies, officer_a, "id").values_list("code", flat=True)) == [
        "opd-a"
    ]
    assert scope_queryset(agencies, unbound, "id").count() == 0
    assert scope_queryset(agencies, token_city, "id").count() == 2


def test_scope_through_a_relation_and_on_behalf_keeps_it(two_agencies):
    a, b = two_agencies
    officer_b = Actor(user=_user("officer_b", Role.AGENCY_OFFICER, b), ip="10.0.0.2")
    users = User.objects.filter(username="officer_b")
    assert scope_queryset(users, officer_b, "agency").count() == 1
    assert (
        scope_queryset(users, Actor(user=_user("x", Role.AGENCY_OFFICER, a)), "agency").count() == 0
    )

    acting = officer_b.acting_for("dispatch.assign_unit")
    assert acting.user == officer_b.user and acting.ip == "10.0.0.2"
    assert acting.may("dispatch.assign_unit") and not officer_b.may("dispatch.assign_unit")
    assert visible_agencies(acting) == {b.pk}


def test_audit_names_the_person_and_the_capability(two_agencies):
    from kendali.core.audit import audit_record

    a, _ = two_agencies
    person = Actor(user=_user("disp2", Role.DISPATCHER), ip="10.1.2.3")
    entry = audit_record(actor=person.acting_for("dispatch.assign_unit"), action="x", obj=a)
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.actor.username, entry.source_ip, entry.on_behalf) == (
        "disp2",
        "10.1.2.3",
        "dispatch.assign_unit",
    )
    direct = audit_record(actor=person, action="y", obj=a)
    assert AuditEntry.objects.get(pk=direct.pk).on_behalf is None
