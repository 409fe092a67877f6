"""Machine tokens (shown once, stored hashed, scoped, revocable, last use) and the audit log."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction

from kendali.core import services, tokens
from kendali.core.errors import NotAllowed
from kendali.core.models import AuditEntry, MachineToken


def test_token_is_stored_hashed_and_shown_once(actor_of, users):
    token, plain = services.token_create(
        actor=actor_of("admin"), name="PBX Serang", scopes=["telephony"]
    )
    assert plain.startswith("knd_")
    assert plain not in str(MachineToken.objects.filter(pk=token.pk).values().first())
    assert token.digest == tokens.digest(plain)
    assert AuditEntry.objects.filter(action="token.create", object_id=str(token.pk)).exists()


def test_wrong_role_cannot_create_tokens(actor_of, users):
    with pytest.raises(NotAllowed):
        services.token_create(actor=actor_of("calltaker"), name="x", scopes=["telephony"])


def test_bearer_token_auth_last_use_and_revocation(clients, actor_of, users):
    token, plain = services.token_create(
        actor=actor_of("admin"), name="integrasi", scopes=["integration"]
    )
    client = clients["anonymous"]
    ok = client.get(
        "/api/v1/agencies", HTTP_AUTHORIZATION=f"Bearer {plain}", REMOTE_ADDR="10.1.2.3"
    )
    assert ok.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_ip == "10.1.2.3"
    wrong_scope = client.get("/api/v1/audit", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert wrong_scope.status_code == 403
    assert wrong_scope["Content-Type"] == "application/problem+json"
    services.token_revoke(actor=actor_of("admin"), token_id=token.pk)
    revoked = client.get("/api/v1/agencies", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert revoked.status_code == 401
    assert revoked.json()["status"] == 401
    unknown = client.get("/api/v1/agencies", HTTP_AUTHORIZATION="Bearer knd_deadbeef_nope")
    assert unknown.status_code == 401


def test_bad_bearer_is_401_even_with_a_valid_session(clients):
    response = clients["admin"].get(
        "/api/v1/agencies", HTTP_AUTHORIZATION="Bearer knd_00000000_bad"
    )
    assert response.status_code == 401


def test_tokens_in_the_ui_show_secret_once(clients):
    response = clients["admin"].post(
        "/token/", {"name": "Sensor TMA Kasemen", "scopes": ["device"]}
    )
    body = response.content.decode()
    token = MachineToken.objects.get(name="Sensor TMA Kasemen")
    assert f"knd_{token.prefix}_" in body
    again = clients["admin"].get("/token/").content.decode()
    assert f"knd_{token.prefix}_" not in again  # only the prefix is listed afterwards
    assert f"knd_{token.prefix}…" in again


def test_operator_sees_only_own_tokens(clients, actor_of):
    services.token_create(actor=actor_of("admin"), name="punya-admin", scopes=["radius"])
    services.token_create(actor=actor_of("operator"), name="punya-operator", scopes=["device"])
    names = [t["name"] for t in clients["operator"].get("/api/v1/tokens").json()]
    assert names == ["punya-operator"]


def test_token_cli_create_list_revoke(db, roles):
    out = io.StringIO()
    call_command("kendali_token", "create", "Jembatan Asterisk", "--scope", "telephony", stdout=out)
    lines = out.getvalue().splitlines()
    plain = lines[-1]
    token = MachineToken.objects.get(name="Jembatan Asterisk")
    assert tokens.lookup(plain) == token
    out = io.StringIO()
    call_command("kendali_token", "list", stdout=out)
    assert "Jembatan Asterisk" in out.getvalue() and plain not in out.getvalue()
    call_command("kendali_token", "revoke", str(token.pk), stdout=io.StringIO())
    assert tokens.lookup(plain) is None


@pytest.mark.django_db(transaction=True)
def test_audit_log_is_append_only_in_the_database(roles):
    from kendali.core.actors import Actor
    from kendali.core.audit import audit_record

    entry = audit_record(actor=Actor.system("test"), action="uji", object_type="x", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="diubah")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "uji"


def test_audit_browse_and_filter(clients, actor_of):
    services.token_create(actor=actor_of("admin"), name="t1", scopes=["device"])
    page = clients["supervisor"].get("/audit/?action=token.create")
    assert page.status_code == 200 and "token.create" in page.content.decode()
    api = clients["supervisor"].get("/api/v1/audit?action=token.create").json()
    assert api and all(e["action"] == "token.create" for e in api)
    assert api[0]["changes"]["name"] == [None, "t1"]


def test_audit_cannot_be_edited_through_api(clients):
    for method in ("put", "patch", "delete"):
        response = getattr(clients["admin"], method)("/api/v1/audit")
        assert response.status_code == 405
        assert response["Content-Type"] == "application/problem+json"
