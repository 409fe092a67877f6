import pytest
import time_machine
from django.contrib.auth.models import Group

from kendali.core.actors import Actor
from kendali.core.choices import AgencyKind, Role
from tests.conftest import PASSWORD, login_client

# Mid-year, mid-day WIB: the figures' years do not depend on when the suite runs.
NOW = "2026-07-15 10:00:00+07:00"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The overview's grid is cached per data version; with the clock frozen two tests could
    share a version, so each starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def dinkes(db, agencies):
    from kendali.core.models import Agency

    return Agency.objects.create(
        code="dinkes", name="Dinas Kesehatan Kota Serang", short_name="Dinkes", kind=AgencyKind.OPD
    )


def _officer(username: str, agency):
    from kendali.core.models import User

    user = User(username=username, full_name=username.title(), agency=agency)
    user.set_password(PASSWORD)
    user.save()
    user.groups.add(Group.objects.get(name=Role.AGENCY_OFFICER))
    return user


@pytest.fixture
def health_officers(users, dinkes):
    """Two officers of Dinkes: one enters, the colleague approves."""
    return _officer("dinkes_a", dinkes), _officer("dinkes_b", dinkes)


@pytest.fixture
def health_actors(health_officers):
    a, b = health_officers
    return Actor(user=a, ip="127.0.0.1"), Actor(user=b, ip="127.0.0.1")


@pytest.fixture
def health_clients(health_officers):
    a, b = health_officers
    return login_client(a), login_client(b)
