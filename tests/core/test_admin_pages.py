"""Agencies and users pages: administrators edit through services (audited); others read or are refused."""

from kendali.core.models import Agency, AgencyChannel, AuditEntry, User


def test_admin_creates_agency_and_channel(clients, agencies):
    response = clients["admin"].post(
        "/instansi/",
        {
            "code": "pdam",
            "short_name": "PDAM",
            "kind": "utility",
            "name": "Perumda Tirta Madani",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    agency = Agency.objects.get(code="pdam")
    clients["admin"].post("/instansi/pdam/kanal/", {"kind": "phone", "value": "0254-200124"})
    assert AgencyChannel.objects.filter(agency=agency, value="0254-200124").exists()
    assert AuditEntry.objects.filter(action="agency.create", object_id=str(agency.pk)).exists()
    assert AuditEntry.objects.filter(action="agency.channel_add").exists()
    page = clients["calltaker"].get("/instansi/").content.decode()
    assert "Perumda Tirta Madani" in page and "0254-200124" in page
    assert clients["calltaker"].post("/instansi/", {"code": "x"}).status_code == 403


def test_bad_coordinates_rejected_in_agency_form(clients, agencies):
    response = clients["admin"].post(
        "/instansi/",
        {"code": "x", "short_name": "X", "kind": "opd", "name": "X", "lat": "123"},
    )
    assert response.status_code == 200 and not Agency.objects.filter(code="x").exists()


def test_admin_creates_user_bound_to_agency(clients, agencies):
    missing_agency = clients["admin"].post(
        "/pengguna/",
        {
            "username": "petugas1",
            "full_name": "Petugas",
            "password": "sangat-rahasia-2026",
            "roles": ["agency_officer"],
        },
    )
    assert "terikat pada satu instansi" in missing_agency.content.decode()
    ok = clients["admin"].post(
        "/pengguna/",
        {
            "username": "petugas1",
            "full_name": "Petugas",
            "roles": ["agency_officer"],
            "password": "sangat-rahasia-2026",
            "agency": agencies["bpbd"].pk,
        },
    )
    assert ok.status_code == 302
    user = User.objects.get(username="petugas1")
    assert user.roles == {"agency_officer"} and user.agency == agencies["bpbd"]
    weak = clients["admin"].post(
        "/pengguna/",
        {
            "username": "lemah",
            "full_name": "L",
            "roles": ["control_room_viewer"],
            "password": "12345",
        },
    )
    assert not User.objects.filter(username="lemah").exists() and weak.status_code == 200


def test_admin_unlocks_and_deactivates(clients, users):
    from django.utils import timezone

    target = users["dispatcher"]
    User.objects.filter(pk=target.pk).update(
        locked_until=timezone.now() + timezone.timedelta(minutes=10), failed_login_count=5
    )
    clients["admin"].post(f"/pengguna/{target.pk}/aksi/", {"action": "unlock"})
    target.refresh_from_db()
    assert not target.is_locked and target.failed_login_count == 0
    clients["admin"].post(f"/pengguna/{target.pk}/aksi/", {"action": "deactivate"})
    target.refresh_from_db()
    assert target.is_active is False
    assert AuditEntry.objects.filter(action="user.update", object_id=str(target.pk)).exists()
    own = clients["admin"].post(
        f"/pengguna/{users['admin'].pk}/aksi/", {"action": "deactivate"}, follow=True
    )
    assert "sendiri" in own.content.decode()


def test_home_shows_the_tiles_the_role_may_see(clients):
    from kendali.core import registry

    registry.register_tile(
        registry.KpiTile(
            "uji_rahasia",
            "Angka rahasia",
            "tests.core.test_admin_pages.secret_tile",
            perm="core.view_audit",
        )
    )
    registry.register_tile(
        registry.KpiTile(
            "uji_rusak",
            "Ubin rusak",
            "tests.core.test_admin_pages.broken_tile",
            perm="core.view_agency",
        )
    )
    try:
        supervisor = clients["supervisor"].get("/").content.decode()
        assert "Angka rahasia" in supervisor and "42" in supervisor
        assert (
            "Ubin rusak" in supervisor
        )  # a failing tile is shown as unavailable, the page still works
        calltaker = clients["calltaker"].get("/").content.decode()
        assert "Angka rahasia" not in calltaker
    finally:
        registry._tiles.pop("uji_rahasia", None)
        registry._tiles.pop("uji_rusak", None)


def secret_tile(*, actor):
    return {"value": 42, "detail": "uji", "level": "ok"}


def broken_tile(*, actor):
    raise RuntimeError("sumber data mati")


def test_an_administrator_opens_the_data_administration_in_indonesian(users, actor_of):
    from kendali.core import services
    from kendali.core.choices import Role
    from tests.conftest import PASSWORD, login_client

    created = services.user_create(
        actor=actor_of("admin"),
        username="admin2",
        password=PASSWORD,
        roles=[Role.ADMINISTRATOR],
        full_name="Admin Kedua",
    )
    assert created.is_staff
    other = services.user_create(
        actor=actor_of("admin"),
        username="penerima9",
        password=PASSWORD,
        roles=[Role.CALL_TAKER],
        full_name="Penerima",
    )
    assert not other.is_staff
    created.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    created.save()
    page = login_client(created).get("/admin/", HTTP_ACCEPT_LANGUAGE="id")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Administrasi data Kendali" in text and "Django" not in text.split("<body")[1]


def test_agency_coordinates_keep_their_wire_names(clients, agencies):
    clients["admin"].post(
        "/instansi/",
        {
            "code": "pdam",
            "short_name": "PDAM",
            "kind": "utility",
            "name": "Perumda Tirta Madani",
            "lat": "-6.1201",
            "lon": "106.1502",
            "is_active": "on",
        },
    )
    assert (Agency.objects.get(code="pdam").lat, Agency.objects.get(code="pdam").lon) == (
        -6.1201,
        106.1502,
    )
    listed = {a["code"]: a for a in clients["supervisor"].get("/api/v1/agencies").json()}
    assert (listed["pdam"]["latitude"], listed["pdam"]["longitude"]) == (-6.1201, 106.1502)
    assert "lat" not in listed["pdam"]
