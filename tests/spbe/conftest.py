import pytest
from django.utils import translation

from kendali.core.actors import Actor


@pytest.fixture(autouse=True)
def _indonesian_after_each_test():
    """A page asked for in English leaves English active in the thread; the next test's
    service messages are Indonesian again."""
    yield
    translation.deactivate()


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


@pytest.fixture
def reviewer(users):
    """The SPBE reviewer (the Inspektorat's, bound to no OPD): reviews, never answers."""
    from django.contrib.auth.models import Group

    from kendali.core.choices import Role
    from kendali.core.models import User

    user = User.objects.create(username="reviu", full_name="Reviewer Inspektorat")
    user.groups.add(Group.objects.get(name=Role.SPBE_REVIEWER))
    return user


def accept_all(evaluation, *, answerer, reviewer, level=3):
    """Answer every indicator as ``answerer`` and have ``reviewer`` accept it (four eyes)."""
    from kendali.spbe import services

    for a in evaluation.answers.all():
        services.answer_save(actor=answerer, answer=a, level=level, justification="ok")
        services.answer_submit(actor=answerer, answer=a)
        services.answer_review(actor=reviewer, answer=a, accept=True)


def add_application(actor, agency, code="APL.X", ref="RAA.01.03"):
    """An application element of ``agency`` with a reference code, added by ``actor``."""
    from kendali.spbe import services

    return services.element_create(
        actor=actor,
        domain="aplikasi",
        code=code,
        name="Aplikasi " + code,
        agency=agency,
        reference_code=ref,
    )
