import pytest

from kendali.core.actors import Actor


@pytest.fixture
def spbe_loaded(users):
    """Reference lists, the bundled frameworks and the policy checklist, as `spbe_load` does."""
    from kendali.spbe import services

    actor = Actor.system("test")
    services.reference_codes_load(actor=actor)
    services.frameworks_load_bundled(actor=actor)
    services.policies_ensure(actor=actor)
    return actor


@pytest.fixture
def framework59(spbe_loaded):
    from kendali.spbe.models import Framework

    return Framework.objects.get(code="permenpanrb-59-2020")


@pytest.fixture
def evaluation(framework59, actor_of):
    from kendali.spbe import services

    return services.evaluation_create(actor=actor_of("spbe"), framework=framework59, year=2026)
