"""Validation of architecture elements: four eyes (whoever changed an element last does not
validate it) and a change sends a validated element back to draft."""

import pytest

from kendali.core.actors import Actor
from kendali.core.errors import Invalid, NotAllowed
from kendali.core.models import AuditEntry
from kendali.spbe import services
from kendali.spbe.models import Element
from tests.spbe.conftest import add_application

pytestmark = pytest.mark.django_db

OWN_CHANGE = "Prinsip empat mata: Anda yang terakhir mengubah elemen ini"


def _app(actor, agency):
    return add_application(actor, agency, code="APL.VAL")


def _validations():
    return AuditEntry.objects.filter(action="spbe.element.validate")


def test_last_editor_may_not_validate_and_a_change_unvalidates(
    spbe_loaded, agencies, actor_of, users, reviewer
):
    spbe, officer = actor_of("spbe"), actor_of("officer")
    inspektorat = Actor(user=reviewer, ip="127.0.0.1")
    element = _app(spbe, agencies["damkar"])
    assert element.changed_by == users["spbe"] and element.changed_at is not None
    with pytest.raises(NotAllowed, match=OWN_CHANGE):
        services.element_validate(actor=spbe, element=element, accept=True)
    with pytest.raises(NotAllowed, match=OWN_CHANGE):  # returning is validating too
        services.element_validate(actor=spbe, element=element, accept=False, note="kurang")
    element.refresh_from_db()
    assert element.validation == "draf" and element.validated_by is None
    assert not _validations().exists()

    services.element_validate(actor=inspektorat, element=element, accept=True)
    element.refresh_from_db()
    assert element.validation == "valid" and element.validated_by == reviewer
    entry = _validations().get()
    assert entry.actor == reviewer and entry.changes["validation"] == ["draf", "valid"]

    # Any later change — here by the OPD's own officer — sends it back to draft, and the
    # coordinator, who no longer changed it last, may validate it now.
    services.element_update(actor=officer, element=element, users="Petugas Damkar")
    element.refresh_from_db()
    assert element.validation == "draf" and element.validated_by is None
    assert element.changed_by == users["officer"]
    update = AuditEntry.objects.filter(action="spbe.element.update").latest("pk")
    assert update.actor == users["officer"] and update.changes["validation"] == ["valid", "draf"]
    services.element_validate(actor=spbe, element=element, accept=True)
    assert Element.objects.get(pk=element.pk).validated_by == users["spbe"]

    # A return needs its reason; then the note and the reviewer are kept.
    services.element_update(actor=spbe, element=element, description="Diperbarui koordinator")
    with pytest.raises(Invalid, match="alasan"):
        services.element_validate(actor=inspektorat, element=element, accept=False)
    services.element_validate(
        actor=inspektorat, element=element, accept=False, note="Lengkapi integrasi."
    )
    element.refresh_from_db()
    assert element.validation == "dikembalikan" and element.validation_note == "Lengkapi integrasi."
    assert _validations().latest("pk").note == "Lengkapi integrasi."


def test_an_edit_after_the_page_was_opened_is_seen(spbe_loaded, agencies, actor_of):
    spbe = actor_of("spbe")
    element = _app(actor_of("officer"), agencies["damkar"])
    stale = Element.objects.get(pk=element.pk)  # the coordinator's validation page, opened
    services.element_update(actor=spbe, element=element, name="Diubah koordinator")
    with pytest.raises(NotAllowed, match=OWN_CHANGE):
        services.element_validate(actor=spbe, element=stale, accept=True)
    assert Element.objects.get(pk=element.pk).validation == "draf"


def test_unknown_last_editor_may_be_validated_by_any_reviewer(
    spbe_loaded, agencies, actor_of, users
):
    spbe = actor_of("spbe")
    element = _app(spbe, agencies["damkar"])
    Element.objects.filter(pk=element.pk).update(changed_by=None, changed_at=None)  # old row
    services.element_validate(actor=spbe, element=element, accept=True)
    assert Element.objects.get(pk=element.pk).validated_by == users["spbe"]
    # A job with no person behind it validates nothing.
    with pytest.raises(NotAllowed, match="reviewer"):
        services.element_validate(actor=Actor.system("uji"), element=element, accept=True)


def test_registry_sync_is_a_change_too(spbe_loaded, actor_of, users, reviewer):
    inspektorat = Actor(user=reviewer)
    services.components_sync(actor=Actor.system("spbe.sync"))
    calls = Element.objects.get(system_key="calls.app")
    assert calls.changed_by is None  # the hourly job: any reviewer, the coordinator too
    services.element_validate(actor=actor_of("spbe"), element=calls, accept=True)
    # The module's description drifts; the sync puts it back, which unvalidates it.
    Element.objects.filter(pk=calls.pk).update(description="diubah di luar")
    services.components_sync(actor=actor_of("spbe"))
    calls.refresh_from_db()
    assert calls.validation == "draf" and calls.changed_by == users["spbe"]
    with pytest.raises(NotAllowed, match=OWN_CHANGE):
        services.element_validate(actor=actor_of("spbe"), element=calls, accept=True)
    services.element_validate(actor=inspektorat, element=calls, accept=True)
    # A component the registry no longer has is retired: a change as well.
    Element.objects.filter(pk=calls.pk).update(system_key="gone.app")
    services.components_sync(actor=Actor.system("spbe.sync"))
    calls.refresh_from_db()
    assert calls.status == "pensiun" and calls.validation == "draf" and calls.changed_by is None
