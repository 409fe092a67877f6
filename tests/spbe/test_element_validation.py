"""Validation of architecture elements: four eyes (whoever changed an element last does not
validate it), a change sends a validated element back to draft, OPD scope on real objects,
and who changed and who validated on the page, the API and the SIA-SPBE matrix."""

import io

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from openpyxl import load_workbook

from kendali.core.actors import Actor
from kendali.core.choices import Role
from kendali.core.errors import Invalid, NotAllowed, NotFound
from kendali.core.models import AuditEntry, User
from kendali.spbe import services
from kendali.spbe.models import Element
from tests.conftest import login_client
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


def test_another_opds_officer_neither_validates_nor_changes(
    spbe_loaded, agencies, actor_of, clients, roles
):
    element = _app(actor_of("officer"), agencies["damkar"])
    url = f"/spbe/arsitektur/{element.pk}/validasi/"
    api = f"/api/v1/spbe/elements/{element.pk}/validation"
    # An officer has no reviewer role: refused, for another OPD's element and their own.
    with pytest.raises(NotAllowed):
        services.element_validate(actor=actor_of("other_officer"), element=element, accept=True)
    for name in ("other_officer", "officer"):
        assert clients[name].post(url, {"accept": "1"}).status_code == 403
        refused = clients[name].post(api, {"accept": True}, content_type="application/json")
        assert refused.status_code == 403
    # A PLN officer who also reviews: Damkar's element does not exist for them.
    pln_reviewer = User.objects.create(
        username="pln_reviu", full_name="Reviewer PLN", agency=agencies["pln"]
    )
    pln_reviewer.groups.add(
        *Group.objects.filter(name__in=[Role.AGENCY_OFFICER, Role.SPBE_REVIEWER])
    )
    with pytest.raises(NotFound):
        services.element_validate(actor=Actor(user=pln_reviewer), element=element, accept=True)
    client = login_client(pln_reviewer)
    assert client.post(url, {"accept": "1"}).status_code == 404
    missing = client.post(api, {"accept": True}, content_type="application/json")
    assert missing.status_code == 404
    assert missing["Content-Type"].startswith("application/problem+json")
    # Nor may the other OPD's officer change it, on the page or through the API.
    edit = clients["other_officer"].post(
        f"/spbe/arsitektur/{element.pk}/ubah/", {"code": element.code, "name": "Bukan milikmu"}
    )
    assert edit.status_code == 404
    patch = clients["other_officer"].patch(
        f"/api/v1/spbe/elements/{element.pk}", {"name": "x"}, content_type="application/json"
    )
    assert patch.status_code == 404
    element.refresh_from_db()
    assert element.validation == "draf" and element.name == "Aplikasi APL.VAL"
    assert not _validations().exists()


def test_page_api_and_matrix_show_who_changed_and_validated(
    spbe_loaded, agencies, actor_of, clients, reviewer
):
    element = _app(actor_of("spbe"), agencies["damkar"])
    page = f"/spbe/arsitektur/{element.pk}/"
    own = clients["spbe"].get(page).content.decode()
    assert "Diubah terakhir oleh Spbe" in own
    assert "Anda yang terakhir mengubah elemen ini" in own and 'name="accept"' not in own
    refused = clients["spbe"].post(f"{page}validasi/", {"accept": "1"}, follow=True)
    assert OWN_CHANGE in refused.content.decode()
    api = clients["spbe"].post(
        f"/api/v1/spbe/elements/{element.pk}/validation",
        {"accept": True},
        content_type="application/json",
    )
    assert api.status_code == 403 and OWN_CHANGE in api.json()["detail"]
    assert Element.objects.get(pk=element.pk).validation == "draf"

    reviu = login_client(reviewer)
    assert 'name="accept"' in reviu.get(page).content.decode()
    done = reviu.post(
        f"/api/v1/spbe/elements/{element.pk}/validation",
        {"accept": True},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["validation"] == "valid" and body["validated_by"] == "reviu"
    assert body["changed_by"] == "spbe" and body["validated_at"]
    shown = clients["spbe"].get(page).content.decode()
    assert "divalidasi oleh Reviewer Inspektorat" in shown
    listed = clients["spbe"].get("/api/v1/spbe/elements?q=APL.VAL").json()
    assert listed[0]["validated_by"] == "reviu" and listed[0]["changed_by"] == "spbe"

    sheet = load_workbook(
        io.BytesIO(clients["spbe"].get("/spbe/arsitektur/matriks.xlsx").content)
    ).active
    header = [c.value for c in sheet[1]]
    assert header[7:] == [
        "Status validasi",
        "Divalidasi oleh",
        "Tanggal validasi",
        "Diubah terakhir oleh",
    ]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "APL.VAL")
    validated_on = timezone.localtime(Element.objects.get(pk=element.pk).validated_at).date()
    assert row[7:10] == ("Tervalidasi", "Reviewer Inspektorat", validated_on.isoformat())
    assert row[10] == "Spbe"
