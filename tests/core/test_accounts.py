"""Login, lockout after repeated failures (audited), TOTP for administrators and supervisors."""

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from kendali.core.models import AuditEntry, User
from tests.conftest import PASSWORD


def post_login(client, username, password):
    return client.post("/masuk/", {"username": username, "password": password})


def test_login_and_role_home(users):
    client = Client()
    response = post_login(client, "calltaker", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "Penerima panggilan 112" in home.content.decode()
    assert AuditEntry.objects.filter(
        action="auth.login", object_id=str(users["calltaker"].pk)
    ).exists()


def test_wrong_password_message_is_generic(users):
    response = post_login(Client(), "calltaker", "salah-sekali")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah" in response.content.decode()
    unknown = post_login(Client(), "tidak-ada", "apa saja")
    assert "Nama pengguna atau kata sandi salah" in unknown.content.decode()


def test_five_wrong_passwords_lock_the_account_for_a_while(users):
    client = Client()
    for _ in range(5):
        post_login(client, "dispatcher", "bukan-kata-sandinya")
    user = User.objects.get(username="dispatcher")
    assert user.is_locked
    # Even the right password is refused while locked.
    response = post_login(client, "dispatcher", PASSWORD)
    assert response.status_code == 200
    assert "dikunci" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="auth.locked", object_id=str(user.pk)).count() == 1
    # After the lockout period the right password works and the counter resets.
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=16)):
        response = post_login(Client(), "dispatcher", PASSWORD)
        assert response.status_code == 302
    user.refresh_from_db()
    assert user.failed_login_count == 0 and user.locked_until is None


def test_supervisor_must_enrol_totp_before_anything(users):
    supervisor = users["supervisor"]
    User.objects.filter(pk=supervisor.pk).update(totp_secret="", totp_confirmed_at=None)
    client = Client()
    assert post_login(client, "supervisor", PASSWORD).status_code == 302
    page = client.get("/audit/")
    assert page.status_code == 302 and page["Location"].startswith("/dua-langkah/daftar/")
    api = client.get("/api/v1/audit")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    enrol = client.get("/dua-langkah/daftar/")
    assert enrol.status_code == 200 and b"<svg" in enrol.content  # QR code, rendered here
    secret = User.objects.get(pk=supervisor.pk).totp_secret
    bad = client.post("/dua-langkah/daftar/", {"code": "000000"})
    assert "tidak cocok" in bad.content.decode()
    good = client.post("/dua-langkah/daftar/", {"code": pyotp.TOTP(secret).now()})
    assert good.status_code == 302
    assert client.get("/audit/").status_code == 200


def test_enrolled_admin_verifies_code_and_code_cannot_be_replayed(users):
    admin = users["admin"]
    User.objects.filter(pk=admin.pk).update(totp_confirmed_at=timezone.now())
    code = pyotp.TOTP(admin.totp_secret).now()
    client = Client()
    post_login(client, "admin", PASSWORD)
    assert client.get("/token/")["Location"].startswith("/dua-langkah/")
    assert client.post("/dua-langkah/", {"code": code}).status_code == 302
    assert client.get("/token/").status_code == 200
    # The same code in another session is refused (one use per time step).
    other = Client()
    post_login(other, "admin", PASSWORD)
    replay = other.post("/dua-langkah/", {"code": code})
    assert replay.status_code == 200 and "sudah dipakai" in replay.content.decode()


def test_call_taker_needs_no_second_factor(users):
    client = Client()
    post_login(client, "calltaker", PASSWORD)
    assert client.get("/").status_code == 200


def test_logout_requires_post(users):
    client = Client()
    post_login(client, "viewer", PASSWORD)
    assert client.get("/keluar/").status_code == 405
    assert client.post("/keluar/").status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("language,text", [("id", "Beranda"), ("en", "Home")])
def test_language_switch(users, language, text):
    client = Client()
    post_login(client, "viewer", PASSWORD)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    assert text in client.get("/").content.decode()


def test_password_change(users):
    client = Client()
    post_login(client, "viewer", PASSWORD)
    wrong = client.post(
        "/kata-sandi/",
        {
            "old_password": "salah",
            "new_password": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
    )
    assert "Kata sandi lama salah" in wrong.content.decode()
    weak = client.post(
        "/kata-sandi/",
        {"old_password": PASSWORD, "new_password": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 200
    ok = client.post(
        "/kata-sandi/",
        {
            "old_password": PASSWORD,
            "new_password": "Baru-sekali-2026",
            "new_password2": "Baru-sekali-2026",
        },
    )
    assert ok.status_code == 302
    assert client.get("/").status_code == 200  # still logged in
    assert User.objects.get(username="viewer").check_password("Baru-sekali-2026")
    assert AuditEntry.objects.filter(action="user.password_change").count() == 1


def test_demo_logins_work_including_two_factor(db, roles):
    import io

    import pyotp
    from django.core.management import call_command

    from kendali.core.actors import Actor
    from kendali.core.demo import DEMO_PASSWORD, TWO_FACTOR_DEMO_SECRETS, seed_core

    credentials = seed_core(actor=Actor.system("demo"))
    assert {
        "admin",
        "supervisor",
        "penerima",
        "dispatcher",
        "damkar",
        "operator",
        "aset",
        "spbe",
    } <= {c[0] for c in credentials}
    out = io.StringIO()
    call_command("totp_code", "supervisor", stdout=out)
    code = out.getvalue().strip()
    assert code == pyotp.TOTP(TWO_FACTOR_DEMO_SECRETS["supervisor"]).now()
    client = Client()
    post_login(client, "supervisor", DEMO_PASSWORD)
    assert client.post("/dua-langkah/", {"code": code}).status_code == 302
    assert client.get("/audit/").status_code == 200
