"""Shared fixtures: one named user per role (plus an officer of another agency and an
outsider), logged-in clients, and switches for the real external services."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Mapping

import pytest
from django.test import Client

from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, Role

PASSWORD = "uji-kendali-2026!"
REQUIRE_SERVICES = os.environ.get("KENDALI_REQUIRE_SERVICES") == "1"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated database (content types, permissions,
    seeded taxonomies and run cards) at its start: a transactional test empties all tables
    when it ends, so without this the next one would see whatever is left."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        uses_fixture = any(
            f in getattr(item, "fixturenames", ()) for f in ("transactional_db", "live_server")
        )
        if (marker is not None and marker.kwargs.get("transaction")) or uses_fixture:
            kwargs = dict(marker.kwargs) if marker is not None else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)  # closest wins


# KENDALI_TEST_CLOCK=<ISO 8601>: the whole session runs with the clock travelled there (and
# ticking), so tests marked `clock` can be tried at 03:00 WIB, around midnight, at a month or
# year end (`make test-clocks`). Tests that pin the clock themselves still do.
TEST_CLOCK = os.environ.get("KENDALI_TEST_CLOCK")


def pytest_configure(config):
    from django.conf import settings

    if TEST_CLOCK:
        from datetime import datetime

        import time_machine

        config._kendali_clock = time_machine.travel(datetime.fromisoformat(TEST_CLOCK), tick=True)
        config._kendali_clock.start()

    # Fast hashing in tests only; production keeps Django's PBKDF2 default.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def service_available(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str, host: str, port: int) -> None:
    """Skip with a visible reason locally; fail in CI (KENDALI_REQUIRE_SERVICES=1)."""
    if service_available(host, port):
        return
    message = f"{name} not reachable on {host}:{port}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message} (required: KENDALI_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture
def system_actor() -> Actor:
    return Actor.system("test")


@pytest.fixture
def roles(db):
    from kendali.core.roles import sync_roles

    try:
        sync_roles()
    except LookupError:
        # A transactional test with serialized_rollback empties the tables without
        # re-creating content types and permissions: put them back, then sync.
        from django.apps import apps
        from django.contrib.auth.management import create_permissions
        from django.contrib.contenttypes.management import create_contenttypes

        for app_config in apps.get_app_configs():
            create_contenttypes(app_config, verbosity=0)
            create_permissions(app_config, verbosity=0)
        sync_roles()


@pytest.fixture
def agencies(db):
    from kendali.core.models import Agency

    return {
        "damkar": Agency.objects.create(
            code="damkar", name="Dinas Pemadam Kebakaran", short_name="Damkar", kind=AgencyKind.OPD
        ),
        "bpbd": Agency.objects.create(
            code="bpbd", name="BPBD Kota Serang", short_name="BPBD", kind=AgencyKind.OPD
        ),
        "pln": Agency.objects.create(
            code="pln", name="PLN UP3 Banten Utara", short_name="PLN", kind=AgencyKind.UTILITY
        ),
        "dpupr": Agency.objects.create(
            code="dpupr", name="DPUPR Kota Serang", short_name="DPUPR", kind=AgencyKind.OPD
        ),
        "diskominfo": Agency.objects.create(
            code="diskominfo",
            name="Diskominfo Kota Serang",
            short_name="Diskominfo",
            kind=AgencyKind.OPD,
        ),
    }


# name -> (role or None, agency code or None, extension)
NAMED_USERS = {
    "admin": (Role.ADMINISTRATOR, None, ""),
    "supervisor": (Role.SUPERVISOR, None, "2001"),
    "calltaker": (Role.CALL_TAKER, None, "2101"),
    "dispatcher": (Role.DISPATCHER, None, "2201"),
    "officer": (Role.AGENCY_OFFICER, "damkar", ""),
    "other_officer": (Role.AGENCY_OFFICER, "pln", ""),
    "viewer": (Role.CONTROL_ROOM_VIEWER, None, ""),
    "operator": (Role.OPERATOR, "diskominfo", ""),
    "asset_manager": (Role.ASSET_MANAGER, "dpupr", ""),
    "spbe": (Role.SPBE_COORDINATOR, "diskominfo", ""),
    "outsider": (None, None, ""),
}


@pytest.fixture
def users(db, roles, agencies):
    """The named users: admin, supervisor, calltaker, dispatcher, officer (Damkar),
    other_officer (PLN), viewer, operator, asset_manager, spbe, outsider (no role)."""
    from django.contrib.auth.models import Group

    from kendali.core.models import User

    created = {}
    for name, (role, agency_code, extension) in NAMED_USERS.items():
        user = User(
            username=name,
            full_name=name.replace("_", " ").title(),
            agency=agencies.get(agency_code) if agency_code else None,
            extension=extension,
        )
        user.set_password(PASSWORD)
        if role in (Role.ADMINISTRATOR, Role.SUPERVISOR):
            user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        created[name] = user
    return created


def login_client(user) -> Client:
    client = Client()
    client.force_login(user)
    if user.needs_two_factor:
        session = client.session
        session["two_factor_ok"] = True
        session.save()
    return client


class LoggedInClients(Mapping):
    """A logged-in (and two-factor-verified) test client per named user, plus 'anonymous',
    each logged in the first time a test asks for it: most tests use one or two of them, and
    a login writes a session (a dozen of them were a third of a test's setup)."""

    def __init__(self, users):
        self._users = users
        self._made: dict[str, Client] = {}

    def __getitem__(self, name: str) -> Client:
        if name not in self._made:
            if name == "anonymous":
                self._made[name] = Client()
            else:
                self._made[name] = login_client(self._users[name])
        return self._made[name]

    def __iter__(self):
        return iter([*self._users, "anonymous"])

    def __len__(self) -> int:
        return len(self._users) + 1


@pytest.fixture
def clients(users):
    return LoggedInClients(users)


@pytest.fixture
def actor_of(users):
    def make(name: str) -> Actor:
        return Actor(user=users[name], ip="127.0.0.1")

    return make


@pytest.fixture
def regions_loaded(db):
    from kendali.regions.services import regions_load

    regions_load(actor=Actor.system("test"))


@pytest.fixture
def unique_prefix() -> str:
    return f"kendali-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture(autouse=True)
def _audit_log_append_only(request):
    """Transactional tests empty every table afterwards, which the append-only triggers of
    the audit log would refuse: lift them for that teardown only, and put them back."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    if not transactional:
        yield
        return
    from django.db import connection

    from kendali.core import audit_triggers

    request.getfixturevalue("transactional_db")
    audit_triggers.install(connection)
    yield
    audit_triggers.remove(connection)
